// XEP-0191 §7: the blocklist as the blocking items of the default privacy list.
#include "features/privacy/blocklist.hpp"

#include <gtest/gtest.h>

#include "support/jid.hpp"

namespace tern::features::privacy {
namespace {

using tern::testing::jid;

TEST(BlocklistTest, BlockingWithoutADefaultListCreatesOne) {
  PrivacySettings settings;
  settings.put(PrivacyList{"blocklist", {PrivacyItem{PrivacyItem::Type::fall_through, "", true, 1, all_kinds}}});
  block(settings, {jid("romeo@example.net"), jid("example.org")});
  ASSERT_TRUE(settings.default_list);
  EXPECT_EQ(*settings.default_list, "blocklist-2");  // the user's own "blocklist" is left alone
  EXPECT_EQ(blocklist_of(settings), (std::vector<std::string>{"romeo@example.net", "example.org"}));
  const auto* list = settings.default_or_null();
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_LT(list->items[0].order, list->items[1].order);
}

TEST(BlocklistTest, BlockedJidsComeFirstInTheDefaultList) {
  PrivacySettings settings;
  settings.put(PrivacyList{"mine", {PrivacyItem{PrivacyItem::Type::group, "Work", true, 0, messages},
                                    PrivacyItem{PrivacyItem::Type::fall_through, "", false, 1, all_kinds}}});
  settings.default_list = "mine";
  block(settings, {jid("romeo@example.net")});
  block(settings, {jid("romeo@example.net"), jid("tybalt@example.org")});  // romeo only once
  const auto& items = settings.default_or_null()->items;
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].value, "tybalt@example.org");
  EXPECT_EQ(items[1].value, "romeo@example.net");
  EXPECT_EQ(items[2].value, "Work");
  for (std::size_t i = 1; i < items.size(); ++i) EXPECT_LT(items[i - 1].order, items[i].order);
  EXPECT_EQ(blocklist_of(settings), (std::vector<std::string>{"tybalt@example.org", "romeo@example.net"}));
}

TEST(BlocklistTest, OnlyItemsThatDenyEverythingByJidAreBlockedJids) {
  PrivacySettings settings;
  settings.put(PrivacyList{"mine", {PrivacyItem{PrivacyItem::Type::jid, "romeo@example.net", false, 1, messages},
                                    PrivacyItem{PrivacyItem::Type::jid, "nurse@example.com", true, 2, all_kinds},
                                    PrivacyItem{PrivacyItem::Type::jid, "tybalt@example.org", false, 3, all_kinds}}});
  EXPECT_TRUE(blocklist_of(settings).empty());  // not the default list
  settings.default_list = "mine";
  EXPECT_EQ(blocklist_of(settings), std::vector<std::string>{"tybalt@example.org"});
}

TEST(BlocklistTest, UnblockingRemovesBlockingItemsAndAnEmptiedDefaultList) {
  PrivacySettings settings;
  block(settings, {jid("romeo@example.net"), jid("tybalt@example.org")});
  unblock(settings, {jid("romeo@example.net")});
  EXPECT_EQ(blocklist_of(settings), std::vector<std::string>{"tybalt@example.org"});
  unblock(settings, {});
  EXPECT_FALSE(settings.default_list);
  EXPECT_TRUE(settings.lists.empty());
}

TEST(BlocklistTest, UnblockingAllKeepsTheOtherItems) {
  PrivacySettings settings;
  settings.put(PrivacyList{"mine", {PrivacyItem{PrivacyItem::Type::jid, "romeo@example.net", false, 5, messages}}});
  settings.default_list = "mine";
  block(settings, {jid("tybalt@example.org")});
  unblock(settings, {});
  ASSERT_TRUE(settings.default_or_null());
  ASSERT_EQ(settings.default_or_null()->items.size(), 1u);
  EXPECT_EQ(settings.default_or_null()->items[0].value, "romeo@example.net");
}

}  // namespace
}  // namespace tern::features::privacy
