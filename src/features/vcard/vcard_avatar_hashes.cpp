// The photo hashes of online accounts.
#include "features/vcard/vcard_avatar_hashes.hpp"

#include <algorithm>

namespace tern::features::vcard {

std::optional<std::string> AvatarHashes::find(const xmpp::Jid& account) const {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(account);
  if (found == accounts_.end()) return std::nullopt;
  return found->second.hash;
}

std::uint64_t AvatarHashes::changes() const {
  std::lock_guard lock(mutex_);
  return changes_;
}

std::optional<std::string> AvatarHashes::cache(const xmpp::Jid& account, std::string hash,
                                               std::uint64_t seen) {
  std::lock_guard lock(mutex_);
  if (auto found = accounts_.find(account); found != accounts_.end()) return found->second.hash;
  if (changes_ != seen) return std::nullopt;
  return accounts_.emplace(account, Entry{std::move(hash), {}}).first->second.hash;
}

void AvatarHashes::stamped(const xmpp::Jid& resource, bool by_server) {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(resource.bare());
  if (found == accounts_.end()) return;
  auto& stamped = found->second.stamped;
  bool listed = std::find(stamped.begin(), stamped.end(), resource) != stamped.end();
  if (by_server && !listed) stamped.push_back(resource);
  if (!by_server && listed) std::erase(stamped, resource);
}

std::vector<xmpp::Jid> AvatarHashes::changed(const xmpp::Jid& account, const std::string& hash) {
  std::lock_guard lock(mutex_);
  ++changes_;
  auto found = accounts_.find(account);
  if (found == accounts_.end() || found->second.hash == hash) return {};
  found->second.hash = hash;
  return found->second.stamped;
}

void AvatarHashes::unavailable(const xmpp::Jid& resource, bool account_offline) {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(resource.bare());
  if (found == accounts_.end()) return;
  std::erase(found->second.stamped, resource);
  // A resource stamped meanwhile is about to become available: its entry stays.
  if (account_offline && found->second.stamped.empty()) accounts_.erase(found);
}

void AvatarHashes::forget(const xmpp::Jid& account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account);
}

}  // namespace tern::features::vcard
