// Offline messages over storage.
#include "features/offline/offline_store.hpp"

#include <chrono>

namespace tern::features::offline {

boost::asio::awaitable<bool> OfflineStore::store(xmpp::Jid account, std::string stanza,
                                                 std::size_t quota) {
  return db_.transact([account = std::move(account), stanza = std::move(stanza),
                       quota](storage::Connection& connection) {
    auto waiting = connection.query(
        "SELECT COUNT(*) FROM offline_messages WHERE domain = ? AND username = ?",
        {account.domainpart(), account.localpart()});
    if (static_cast<std::size_t>(waiting.front().integer(0)) >= quota) return false;
    std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
    connection.execute(
        "INSERT INTO offline_messages (domain, username, stored_at, stanza) VALUES (?, ?, ?, ?)",
        {account.domainpart(), account.localpart(), now, stanza});
    return true;
  });
}

boost::asio::awaitable<std::vector<StoredMessage>> OfflineStore::take(xmpp::Jid account) {
  return db_.run([account = std::move(account)](storage::Connection& connection) {
    // Most logins find nothing waiting: that takes one read and no transaction.
    if (connection.query("SELECT 1 FROM offline_messages WHERE domain = ? AND username = ? LIMIT 1",
                         {account.domainpart(), account.localpart()}).empty()) {
      return std::vector<StoredMessage>();
    }
    auto take_all = [&account](storage::Connection& in) { return take_in(in, account); };
    return storage::Database::in_transaction(connection, take_all);
  });
}

std::vector<StoredMessage> OfflineStore::take_in(storage::Connection& connection,
                                                 const xmpp::Jid& account) {
  std::vector<StoredMessage> messages;
  std::int64_t last_id = 0;
  for (const auto& row : connection.query(
           "SELECT id, stored_at, stanza FROM offline_messages WHERE domain = ? AND username = ?"
           " ORDER BY id",
           {account.domainpart(), account.localpart()})) {
    last_id = row.integer(0);
    messages.push_back({row.integer(1), row.text(2)});
  }
  if (!messages.empty()) {
    connection.execute("DELETE FROM offline_messages WHERE domain = ? AND username = ? AND id <= ?",
                       {account.domainpart(), account.localpart(), last_id});
  }
  return messages;
}

}  // namespace tern::features::offline
