// Routing between local accounts (RFC 6121 §8.5) and the server's own answers (RFC 6120 §10).
#include "xmpp/routing/router.hpp"

#include <gtest/gtest.h>

#include <set>

#include "support/run.hpp"
#include "support/xml.hpp"

namespace tern::xmpp {
namespace {

using testing::parse_xml;
using testing::run;

class RecordingSession final : public SessionLink {
public:
  void deliver(xml::Outbound stanza) override { received.push_back(xml::addressed_element(stanza)); }
  void terminate(StreamError error) override { terminated.push_back(error.condition()); }
  std::vector<xml::Element> received;
  std::vector<std::string> terminated;
};

class KnownAccounts final : public Accounts {
public:
  asio::awaitable<std::optional<sasl::ScramCredentials>> credentials(Jid, sasl::ScramHash) override {
    co_return std::nullopt;
  }
  asio::awaitable<bool> exists(Jid account) override {
    ++lookups;
    co_return names.contains(account.bare_string());
  }
  int lookups = 0;
  std::set<std::string> names{"juliet@capulet.lit", "romeo@montague.lit", "nurse@capulet.lit"};
};

class Routing : public ::testing::Test {
protected:
  std::shared_ptr<RecordingSession> connect(const std::string& full, std::optional<int> priority) {
    auto session = std::make_shared<RecordingSession>();
    auto jid = *Jid::parse(full);
    registry.bind(jid, session);
    registry.set_presence(jid, session.get(), priority);
    return session;
  }
  void route(std::string_view stanza) { run(router.route(parse_xml(stanza))); }
  static std::string error_condition(const xml::Element& stanza) {
    auto* error = stanza.child("error");
    return error ? error->child_elements().front()->name() : "";
  }

