// limits.max_stanzas_per_second: a second's worth at once, then the rate.
#include "xmpp/session/stanza_allowance.hpp"

#include <gtest/gtest.h>

namespace tern::xmpp {
namespace {

using namespace std::chrono_literals;
using Clock = StanzaAllowance::Clock;

TEST(StanzaAllowance, ASecondsWorthAtOnceThenAPause) {
  StanzaAllowance allowance;
  auto now = Clock::time_point{} + 1h;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(allowance.take(100, now), Clock::duration::zero()) << i;
  // The 101st is taken on credit (at least one stanza's worth): the session waits for it.
  auto pause = allowance.take(100, now);
  EXPECT_GE(pause, 9ms);
  EXPECT_LE(pause, 11ms);
  // After the pause the client may send at the rate, one stanza every 10 ms.
  now += pause;
  EXPECT_GT(allowance.take(100, now), Clock::duration::zero());
  now += 20ms;
  EXPECT_EQ(allowance.take(100, now), Clock::duration::zero());
}

TEST(StanzaAllowance, AQuietClientGetsItsBurstBackButNoMore) {
  StanzaAllowance allowance;
  auto now = Clock::time_point{} + 1h;
  for (int i = 0; i < 10; ++i) allowance.take(10, now);
  now += 1h;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(allowance.take(10, now), Clock::duration::zero()) << i;
  EXPECT_GT(allowance.take(10, now), Clock::duration::zero());
}

TEST(StanzaAllowance, AtHighRatesAMillisecondsWorthIsOwedBeforeAPause) {
  StanzaAllowance allowance;
  auto now = Clock::time_point{} + 1h;
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(allowance.take(5000, now), Clock::duration::zero());
  int before_pause = 0;
  while (allowance.take(5000, now) == Clock::duration::zero()) ++before_pause;
  EXPECT_EQ(before_pause, 4);  // the fifth on credit makes a millisecond: one timer, not five
}

TEST(StanzaAllowance, ZeroIsNoLimit) {
  StanzaAllowance allowance;
  auto now = Clock::time_point{} + 1h;
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(allowance.take(0, now), Clock::duration::zero());
}

}  // namespace
}  // namespace tern::xmpp
