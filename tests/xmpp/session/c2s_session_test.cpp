// The c2s session over a LoopbackStream: binding, stamping, stream errors, own presence.
#include "xmpp/session/c2s_session.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::xmpp {
namespace {

using testing::TestServer;
using testing::to_xml;

std::string stream_error(const xml::Element& element) {
  EXPECT_TRUE(element.is("error", "http://etherx.jabber.org/streams")) << to_xml(element);
  auto children = element.child_elements();
  return children.empty() ? "" : children.front()->name();
}

class C2SSessionTest : public ::testing::Test {
protected:
  C2SSessionTest() {
    server.create_account("juliet@localhost");
    server.create_account("romeo@localhost");
  }
  TestServer server;
};

TEST_F(C2SSessionTest, SecondBindOfAFullJidReplacesTheFirstWithConflict_Rfc6120Section7_7_2_2) {
  auto first = server.login("juliet@localhost/balcony");
  auto second = server.login("juliet@localhost/balcony");
  EXPECT_EQ(stream_error(first.receive()), "conflict");
  EXPECT_TRUE(first.is_closed());
  second.send("<iq type='get' id='p' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
  EXPECT_EQ(second.receive().attribute_or("type"), "result");
}

TEST_F(C2SSessionTest, FromIsStampedWithTheFullJid_Rfc6120Section8_1_2_1) {
  auto juliet = server.login("juliet@localhost/balcony");
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='juliet@localhost/balcony' from='romeo@localhost'><body>hi</body></message>");
  auto message = juliet.receive();
  EXPECT_EQ(message.attribute_or("from"), "romeo@localhost/orchard");
  EXPECT_EQ(message.child("body")->text(), "hi");
}

TEST_F(C2SSessionTest, SomebodyElsesFromIsInvalidFrom_Rfc6120Section4_9_3_9) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='romeo@localhost' from='juliet@localhost/balcony'/>");
  EXPECT_EQ(stream_error(romeo.receive()), "invalid-from");
  EXPECT_TRUE(romeo.is_closed());
}

TEST_F(C2SSessionTest, NonStanzaIsUnsupportedStanzaType_Rfc6120Section4_9_3_24) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<foo xmlns='urn:example'/>");
  EXPECT_EQ(stream_error(romeo.receive()), "unsupported-stanza-type");
}

TEST_F(C2SSessionTest, StreamElementOtherThanAnErrorIsBadFormat_Rfc6120Section4_9_3_1) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<features xmlns='http://etherx.jabber.org/streams'/>");
  EXPECT_EQ(stream_error(romeo.receive()), "bad-format");
  EXPECT_TRUE(romeo.is_closed());
}

TEST_F(C2SSessionTest, ClientStreamErrorEndsTheStreamUnanswered_Rfc6120Section4_9) {
  auto client = server.connect("localhost");
  client.send("<error xmlns='http://etherx.jabber.org/streams'>"
              "<system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></error>");
  EXPECT_TRUE(client.is_closed());
  EXPECT_TRUE(client.stream().sent.empty());
}

TEST_F(C2SSessionTest, IqRequestWithTwoPayloadsIsBadRequest_Rfc6120Section8_2_3) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='two' to='localhost'><ping xmlns='urn:xmpp:ping'/><x xmlns='urn:x'/></iq>");
  auto reply = romeo.receive();
  EXPECT_EQ(reply.attribute_or("type"), "error");
  EXPECT_TRUE(reply.child("error")->child("bad-request", "urn:ietf:params:xml:ns:xmpp-stanzas"));
}

TEST_F(C2SSessionTest, ServerAnswersPingAndVersion) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='v' to='localhost'><query xmlns='jabber:iq:version'/></iq>");
  auto version = romeo.receive();
  EXPECT_EQ(version.attribute_or("type"), "result");
  EXPECT_EQ(version.attribute_or("from"), "localhost");
  EXPECT_EQ(version.child("query", "jabber:iq:version")->child("name")->text(), "Tern");
  romeo.send("<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");  // no 'to': own account
  EXPECT_EQ(romeo.receive().attribute_or("type"), "result");
}

TEST_F(C2SSessionTest, OwnResourcesSeeAvailabilityAndDeparture_Rfc6121Section4_2_2And4_5_2) {
  auto balcony = server.login("juliet@localhost/balcony");
  auto chamber = server.login("juliet@localhost/chamber");
  auto arrival = balcony.receive();
  EXPECT_EQ(arrival.attribute_or("from"), "juliet@localhost/chamber");
  EXPECT_EQ(arrival.attribute_or("to"), "juliet@localhost/balcony");
  chamber.send("<presence type='unavailable'/>");
  auto departure = balcony.receive();
  EXPECT_EQ(departure.attribute_or("type"), "unavailable");
  EXPECT_EQ(departure.attribute_or("from"), "juliet@localhost/chamber");
}

TEST_F(C2SSessionTest, BareJidMessageGoesToTheHigherPriority_Rfc6121Section8_5_2_1_1) {
  auto low = server.login("juliet@localhost/low");
  auto high = server.login("juliet@localhost/high");
  EXPECT_EQ(high.receive().attribute_or("from"), "juliet@localhost/low");  // §4.2.2
  low.receive();  // high's arrival
  high.send("<presence><priority>10</priority></presence>");
  high.receive();  // reflected
  low.receive();
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='juliet@localhost' type='chat'><body>to the best</body></message>");
  EXPECT_EQ(high.receive().child("body")->text(), "to the best");
  EXPECT_TRUE(low.receives_nothing());
}

TEST_F(C2SSessionTest, UnknownShowIsBadRequest_Rfc6121Section4_7_2_1) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<presence><show>sleeping</show></presence>");
  auto reply = romeo.receive();
  EXPECT_EQ(reply.attribute_or("type"), "error");
  EXPECT_TRUE(reply.child("error")->child("bad-request", "urn:ietf:params:xml:ns:xmpp-stanzas"));
}

TEST_F(C2SSessionTest, BadPriorityIsBadRequest_Rfc6121Section4_7_2_3) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<presence><priority>200</priority></presence>");
  auto reply = romeo.receive();
  EXPECT_EQ(reply.attribute_or("type"), "error");
  EXPECT_TRUE(reply.child("error")->child("bad-request", "urn:ietf:params:xml:ns:xmpp-stanzas"));
}

TEST_F(C2SSessionTest, StanzaBeforeAuthenticationIsNotAuthorized_Rfc6120Section7_1) {
  auto client = server.connect("localhost");
  client.send("<message to='romeo@localhost'><body>early</body></message>");
  EXPECT_EQ(stream_error(client.receive()), "not-authorized");
}

TEST_F(C2SSessionTest, WrongPasswordIsNotAuthorizedAndTheClientMayRetry_Rfc6120Section6_4_5) {
  auto client = server.connect("localhost");
  client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AHJvbWVvAHdyb25n</auth>");
  auto failure = client.receive();
  EXPECT_EQ(to_xml(failure), "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
  client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AHJvbWVvAHBhc3N3b3Jk</auth>");
  EXPECT_EQ(client.receive().name(), "success");
}

}  // namespace
}  // namespace tern::xmpp
