// vCards over storage.
#include "features/vcard/vcard_store.hpp"

#include <limits>

#include "xml/parse_element.hpp"

namespace tern::features::vcard {

boost::asio::awaitable<std::optional<xml::Element>> VCardStore::load(xmpp::Jid account) {
  auto key = account.bare_string();
  if (empty_.contains(key)) co_return std::nullopt;
  auto generation = empty_.generation(key);
  // Started outside the co_await: GCC 12 miscompiles a capturing lambda inside one.
  auto reading = db_.run([this, account = std::move(account), key = std::move(key), generation](
                             storage::Connection& connection) mutable -> std::optional<std::string> {
    auto rows = connection.query("SELECT vcard FROM vcards WHERE domain = ? AND username = ?",
                                 {account.domainpart(), account.localpart()});
    if (rows.empty()) {
      empty_.found_empty(std::move(key), generation);
      return std::nullopt;
    }
    return rows.front().text(0);
  });
  auto text = co_await std::move(reading);
  if (!text) co_return std::nullopt;
  // Written by the server after it passed the stream's limits: only its own size bounds it.
  xml::ParserLimits limits{.max_element_bytes = text->size() + 64,
                           .max_depth = std::numeric_limits<std::size_t>::max(),
                           .max_attributes = std::numeric_limits<std::size_t>::max()};
  co_return xml::parse_element(*text, {}, limits);
}

boost::asio::awaitable<std::string> VCardStore::photo_hash(xmpp::Jid account) {
  auto key = account.bare_string();
  if (empty_.contains(key)) co_return std::string();
  auto generation = empty_.generation(key);
  auto reading = db_.run([this, account = std::move(account), key = std::move(key),
                          generation](storage::Connection& connection) mutable -> std::string {
    auto rows = connection.query("SELECT photo_hash FROM vcards WHERE domain = ? AND username = ?",
                                 {account.domainpart(), account.localpart()});
    if (rows.empty()) {
      empty_.found_empty(std::move(key), generation);
      return std::string();
    }
    return rows.front().text(0);
  });
  co_return co_await std::move(reading);
}

boost::asio::awaitable<void> VCardStore::save(xmpp::Jid account, std::string vcard,
                                              std::string photo_hash) {
  return db_.run([this, account = std::move(account), vcard = std::move(vcard),
                  photo_hash = std::move(photo_hash)](storage::Connection& connection) {
    auto writing = empty_.write(account.bare_string());
    auto replace = [&](storage::Connection& in) {
      in.execute("DELETE FROM vcards WHERE domain = ? AND username = ?",
                 {account.domainpart(), account.localpart()});
      // Not for an account deleted while its session was still setting its vCard.
      in.execute("INSERT INTO vcards (domain, username, vcard, photo_hash)"
                 " SELECT domain, username, ?, ? FROM accounts WHERE domain = ? AND username = ?",
                 {vcard, photo_hash, account.domainpart(), account.localpart()});
    };
    storage::Database::in_transaction(connection, replace);
  });
}

boost::asio::awaitable<void> VCardStore::remove(xmpp::Jid account) {
  return db_.run([account = std::move(account)](storage::Connection& connection) {
    connection.execute("DELETE FROM vcards WHERE domain = ? AND username = ?",
                       {account.domainpart(), account.localpart()});
  });
}

}  // namespace tern::features::vcard
