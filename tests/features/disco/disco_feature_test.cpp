// XEP-0030 Service Discovery through the real pipeline.
#include "features/disco/disco_feature.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::disco {
namespace {

using testing::TestServer;
using testing::to_xml;

constexpr std::string_view stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";

class DiscoTest : public ::testing::Test {
protected:
  DiscoTest() {
    server.create_account("juliet@localhost");
    server.create_account("romeo@localhost");
  }
  TestServer server;
};

TEST_F(DiscoTest, Example1And2_ServerInfoHasItsIdentityAndEveryRegisteredFeature) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='info1' to='localhost'>"
             "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  EXPECT_EQ(to_xml(romeo.receive()),
            "<iq id='info1' to='romeo@localhost/orchard' from='localhost' type='result'>"
            "<query xmlns='http://jabber.org/protocol/disco#info'>"
            "<identity category='server' type='im' name='Tern'/>"
            "<feature var='http://jabber.org/protocol/disco#info'/>"
            "<feature var='http://jabber.org/protocol/disco#items'/>"
            "<feature var='jabber:iq:last'/>"
            "<feature var='jabber:iq:privacy'/>"
            "<feature var='jabber:iq:register'/>"
            "<feature var='jabber:iq:version'/>"
            "<feature var='msgoffline'/>"
            "<feature var='urn:xmpp:blocking'/>"
            "<feature var='urn:xmpp:ping'/>"
            "<feature var='urn:xmpp:time'/>"
            "<feature var='vcard-temp'/>"
            "</query></iq>");
}

TEST_F(DiscoTest, UnknownNodeIsItemNotFound_Section3_2) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='n' to='localhost'>"
             "<query xmlns='http://jabber.org/protocol/disco#info' node='nowhere'/></iq>");
  EXPECT_TRUE(romeo.receive().child("error")->child("item-not-found", stanzas));
}

TEST_F(DiscoTest, ServerItemsAreTheServicesItHosts_Section4_1) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='items1' to='localhost'>"
             "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_EQ(to_xml(romeo.receive()),
            "<iq id='items1' to='romeo@localhost/orchard' from='localhost' type='result'>"
            "<query xmlns='http://jabber.org/protocol/disco#items'>"
            "<item jid='conference.localhost' name='Chatrooms'/></query></iq>");
}

TEST(DiscoWithoutServices, ServerItemsAreEmptyWithoutHostedServices_Section4_1) {
  server::Config config;
  config.muc_enabled = false;
  TestServer server({"localhost"}, config);
  server.create_account("romeo@localhost");
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='items1' to='localhost'>"
             "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_EQ(to_xml(romeo.receive()),
            "<iq id='items1' to='romeo@localhost/orchard' from='localhost' type='result'>"
            "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
}

TEST_F(DiscoTest, OwnAccountIsARegisteredAccount) {
  auto juliet = server.login("juliet@localhost/balcony");
  juliet.send("<iq type='get' id='self'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  auto reply = juliet.receive();
  ASSERT_EQ(reply.attribute_or("type"), "result");
  auto* identity = reply.child("query")->child("identity");
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->attribute_or("category"), "account");
  EXPECT_EQ(identity->attribute_or("type"), "registered");
}

TEST_F(DiscoTest, AnotherAccountIsServiceUnavailableWithoutASubscription_Section8) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='other' to='juliet@localhost'>"
             "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  auto info = romeo.receive();
  EXPECT_EQ(info.attribute_or("from"), "juliet@localhost");
  EXPECT_TRUE(info.child("error")->child("service-unavailable", stanzas));
  romeo.send("<iq type='get' id='other-items' to='juliet@localhost'>"
             "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_EQ(romeo.receive().attribute_or("type"), "result");  // empty, never an error
}

TEST_F(DiscoTest, ASubscriberSeesTheAccountAndItsAvailableResources_Section8) {
  auto romeo = server.login("romeo@localhost/orchard");
  auto juliet = server.login("juliet@localhost/balcony");
  romeo.send("<presence to='juliet@localhost' type='subscribe'/>");
  juliet.receive_all();
  juliet.send("<presence to='romeo@localhost' type='subscribed'/>");
  romeo.receive_all();
  romeo.send("<iq type='get' id='info' to='juliet@localhost'>"
             "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  auto info = romeo.receive();
  ASSERT_EQ(info.attribute_or("type"), "result");
  EXPECT_EQ(info.child("query")->child("identity")->attribute_or("category"), "account");
  romeo.send("<iq type='get' id='items' to='juliet@localhost'>"
             "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_EQ(to_xml(romeo.receive()),
            "<iq id='items' to='romeo@localhost/orchard' from='juliet@localhost' type='result'>"
            "<query xmlns='http://jabber.org/protocol/disco#items'>"
            "<item jid='juliet@localhost/balcony'/></query></iq>");
}

TEST(DiscoContactTest, ContactAddressesAreAServerInfoForm_Xep0157Section3) {
  server::Config config;
  config.contact_addresses = {{"abuse", {"mailto:abuse@localhost", "xmpp:abuse@localhost"}}};
  TestServer server({"localhost"}, config);
  server.create_account("romeo@localhost");
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='info' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  auto reply = romeo.receive();
  const auto* form = reply.child("query")->child("x", "jabber:x:data");
  ASSERT_TRUE(form);
  EXPECT_EQ(to_xml(*form),
            "<x xmlns='jabber:x:data' type='result'>"
            "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/network/serverinfo</value></field>"
            "<field var='abuse-addresses'><value>mailto:abuse@localhost</value>"
            "<value>xmpp:abuse@localhost</value></field></x>");
}

}  // namespace
}  // namespace tern::features::disco
