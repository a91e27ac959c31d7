// XEP-0160 offline messages through the real pipeline.
#include "features/offline/offline_feature.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::offline {
namespace {

using testing::error_condition;

using testing::TestServer;

class OfflineTest : public ::testing::Test {
protected:
  explicit OfflineTest(server::Config config = {}) : server({"localhost"}, std::move(config)) {
    server.create_account("juliet@localhost");
    server.create_account("romeo@localhost");
  }
  TestServer server;
};

TEST_F(OfflineTest, KeptAndDeliveredWithDelayAtTheNextAvailablePresence_Xep0160Section2) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='juliet@localhost' type='chat' id='m1'><body>first</body></message>");
  romeo.send("<message to='juliet@localhost/gone' type='chat' id='m2'><body>second</body></message>");
  romeo.send("<message to='juliet@localhost' id='m3'><body>third</body></message>");
  EXPECT_TRUE(romeo.receives_nothing());  // stored, so no error

  auto juliet = server.login("juliet@localhost/balcony");
  std::vector<std::string> bodies;
  for (int i = 0; i < 3; ++i) {
    auto message = juliet.receive();
    ASSERT_EQ(message.name(), "message");
    EXPECT_EQ(message.attribute_or("from"), "romeo@localhost/orchard");
    bodies.push_back(message.child("body")->text());
    const auto* delay = message.child("delay", "urn:xmpp:delay");
    ASSERT_TRUE(delay);
    EXPECT_EQ(delay->attribute_or("from"), "localhost");
    EXPECT_EQ(delay->attribute_or("stamp").size(), 20u);  // CCYY-MM-DDThh:mm:ssZ
    EXPECT_EQ(delay->attribute_or("stamp").back(), 'Z');
  }
  EXPECT_EQ(bodies, (std::vector<std::string>{"first", "second", "third"}));
  // Delivered once only.
  auto chamber = server.login("juliet@localhost/chamber");
  for (const auto& stanza : chamber.receive_all()) EXPECT_NE(stanza.name(), "message");
}

// Her first login found nothing waiting, and the server remembers that: what is stored since is
// still delivered at her next login.
TEST_F(OfflineTest, WhatArrivesAfterALoginThatFoundNothingIsDeliveredAtTheNext_Xep0160Section2) {
  {
    auto juliet = server.login("juliet@localhost/balcony");
    EXPECT_TRUE(juliet.receives_nothing());
    juliet.send_close();
    EXPECT_TRUE(juliet.is_closed());
  }
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='juliet@localhost' type='chat' id='m1'><body>later</body></message>");
  EXPECT_TRUE(romeo.receives_nothing());
  auto juliet = server.login("juliet@localhost/chamber");
  auto message = juliet.receive();
  ASSERT_EQ(message.name(), "message");
  EXPECT_EQ(message.child("body")->text(), "later");
  EXPECT_TRUE(message.child("delay", "urn:xmpp:delay"));
}

TEST_F(OfflineTest, NegativePriorityDoesNotTakeThem_Xep0160Section2) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='juliet@localhost' type='chat'><body>wait</body></message>");
  auto hidden = server.bind("juliet@localhost/hidden");
  hidden.send("<presence><priority>-1</priority></presence>");
  for (const auto& stanza : hidden.receive_all()) EXPECT_NE(stanza.name(), "message");
}

TEST_F(OfflineTest, ChatStatesAloneAreNotKeptAndHeadlinesAreDropped) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='juliet@localhost' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
  romeo.send("<message to='juliet@localhost' type='headline'><body>news</body></message>");
  EXPECT_TRUE(romeo.receives_nothing());
  auto juliet = server.login("juliet@localhost/balcony");
  for (const auto& stanza : juliet.receive_all()) EXPECT_NE(stanza.name(), "message");
}

class SmallQuota : public OfflineTest {
protected:
  static server::Config quota_of_one() {
    server::Config config;
    config.max_offline_messages = 1;
    return config;
  }
  SmallQuota() : OfflineTest(quota_of_one()) {}
};

TEST_F(SmallQuota, BeyondTheQuotaTheSenderGetsServiceUnavailable) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='juliet@localhost' type='chat' id='ok'><body>1</body></message>");
  romeo.send("<message to='juliet@localhost' type='chat' id='full'><body>2</body></message>");
  auto bounce = romeo.receive();
  EXPECT_EQ(bounce.attribute_or("id"), "full");
  EXPECT_EQ(bounce.attribute_or("type"), "error");
  EXPECT_EQ(error_condition(bounce), "service-unavailable");
  EXPECT_TRUE(romeo.receives_nothing());
}

}  // namespace
}  // namespace tern::features::offline
