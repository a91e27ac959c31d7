// The blocklist over the default privacy list.
#include "features/privacy/blocklist.hpp"

#include <algorithm>

#include "features/privacy/privacy_rules.hpp"

namespace tern::features::privacy {
namespace {

bool blocks(const PrivacyItem& item, const std::string& jid) {
  return is_blocking_item(item) && item.value == jid;
}

std::string unused_list_name(const PrivacySettings& settings) {
  std::string name = "blocklist";
  for (int suffix = 2; settings.find(name); ++suffix) name = "blocklist-" + std::to_string(suffix);
  return name;
}

}  // namespace

std::vector<std::string> blocklist_of(const PrivacySettings& settings) {
  std::vector<std::string> blocked;
  if (const auto* list = settings.default_or_null()) {
    for (const auto& item : list->items) {
      if (is_blocking_item(item) &&
          std::find(blocked.begin(), blocked.end(), item.value) == blocked.end()) {
        blocked.push_back(item.value);
      }
    }
  }
  return blocked;
}

void block(PrivacySettings& settings, const std::vector<xmpp::Jid>& jids) {
  if (!settings.default_or_null()) {
    PrivacyList created{unused_list_name(settings), {}};
    settings.default_list = created.name;
    settings.put(std::move(created));
  }
  auto& items = settings.find(*settings.default_list)->items;
  std::vector<PrivacyItem> added;
  for (const auto& jid : jids) {
    auto value = jid.full();
    bool known = std::any_of(items.begin(), items.end(), [&](const PrivacyItem& item) { return blocks(item, value); }) ||
                 std::any_of(added.begin(), added.end(), [&](const PrivacyItem& item) { return item.value == value; });
    if (!known) added.push_back(PrivacyItem{PrivacyItem::Type::jid, value, false, 0, all_kinds});
  }
  if (added.empty()) return;
  // Blocked JIDs come first (§7); the other items keep their order, moved up when there is no
  // room below the first one.
  std::uint32_t first = items.empty() ? static_cast<std::uint32_t>(added.size()) : items.front().order;
  if (first < added.size()) {
    std::uint32_t shift = static_cast<std::uint32_t>(added.size()) - first;
    for (auto& item : items) item.order += shift;
    first += shift;
  }
  for (std::size_t i = 0; i < added.size(); ++i) {
    added[i].order = first - static_cast<std::uint32_t>(added.size() - i);
  }
  items.insert(items.begin(), added.begin(), added.end());
}

void unblock(PrivacySettings& settings, const std::vector<xmpp::Jid>& jids) {
  auto* list = settings.default_list ? settings.find(*settings.default_list) : nullptr;
  if (!list) return;
  std::erase_if(list->items, [&](const PrivacyItem& item) {
    if (!is_blocking_item(item)) return false;
    return jids.empty() || std::any_of(jids.begin(), jids.end(),
                                       [&](const xmpp::Jid& jid) { return item.value == jid.full(); });
  });
  if (list->items.empty()) settings.remove(list->name);
}

}  // namespace tern::features::privacy
