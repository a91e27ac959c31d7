// Tests for base64 encoding and strict decoding (RFC 4648).
#include "xmpp/negotiation/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tern::xmpp::sasl {
namespace {

struct Vector {
  std::string bytes;
  std::string text;
};

// RFC 4648 §10 test vectors.
const Vector rfc4648_vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesRfc4648Vectors) {
  for (const Vector& vector : rfc4648_vectors) {
    EXPECT_EQ(base64_encode(vector.bytes), vector.text) << vector.bytes;
  }
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  for (const Vector& vector : rfc4648_vectors) {
    EXPECT_EQ(base64_decode(vector.text), vector.bytes) << vector.text;
  }
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t size = 0; size <= bytes.size(); size += 37) {
    const std::string part = bytes.substr(bytes.size() - size);
    EXPECT_EQ(base64_decode(base64_encode(part)), part) << size;
  }
  EXPECT_EQ(base64_encode("\xfb\xff\xfe"), "+//+");
  EXPECT_EQ(base64_decode("+//+"), "\xfb\xff\xfe");
}

TEST(Base64Test, RejectsNonCanonicalText) {
  const char* const rejected[] = {
      "Zg",             // padding missing
      "Zg=",            // padding incomplete
      "Zg===",          // too much padding
      "Z===",           // a single character cannot encode a byte
      "====",           // padding only
      "=Zg=",           // padding first
      "Z=g=",           // padding in the middle of a group
      "Zg==Zg==",       // padding before the last group
      "Zm9v\n",         // line break
      " Zm9v",          // leading space
      "Zm9v Zm9v",      // inner space
      "Zm9v\r\nYg==",   // line break
      "Zm-v",           // base64url alphabet
      "Zm_v",           // base64url alphabet
      "Zm9v*g==",       // outside any alphabet
      "Zh==",           // non-zero pad bits (RFC 4648 §3.5)
      "Zm9=",           // non-zero pad bits
      "Zm9v\xc3\xa9=",  // non-ASCII
  };
  for (const char* text : rejected) EXPECT_EQ(base64_decode(text), std::nullopt) << text;
}

TEST(Base64Test, RejectsEmbeddedNul) {
  EXPECT_EQ(base64_decode(std::string("Zm9v\0Zg=", 8)), std::nullopt);
}

}  // namespace
}  // namespace tern::xmpp::sasl
