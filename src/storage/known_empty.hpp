// Keys under which a store looked and found nothing, so that the next look can be skipped. A
// login asks for several kinds of data that most accounts never have (privacy lists, pending
// subscription requests, offline messages, a vCard), and each question is a round trip to a
// storage thread; the answer "nothing" is worth remembering.
//
// Sound only for data that this server alone writes: every write holds a Write from before its
// transaction begins until after it commits, and a read is kept only if no write of a key near
// its own began while it ran. A write by another process (the command line deletes, which only
// makes "nothing" truer) or another node would have to be announced the same way.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>

namespace tern::storage {

class KnownEmpty {
public:
  // Beyond `capacity` keys all are forgotten: the next reads find out again.
  explicit KnownEmpty(std::size_t capacity = 65536) : capacity_(capacity) {}

  bool contains(const std::string& key) const;

  // Taken before a read of `key`: found_empty() keeps the key only if no write near it began
  // since. Writes are told apart by a hash of their keys, so a busy key does not stop every other
  // read from being kept.
  std::uint64_t generation(const std::string& key) const;
  void found_empty(std::string key, std::uint64_t generation);

  // Held across a write: the key is forgotten when the write begins and again once it is over,
  // and reads that overlapped it are not kept.
  class Write {
  public:
    Write(KnownEmpty& known, std::string key) : known_(known), key_(std::move(key)) { known_.forget(key_); }
    ~Write() { known_.forget(key_); }
    Write(const Write&) = delete;
    Write& operator=(const Write&) = delete;

  private:
    KnownEmpty& known_;
    std::string key_;
  };
  [[nodiscard]] Write write(std::string key) { return Write(*this, std::move(key)); }

private:
  void forget(const std::string& key);
  std::size_t shard(const std::string& key) const;

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> keys_;
  std::array<std::uint64_t, 64> generations_{};
};

}  // namespace tern::storage
