// Addresses and CIDR ranges for trusted proxies.
#include "transport/address_ranges.hpp"

#include <gtest/gtest.h>

#include "support/address.hpp"

namespace tern::transport {
namespace {

using tern::testing::at;

TEST(AddressRanges, AddressesAndRanges) {
  auto ranges = AddressRanges::parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1"});
  ASSERT_TRUE(ranges);
  EXPECT_TRUE(ranges->contains(at("127.0.0.1")));
  EXPECT_FALSE(ranges->contains(at("127.0.0.2")));
  EXPECT_TRUE(ranges->contains(at("10.200.3.4")));
  EXPECT_FALSE(ranges->contains(at("11.0.0.1")));
  EXPECT_TRUE(ranges->contains(at("fd12::1")));
  EXPECT_TRUE(ranges->contains(at("::1")));
  EXPECT_FALSE(ranges->contains(at("2001:db8::1")));
  // An IPv4 peer on a dual-stack socket arrives IPv4-mapped.
  EXPECT_TRUE(ranges->contains(at("::ffff:10.1.2.3")));
}

TEST(AddressRanges, OddPrefixesAndBadEntries) {
  auto ranges = AddressRanges::parse({"192.168.0.0/23"});
  ASSERT_TRUE(ranges);
  EXPECT_TRUE(ranges->contains(at("192.168.1.255")));
  EXPECT_FALSE(ranges->contains(at("192.168.2.0")));
  EXPECT_FALSE(AddressRanges::parse({"10.0.0.0/33"}));
  EXPECT_FALSE(AddressRanges::parse({"localhost"}));
  EXPECT_FALSE(AddressRanges::parse({"10.0.0.0/x"}));
}

TEST(AddressRanges, HeaderAddresses) {
  EXPECT_EQ(parse_address(" 203.0.113.7 ")->to_string(), "203.0.113.7");
  EXPECT_EQ(parse_address("[2001:db8::1]:443")->to_string(), "2001:db8::1");
  EXPECT_FALSE(parse_address("unknown"));
}

}  // namespace
}  // namespace tern::transport
