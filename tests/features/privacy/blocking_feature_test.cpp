// XEP-0191 blocking through the real pipeline.
#include "features/privacy/blocking_feature.hpp"

#include <gtest/gtest.h>

#include "support/test_server.hpp"
#include "support/xml.hpp"

namespace tern::features::privacy {
namespace {

using testing::error_condition;
using testing::TestServer;

class BlockingTest : public ::testing::Test {
protected:
  BlockingTest() {
    server.create_account("juliet@localhost");
    server.create_account("romeo@localhost");
  }
  TestServer server;
};

// §3.4 with the account offline. The server first found that she has no lists (a message to her
// while she was away) and remembers that; the block she sets later must still apply once she is
// gone again.
TEST_F(BlockingTest, ABlockAppliesWhileTheUserIsOfflineAfterTheServerFoundNoListsBefore_Section3_4) {
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<message to='juliet@localhost' type='chat' id='before'><body>one</body></message>");
  EXPECT_TRUE(romeo.receives_nothing());  // kept for her
  {
    auto juliet = server.login("juliet@localhost/balcony");
    EXPECT_EQ(juliet.receive().attribute_or("id"), "before");
    juliet.send("<iq type='set' id='block'><block xmlns='urn:xmpp:blocking'><item jid='romeo@localhost'/></block></iq>");
    bool answered = false;
    for (const auto& stanza : juliet.receive_all()) {
      if (stanza.attribute_or("id") == "block") answered = stanza.attribute_or("type") == "result";
    }
    EXPECT_TRUE(answered);
    juliet.send_close();
    EXPECT_TRUE(juliet.is_closed());
  }
  romeo.send("<message to='juliet@localhost' type='chat' id='after'><body>two</body></message>");
  auto bounce = romeo.receive();
  EXPECT_EQ(bounce.attribute_or("id"), "after");
  EXPECT_EQ(bounce.attribute_or("type"), "error");
  EXPECT_EQ(error_condition(bounce), "service-unavailable");
}

}  // namespace
}  // namespace tern::features::privacy
