// RFC 6121 §2 roster management and §3 subscriptions through the real pipeline.
#include "features/roster/roster_feature.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::roster {
namespace {

using testing::error_condition;

using testing::TestClient;
using testing::TestServer;
using testing::to_xml;

constexpr std::string_view stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";

class RosterTest : public ::testing::Test {
protected:
  RosterTest() {
    for (auto* user : {"juliet@localhost", "romeo@localhost", "nurse@localhost"}) {
      server.create_account(user);
    }
  }
  // Logged in, roster requested (an interested resource) and checked empty.
  TestClient interested(std::string_view full_jid) {
    auto client = server.login(full_jid);
    client.send("<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>");
    auto reply = client.receive();
    EXPECT_EQ(reply.attribute_or("type"), "result");
    return client;
  }
  std::string set_error(TestClient& client, std::string_view item) {
    client.send("<iq type='set' id='bad'><query xmlns='jabber:iq:roster'>" + std::string(item) + "</query></iq>");
    return error_condition(client.receive());
  }
  TestServer server;
};

TEST_F(RosterTest, EmptyRosterHasAVersion_Section2_1_3And2_6_3) {
  auto juliet = server.login("juliet@localhost/balcony");
  juliet.send("<iq type='get' id='r1'><query xmlns='jabber:iq:roster' ver=''/></iq>");
  auto reply = juliet.receive();
  EXPECT_EQ(reply.attribute_or("type"), "result");
  ASSERT_TRUE(reply.child("query", "jabber:iq:roster"));
  EXPECT_TRUE(reply.child("query", "jabber:iq:roster")->child_elements().empty());
  EXPECT_TRUE(reply.child("query", "jabber:iq:roster")->attribute("ver"));
}

TEST_F(RosterTest, SetIsPushedToInterestedResourcesOnly_Section2_3_2) {
  auto balcony = interested("juliet@localhost/balcony");
  auto chamber = server.login("juliet@localhost/chamber");  // never asked for the roster
  balcony.receive();                                          // chamber's presence
  chamber.receive();                                          // balcony's presence
  balcony.send("<iq type='set' id='add'><query xmlns='jabber:iq:roster'>"
               "<item jid='nurse@localhost' name='Nurse'><group>Servants</group></item>"
               "</query></iq>");
  auto push = balcony.receive();
  EXPECT_EQ(push.attribute_or("type"), "set");
  EXPECT_EQ(push.attribute_or("from"), "juliet@localhost");
  EXPECT_EQ(push.attribute_or("to"), "juliet@localhost/balcony");
  const auto* query = push.child("query", "jabber:iq:roster");
  ASSERT_TRUE(query);
  EXPECT_FALSE(query->attribute_or("ver").empty());
  EXPECT_EQ(to_xml(*query->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='nurse@localhost' name='Nurse' subscription='none'>"
            "<group>Servants</group></item>");
  auto result = balcony.receive();
  EXPECT_EQ(result.attribute_or("type"), "result");
  EXPECT_EQ(result.attribute_or("id"), "add");
  EXPECT_TRUE(chamber.receives_nothing());

  // §2.6.3: the version from the push is current, so a get with it is answered empty.
  balcony.send("<iq type='get' id='r2'><query xmlns='jabber:iq:roster' ver='" +
               query->attribute_or("ver") + "'/></iq>");
  auto unchanged = balcony.receive();
  EXPECT_EQ(unchanged.attribute_or("type"), "result");
  EXPECT_TRUE(unchanged.child_elements().empty());
  // An older version gets the whole roster.
  balcony.send("<iq type='get' id='r3'><query xmlns='jabber:iq:roster' ver='1'/></iq>");
  auto full = balcony.receive();
  ASSERT_TRUE(full.child("query", "jabber:iq:roster"));
  EXPECT_EQ(full.child("query", "jabber:iq:roster")->child_elements().size(), 1u);
}

TEST_F(RosterTest, UpdateReplacesTheItemAndRemovePushesRemove_Section2_4And2_5) {
  auto juliet = interested("juliet@localhost/balcony");
  juliet.send("<iq type='set' id='a'><query xmlns='jabber:iq:roster'><item jid='nurse@localhost' name='N'>"
              "<group>A</group><group>B</group></item></query></iq>");
  juliet.receive();
  juliet.receive();
  juliet.send("<iq type='set' id='b'><query xmlns='jabber:iq:roster'><item jid='nurse@localhost'>"
              "<group>C</group></item></query></iq>");
  EXPECT_EQ(to_xml(*juliet.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='nurse@localhost' subscription='none'><group>C</group></item>");
  juliet.receive();
  juliet.send("<iq type='set' id='c'><query xmlns='jabber:iq:roster'>"
              "<item jid='nurse@localhost' subscription='remove'/></query></iq>");
  EXPECT_EQ(to_xml(*juliet.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='nurse@localhost' subscription='remove'/>");
  EXPECT_EQ(juliet.receive().attribute_or("type"), "result");
  EXPECT_EQ(set_error(juliet, "<item jid='nurse@localhost' subscription='remove'/>"), "item-not-found");
}

TEST_F(RosterTest, InvalidSetsAreRefused_Section2_3_3) {
  auto juliet = interested("juliet@localhost/balcony");
  EXPECT_EQ(set_error(juliet, "<item jid='a@localhost'/><item jid='b@localhost'/>"), "bad-request");
  EXPECT_EQ(set_error(juliet, "<item name='no jid'/>"), "bad-request");
  EXPECT_EQ(set_error(juliet, "<item jid='a@b@c'/>"), "jid-malformed");
  EXPECT_EQ(set_error(juliet, "<item jid='juliet@localhost'/>"), "not-allowed");
  EXPECT_EQ(set_error(juliet, "<item jid='a@localhost'><group/></item>"), "not-acceptable");
  EXPECT_EQ(set_error(juliet, "<item jid='a@localhost'><group>x</group><group>x</group></item>"),
            "bad-request");
  EXPECT_EQ(set_error(juliet, "<item jid='a@localhost' name='" + std::string(1024, 'n') + "'/>"),
            "not-acceptable");
  // Nothing was stored.
  juliet.send("<iq type='get' id='r'><query xmlns='jabber:iq:roster'/></iq>");
  EXPECT_TRUE(juliet.receive().child("query", "jabber:iq:roster")->child_elements().empty());
}

TEST_F(RosterTest, SubscriptionValueOtherThanRemoveIsIgnored_Section2_1_5) {
  auto juliet = interested("juliet@localhost/balcony");
  juliet.send("<iq type='set' id='a'><query xmlns='jabber:iq:roster'>"
              "<item jid='nurse@localhost' subscription='both' ask='subscribe'/></query></iq>");
  EXPECT_EQ(to_xml(*juliet.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='nurse@localhost' subscription='none'/>");
}

TEST_F(RosterTest, AnotherUsersRosterIsForbidden_Section2_1_5) {
  auto romeo = interested("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='spy' to='juliet@localhost'><query xmlns='jabber:iq:roster'/></iq>");
  EXPECT_EQ(error_condition(romeo.receive()), "forbidden");
  romeo.send("<iq type='set' id='spy2' to='juliet@localhost'><query xmlns='jabber:iq:roster'>"
             "<item jid='romeo@localhost'/></query></iq>");
  EXPECT_EQ(error_condition(romeo.receive()), "forbidden");
}

TEST_F(RosterTest, RosterFullIsNotAllowed) {
  server::Config config;
  config.max_roster_items = 1;
  TestServer small({"localhost"}, config);
  small.create_account("juliet@localhost");
  auto juliet = small.login("juliet@localhost/balcony");
  juliet.send("<iq type='set' id='a'><query xmlns='jabber:iq:roster'><item jid='a@localhost'/></query></iq>");
  EXPECT_EQ(juliet.receive().attribute_or("type"), "result");
  juliet.send("<iq type='set' id='b'><query xmlns='jabber:iq:roster'><item jid='b@localhost'/></query></iq>");
  EXPECT_EQ(error_condition(juliet.receive()), "not-allowed");
}

// RFC 6121 §3.1: the whole handshake with both users online, every push and delivery in order.
TEST_F(RosterTest, SubscriptionHandshake_Section3_1) {
  auto romeo = interested("romeo@localhost/orchard");
  auto juliet = interested("juliet@localhost/balcony");
  romeo.send("<presence to='juliet@localhost/balcony' type='subscribe'/>");
  // §3.1.2: the user's push shows the pending request.
  EXPECT_EQ(to_xml(*romeo.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='juliet@localhost' subscription='none' ask='subscribe'/>");
  // §3.1.3: the contact gets the request from the bare JID, addressed to her bare JID.
  auto request = juliet.receive();
  EXPECT_EQ(request.attribute_or("type"), "subscribe");
  EXPECT_EQ(request.attribute_or("from"), "romeo@localhost");
  EXPECT_EQ(request.attribute_or("to"), "juliet@localhost");

  juliet.send("<presence to='romeo@localhost' type='subscribed'/>");
  // §3.1.5: the contact's push.
  EXPECT_EQ(to_xml(*juliet.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='romeo@localhost' subscription='from'/>");
  // §3.1.6: the user's push, the approval, then the contact's presence.
  EXPECT_EQ(to_xml(*romeo.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='juliet@localhost' subscription='to'/>");
  auto approval = romeo.receive();
  EXPECT_EQ(approval.attribute_or("type"), "subscribed");
  EXPECT_EQ(approval.attribute_or("from"), "juliet@localhost");
  auto presence = romeo.receive();
  EXPECT_EQ(presence.name(), "presence");
  EXPECT_EQ(presence.attribute_or("type"), "");
  EXPECT_EQ(presence.attribute_or("from"), "juliet@localhost/balcony");

  // A repeated approval changes nothing and is not routed.
  juliet.send("<presence to='romeo@localhost' type='subscribed'/>");
  EXPECT_TRUE(romeo.receives_nothing());
  EXPECT_TRUE(juliet.receives_nothing());

  // §4.4.2: from now on Juliet's presence reaches Romeo, and not the other way round.
  juliet.send("<presence><show>away</show></presence>");
  juliet.receive();  // reflected
  auto away = romeo.receive();
  EXPECT_EQ(away.attribute_or("from"), "juliet@localhost/balcony");
  EXPECT_EQ(away.attribute_or("to"), "romeo@localhost");
  romeo.send("<presence><show>chat</show></presence>");
  romeo.receive();  // reflected
  EXPECT_TRUE(juliet.receives_nothing());

  // §4.5.2: her unavailable presence reaches him when her stream ends.
  juliet.send_close();
  auto gone = romeo.receive();
  EXPECT_EQ(gone.attribute_or("type"), "unavailable");
  EXPECT_EQ(gone.attribute_or("from"), "juliet@localhost/balcony");
}

TEST_F(RosterTest, RequestWaitsForTheContactsNextLoginAndIsDeniedWithUnsubscribed_Section3_1_3And3_2) {
  auto romeo = interested("romeo@localhost/orchard");
  romeo.send("<presence to='juliet@localhost' type='subscribe'><nick xmlns='http://jabber.org/protocol/nick'>R</nick></presence>");
  romeo.receive();  // push: ask='subscribe'
  {
    auto juliet = server.login("juliet@localhost/balcony");
    auto request = juliet.receive();  // §3.1.3: kept complete, and delivered at login
    EXPECT_EQ(request.attribute_or("type"), "subscribe");
    EXPECT_TRUE(request.child("nick", "http://jabber.org/protocol/nick"));
    juliet.send_close();
    EXPECT_TRUE(juliet.is_closed());
  }
  auto juliet = server.login("juliet@localhost/chamber");
  EXPECT_EQ(juliet.receive().attribute_or("type"), "subscribe");  // again, until answered
  juliet.send("<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>");
  EXPECT_TRUE(juliet.receive().child("query", "jabber:iq:roster")->child_elements().empty());
  // §3.2: a contact not in her roster: no item appears on her side.
  juliet.send("<presence to='romeo@localhost' type='unsubscribed'/>");
  EXPECT_EQ(to_xml(*romeo.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='juliet@localhost' subscription='none'/>");
  EXPECT_EQ(romeo.receive().attribute_or("type"), "unsubscribed");
  EXPECT_TRUE(juliet.receives_nothing());
}

// Her first login found no request, and the server remembers that: the one that came since is
// still delivered at her next login.
TEST_F(RosterTest, ARequestMadeAfterALoginThatFoundNoneWaitsForTheNext_Section3_1_3) {
  {
    auto juliet = server.login("juliet@localhost/balcony");
    EXPECT_TRUE(juliet.receives_nothing());
    juliet.send_close();
    EXPECT_TRUE(juliet.is_closed());
  }
  auto romeo = interested("romeo@localhost/orchard");
  romeo.send("<presence to='juliet@localhost' type='subscribe'/>");
  romeo.receive();  // push: ask='subscribe'
  auto juliet = server.login("juliet@localhost/chamber");
  auto request = juliet.receive();
  EXPECT_EQ(request.name(), "presence");
  EXPECT_EQ(request.attribute_or("type"), "subscribe");
  EXPECT_EQ(request.attribute_or("from"), "romeo@localhost");
}

TEST_F(RosterTest, PreApprovalGrantsTheLaterRequest_Section3_4) {
  auto juliet = interested("juliet@localhost/balcony");
  juliet.send("<presence to='romeo@localhost' type='subscribed'/>");
  EXPECT_EQ(to_xml(*juliet.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='romeo@localhost' subscription='none' approved='true'/>");
  auto romeo = interested("romeo@localhost/orchard");
  EXPECT_TRUE(romeo.receives_nothing());  // a pre-approval is not routed
  romeo.send("<presence to='juliet@localhost' type='subscribe'/>");
  romeo.receive();  // push: ask='subscribe'
  EXPECT_EQ(to_xml(*romeo.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='juliet@localhost' subscription='to'/>");
  EXPECT_EQ(romeo.receive().attribute_or("type"), "subscribed");
  EXPECT_EQ(romeo.receive().attribute_or("from"), "juliet@localhost/balcony");
  EXPECT_EQ(to_xml(*juliet.receive().child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")),
            "<item xmlns='jabber:iq:roster' jid='romeo@localhost' subscription='from'/>");
}

TEST_F(RosterTest, RemovingAMutualContactUnsubscribesBothWays_Section2_5_2) {
  auto romeo = interested("romeo@localhost/orchard");
  auto juliet = interested("juliet@localhost/balcony");
  // Both ways: Romeo asks, Juliet approves and asks back, Romeo approves.
  romeo.send("<presence to='juliet@localhost' type='subscribe'/>");
  juliet.send("<presence to='romeo@localhost' type='subscribed'/>");
  juliet.send("<presence to='romeo@localhost' type='subscribe'/>");
  romeo.send("<presence to='juliet@localhost' type='subscribed'/>");
  romeo.receive_all();
  juliet.receive_all();

  romeo.send("<iq type='set' id='rm'><query xmlns='jabber:iq:roster'>"
             "<item jid='juliet@localhost' subscription='remove'/></query></iq>");
  auto his = romeo.receive_all();
  ASSERT_EQ(his.size(), 3u);
  EXPECT_EQ(his[0].child("query", "jabber:iq:roster")->child("item", "jabber:iq:roster")->attribute_or("subscription"),
            "remove");
  // §3.3.3: no longer subscribed to her, he learns that she is unavailable to him.
  EXPECT_EQ(his[1].attribute_or("type"), "unavailable");
  EXPECT_EQ(his[2].attribute_or("type"), "result");
  // Juliet: her item goes from both to to (unsubscribe), then to none (unsubscribed).
  std::vector<std::string> seen;
  for (const auto& stanza : juliet.receive_all()) {
    if (stanza.name() == "iq") {
      seen.push_back("push " + stanza.child("query", "jabber:iq:roster")
                                   ->child("item", "jabber:iq:roster")->attribute_or("subscription"));
    } else {
      seen.push_back(stanza.attribute_or("type", "available"));
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"push to", "unsubscribe", "unavailable", "push none",
                                            "unsubscribed"}));
}

}  // namespace
}  // namespace tern::features::roster
