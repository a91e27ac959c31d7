// XEP-0115 verification by the server, through the real pipeline.
#include "features/caps/caps_feature.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"

namespace tern::features::caps {
namespace {

using testing::TestClient;
using testing::TestServer;

constexpr const char* exodus_info =
    "<identity category='client' name='Exodus 0.9.1' type='pc'/>"
    "<feature var='http://jabber.org/protocol/caps'/>"
    "<feature var='http://jabber.org/protocol/disco#info'/>"
    "<feature var='http://jabber.org/protocol/disco#items'/>"
    "<feature var='http://jabber.org/protocol/muc'/>";
constexpr const char* exodus_caps =
    "<presence><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
    "node='http://code.google.com/p/exodus' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>";

const xml::Element* disco_query(const xml::Element& stanza) {
  if (stanza.name() != "iq" || stanza.attribute_or("type") != "get") return nullptr;
  return stanza.child("query", "http://jabber.org/protocol/disco#info");
}

// The server's disco#info query among what the client received, answered with `info`.
bool answer_query(TestClient& client, const std::string& info) {
  for (const auto& stanza : client.receive_all()) {
    const auto* query = disco_query(stanza);
    if (!query) continue;
    EXPECT_EQ(stanza.attribute_or("from"), "localhost");
    EXPECT_EQ(query->attribute_or("node"), "http://code.google.com/p/exodus#QgayPKawpkPSDYmwT/WM94uAlu0=");
    client.send("<iq type='result' to='localhost' id='" + stanza.attribute_or("id") +
                "'><query xmlns='http://jabber.org/protocol/disco#info' node='" +
                query->attribute_or("node") + "'>" + info + "</query></iq>");
    return true;
  }
  return false;
}

class CapsTest : public ::testing::Test {
protected:
  CapsTest() {
    server.create_account("romeo@localhost");
    server.create_account("nurse@localhost");
  }
  TestServer server;
};

TEST_F(CapsTest, AVerifiedVerIsNotQueriedAgain_Section5_4) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send(exodus_caps);
  ASSERT_TRUE(answer_query(romeo, exodus_info));
  auto nurse = server.login("nurse@localhost/kitchen");
  nurse.send(exodus_caps);
  EXPECT_FALSE(answer_query(nurse, exodus_info));  // cached
}

TEST_F(CapsTest, AMismatchIsNotCached_Section5_4) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send(exodus_caps);
  ASSERT_TRUE(answer_query(romeo, "<feature var='http://jabber.org/protocol/caps'/>"));
  auto nurse = server.login("nurse@localhost/kitchen");
  nurse.send(exodus_caps);
  EXPECT_TRUE(answer_query(nurse, exodus_info));  // asked again: the first answer did not match
}

}  // namespace
}  // namespace tern::features::caps
