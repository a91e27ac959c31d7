// Last activity over storage.
#include "features/last/last_activity_store.hpp"

namespace tern::features::last {

boost::asio::awaitable<void> LastActivityStore::save(xmpp::Jid account, LastActivity activity) {
  // One statement (REPLACE is an atomic delete-and-insert in SQLite and MySQL alike), so every
  // logout writes without a transaction of its own; not for an account deleted while its
  // sessions were still ending.
  return db_.run([account = std::move(account), activity = std::move(activity)](storage::Connection& connection) {
    connection.execute(
        "REPLACE INTO last_activity (domain, username, logged_out_at, status)"
        " SELECT domain, username, ?, ? FROM accounts WHERE domain = ? AND username = ?",
        {activity.logged_out_at, activity.status, account.domainpart(), account.localpart()});
  });
}

boost::asio::awaitable<std::optional<LastActivity>> LastActivityStore::load(xmpp::Jid account) {
  return db_.run([account = std::move(account)](
                     storage::Connection& connection) -> std::optional<LastActivity> {
    auto rows = connection.query(
        "SELECT logged_out_at, status FROM last_activity WHERE domain = ? AND username = ?",
        {account.domainpart(), account.localpart()});
    if (rows.empty()) return std::nullopt;
    return LastActivity{rows.front().integer(0), rows.front().text(1)};
  });
}

}  // namespace tern::features::last
