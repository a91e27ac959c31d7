// Accounts and their SCRAM credentials over storage.
#include "features/accounts/account_store.hpp"

#include <ctime>

#include "xmpp/negotiation/base64.hpp"

namespace tern::features::accounts {

using xmpp::sasl::ScramCredentials;
using xmpp::sasl::ScramHash;

boost::asio::awaitable<std::optional<ScramCredentials>> AccountStore::credentials(
    xmpp::Jid account, ScramHash hash) {
  return db_.run([account = std::move(account), hash](storage::Connection& connection)
                     -> std::optional<ScramCredentials> {
    auto rows = connection.query(
        "SELECT salt, iterations, stored_key, server_key FROM account_credentials"
        " WHERE domain = ? AND username = ? AND mechanism = ?",
        {account.domainpart(), account.localpart(),
         std::string(xmpp::sasl::mechanism_name(hash))});
    if (rows.empty()) return std::nullopt;
    const auto& row = rows.front();
    auto salt = xmpp::sasl::base64_decode(row.text(0));
    auto stored_key = xmpp::sasl::base64_decode(row.text(2));
    auto server_key = xmpp::sasl::base64_decode(row.text(3));
    if (!salt || !stored_key || !server_key) {
      throw storage::DatabaseError("corrupt SCRAM credentials for " + account.bare_string());
    }
    return ScramCredentials{hash, *salt, static_cast<int>(row.integer(1)), *stored_key, *server_key};
  });
}

boost::asio::awaitable<bool> AccountStore::exists(xmpp::Jid account) {
  return db_.run([account = std::move(account)](storage::Connection& connection) {
    return !connection
                .query("SELECT 1 FROM accounts WHERE domain = ? AND username = ?",
                       {account.domainpart(), account.localpart()})
                .empty();
  });
}

std::vector<ScramCredentials> AccountStore::derive_credentials(std::string_view password) const {
  return {xmpp::sasl::new_scram_credentials(ScramHash::sha1, password, iterations_),
          xmpp::sasl::new_scram_credentials(ScramHash::sha256, password, iterations_)};
}

void AccountStore::insert_credentials(storage::Connection& connection, const xmpp::Jid& account,
                                      const std::vector<ScramCredentials>& credentials) {
  for (const auto& each : credentials) {
    connection.execute(
        "INSERT INTO account_credentials (domain, username, mechanism, salt, iterations,"
        " stored_key, server_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {account.domainpart(), account.localpart(), std::string(xmpp::sasl::mechanism_name(each.hash)),
         xmpp::sasl::base64_encode(each.salt), std::int64_t{each.iterations},
         xmpp::sasl::base64_encode(each.stored_key), xmpp::sasl::base64_encode(each.server_key)});
  }
}

void AccountStore::store_credentials(storage::Connection& connection, const xmpp::Jid& account,
                                     std::string_view password) {
  auto credentials = derive_credentials(password);
  connection.execute("DELETE FROM account_credentials WHERE domain = ? AND username = ?",
                     {account.domainpart(), account.localpart()});
  insert_credentials(connection, account, credentials);
}

bool AccountStore::create_in(storage::Connection& connection, const xmpp::Jid& account,
                             std::string_view password) {
  return insert_in(connection, account, derive_credentials(password));
}

bool AccountStore::insert_in(storage::Connection& connection, const xmpp::Jid& account,
                             const std::vector<ScramCredentials>& credentials) {
  if (!connection.query("SELECT 1 FROM accounts WHERE domain = ? AND username = ?",
                        {account.domainpart(), account.localpart()}).empty()) {
    return false;
  }
  connection.execute("INSERT INTO accounts (domain, username, created_at) VALUES (?, ?, ?)",
                     {account.domainpart(), account.localpart(), std::int64_t{std::time(nullptr)}});
  insert_credentials(connection, account, credentials);
  return true;
}

bool AccountStore::set_password_in(storage::Connection& connection, const xmpp::Jid& account,
                                   std::string_view password) {
  if (connection.query("SELECT 1 FROM accounts WHERE domain = ? AND username = ?",
                       {account.domainpart(), account.localpart()}).empty()) {
    return false;
  }
  store_credentials(connection, account, password);
  return true;
}

// Everything an account owns goes with it: every table refers to accounts ON DELETE CASCADE.
bool AccountStore::remove_in(storage::Connection& connection, const xmpp::Jid& account) {
  return connection.execute("DELETE FROM accounts WHERE domain = ? AND username = ?",
                            {account.domainpart(), account.localpart()}) > 0;
}

bool AccountStore::create(const xmpp::Jid& account, std::string_view password) {
  return db_.transact_blocking([&](storage::Connection& c) { return create_in(c, account, password); });
}

bool AccountStore::set_password(const xmpp::Jid& account, std::string_view password) {
  return db_.transact_blocking([&](storage::Connection& c) { return set_password_in(c, account, password); });
}

bool AccountStore::remove(const xmpp::Jid& account) {
  return db_.transact_blocking([&](storage::Connection& c) { return remove_in(c, account); });
}

boost::asio::awaitable<bool> AccountStore::register_account(xmpp::Jid account, std::string password) {
  return db_.transact([this, account = std::move(account), password = std::move(password)](
                          storage::Connection& c) { return create_in(c, account, password); });
}

boost::asio::awaitable<bool> AccountStore::change_password(xmpp::Jid account, std::string password) {
  return db_.transact([this, account = std::move(account), password = std::move(password)](
                          storage::Connection& c) { return set_password_in(c, account, password); });
}

boost::asio::awaitable<bool> AccountStore::delete_account(xmpp::Jid account) {
  return db_.transact([account = std::move(account)](storage::Connection& c) {
    return remove_in(c, account);
  });
}

std::vector<xmpp::Jid> AccountStore::list(const std::string& domain) {
  return db_.run_blocking([&](storage::Connection& connection) {
    std::vector<xmpp::Jid> accounts;
    for (const auto& row : connection.query(
             "SELECT username FROM accounts WHERE domain = ? ORDER BY username", {domain})) {
      if (auto jid = xmpp::Jid::make(row.text(0), domain)) accounts.push_back(*jid);
    }
    return accounts;
  });
}

}  // namespace tern::features::accounts
