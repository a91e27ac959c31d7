// Discussion history: what a join's <history/> limits select.
#include "features/muc/room_history.hpp"

#include <gtest/gtest.h>

#include "support/xml.hpp"
#include "xml/serializer.hpp"
#include "xmpp/date_time.hpp"

namespace tern::features::muc {
namespace {

using namespace std::chrono_literals;

class RoomHistoryTest : public ::testing::Test {
protected:
  RoomHistoryTest() {
    for (int i = 1; i <= 4; ++i) {
      history.add(testing::parse_xml("<message from='coven@conference.localhost/alice' type='groupchat'><body>" +
                                     std::to_string(i) + "</body></message>"),
                  "coven@conference.localhost", start + std::chrono::minutes(i));
    }
  }
  std::vector<std::string> bodies(const HistoryRequest& request) const {
    std::vector<std::string> texts;
    for (const auto* message : history.select(request, start + 5min)) texts.push_back(message->child("body")->text());
    return texts;
  }

  std::chrono::system_clock::time_point start = std::chrono::system_clock::time_point(1'700'000'000s);
  RoomHistory history{3};
};

TEST_F(RoomHistoryTest, KeepsTheNewestUpToItsCapacityWithADelayFromTheRoom) {
  EXPECT_EQ(bodies({}), (std::vector<std::string>{"2", "3", "4"}));
  const auto* delay = history.select({}, start)[0]->child("delay", "urn:xmpp:delay");
  ASSERT_NE(delay, nullptr);
  EXPECT_EQ(delay->attribute_or("from"), "coven@conference.localhost");
  EXPECT_EQ(delay->attribute_or("stamp"), xmpp::utc_date_time(start + 2min));
}

TEST_F(RoomHistoryTest, EachLimitNarrowsTheSelection) {
  EXPECT_EQ(bodies({.max_stanzas = 1}), std::vector<std::string>{"4"});
  EXPECT_TRUE(bodies({.max_chars = 0}).empty());
  EXPECT_EQ(bodies({.seconds = 150s}), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(bodies({.since = start + 4min}), std::vector<std::string>{"4"});
  EXPECT_EQ(bodies({.max_stanzas = 3, .seconds = 90s}), std::vector<std::string>{"4"});
}

TEST_F(RoomHistoryTest, MaxCharsCountsWholeStanzas) {
  auto all = history.select({}, start);
  auto one = xml::serialize(*all.back()).size();
  EXPECT_EQ(bodies({.max_chars = one}), std::vector<std::string>{"4"});
  EXPECT_EQ(bodies({.max_chars = one - 1}), std::vector<std::string>{});
}

TEST(HistoryRequest, ReadsTheAttributesAndIgnoresMalformedOnes) {
  auto history = testing::parse_xml(
      "<history xmlns='http://jabber.org/protocol/muc' maxstanzas='5' maxchars='x' since='1970-01-01T00:00:10Z'/>");
  auto request = history_request(&history);
  EXPECT_EQ(request.max_stanzas, 5u);
  EXPECT_FALSE(request.max_chars);
  EXPECT_FALSE(request.seconds);
  EXPECT_EQ(request.since, std::chrono::system_clock::time_point(10s));
  EXPECT_FALSE(history_request(nullptr).max_stanzas);
}

}  // namespace
}  // namespace tern::features::muc
