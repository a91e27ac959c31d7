// XEP-0202 Entity Time.
#include "features/time/time_feature.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "support/test_server.hpp"

namespace tern::features::time {
namespace {

TEST(TimeTest, ServerAnswersUtcAndZoneOffset_Section3) {
  testing::TestServer server;
  server.create_account("romeo@localhost");
  auto romeo = server.login("romeo@localhost/orchard");
  romeo.send("<iq type='get' id='t1' to='localhost'><time xmlns='urn:xmpp:time'/></iq>");
  auto reply = romeo.receive();
  ASSERT_EQ(reply.attribute_or("type"), "result");
  const auto* time = reply.child("time", "urn:xmpp:time");
  ASSERT_TRUE(time);
  EXPECT_TRUE(std::regex_match(time->child("utc", "urn:xmpp:time")->text(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_TRUE(std::regex_match(time->child("tzo", "urn:xmpp:time")->text(),
                               std::regex(R"([+-]\d\d:\d\d)")));
}

}  // namespace
}  // namespace tern::features::time
