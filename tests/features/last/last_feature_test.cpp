// XEP-0012 Last Activity through the real pipeline.
#include "features/last/last_feature.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::last {
namespace {

using testing::error_condition;

using testing::TestServer;

class LastTest : public ::testing::Test {
protected:
  LastTest() {
    server.create_account("juliet@localhost");
    server.create_account("romeo@localhost");
    server.create_account("nurse@localhost");
  }
  TestServer server;
};

TEST_F(LastTest, ServerUptime_Section5) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='up' to='localhost'><query xmlns='jabber:iq:last'/></iq>");
  auto reply = romeo.receive();
  ASSERT_EQ(reply.attribute_or("type"), "result");
  EXPECT_FALSE(reply.child("query", "jabber:iq:last")->attribute_or("seconds").empty());
}

TEST_F(LastTest, SubscriberLearnsTheLastLogoutAndItsStatus_Section4) {
  auto romeo = server.login("romeo@localhost/orchard");
  {
    auto juliet = server.login("juliet@localhost/balcony");
    romeo.send("<presence to='juliet@localhost' type='subscribe'/>");
    juliet.receive_all();
    juliet.send("<presence to='romeo@localhost' type='subscribed'/>");
    romeo.receive_all();
    romeo.send("<iq type='get' id='on' to='juliet@localhost'><query xmlns='jabber:iq:last'/></iq>");
    EXPECT_EQ(romeo.receive().child("query", "jabber:iq:last")->attribute_or("seconds"), "0");
    juliet.send("<presence type='unavailable'><status>gone to bed</status></presence>");
    juliet.send_close();
    EXPECT_TRUE(juliet.is_closed());
  }
  romeo.receive_all();
  romeo.send("<iq type='get' id='off' to='juliet@localhost'><query xmlns='jabber:iq:last'/></iq>");
  auto reply = romeo.receive();
  ASSERT_EQ(reply.attribute_or("type"), "result");
  const auto* query = reply.child("query", "jabber:iq:last");
  EXPECT_LE(std::stoi(query->attribute_or("seconds")), 2);
  EXPECT_EQ(query->text(), "gone to bed");

  // Without a subscription: forbidden.
  auto nurse = server.login("nurse@localhost/kitchen");
  nurse.send("<iq type='get' id='spy' to='juliet@localhost'><query xmlns='jabber:iq:last'/></iq>");
  EXPECT_EQ(error_condition(nurse.receive()), "forbidden");
}

}  // namespace
}  // namespace tern::features::last
