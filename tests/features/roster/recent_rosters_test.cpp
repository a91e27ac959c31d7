// The rosters a login reads again within moments: what is kept, for how long, and what a change
// or a read that raced one leaves behind.
#include "features/roster/recent_rosters.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/jid.hpp"

namespace tern::features::roster {
namespace {

using tern::testing::jid;

Roster roster_with(std::string_view contact, std::string version) {
  return Roster{{RosterItem{jid(contact), std::nullopt, {"Friends"}, {}}}, std::move(version)};
}

TEST(RecentRosters, ARememberedRosterIsFoundUntilForgotten) {
  RecentRosters recent;
  auto juliet = jid("juliet@localhost");
  EXPECT_FALSE(recent.find(juliet));
  recent.remember(juliet, recent.generation(), roster_with("romeo@localhost", "7"));
  auto found = recent.find(juliet);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->version, "7");
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items.front().contact.full(), "romeo@localhost");
  EXPECT_FALSE(recent.find(jid("romeo@localhost")));
  recent.forget(juliet);
  EXPECT_FALSE(recent.find(juliet));
}

TEST(RecentRosters, ARosterReadBeforeAChangeIsNotKept) {
  RecentRosters recent;
  auto juliet = jid("juliet@localhost");
  auto generation = recent.generation();   // a load starts reading storage
  recent.forget(jid("juliet@localhost"));  // a change commits meanwhile
  recent.remember(juliet, generation, roster_with("romeo@localhost", "7"));
  EXPECT_FALSE(recent.find(juliet));
}

TEST(RecentRosters, EntriesExpire) {
  RecentRosters recent(8, std::chrono::milliseconds(20));
  auto juliet = jid("juliet@localhost");
  recent.remember(juliet, recent.generation(), roster_with("romeo@localhost", "7"));
  EXPECT_TRUE(recent.find(juliet));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(recent.find(juliet));
}

TEST(RecentRosters, TheOldestEntryMakesRoomWhenFull) {
  RecentRosters recent(2);
  for (auto* user : {"a@localhost", "b@localhost", "c@localhost"}) {
    recent.remember(jid(user), recent.generation(), roster_with("romeo@localhost", user));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // distinct expiry times
  }
  EXPECT_FALSE(recent.find(jid("a@localhost")));
  EXPECT_TRUE(recent.find(jid("b@localhost")));
  EXPECT_TRUE(recent.find(jid("c@localhost")));
}

}  // namespace
}  // namespace tern::features::roster
