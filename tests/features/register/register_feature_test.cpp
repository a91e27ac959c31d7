// XEP-0077 through the real pipeline.
#include "features/register/register_feature.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::register_ {
namespace {

using testing::error_condition;

using testing::TestServer;

server::Config in_band() {
  server::Config config;
  config.in_band_registration = true;
  return config;
}

TEST(RegisterTest, UnauthenticatedClientRegistersThenAuthenticates_Section3_1) {
  TestServer server({"localhost"}, in_band());
  auto client = server.connect("localhost");
  client.send("<iq type='set' id='r1'><query xmlns='jabber:iq:register'>"
              "<username>juliet</username><password>balcony</password></query></iq>");
  auto reply = client.receive();
  EXPECT_EQ(reply.attribute_or("type"), "result");
  EXPECT_EQ(reply.attribute_or("id"), "r1");
  auto juliet = server.login("juliet@localhost/balcony", "balcony");
  EXPECT_FALSE(juliet.is_closed() && juliet.stream().sent.empty());
}

TEST(RegisterTest, CancellingEndsSubscriptionsAndSessions_Section3_2) {
  TestServer server;
  server.create_account("juliet@localhost");
  server.create_account("romeo@localhost");
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>");
  romeo.receive();
  auto juliet = server.login("juliet@localhost/balcony");
  romeo.send("<presence to='juliet@localhost' type='subscribe'/>");
  juliet.receive_all();
  juliet.send("<presence to='romeo@localhost' type='subscribed'/>");
  romeo.receive_all();
  juliet.receive_all();

  juliet.send("<iq type='set' id='bye'><query xmlns='jabber:iq:register'><remove/></query></iq>");
  auto result = juliet.receive();
  EXPECT_EQ(result.attribute_or("id"), "bye");
  EXPECT_EQ(result.attribute_or("type"), "result");
  ASSERT_TRUE(juliet.is_closed());
  auto error = juliet.stream().sent.back();
  EXPECT_EQ(error.name(), "error");
  EXPECT_TRUE(error.child("not-authorized", "urn:ietf:params:xml:ns:xmpp-streams"));

  // Romeo was subscribed to her: he sees the subscription end and her go.
  std::vector<std::string> seen;
  for (const auto& stanza : romeo.receive_all()) {
    if (stanza.name() == "iq") {
      seen.push_back("push " + stanza.child("query", "jabber:iq:roster")
                                   ->child("item", "jabber:iq:roster")->attribute_or("subscription"));
    } else {
      seen.push_back(stanza.attribute_or("type", "available"));
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"unavailable", "push none", "unsubscribed"}));
  // She is gone.
  romeo.send("<message to='juliet@localhost' type='chat' id='m'><body>?</body></message>");
  EXPECT_EQ(error_condition(romeo.receive()), "service-unavailable");
}

}  // namespace
}  // namespace tern::features::register_
