// Privacy lists over storage.
#include "features/privacy/privacy_store.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace tern::features::privacy {
namespace {

using storage::Connection;

std::string_view type_name(PrivacyItem::Type type) {
  switch (type) {
    case PrivacyItem::Type::jid: return "jid";
    case PrivacyItem::Type::group: return "group";
    case PrivacyItem::Type::subscription: return "subscription";
    case PrivacyItem::Type::fall_through: return "";
  }
  return "";
}

PrivacyItem::Type type_of(std::string_view name) {
  if (name == "jid") return PrivacyItem::Type::jid;
  if (name == "group") return PrivacyItem::Type::group;
  if (name == "subscription") return PrivacyItem::Type::subscription;
  return PrivacyItem::Type::fall_through;
}

void delete_list(Connection& connection, const xmpp::Jid& account, const std::string& name) {
  // Items first: MySQL and SQLite both cascade, but only SQLite needs the pragma for it.
  connection.execute("DELETE FROM privacy_items WHERE domain = ? AND username = ? AND list_name = ?",
                     {account.domainpart(), account.localpart(), name});
  connection.execute("DELETE FROM privacy_lists WHERE domain = ? AND username = ? AND name = ?",
                     {account.domainpart(), account.localpart(), name});
}

void insert_list(Connection& connection, const xmpp::Jid& account, const PrivacyList& list,
                 bool is_default) {
  connection.execute("INSERT INTO privacy_lists (domain, username, name, is_default) VALUES (?, ?, ?, ?)",
                     {account.domainpart(), account.localpart(), list.name, std::int64_t{is_default}});
  for (const auto& item : list.items) {
    connection.execute(
        "INSERT INTO privacy_items (domain, username, list_name, item_order, item_type, value, allows, kinds)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {account.domainpart(), account.localpart(), list.name, std::int64_t{item.order},
         std::string(type_name(item.type)), item.value, std::int64_t{item.allow},
         std::int64_t{item.kinds}});
  }
}

}  // namespace

const PrivacyList* PrivacySettings::find(std::string_view name) const {
  auto found = std::find_if(lists.begin(), lists.end(), [&](const PrivacyList& list) { return list.name == name; });
  return found == lists.end() ? nullptr : &*found;
}

PrivacyList* PrivacySettings::find(std::string_view name) {
  auto found = std::find_if(lists.begin(), lists.end(), [&](const PrivacyList& list) { return list.name == name; });
  return found == lists.end() ? nullptr : &*found;
}

void PrivacySettings::put(PrivacyList list) {
  if (auto* existing = find(list.name)) {
    *existing = std::move(list);
    return;
  }
  auto position = std::lower_bound(lists.begin(), lists.end(), list.name,
                                   [](const PrivacyList& a, const std::string& name) { return a.name < name; });
  lists.insert(position, std::move(list));
}

void PrivacySettings::remove(std::string_view name) {
  std::erase_if(lists, [&](const PrivacyList& list) { return list.name == name; });
  if (default_list == name) default_list.reset();
}

std::mutex& PrivacyStore::lock_for(const xmpp::Jid& account) {
  return account_locks_[std::hash<std::string>{}(account.bare_string()) % account_locks_.size()];
}

PrivacySettings PrivacyStore::load_in(Connection& connection, const xmpp::Jid& account) {
  PrivacySettings settings;
  std::map<std::string, PrivacyList> lists;
  for (const auto& row : connection.query(
           "SELECT name, is_default FROM privacy_lists WHERE domain = ? AND username = ?",
           {account.domainpart(), account.localpart()})) {
    lists[row.text(0)].name = row.text(0);
    if (row.integer(1) != 0) settings.default_list = row.text(0);
  }
  if (lists.empty()) return settings;
  for (const auto& row : connection.query(
           "SELECT list_name, item_order, item_type, value, allows, kinds FROM privacy_items"
           " WHERE domain = ? AND username = ? ORDER BY list_name, item_order",
           {account.domainpart(), account.localpart()})) {
    PrivacyItem item;
    item.order = static_cast<std::uint32_t>(row.integer(1));
    item.type = type_of(row.text(2));
    item.value = row.text(3);
    item.allow = row.integer(4) != 0;
    item.kinds = static_cast<std::uint8_t>(row.integer(5));
    lists[row.text(0)].items.push_back(std::move(item));
  }
  for (auto& [name, list] : lists) settings.lists.push_back(std::move(list));
  return settings;
}

void PrivacyStore::save_in(Connection& connection, const xmpp::Jid& account,
                           const PrivacySettings& before, const PrivacySettings& after) {
  for (const auto& list : before.lists) {
    const auto* kept = after.find(list.name);
    bool default_changed = (before.default_list == list.name) != (after.default_list == list.name);
    if (!kept || *kept != list || default_changed) delete_list(connection, account, list.name);
  }
  for (const auto& list : after.lists) {
    const auto* earlier = before.find(list.name);
    bool default_changed = (before.default_list == list.name) != (after.default_list == list.name);
    if (!earlier || *earlier != list || default_changed) {
      insert_list(connection, account, list, after.default_list == list.name);
    }
  }
}

}  // namespace tern::features::privacy
