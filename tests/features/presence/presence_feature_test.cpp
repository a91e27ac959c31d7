// RFC 6121 §4 presence through the real pipeline.
#include "features/presence/presence_feature.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::presence {
namespace {

using testing::TestClient;
using testing::TestServer;

class PresenceTest : public ::testing::Test {
protected:
  PresenceTest() {
    for (auto* user : {"juliet@localhost", "romeo@localhost", "nurse@localhost"}) {
      server.create_account(user);
    }
  }
  // Mutual subscription between two online users; everything it sent is consumed.
  void befriend(TestClient& a, std::string_view a_bare, TestClient& b, std::string_view b_bare) {
    a.send("<presence to='" + std::string(b_bare) + "' type='subscribe'/>");
    b.send("<presence to='" + std::string(a_bare) + "' type='subscribed'/>");
    b.send("<presence to='" + std::string(a_bare) + "' type='subscribe'/>");
    a.send("<presence to='" + std::string(b_bare) + "' type='subscribed'/>");
    a.receive_all();
    b.receive_all();
  }
  TestServer server;
};

TEST_F(PresenceTest, LoginSeesContactsAndContactsSeeLogin_Section4_2_2And4_3) {
  auto romeo = server.login("romeo@localhost/orchard");
  {
    auto juliet = server.login("juliet@localhost/balcony");
    befriend(romeo, "romeo@localhost", juliet, "juliet@localhost");
    juliet.send_close();
    EXPECT_TRUE(juliet.is_closed());
  }
  auto gone = romeo.receive();  // her stream ended
  EXPECT_EQ(gone.attribute_or("type"), "unavailable");

  auto juliet = server.login("juliet@localhost/chamber");
  // The probe of her contacts is answered with Romeo's presence.
  auto his = juliet.receive();
  EXPECT_EQ(his.attribute_or("from"), "romeo@localhost/orchard");
  EXPECT_EQ(his.attribute_or("to"), "juliet@localhost/chamber");
  EXPECT_EQ(his.attribute_or("type"), "");
  // Her initial presence is broadcast to him.
  auto hers = romeo.receive();
  EXPECT_EQ(hers.attribute_or("from"), "juliet@localhost/chamber");
  EXPECT_EQ(hers.attribute_or("to"), "romeo@localhost");
}

TEST_F(PresenceTest, UnsubscribedUsersSeeNothingNotEvenByProbing_Section4_3_2) {
  auto romeo = server.login("romeo@localhost/orchard");
  auto nurse = server.login("nurse@localhost/kitchen");
  romeo.send("<presence><show>dnd</show></presence>");
  romeo.receive();
  EXPECT_TRUE(nurse.receives_nothing());
  // The server's answer is 'unsubscribed', which her roster (no subscription) ignores.
  nurse.send("<presence to='romeo@localhost' type='probe'/>");
  EXPECT_TRUE(nurse.receives_nothing());
}

TEST_F(PresenceTest, ProbeOfAnOfflineContactIsAnsweredUnavailable_Section4_3_2) {
  auto romeo = server.login("romeo@localhost/orchard");
  {
    auto juliet = server.login("juliet@localhost/balcony");
    befriend(romeo, "romeo@localhost", juliet, "juliet@localhost");
    juliet.send("<presence type='unavailable'><status>asleep</status></presence>");
    juliet.send_close();
    EXPECT_TRUE(juliet.is_closed());
  }
  romeo.receive_all();
  romeo.send("<presence to='juliet@localhost' type='probe'/>");
  auto answer = romeo.receive();
  EXPECT_EQ(answer.attribute_or("type"), "unavailable");
  EXPECT_EQ(answer.attribute_or("from"), "juliet@localhost");
  // The status she left with, and when (XEP-0203).
  EXPECT_EQ(answer.child("status")->text(), "asleep");
  const auto* delay = answer.child("delay", "urn:xmpp:delay");
  ASSERT_TRUE(delay);
  EXPECT_EQ(delay->attribute_or("from"), "localhost");
  EXPECT_EQ(delay->attribute_or("stamp").back(), 'Z');
}

TEST_F(PresenceTest, DirectedPresenceRecipientsLearnOfUnavailability_Section4_6) {
  auto romeo = server.login("romeo@localhost/orchard");
  auto nurse = server.login("nurse@localhost/kitchen");
  romeo.send("<presence to='nurse@localhost/kitchen'><status>psst</status></presence>");
  EXPECT_EQ(nurse.receive().child("status")->text(), "psst");
  romeo.send("<presence type='unavailable'/>");
  auto gone = nurse.receive();
  EXPECT_EQ(gone.attribute_or("type"), "unavailable");
  EXPECT_EQ(gone.attribute_or("from"), "romeo@localhost/orchard");
  EXPECT_EQ(gone.attribute_or("to"), "nurse@localhost/kitchen");
  // Only once: the directed presence is forgotten.
  romeo.send("<presence/>");
  romeo.send("<presence type='unavailable'/>");
  EXPECT_TRUE(nurse.receives_nothing());
}

}  // namespace
}  // namespace tern::features::presence
