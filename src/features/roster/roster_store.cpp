// Rosters over storage.
#include "features/roster/roster_store.hpp"

#include <chrono>
#include <functional>

namespace tern::features::roster {
namespace {

using storage::Connection;
using storage::Row;

constexpr char group_separator = '\x01';

std::string join_groups(const std::vector<std::string>& groups) {
  std::string joined;
  for (const auto& group : groups) {
    if (!joined.empty()) joined += group_separator;
    joined += group;
  }
  return joined;
}

std::vector<std::string> split_groups(const std::string& joined) {
  std::vector<std::string> groups;
  if (joined.empty()) return groups;
  std::size_t start = 0;
  while (true) {
    auto end = joined.find(group_separator, start);
    groups.push_back(joined.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return groups;
}

constexpr std::string_view item_columns =
    "contact, name, group_names, subscribed_to, subscribed_from, pending_out, approved";

RosterItem item_from_row(const Row& row) {
  RosterItem item{*xmpp::Jid::parse(row.text(0)), std::nullopt, split_groups(row.text(2)), {}};
  if (!row.is_null(1)) item.name = row.text(1);
  item.state.to = row.integer(3) != 0;
  item.state.from = row.integer(4) != 0;
  item.state.pending_out = row.integer(5) != 0;
  item.state.approved = row.integer(6) != 0;
  return item;
}

std::optional<RosterItem> find_item(Connection& connection, const xmpp::Jid& account,
                                    const xmpp::Jid& contact) {
  auto rows = connection.query(
      "SELECT " + std::string(item_columns) +
          " FROM roster_items WHERE domain = ? AND username = ? AND contact = ?",
      {account.domainpart(), account.localpart(), contact.full()});
  if (rows.empty()) return std::nullopt;
  return item_from_row(rows.front());
}

bool has_request(Connection& connection, const xmpp::Jid& account, const xmpp::Jid& contact) {
  return !connection
              .query("SELECT 1 FROM subscription_requests WHERE domain = ? AND username = ? AND contact = ?",
                     {account.domainpart(), account.localpart(), contact.full()})
              .empty();
}

void delete_request(Connection& connection, const xmpp::Jid& account, const xmpp::Jid& contact) {
  connection.execute("DELETE FROM subscription_requests WHERE domain = ? AND username = ? AND contact = ?",
                     {account.domainpart(), account.localpart(), contact.full()});
}

storage::Value flag(bool value) { return std::int64_t{value ? 1 : 0}; }
storage::Value optional_text(const std::optional<std::string>& text) {
  return text ? storage::Value(*text) : storage::Value();
}

void insert_item(Connection& connection, const xmpp::Jid& account, const RosterItem& item) {
  connection.execute(
      "INSERT INTO roster_items (domain, username, " + std::string(item_columns) +
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {account.domainpart(), account.localpart(), item.contact.full(), optional_text(item.name),
       join_groups(item.groups), flag(item.state.to), flag(item.state.from),
       flag(item.state.pending_out), flag(item.state.approved)});
}

void update_item(Connection& connection, const xmpp::Jid& account, const RosterItem& item) {
  connection.execute(
      "UPDATE roster_items SET name = ?, group_names = ?, subscribed_to = ?, subscribed_from = ?,"
      " pending_out = ?, approved = ? WHERE domain = ? AND username = ? AND contact = ?",
      {optional_text(item.name), join_groups(item.groups), flag(item.state.to),
       flag(item.state.from), flag(item.state.pending_out), flag(item.state.approved),
       account.domainpart(), account.localpart(), item.contact.full()});
}

std::string current_version(Connection& connection, const xmpp::Jid& account) {
  auto rows = connection.query("SELECT version FROM roster_versions WHERE domain = ? AND username = ?",
                               {account.domainpart(), account.localpart()});
  return rows.empty() ? "0" : std::to_string(rows.front().integer(0));
}

// Versions start from the current time in milliseconds, so that an account deleted and created
// again never repeats a version a client may have cached.
std::string next_version(Connection& connection, const xmpp::Jid& account) {
  auto rows = connection.query("SELECT version FROM roster_versions WHERE domain = ? AND username = ?",
                               {account.domainpart(), account.localpart()});
  std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  if (rows.empty()) {
    connection.execute("INSERT INTO roster_versions (domain, username, version) VALUES (?, ?, ?)",
                       {account.domainpart(), account.localpart(), now});
    return std::to_string(now);
  }
  std::int64_t version = std::max(rows.front().integer(0) + 1, now);
  connection.execute("UPDATE roster_versions SET version = ? WHERE domain = ? AND username = ?",
                     {version, account.domainpart(), account.localpart()});
  return std::to_string(version);
}

bool visible_difference(const SubscriptionState& a, const SubscriptionState& b) {
  return a.to != b.to || a.from != b.from || a.pending_out != b.pending_out ||
         a.approved != b.approved;
}

}  // namespace

std::mutex& RosterStore::lock_for(const xmpp::Jid& account) {
  return account_locks_[std::hash<std::string>{}(account.bare_string()) % account_locks_.size()];
}

boost::asio::awaitable<RosterStore::Roster> RosterStore::load(xmpp::Jid account) {
  if (auto recent = recent_.find(account)) co_return std::move(*recent);
  auto generation = recent_.generation();
  auto roster = co_await read(account);
  recent_.remember(account, generation, roster);
  co_return roster;
}

boost::asio::awaitable<RosterStore::Roster> RosterStore::read(xmpp::Jid account) {
  return db_.run([this, account = std::move(account)](Connection& connection) {
    // Under the account's lock, as its changes are: the items and the version are read as one
    // (a version newer than the items would tell a client that caches them it missed nothing).
    std::lock_guard lock(lock_for(account));
    return Roster{items_in(connection, account), current_version(connection, account)};
  });
}

boost::asio::awaitable<std::string> RosterStore::version(xmpp::Jid account) {
  return db_.run([account = std::move(account)](Connection& connection) {
    return current_version(connection, account);
  });
}

boost::asio::awaitable<std::variant<RosterStore::Change, RosterStore::SetFailure>> RosterStore::set_item(
    xmpp::Jid account, RosterItem item, std::size_t max_items) {
  return transact_locked(account, [account, item = std::move(item), max_items](
                                     Connection& connection, Changes& changes) mutable -> std::variant<Change, SetFailure> {
    auto existing = find_item(connection, account, item.contact);
    if (existing) {
      item.state = existing->state;
      update_item(connection, account, item);
    } else {
      auto count = connection.query("SELECT COUNT(*) FROM roster_items WHERE domain = ? AND username = ?",
                                    {account.domainpart(), account.localpart()});
      if (static_cast<std::size_t>(count.front().integer(0)) >= max_items) return SetFailure::roster_full;
      item.state = {};
      insert_item(connection, account, item);
    }
    changes.emplace_back(item.contact, item);
    return Change{item, next_version(connection, account)};
  });
}

boost::asio::awaitable<std::optional<RosterStore::Removal>> RosterStore::remove_item(
    xmpp::Jid account, xmpp::Jid contact) {
  return transact_locked(account, [account, contact = std::move(contact)](
                                     Connection& connection, Changes& changes) -> std::optional<Removal> {
    auto existing = find_item(connection, account, contact);
    if (!existing) return std::nullopt;
    Removal removal{existing->state, {}};
    removal.state.pending_in = has_request(connection, account, contact);
    connection.execute("DELETE FROM roster_items WHERE domain = ? AND username = ? AND contact = ?",
                       {account.domainpart(), account.localpart(), contact.full()});
    delete_request(connection, account, contact);
    changes.emplace_back(contact, std::nullopt);
    removal.version = next_version(connection, account);
    return removal;
  });
}

boost::asio::awaitable<RosterStore::Transition> RosterStore::apply(xmpp::Jid account,
                                                                   xmpp::Jid contact, bool inbound,
                                                                   SubscriptionType type,
                                                                   std::string request) {
  return transact_locked(account, [account, contact = std::move(contact), inbound, type,
                                   request = std::move(request)](Connection& connection, Changes& changes) {
    auto item = find_item(connection, account, contact);
    Transition transition;
    if (item) transition.before = item->state;
    transition.before.pending_in = has_request(connection, account, contact);
    transition.after = inbound ? after_inbound(transition.before, type)
                               : after_outbound(transition.before, type);
    const auto& after = transition.after;

    // RFC 6121 §3.1.2 / §3.4: a request or approval of the user puts the contact in the roster;
    // a request of the contact alone does not (Appendix A.1).
    bool in_roster = item.has_value() || after.to || after.from || after.pending_out || after.approved;
    if (in_roster && (!item || visible_difference(transition.before, after))) {
      RosterItem updated = item ? *item : RosterItem{contact, std::nullopt, {}, {}};
      updated.state = after;
      updated.state.pending_in = false;
      if (item) {
        update_item(connection, account, updated);
      } else {
        insert_item(connection, account, updated);
      }
      transition.pushed = updated;
      changes.emplace_back(contact, updated);
      transition.version = next_version(connection, account);
    }
    if (after.pending_in && inbound && type == SubscriptionType::subscribe) {
      delete_request(connection, account, contact);  // §3.1.3: only the last one is kept
      connection.execute(
          "INSERT INTO subscription_requests (domain, username, contact, stanza, received_at)"
          " VALUES (?, ?, ?, ?, ?)",
          {account.domainpart(), account.localpart(), contact.full(), request,
           std::int64_t{std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count()}});
    } else if (transition.before.pending_in && !after.pending_in) {
      delete_request(connection, account, contact);
    }
    return transition;
  });
}

boost::asio::awaitable<std::optional<SubscriptionState>> RosterStore::state(xmpp::Jid account,
                                                                            xmpp::Jid contact) {
  return db_.run([account = std::move(account), contact = std::move(contact)](
                     Connection& connection) -> std::optional<SubscriptionState> {
    auto item = find_item(connection, account, contact);
    if (!item) return std::nullopt;
    return item->state;
  });
}

boost::asio::awaitable<std::vector<std::string>> RosterStore::pending_requests(xmpp::Jid account) {
  auto key = account.bare_string();
  if (no_requests_.contains(key)) co_return std::vector<std::string>();
  auto generation = no_requests_.generation(key);
  // Started outside the co_await: GCC 12 miscompiles a capturing lambda inside one.
  auto reading = db_.run([this, account = std::move(account), key = std::move(key),
                          generation](Connection& connection) mutable {
    std::vector<std::string> requests;
    for (const auto& row : connection.query(
             "SELECT stanza FROM subscription_requests WHERE domain = ? AND username = ?"
             " ORDER BY received_at, contact",
             {account.domainpart(), account.localpart()})) {
      requests.push_back(row.text(0));
    }
    if (requests.empty()) no_requests_.found_empty(std::move(key), generation);
    return requests;
  });
  co_return co_await std::move(reading);
}

std::vector<RosterItem> RosterStore::items_in(Connection& connection, const xmpp::Jid& account) {
  std::vector<RosterItem> items;
  for (const auto& row : connection.query("SELECT " + std::string(item_columns) +
                                              " FROM roster_items WHERE domain = ? AND username = ?"
                                              " ORDER BY contact",
                                          {account.domainpart(), account.localpart()})) {
    items.push_back(item_from_row(row));
  }
  return items;
}

void RosterStore::insert_in(Connection& connection, const xmpp::Jid& account,
                            const std::vector<RosterItem>& items) {
  for (const auto& item : items) insert_item(connection, account, item);
  next_version(connection, account);
}

}  // namespace tern::features::roster
