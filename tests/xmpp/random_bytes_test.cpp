// Random bytes drawn in blocks: every request gets fresh bytes, across block boundaries too.
#include "xmpp/random_bytes.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <vector>

namespace tern::xmpp {
namespace {

TEST(RandomBytes, NoTwoRequestsGetTheSameBytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {  // several blocks' worth
    std::array<unsigned char, 16> bytes{};
    random_bytes(bytes);
    EXPECT_TRUE(seen.emplace(bytes.begin(), bytes.end()).second) << "request " << i;
  }
}

TEST(RandomBytes, ARequestLargerThanABlockIsFilledThroughout) {
  std::vector<unsigned char> bytes(5000, 0);
  random_bytes(bytes);
  // 5 000 bytes with no run of 32 zeros: each part was filled (2^-256 to fail by chance).
  std::size_t zeros = 0;
  for (unsigned char byte : bytes) {
    zeros = byte == 0 ? zeros + 1 : 0;
    ASSERT_LT(zeros, 32u);
  }
  std::set<std::string> chunks;
  for (std::size_t at = 0; at + 16 <= bytes.size(); at += 16) {
    EXPECT_TRUE(chunks.emplace(bytes.begin() + at, bytes.begin() + at + 16).second) << "at " << at;
  }
}

}  // namespace
}  // namespace tern::xmpp
