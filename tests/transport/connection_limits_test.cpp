// Connections counted per listener and per address, and given back when they close.
#include "transport/connection_limits.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "support/address.hpp"

namespace tern::transport {
namespace {

using tern::testing::at;

// The address the peers below connected to.
const auto server = at("192.0.2.254");

AddressConnections per_address(std::size_t limit, std::vector<std::string> unlimited = {}) {
  return AddressConnections({.max_open = limit, .new_per_second = 0, .unlimited = *AddressRanges::parse(unlimited)});
}

TEST(ConnectionLimits, AListenerRefusesBeyondItsLimitUntilOneCloses) {
  auto addresses = per_address(0);
  ConnectionLimits limits("test listener", "limits.test", 2, addresses);
  auto first = limits.admit(at("192.0.2.1"), server);
  auto second = limits.admit(at("192.0.2.2"), server);
  EXPECT_FALSE(first.refusal());
  EXPECT_FALSE(second.refusal());
  auto third = limits.admit(at("192.0.2.3"), server);
  EXPECT_EQ(third.refusal(), ConnectionRefusal::listener_full);
  EXPECT_EQ(limits.open(), 2u);
  first = Admission();
  EXPECT_EQ(limits.open(), 1u);
  EXPECT_FALSE(limits.admit(at("192.0.2.3"), server).refusal());
  EXPECT_EQ(limits.open(), 1u);  // the temporary's place was given back
}

TEST(ConnectionLimits, OneAddressIsCountedOverAllListeners) {
  auto addresses = per_address(2);
  ConnectionLimits c2s("c2s", "limits.test", 100, addresses);
  ConnectionLimits http("http", "limits.test", 100, addresses);
  auto first = c2s.admit(at("198.51.100.7"), server);
  auto second = http.admit(at("198.51.100.7"), server);
  auto refused = c2s.admit(at("198.51.100.7"), server);
  EXPECT_EQ(refused.refusal(), ConnectionRefusal::address_full);
  EXPECT_EQ(c2s.open(), 1u);  // a refused connection takes no place on its listener
  EXPECT_FALSE(c2s.admit(at("198.51.100.8"), server).refusal());
  // An IPv4 peer on a dual-stack socket is the same address.
  EXPECT_EQ(http.admit(at("::ffff:198.51.100.7"), server).refusal(), ConnectionRefusal::address_full);
  second = Admission();
  EXPECT_FALSE(http.admit(at("::ffff:198.51.100.7"), server).refusal());
}

TEST(ConnectionLimits, AnIpv6PeerCountsWithItsSlash64) {
  auto addresses = per_address(2);
  ConnectionLimits limits("listener", "limits.test", 100, addresses);
  auto first = limits.admit(at("2001:db8:1:2::1"), server);
  auto second = limits.admit(at("2001:db8:1:2:ffff::9"), server);
  EXPECT_EQ(limits.admit(at("2001:db8:1:2::3"), server).refusal(), ConnectionRefusal::address_full);
  EXPECT_FALSE(limits.admit(at("2001:db8:1:3::1"), server).refusal());
}

TEST(ConnectionLimits, ProxiesAreNotCountedPerAddress) {
  auto addresses = per_address(1, {"127.0.0.1", "10.0.0.0/8"});
  ConnectionLimits limits("listener", "limits.test", 100, addresses);
  std::vector<Admission> proxied;
  for (int i = 0; i < 5; ++i) proxied.push_back(limits.admit(at("10.1.2.3"), server));
  for (const auto& admission : proxied) EXPECT_FALSE(admission.refusal());
  EXPECT_EQ(limits.open(), 5u);
  auto direct = limits.admit(at("127.0.0.2"), server);
  EXPECT_FALSE(direct.refusal());
  EXPECT_EQ(limits.admit(at("127.0.0.2"), server).refusal(), ConnectionRefusal::address_full);
}

TEST(ConnectionLimits, APeerAtTheAddressItReachedIsThisMachineAndNotLimited) {
  AddressConnections addresses({.max_open = 1, .new_per_second = 1, .unlimited = *AddressRanges::parse({})});
  ConnectionLimits limits("listener", "limits.test", 100, addresses);
  std::vector<Admission> local;
  for (int i = 0; i < 20; ++i) local.push_back(limits.admit(at("198.51.100.9"), at("198.51.100.9")));
  for (const auto& admission : local) EXPECT_FALSE(admission.refusal());
  local.push_back(limits.admit(at("::ffff:198.51.100.9"), at("::ffff:198.51.100.9")));
  EXPECT_FALSE(local.back().refusal());
  // The same address reaching another of the listener's addresses is limited as any peer.
  auto remote = limits.admit(at("198.51.100.9"), server);
  EXPECT_FALSE(remote.refusal());
  EXPECT_EQ(limits.admit(at("198.51.100.9"), server).refusal(), ConnectionRefusal::address_full);
}

TEST(ConnectionLimits, AnAddressOpensTenSecondsWorthAtOnceThenAtItsRate) {
  AddressConnections addresses({.max_open = 0, .new_per_second = 10, .unlimited = *AddressRanges::parse({})});
  ConnectionLimits limits("listener", "limits.test", 1000, addresses);
  for (int i = 0; i < 100; ++i) {
    // Closed at once: the rate counts connections opened, not open.
    ASSERT_FALSE(limits.admit(at("203.0.113.5"), server).refusal()) << i;
  }
  EXPECT_EQ(limits.admit(at("203.0.113.5"), server).refusal(), ConnectionRefusal::address_too_fast);
  EXPECT_FALSE(limits.admit(at("203.0.113.6"), server).refusal());  // another address has its own
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_FALSE(limits.admit(at("203.0.113.5"), server).refusal());  // 1.5 new ones a tenth of a second later
  EXPECT_EQ(limits.admit(at("203.0.113.5"), server).refusal(), ConnectionRefusal::address_too_fast);
  EXPECT_EQ(limits.open(), 0u);
}

TEST(ConnectionLimits, APlaceOutlivesItsListener) {
  Admission kept;
  {
    auto addresses = per_address(1);
    ConnectionLimits limits("listener", "limits.test", 1, addresses);
    kept = limits.admit(at("192.0.2.1"), server);
  }
  EXPECT_FALSE(kept.refusal());
  kept = Admission();  // gives its place back to counts only it still holds
}

}  // namespace
}  // namespace tern::transport
