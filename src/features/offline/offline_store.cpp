// Offline messages over storage.
#include "features/offline/offline_store.hpp"

#include <chrono>

namespace tern::features::offline {

boost::asio::awaitable<bool> OfflineStore::store(xmpp::Jid account, std::string stanza,
                                                 std::size_t quota) {
  return db_.run([this, account = std::move(account), stanza = std::move(stanza),
                  quota](storage::Connection& connection) {
    auto writing = empty_.write(account.bare_string());
    auto write = [&](storage::Connection& in) {
      auto waiting = in.query("SELECT COUNT(*) FROM offline_messages WHERE domain = ? AND username = ?",
                              {account.domainpart(), account.localpart()});
      if (static_cast<std::size_t>(waiting.front().integer(0)) >= quota) return false;
      std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
      in.execute("INSERT INTO offline_messages (domain, username, stored_at, stanza) VALUES (?, ?, ?, ?)",
                 {account.domainpart(), account.localpart(), now, stanza});
      return true;
    };
    return storage::Database::in_transaction(connection, write);
  });
}

boost::asio::awaitable<std::vector<StoredMessage>> OfflineStore::take(xmpp::Jid account) {
  auto key = account.bare_string();
  if (empty_.contains(key)) co_return std::vector<StoredMessage>();
  auto generation = empty_.generation(key);
  // Started outside the co_await: GCC 12 miscompiles a capturing lambda inside one.
  auto taking = db_.run([this, account = std::move(account), key = std::move(key),
                         generation](storage::Connection& connection) mutable {
    std::vector<StoredMessage> messages;
    // Most first logins find nothing waiting either: that takes one read and no transaction.
    if (!connection.query("SELECT 1 FROM offline_messages WHERE domain = ? AND username = ? LIMIT 1",
                          {account.domainpart(), account.localpart()}).empty()) {
      auto take_all = [&account](storage::Connection& in) { return take_in(in, account); };
      messages = storage::Database::in_transaction(connection, take_all);
    }
    empty_.found_empty(std::move(key), generation);  // taken, there are none left
    return messages;
  });
  co_return co_await std::move(taking);
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
