// Keys known to hold nothing.
#include "storage/known_empty.hpp"

#include <functional>

namespace tern::storage {

bool KnownEmpty::contains(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return keys_.contains(key);
}

std::uint64_t KnownEmpty::generation(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return generations_[shard(key)];
}

void KnownEmpty::found_empty(std::string key, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generations_[shard(key)] != generation) return;
  if (keys_.size() >= capacity_) keys_.clear();
  keys_.insert(std::move(key));
}

void KnownEmpty::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  ++generations_[shard(key)];
  keys_.erase(key);
}

std::size_t KnownEmpty::shard(const std::string& key) const {
  return std::hash<std::string>{}(key) % generations_.size();
}

}  // namespace tern::storage
