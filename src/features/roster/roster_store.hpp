// Rosters, subscription states and pending subscription requests over storage. Every change of
// one account's roster runs in one transaction under that account's lock, so concurrent
// subscription stanzas (from several resources, or both directions at once) never lose an update.
#pragma once
#include <array>
#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "features/roster/roster_item.hpp"
#include "storage/database.hpp"

namespace tern::features::roster {

class RosterStore {
public:
  explicit RosterStore(storage::Database& db) : db_(db) {}

  struct Roster {
    std::vector<RosterItem> items;
    std::string version;
  };
  boost::asio::awaitable<Roster> load(xmpp::Jid account);
  boost::asio::awaitable<std::string> version(xmpp::Jid account);

  // Adds the item or replaces its name and groups; its subscription state is kept.
  struct Change {
    RosterItem item;
    std::string version;
  };
  enum class SetFailure { roster_full };
  boost::asio::awaitable<std::variant<Change, SetFailure>> set_item(xmpp::Jid account,
                                                                    RosterItem item,
                                                                    std::size_t max_items);

  // Removes the item and any pending request of that contact; nullopt when it was not there.
  struct Removal {
    SubscriptionState state;  // what it was, pending_in included
    std::string version;
  };
  boost::asio::awaitable<std::optional<Removal>> remove_item(xmpp::Jid account, xmpp::Jid contact);

  // Applies one subscription stanza (Appendix A). An inbound subscribe that leaves the request
  // pending is kept as `request` (serialized), replacing an earlier one of the same contact.
  struct Transition {
    SubscriptionState before;
    SubscriptionState after;
    std::optional<RosterItem> pushed;  // set when the item as clients see it changed
    std::string version;               // the new roster version, with `pushed`
  };
  boost::asio::awaitable<Transition> apply(xmpp::Jid account, xmpp::Jid contact, bool inbound,
                                           SubscriptionType type, std::string request);

  boost::asio::awaitable<std::optional<SubscriptionState>> state(xmpp::Jid account, xmpp::Jid contact);
  // The stored subscription requests, serialized, oldest first.
  boost::asio::awaitable<std::vector<std::string>> pending_requests(xmpp::Jid account);

  // Bulk import (`tern user import`), inside the caller's transaction: the items of an account
  // that has no roster yet, and a first roster version.
  static void insert_in(storage::Connection& connection, const xmpp::Jid& account,
                        const std::vector<RosterItem>& items);

private:
  // f(connection) in a transaction that holds the account's lock until after COMMIT.
  template <typename F>
  auto transact_locked(const xmpp::Jid& account, F f) {
    return db_.run([mutex = &lock_for(account), f = std::move(f)](storage::Connection& connection) mutable {
      std::lock_guard lock(*mutex);
      return storage::Database::in_transaction(connection, f);
    });
  }
  std::mutex& lock_for(const xmpp::Jid& account);
  storage::Database& db_;
  std::array<std::mutex, 64> account_locks_;
};

}  // namespace tern::features::roster
