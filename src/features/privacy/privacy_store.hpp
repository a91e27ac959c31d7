// An account's privacy lists and which one is its default, over storage. Every change is a
// read-modify-write of the whole settings in one transaction, under that account's lock, so
// concurrent changes from several resources never lose one another. Most accounts have no lists:
// one found without any is known to have none until a change.
#pragma once
#include <array>
#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "features/privacy/privacy_list.hpp"
#include "storage/database.hpp"
#include "storage/known_empty.hpp"
#include "xmpp/jid.hpp"

namespace tern::features::privacy {

struct PrivacySettings {
  std::vector<PrivacyList> lists;  // by name
  std::optional<std::string> default_list;

  const PrivacyList* find(std::string_view name) const;
  PrivacyList* find(std::string_view name);
  const PrivacyList* default_or_null() const { return default_list ? find(*default_list) : nullptr; }
  void put(PrivacyList list);  // adds or replaces by name
  void remove(std::string_view name);
};

class PrivacyStore {
public:
  explicit PrivacyStore(storage::Database& db) : db_(db) {}

  static PrivacySettings load_in(storage::Connection& connection, const xmpp::Jid& account);

  // On a storage thread, holding the account's lock: edit(settings) changes the settings in
  // memory, or refuses with an error and leaves them as they were; what it changed is written
  // and committed; then published(settings, error, connection) runs, still under the lock, so
  // that what others see follows the order of commits.
  template <typename Edit, typename Published>
  auto modify(xmpp::Jid account, Edit edit, Published published) {
    return db_.run([this, account = std::move(account), edit = std::move(edit),
                    published = std::move(published)](storage::Connection& connection) mutable {
      std::lock_guard lock(lock_for(account));
      auto writing = empty_.write(account.bare_string());
      PrivacySettings after;
      auto write = [&](storage::Connection& in) {
        auto before = load_in(in, account);
        after = before;
        std::optional<xmpp::StanzaError> error = edit(after);
        if (!error) save_in(in, account, before, after);
        return error;
      };
      auto error = storage::Database::in_transaction(connection, write);
      published(after, error, connection);
      return error;
    });
  }

  // Reads under the account's lock and publishes before it is released (a change committed in
  // the meantime publishes after this).
  template <typename Published>
  auto read(xmpp::Jid account, Published published) {
    auto key = account.bare_string();
    auto generation = empty_.generation(key);
    return db_.run([this, account = std::move(account), key = std::move(key), generation,
                    published = std::move(published)](storage::Connection& connection) mutable {
      std::lock_guard lock(lock_for(account));
      auto settings = load_in(connection, account);
      if (settings.lists.empty() && !settings.default_list) empty_.found_empty(std::move(key), generation);
      return published(settings, connection);
    });
  }
  // Known to have no lists, without a read.
  bool has_none(const xmpp::Jid& account) const { return empty_.contains(account.bare_string()); }

  std::mutex& lock_for(const xmpp::Jid& account);

private:
  static void save_in(storage::Connection& connection, const xmpp::Jid& account,
                      const PrivacySettings& before, const PrivacySettings& after);
  storage::Database& db_;
  std::array<std::mutex, 64> account_locks_;
  storage::KnownEmpty empty_;
};

}  // namespace tern::features::privacy
