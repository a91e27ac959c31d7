// Accounts and their SCRAM credentials (RFC 5802 / RFC 7677) over storage: what SASL checks
// against, what routing asks about, and what `tern user ...` manages. Passwords are never stored.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "xmpp/accounts.hpp"

namespace tern::features::accounts {

class AccountStore final : public xmpp::Accounts {
public:
  static constexpr int default_iterations = 4096;  // RFC 7677 §4: at least 4096

  explicit AccountStore(storage::Database& db, int iterations = default_iterations)
      : db_(db), iterations_(iterations) {}

  boost::asio::awaitable<std::optional<xmpp::sasl::ScramCredentials>> credentials(
      xmpp::Jid account, xmpp::sasl::ScramHash hash) override;
  boost::asio::awaitable<bool> exists(xmpp::Jid account) override;

  // Blocking, for the command line (it runs no io_context). `account` is a bare JID.
  // Throws std::invalid_argument when the password is unusable (empty, not valid for SASLprep).
  bool create(const xmpp::Jid& account, std::string_view password);        // false: exists
  bool set_password(const xmpp::Jid& account, std::string_view password);  // false: no account
  bool remove(const xmpp::Jid& account);                                   // false: no account
  std::vector<xmpp::Jid> list(const std::string& domain);

  // Bulk import (`tern user import`): the credentials for every hash SASL offers, derived from
  // a password (PBKDF2: the costly part, so callers may run it on several threads), and an
  // account inserted with them inside the caller's transaction (false: it exists).
  std::vector<xmpp::sasl::ScramCredentials> derive_credentials(std::string_view password) const;
  static bool insert_in(storage::Connection& connection, const xmpp::Jid& account,
                        const std::vector<xmpp::sasl::ScramCredentials>& credentials);

  // The same for the running server, on the storage threads (PBKDF2 included).
  boost::asio::awaitable<bool> register_account(xmpp::Jid account, std::string password);
  boost::asio::awaitable<bool> change_password(xmpp::Jid account, std::string password);
  boost::asio::awaitable<bool> delete_account(xmpp::Jid account);

private:
  bool create_in(storage::Connection& connection, const xmpp::Jid& account, std::string_view password);
  bool set_password_in(storage::Connection& connection, const xmpp::Jid& account,
                       std::string_view password);
  static bool remove_in(storage::Connection& connection, const xmpp::Jid& account);
  void store_credentials(storage::Connection& connection, const xmpp::Jid& account,
                         std::string_view password);
  static void insert_credentials(storage::Connection& connection, const xmpp::Jid& account,
                                 const std::vector<xmpp::sasl::ScramCredentials>& credentials);
  storage::Database& db_;
  int iterations_;
};

}  // namespace tern::features::accounts
