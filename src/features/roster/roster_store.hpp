// Rosters, subscription states and pending subscription requests over storage. Every change of
// one account's roster runs in one transaction under that account's lock, so concurrent
// subscription stanzas (from several resources, or both directions at once) never lose an update.
#pragma once
#include <array>
#include <functional>
#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "features/roster/recent_rosters.hpp"
#include "features/roster/roster_item.hpp"
#include "storage/database.hpp"
#include "storage/known_empty.hpp"

namespace tern::features::roster {

class RosterStore {
public:
  explicit RosterStore(storage::Database& db) : db_(db) {}

  using Roster = roster::Roster;
  boost::asio::awaitable<Roster> load(xmpp::Jid account);
  // What load() may still have from before a change this store did not make (an account deleted).
  void forget(const xmpp::Jid& account) { recent_.forget(account); }
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
  // The stored subscription requests, serialized, oldest first. Asked at every login and found
  // empty by most: an account found without any is not asked about again until a change.
  boost::asio::awaitable<std::vector<std::string>> pending_requests(xmpp::Jid account);

  // Bulk import (`tern user import`), inside the caller's transaction: the items of an account
  // that has no roster yet, and a first roster version.
  static void insert_in(storage::Connection& connection, const xmpp::Jid& account,
                        const std::vector<RosterItem>& items);
  // The account's items, inside the caller's work on a storage thread.
  static std::vector<RosterItem> items_in(storage::Connection& connection, const xmpp::Jid& account);

  // Told of every item change after it is committed (nullptr: the item was removed), on the
  // storage thread, in the order of the commits of that account. Set before serving.
  using Observer = std::function<void(const xmpp::Jid& account, const xmpp::Jid& contact, const RosterItem* item)>;
  void observe(Observer observer) { observers_.push_back(std::move(observer)); }

private:
  // Item changes of one transaction, for the observers.
  using Changes = std::vector<std::pair<xmpp::Jid, std::optional<RosterItem>>>;
  // f(connection, changes) in a transaction that holds the account's lock until after COMMIT
  // and after the observers heard of the changes.
  template <typename F>
  auto transact_locked(const xmpp::Jid& account, F f) {
    return db_.run([this, account, f = std::move(f)](storage::Connection& connection) mutable {
      std::lock_guard lock(lock_for(account));
      auto writing = no_requests_.write(account.bare_string());
      Changes changes;
      auto with_changes = [&](storage::Connection& in) { return f(in, changes); };
      struct ForgetRecent {  // also when the transaction fails: whatever it left is read again
        RecentRosters& recent;
        const xmpp::Jid& account;
        ~ForgetRecent() { recent.forget(account); }
      } forget{recent_, account};
      auto result = storage::Database::in_transaction(connection, with_changes);
      for (const auto& [contact, item] : changes) {
        for (const auto& observer : observers_) observer(account, contact, item ? &*item : nullptr);
      }
      return result;
    });
  }
  boost::asio::awaitable<Roster> read(xmpp::Jid account);
  std::mutex& lock_for(const xmpp::Jid& account);
  storage::Database& db_;
  std::array<std::mutex, 64> account_locks_;
  std::vector<Observer> observers_;
  RecentRosters recent_;
  storage::KnownEmpty no_requests_;
};

}  // namespace tern::features::roster
