// XEP-0016 §2.1: what a privacy list may hold.
#include "features/privacy/privacy_list.hpp"

#include <gtest/gtest.h>

#include "support/xml.hpp"

namespace tern::features::privacy {
namespace {

std::variant<PrivacyList, xmpp::StanzaError> parse(std::string_view xml) {
  return parse_list(testing::parse_xml(xml));
}

std::string error_of(std::string_view xml) {
  auto parsed = parse(xml);
  auto* error = std::get_if<xmpp::StanzaError>(&parsed);
  return error ? error->condition() : "none";
}

TEST(PrivacyListTest, ItemsComeSortedByOrderWithTheirKinds) {
  auto parsed = parse(
      "<list xmlns='jabber:iq:privacy' name='public'>"
      "<item action='allow' order='10'/>"
      "<item type='jid' value='Tybalt@Example.com' action='deny' order='3'><message/><presence-in/></item>"
      "<item type='subscription' value='both' action='allow' order='5'/>"
      "</list>");
  ASSERT_TRUE(std::holds_alternative<PrivacyList>(parsed));
  const auto& list = std::get<PrivacyList>(parsed);
  EXPECT_EQ(list.name, "public");
  ASSERT_EQ(list.items.size(), 3u);
  EXPECT_EQ(list.items[0].order, 3u);
  EXPECT_EQ(list.items[0].type, PrivacyItem::Type::jid);
  EXPECT_EQ(list.items[0].value, "tybalt@example.com");  // prepared
  EXPECT_EQ(list.items[0].kinds, messages | presence_in);
  EXPECT_FALSE(list.items[0].allow);
  EXPECT_EQ(list.items[1].type, PrivacyItem::Type::subscription);
  EXPECT_EQ(list.items[2].type, PrivacyItem::Type::fall_through);
  EXPECT_EQ(list.items[2].kinds, all_kinds);
}

TEST(PrivacyListTest, InvalidItemsAreBadRequest) {
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'><item action='allow' order='1'/>"
                     "<item action='deny' order='1'/></list>"),
            "bad-request");  // the same order twice
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'><item action='block' order='1'/></list>"),
            "bad-request");
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'><item action='deny' order='-1'/></list>"),
            "bad-request");
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'><item action='deny'/></list>"), "bad-request");
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'>"
                     "<item type='subscription' value='pending' action='deny' order='1'/></list>"),
            "bad-request");
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'>"
                     "<item type='jid' value='@nowhere' action='deny' order='1'/></list>"),
            "bad-request");
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'>"
                     "<item type='role' value='x' action='deny' order='1'/></list>"),
            "bad-request");
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'>"
                     "<item value='x' action='deny' order='1'/></list>"),
            "bad-request");  // a value without a type
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy' name='l'>"
                     "<item action='deny' order='1'><presence/></item></list>"),
            "bad-request");
  EXPECT_EQ(error_of("<list xmlns='jabber:iq:privacy'><item action='deny' order='1'/></list>"),
            "bad-request");  // no name
}

TEST(PrivacyListTest, ElementsRoundTrip) {
  std::string_view xml =
      "<list xmlns='jabber:iq:privacy' name='special'>"
      "<item type='jid' value='juliet@example.com' action='allow' order='6'/>"
      "<item type='group' value='Friends' action='deny' order='7'><iq/><presence-out/></item>"
      "<item action='deny' order='42'/>"
      "</list>";
  auto parsed = parse(xml);
  ASSERT_TRUE(std::holds_alternative<PrivacyList>(parsed));
  EXPECT_EQ(testing::to_xml(to_element(std::get<PrivacyList>(parsed))), xml);
}

}  // namespace
}  // namespace tern::features::privacy