  KnownAccounts accounts;
  SessionRegistry registry;
  Pipeline pipeline;
  Router router{{"capulet.lit", "montague.lit"}, registry, pipeline, accounts};
  std::shared_ptr<RecordingSession> romeo = connect("romeo@montague.lit/orchard", 0);
};

TEST_F(Routing, FullJidIsDeliveredToThatResource_8_5_3_1) {
  auto balcony = connect("juliet@capulet.lit/balcony", 1);
  auto chamber = connect("juliet@capulet.lit/chamber", 5);
  route("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit/balcony'><body>x</body></message>");
  EXPECT_EQ(balcony->received.size(), 1u);
  EXPECT_TRUE(chamber->received.empty());
}

TEST_F(Routing, BareJidChatGoesToTheHighestNonNegativePriority_8_5_2_1_1) {
  auto balcony = connect("juliet@capulet.lit/balcony", 1);
  auto chamber = connect("juliet@capulet.lit/chamber", 5);
  auto hidden = connect("juliet@capulet.lit/hidden", -1);
  route("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='chat'><body>x</body></message>");
  EXPECT_TRUE(balcony->received.empty());
  ASSERT_EQ(chamber->received.size(), 1u);
  EXPECT_EQ(chamber->received[0].attribute_or("to"), "juliet@capulet.lit");  // not rewritten
  EXPECT_TRUE(hidden->received.empty());
}

TEST_F(Routing, BareJidWithOnlyNegativePriorityIsServiceUnavailable_8_5_2_1_1) {
  auto hidden = connect("juliet@capulet.lit/hidden", -1);
  route("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit' id='m1'><body>x</body></message>");
  EXPECT_TRUE(hidden->received.empty());
  ASSERT_EQ(romeo->received.size(), 1u);
  EXPECT_EQ(error_condition(romeo->received[0]), "service-unavailable");
}

TEST_F(Routing, HeadlineToBareJidGoesToAllNonNegative_8_5_2_1_1) {
  auto balcony = connect("juliet@capulet.lit/balcony", 1);
  auto chamber = connect("juliet@capulet.lit/chamber", 5);
  route("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='headline'/>");
  EXPECT_EQ(balcony->received.size(), 1u);
  EXPECT_EQ(chamber->received.size(), 1u);
}

TEST_F(Routing, GroupchatToBareJidIsServiceUnavailable_8_5_2_1_1) {
  auto balcony = connect("juliet@capulet.lit/balcony", 1);
  route("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='groupchat'/>");
  EXPECT_TRUE(balcony->received.empty());
  EXPECT_EQ(error_condition(romeo->received.at(0)), "service-unavailable");
}

TEST_F(Routing, ChatToMissingResourceIsTreatedAsBareJid_8_5_3_2_1) {
  auto balcony = connect("juliet@capulet.lit/balcony", 1);
  route("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit/gone' type='chat'/>");
  EXPECT_EQ(balcony->received.size(), 1u);
}

TEST_F(Routing, NormalToMissingResourceIsServiceUnavailable_8_5_3_2_1) {
  auto balcony = connect("juliet@capulet.lit/balcony", 1);
  route("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit/gone'/>");
  EXPECT_TRUE(balcony->received.empty());
  EXPECT_EQ(error_condition(romeo->received.at(0)), "service-unavailable");
}

TEST_F(Routing, ErrorsAreNeverAnswered_Rfc6120Section8_3_1) {
  route("<message from='romeo@montague.lit/orchard' to='nobody@capulet.lit' type='error'/>");
  route("<iq from='romeo@montague.lit/orchard' to='juliet@capulet.lit/gone' type='error' id='e'/>");
  EXPECT_TRUE(romeo->received.empty());
}

TEST_F(Routing, UnknownLocalUserIsServiceUnavailable_8_5_1) {
  route("<message from='romeo@montague.lit/orchard' to='nobody@capulet.lit'><body>x</body></message>");
  route("<iq from='romeo@montague.lit/orchard' to='nobody@capulet.lit' type='get' id='i1'><ping xmlns='urn:xmpp:ping'/></iq>");
  route("<presence from='romeo@montague.lit/orchard' to='nobody@capulet.lit'/>");
  ASSERT_EQ(romeo->received.size(), 2u);
  EXPECT_EQ(error_condition(romeo->received[0]), "service-unavailable");
  EXPECT_EQ(error_condition(romeo->received[1]), "service-unavailable");
}

TEST_F(Routing, AvailabilityForAnAccountWithoutSessionsIsIgnoredWithoutALookup_8_5_2_2_2) {
  route("<presence from='romeo@montague.lit/orchard' to='juliet@capulet.lit'/>");
  route("<presence from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='unavailable'/>");
  route("<presence from='romeo@montague.lit/orchard' to='nobody@capulet.lit' type='unavailable'/>");
  EXPECT_TRUE(romeo->received.empty());
  EXPECT_EQ(accounts.lookups, 0);
}

TEST_F(Routing, IqToBareJidIsAnsweredByTheServerNeverForwarded_8_5_2_1_3) {
  auto balcony = connect("juliet@capulet.lit/balcony", 1);
  route("<iq from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='get' id='v1'><query xmlns='jabber:iq:version'/></iq>");
  EXPECT_TRUE(balcony->received.empty());
  ASSERT_EQ(romeo->received.size(), 1u);
  EXPECT_EQ(romeo->received[0].attribute_or("from"), "juliet@capulet.lit");
  EXPECT_EQ(error_condition(romeo->received[0]), "service-unavailable");  // no handler here
}

TEST_F(Routing, IqToMissingFullJidIsServiceUnavailable_8_5_3_2_3) {
  route("<iq from='romeo@montague.lit/orchard' to='juliet@capulet.lit/gone' type='set' id='s1'><x xmlns='urn:x'/></iq>");
  EXPECT_EQ(error_condition(romeo->received.at(0)), "service-unavailable");
}

TEST_F(Routing, RemoteDomainIsRemoteServerNotFound) {
  route("<message from='romeo@montague.lit/orchard' to='someone@example.org'/>");
  EXPECT_EQ(error_condition(romeo->received.at(0)), "remote-server-not-found");
}

TEST_F(Routing, MalformedToIsJidMalformed) {
  route("<message from='romeo@montague.lit/orchard' to='@capulet.lit'/>");
  EXPECT_EQ(error_condition(romeo->received.at(0)), "jid-malformed");
}

TEST_F(Routing, DirectedPresenceReachesEveryAvailableResource_8_5_2_1_2) {
  auto balcony = connect("juliet@capulet.lit/balcony", -5);
  auto away = connect("juliet@capulet.lit/away", std::nullopt);  // bound, not available
  route("<presence from='romeo@montague.lit/orchard' to='juliet@capulet.lit'/>");
  EXPECT_EQ(balcony->received.size(), 1u);
  EXPECT_TRUE(away->received.empty());
}

}  // namespace
}  // namespace tern::xmpp
