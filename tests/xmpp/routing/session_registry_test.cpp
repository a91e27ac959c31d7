// The directory of sessions and bound resources.
#include "xmpp/routing/session_registry.hpp"

#include <gtest/gtest.h>

namespace tern::xmpp {
namespace {

class NullSession final : public SessionLink {
public:
  void deliver(xml::Outbound) override {}
  void terminate(StreamError) override {}
};

TEST(SessionRegistry, BindingATakenFullJidReturnsTheReplacedSession_Rfc6120Section7_7_2_2) {
  SessionRegistry registry;
  auto first = std::make_shared<NullSession>();
  auto second = std::make_shared<NullSession>();
  auto jid = *Jid::parse("juliet@capulet.lit/balcony");
  EXPECT_EQ(registry.bind(jid, first), nullptr);
  EXPECT_EQ(registry.bind(jid, second), first);
  EXPECT_EQ(registry.find(jid), second);
  // The replaced session's late unbind does not remove its successor.
  registry.unbind(jid, first.get());
  EXPECT_EQ(registry.find(jid), second);
  registry.unbind(jid, second.get());
  EXPECT_EQ(registry.find(jid), nullptr);
  EXPECT_TRUE(registry.resources(jid.bare()).empty());
}

TEST(SessionRegistry, PriorityIsPerResource) {
  SessionRegistry registry;
  auto session = std::make_shared<NullSession>();
  auto jid = *Jid::parse("juliet@capulet.lit/balcony");
  registry.bind(jid, session);
  EXPECT_EQ(registry.resources(jid.bare()).at(0).priority, std::nullopt);
  registry.set_presence(jid, session.get(), 7);
  EXPECT_EQ(registry.resources(jid.bare()).at(0).priority, 7);
}

TEST(SessionRegistry, PresenceIsReplacedOnlyWhileItIsTheOneExpected) {
  SessionRegistry registry;
  auto session = std::make_shared<NullSession>();
  auto jid = *Jid::parse("juliet@capulet.lit/balcony");
  registry.bind(jid, session);
  auto first = std::make_shared<const xml::Element>("presence");
  auto second = std::make_shared<const xml::Element>("presence");
  EXPECT_FALSE(registry.replace_presence(jid, nullptr, first));  // not available
  registry.set_presence(jid, session.get(), 3, first);
  auto order = registry.resources(jid.bare()).at(0).available_order;
  EXPECT_TRUE(registry.replace_presence(jid, first, second));
  auto resource = registry.resources(jid.bare()).at(0);
  EXPECT_EQ(resource.presence, second);
  EXPECT_EQ(resource.priority, 3);
  EXPECT_EQ(resource.available_order, order);
  // The resource sent other presence meanwhile: it stays.
  EXPECT_FALSE(registry.replace_presence(jid, first, std::make_shared<const xml::Element>("presence")));
  EXPECT_EQ(registry.resources(jid.bare()).at(0).presence, second);
}

TEST(SessionRegistry, ShutdownTerminatesEverySessionAndLateArrivals_Rfc6120Section4_9_3_20) {
  class CountingSession final : public SessionLink {
  public:
    void deliver(xml::Outbound) override {}
    void terminate(StreamError error) override { conditions.push_back(error.condition()); }
    std::vector<std::string> conditions;
  };
  SessionRegistry registry;
  auto early = std::make_shared<CountingSession>();
  registry.connected(early);
  EXPECT_EQ(registry.connection_count(), 1u);
  registry.shut_down();
  auto late = std::make_shared<CountingSession>();
  registry.connected(late);
  EXPECT_EQ(early->conditions, std::vector<std::string>{"system-shutdown"});
  EXPECT_EQ(late->conditions, std::vector<std::string>{"system-shutdown"});
  registry.disconnected(early);
  registry.disconnected(late);
  EXPECT_EQ(registry.connection_count(), 0u);
}

}  // namespace
}  // namespace tern::xmpp
