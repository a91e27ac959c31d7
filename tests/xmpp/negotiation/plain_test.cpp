// Tests for SASL PLAIN message parsing (RFC 4616).
#include "xmpp/negotiation/plain.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tern::xmpp::sasl {
namespace {

using namespace std::string_literals;

TEST(PlainTest, ParsesWithoutAuthzid) {
  const std::optional<PlainMessage> message = parse_plain("\0user\0pencil"s);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->authzid, "");
  EXPECT_EQ(message->authcid, "user");
  EXPECT_EQ(message->password, "pencil");
}

TEST(PlainTest, ParsesWithAuthzid) {
  const std::optional<PlainMessage> message = parse_plain("admin@example.com\0user\0pen cil"s);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->authzid, "admin@example.com");
  EXPECT_EQ(message->authcid, "user");
  EXPECT_EQ(message->password, "pen cil");
}

TEST(PlainTest, PreparesAuthcidButNotPassword) {
  // U+00AD SOFT HYPHEN maps to nothing and U+00A0 NO-BREAK SPACE to a space (RFC 4013 §2.1).
  const std::optional<PlainMessage> message = parse_plain("\0I\u00adX\0p\u00a0w"s);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->authcid, "IX");
  EXPECT_EQ(message->password, "p\u00a0w");
}

TEST(PlainTest, RejectsWrongNulCount) {
  EXPECT_EQ(parse_plain(""), std::nullopt);
  EXPECT_EQ(parse_plain("userpencil"), std::nullopt);
  EXPECT_EQ(parse_plain("user\0pencil"s), std::nullopt);
  EXPECT_EQ(parse_plain("\0user\0pen\0cil"s), std::nullopt);
  EXPECT_EQ(parse_plain("\0user\0pencil\0"s), std::nullopt);
}

TEST(PlainTest, RejectsEmptyFields) {
  EXPECT_EQ(parse_plain("\0\0pencil"s), std::nullopt);
  EXPECT_EQ(parse_plain("\0user\0"s), std::nullopt);
  EXPECT_EQ(parse_plain("\0\0"s), std::nullopt);
  // Only a character that SASLprep maps to nothing.
  EXPECT_EQ(parse_plain("\0\u00ad\0pencil"s), std::nullopt);
}

TEST(PlainTest, LimitsAuthcidAndPasswordTo255Bytes) {
  const std::string longest(255, 'a');
  const std::string too_long(256, 'a');
  EXPECT_TRUE(parse_plain("\0"s + longest + "\0"s + longest));
  EXPECT_EQ(parse_plain("\0"s + too_long + "\0pencil"s), std::nullopt);
  EXPECT_EQ(parse_plain("\0user\0"s + too_long), std::nullopt);
}

TEST(PlainTest, RejectsInvalidUtf8) {
  EXPECT_EQ(parse_plain("\xff\0user\0pencil"s), std::nullopt);
  EXPECT_EQ(parse_plain("\0us\xc0\xafr\0pencil"s), std::nullopt);
  EXPECT_EQ(parse_plain("\0user\0pen\xed\xa0\x80"s), std::nullopt);
}

TEST(PlainTest, RejectsAuthcidProhibitedBySaslprep) {
  EXPECT_EQ(parse_plain("\0us\ber\0pencil"s), std::nullopt);
}

}  // namespace
}  // namespace tern::xmpp::sasl
