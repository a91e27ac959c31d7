// XEP-0153 on the server's side: the photo hash of each account with an available resource, so
// that stamping a presence never reads storage, and which of its resources broadcast a presence
// that carries the hash the server added (they are sent again when the hash changes). An entry
// is loaded on the first presence that needs it and dropped with the account's last available
// resource or the account itself. Safe to use from any thread.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "xmpp/jid.hpp"

namespace tern::features::vcard {

class AvatarHashes {
public:
  // The account's hash, when it is cached.
  std::optional<std::string> find(const xmpp::Jid& account) const;
  // Counts the vCard changes (changed()), so that a hash read from storage is cached only when
  // nothing changed while it was being read.
  std::uint64_t changes() const;
  // Caches `hash`, read from storage when changes() was `seen`; returns the cached hash (an
  // entry already there wins), or nothing when a vCard changed meanwhile.
  std::optional<std::string> cache(const xmpp::Jid& account, std::string hash, std::uint64_t seen);
  // The presence `resource` now broadcasts carries the server's <x/> (or the client's own).
  void stamped(const xmpp::Jid& resource, bool by_server);
  // The account's vCard now has this hash; when it differs from the cached one, the resources
  // whose presence carries the server's <x/> with the old hash.
  std::vector<xmpp::Jid> changed(const xmpp::Jid& account, const std::string& hash);
  // `resource` became unavailable; with `account_offline` (no available resource left) the
  // account's entry goes too.
  void unavailable(const xmpp::Jid& resource, bool account_offline);
  void forget(const xmpp::Jid& account);

private:
  struct Entry {
    std::string hash;
    std::vector<xmpp::Jid> stamped;  // full JIDs
  };
  mutable std::mutex mutex_;
  std::unordered_map<xmpp::Jid, Entry> accounts_;  // by bare JID
  std::uint64_t changes_ = 0;
};

}  // namespace tern::features::vcard
