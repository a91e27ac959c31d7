// Messages kept for accounts while they are offline (XEP-0160), oldest first, with the time they
// arrived.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/known_empty.hpp"
#include "xmpp/jid.hpp"

namespace tern::features::offline {

struct StoredMessage {
  std::int64_t stored_at;  // seconds since the epoch
  std::string stanza;      // serialized in jabber:client
};

class OfflineStore {
public:
  explicit OfflineStore(storage::Database& db) : db_(db) {}
  // False when the account already has `quota` messages waiting.
  boost::asio::awaitable<bool> store(xmpp::Jid account, std::string stanza, std::size_t quota);
  // Every waiting message, removed from storage. Most logins find none: an account found with
  // none is not asked about again until a message is stored for it.
  boost::asio::awaitable<std::vector<StoredMessage>> take(xmpp::Jid account);

private:
  static std::vector<StoredMessage> take_in(storage::Connection& connection, const xmpp::Jid& account);
  storage::Database& db_;
  storage::KnownEmpty empty_;
};

}  // namespace tern::features::offline
