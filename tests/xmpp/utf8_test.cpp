// UTF-8 validation (RFC 3629).
#include "xmpp/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tern::xmpp {
namespace {

using namespace std::string_literals;

TEST(Utf8, WellFormednessPerRfc3629) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ascii"));
  EXPECT_TRUE(is_valid_utf8("\u20ac"));
  EXPECT_TRUE(is_valid_utf8("\U0001f600"));
  EXPECT_TRUE(is_valid_utf8("\U0010ffff"));
  EXPECT_TRUE(is_valid_utf8("a\0b"s));
  EXPECT_FALSE(is_valid_utf8("\x80"));                  // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));              // overlong
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));          // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));      // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xe2\x82z"));             // bad continuation
  EXPECT_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80"));  // five-byte form
}

TEST(Utf8, DecodesCodePoints) {
  EXPECT_EQ(decode_utf8("a\u20ac\U0001f600"), (std::vector<std::uint32_t>{0x61, 0x20ac, 0x1f600}));
}

}  // namespace
}  // namespace tern::xmpp
