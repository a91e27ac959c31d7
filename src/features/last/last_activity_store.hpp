// When each account last went offline, and the status it left with (XEP-0012 §4).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.hpp"
#include "xmpp/jid.hpp"

namespace tern::features::last {

struct LastActivity {
  std::int64_t logged_out_at;  // seconds since the epoch
  std::string status;
};

class LastActivityStore {
public:
  explicit LastActivityStore(storage::Database& db) : db_(db) {}
  boost::asio::awaitable<void> save(xmpp::Jid account, LastActivity activity);
  boost::asio::awaitable<std::optional<LastActivity>> load(xmpp::Jid account);

private:
  storage::Database& db_;
};

}  // namespace tern::features::last
