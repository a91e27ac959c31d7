// XEP-0016 §2.1-§2.2: which item decides, by JID, roster and stanza kind.
#include "features/privacy/privacy_rules.hpp"

#include <gtest/gtest.h>

#include "support/jid.hpp"
#include "support/xml.hpp"

namespace tern::features::privacy {
namespace {

using tern::testing::jid;
using xmpp::Direction;
using xmpp::Verdict;

PrivacyItem deny_jid(std::string value, std::uint32_t order, std::uint8_t kinds = all_kinds) {
  return PrivacyItem{PrivacyItem::Type::jid, std::move(value), false, order, kinds};
}

Verdict decide(const PrivacyList& list, std::string_view stanza, Direction direction, std::string_view peer,
               const RosterView& roster = {}) {
  CompiledList compiled(list);
  return verdict_of(compiled.first_match(kind_of(testing::parse_xml(stanza), direction), jid(peer), roster));
}

constexpr std::string_view message = "<message/>";

TEST(PrivacyRulesTest, JidItemsMatchFullBareDomainResourceAndDomain) {
  PrivacyList full{"l", {deny_jid("romeo@example.net/orchard", 1)}};
  EXPECT_EQ(decide(full, message, Direction::inbound, "romeo@example.net/orchard"), Verdict::deny_blocked);
  EXPECT_EQ(decide(full, message, Direction::inbound, "romeo@example.net/balcony"), Verdict::allow);
  EXPECT_EQ(decide(full, message, Direction::inbound, "romeo@example.net"), Verdict::allow);

  PrivacyList bare{"l", {deny_jid("romeo@example.net", 1)}};
  EXPECT_EQ(decide(bare, message, Direction::inbound, "romeo@example.net/balcony"), Verdict::deny_blocked);
  EXPECT_EQ(decide(bare, message, Direction::inbound, "romeo@example.net"), Verdict::deny_blocked);
  EXPECT_EQ(decide(bare, message, Direction::inbound, "mercutio@example.net"), Verdict::allow);

  PrivacyList domain_resource{"l", {deny_jid("example.net/bot", 1)}};
  EXPECT_EQ(decide(domain_resource, message, Direction::inbound, "example.net/bot"), Verdict::deny_blocked);
  EXPECT_EQ(decide(domain_resource, message, Direction::inbound, "romeo@example.net/bot"), Verdict::allow);

  PrivacyList domain{"l", {deny_jid("example.net", 1)}};
  EXPECT_EQ(decide(domain, message, Direction::inbound, "romeo@example.net/orchard"), Verdict::deny_blocked);
  EXPECT_EQ(decide(domain, message, Direction::inbound, "example.net"), Verdict::deny_blocked);
  EXPECT_EQ(decide(domain, message, Direction::inbound, "romeo@example.org"), Verdict::allow);
}

TEST(PrivacyRulesTest, KindsLimitWhatAnItemBlocks) {
  PrivacyList messages_only{"l", {deny_jid("romeo@example.net", 1, messages)}};
  EXPECT_EQ(decide(messages_only, message, Direction::inbound, "romeo@example.net/a"), Verdict::deny);
  EXPECT_EQ(decide(messages_only, "<iq type='get'/>", Direction::inbound, "romeo@example.net/a"), Verdict::allow);
  EXPECT_EQ(decide(messages_only, message, Direction::outbound, "romeo@example.net/a"), Verdict::allow);

  PrivacyList presence_in_only{"l", {deny_jid("romeo@example.net", 1, presence_in)}};
  EXPECT_EQ(decide(presence_in_only, "<presence/>", Direction::inbound, "romeo@example.net/a"), Verdict::deny);
  EXPECT_EQ(decide(presence_in_only, "<presence type='unavailable'/>", Direction::inbound, "romeo@example.net/a"),
            Verdict::deny);
  // Subscriptions and probes are not presence notifications (§2.9).
  EXPECT_EQ(decide(presence_in_only, "<presence type='subscribe'/>", Direction::inbound, "romeo@example.net"),
            Verdict::allow);
  EXPECT_EQ(decide(presence_in_only, "<presence/>", Direction::outbound, "romeo@example.net"), Verdict::allow);

  PrivacyList presence_out_only{"l", {deny_jid("romeo@example.net", 1, presence_out)}};
  EXPECT_EQ(decide(presence_out_only, "<presence/>", Direction::outbound, "romeo@example.net"), Verdict::deny);
  EXPECT_EQ(decide(presence_out_only, "<presence/>", Direction::inbound, "romeo@example.net"), Verdict::allow);
  EXPECT_EQ(decide(presence_out_only, message, Direction::outbound, "romeo@example.net"), Verdict::allow);

  PrivacyList everything{"l", {deny_jid("romeo@example.net", 1)}};
  EXPECT_EQ(decide(everything, message, Direction::outbound, "romeo@example.net"), Verdict::deny_blocked);
  EXPECT_EQ(decide(everything, "<presence type='subscribe'/>", Direction::inbound, "romeo@example.net"),
            Verdict::deny_blocked);
}

TEST(PrivacyRulesTest, TheFirstMatchingItemDecides) {
  PrivacyList list{"l", {PrivacyItem{PrivacyItem::Type::jid, "nurse@example.com", true, 1, all_kinds},
                         PrivacyItem{PrivacyItem::Type::fall_through, "", false, 2, all_kinds}}};
  EXPECT_EQ(decide(list, message, Direction::inbound, "nurse@example.com/a"), Verdict::allow);
  EXPECT_EQ(decide(list, message, Direction::inbound, "romeo@example.net/a"), Verdict::deny);
}

TEST(PrivacyRulesTest, GroupAndSubscriptionItemsAskTheRoster) {
  RosterView roster{{"nurse@example.com", {roster::Subscription::both, {"Friends"}}},
                    {"benvolio@example.net", {roster::Subscription::from, {}}}};
  PrivacyList by_group{"l", {PrivacyItem{PrivacyItem::Type::group, "Friends", false, 1, all_kinds}}};
  EXPECT_EQ(decide(by_group, message, Direction::inbound, "nurse@example.com/a", roster), Verdict::deny);
  EXPECT_EQ(decide(by_group, message, Direction::inbound, "benvolio@example.net/a", roster), Verdict::allow);

  PrivacyList strangers{"l", {PrivacyItem{PrivacyItem::Type::subscription, "none", false, 1, all_kinds}}};
  EXPECT_EQ(decide(strangers, message, Direction::inbound, "tybalt@example.org/a", roster), Verdict::deny);
  EXPECT_EQ(decide(strangers, message, Direction::inbound, "benvolio@example.net/a", roster), Verdict::allow);

  PrivacyList from_only{"l", {PrivacyItem{PrivacyItem::Type::subscription, "from", false, 1, all_kinds}}};
  EXPECT_EQ(decide(from_only, message, Direction::inbound, "benvolio@example.net", roster), Verdict::deny);
  EXPECT_EQ(decide(from_only, message, Direction::inbound, "nurse@example.com", roster), Verdict::allow);
}

}  // namespace
}  // namespace tern::features::privacy
