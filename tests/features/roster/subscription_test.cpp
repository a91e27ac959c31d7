// The tables of RFC 6121 Appendix A, row by row.
#include "features/roster/subscription.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace tern::features::roster {
namespace {

// The states as Appendix A names them.
const std::map<std::string, SubscriptionState> states{
    {"None", {}},
    {"None+PendingOut", {.pending_out = true}},
    {"None+PendingIn", {.pending_in = true}},
    {"None+PendingOut/In", {.pending_out = true, .pending_in = true}},
    {"To", {.to = true}},
    {"To+PendingIn", {.to = true, .pending_in = true}},
    {"From", {.from = true}},
    {"From+PendingOut", {.from = true, .pending_out = true}},
    {"Both", {.to = true, .from = true}},
};

struct Row {
  std::string state;
  // The new state for subscribe, unsubscribe, subscribed, unsubscribed; "" = no change.
  std::string subscribe, unsubscribe, subscribed, unsubscribed;
};

void check(const Row& row, bool inbound) {
  auto before = states.at(row.state);
  auto apply = [&](SubscriptionType type) {
    return inbound ? after_inbound(before, type) : after_outbound(before, type);
  };
  auto expect = [&](SubscriptionType type, const std::string& expected, const char* name) {
    auto after = apply(type);
    after.approved = false;  // pre-approval is checked on its own below
    EXPECT_EQ(after, expected.empty() ? before : states.at(expected))
        << (inbound ? "inbound " : "outbound ") << name << " in " << row.state;
  };
  expect(SubscriptionType::subscribe, row.subscribe, "subscribe");
  expect(SubscriptionType::unsubscribe, row.unsubscribe, "unsubscribe");
  expect(SubscriptionType::subscribed, row.subscribed, "subscribed");
  expect(SubscriptionType::unsubscribed, row.unsubscribed, "unsubscribed");
}

TEST(SubscriptionTest, OutboundTableA2) {
  for (const auto& row : std::vector<Row>{
           {"None", "None+PendingOut", "", "", ""},
           {"None+PendingOut", "", "None", "", ""},
           {"None+PendingIn", "None+PendingOut/In", "", "From", "None"},
           {"None+PendingOut/In", "", "None+PendingIn", "From+PendingOut", "None+PendingOut"},
           {"To", "", "None", "", ""},
           {"To+PendingIn", "", "None+PendingIn", "Both", "To"},
           {"From", "From+PendingOut", "", "", "None"},
           {"From+PendingOut", "", "From", "", "None+PendingOut"},
           {"Both", "", "From", "", "To"},
       }) {
    check(row, false);
  }
}

TEST(SubscriptionTest, InboundTableA3) {
  for (const auto& row : std::vector<Row>{
           {"None", "None+PendingIn", "", "", ""},
           {"None+PendingOut", "None+PendingOut/In", "", "To", "None"},
           {"None+PendingIn", "", "None", "", ""},
           {"None+PendingOut/In", "", "None+PendingOut", "To+PendingIn", "None+PendingIn"},
           {"To", "To+PendingIn", "", "", "None"},
           {"To+PendingIn", "", "To", "", "None+PendingIn"},
           {"From", "", "None", "", ""},
           {"From+PendingOut", "", "None+PendingOut", "Both", "From"},
           {"Both", "", "To", "", "From"},
       }) {
    check(row, true);
  }
}

TEST(SubscriptionTest, PreApprovalIsRecordedThenGrantsTheRequest_Section3_4) {
  auto approved = after_outbound(states.at("None"), SubscriptionType::subscribed);
  EXPECT_TRUE(approved.approved);
  EXPECT_FALSE(approved.from);
  auto granted = after_inbound(approved, SubscriptionType::subscribe);
  EXPECT_EQ(granted, states.at("From"));
  // Unsubscribed withdraws a pre-approval.
  EXPECT_FALSE(after_outbound(approved, SubscriptionType::unsubscribed).approved);
  // No pre-approval where the contact is already subscribed.
  EXPECT_FALSE(after_outbound(states.at("From"), SubscriptionType::subscribed).approved);
}

TEST(SubscriptionTest, ItemShowsTheSubscriptionAttribute_Section2_1_2_5) {
  EXPECT_EQ(to_string(states.at("Both").subscription()), "both");
  EXPECT_EQ(to_string(states.at("From+PendingOut").subscription()), "from");
  EXPECT_EQ(to_string(states.at("To+PendingIn").subscription()), "to");
  EXPECT_EQ(to_string(states.at("None+PendingOut/In").subscription()), "none");
}

}  // namespace
}  // namespace tern::features::roster
