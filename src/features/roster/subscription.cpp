// RFC 6121 Appendix A.
#include "features/roster/subscription.hpp"

namespace tern::features::roster {

std::string_view to_string(Subscription subscription) {
  switch (subscription) {
    case Subscription::none: return "none";
    case Subscription::to: return "to";
    case Subscription::from: return "from";
    case Subscription::both: return "both";
  }
  return "none";
}

std::optional<Subscription> subscription_from_string(std::string_view text) {
  for (auto candidate : {Subscription::none, Subscription::to, Subscription::from, Subscription::both}) {
    if (to_string(candidate) == text) return candidate;
  }
  return std::nullopt;
}

Subscription SubscriptionState::subscription() const {
  if (to && from) return Subscription::both;
  if (to) return Subscription::to;
  if (from) return Subscription::from;
  return Subscription::none;
}

std::optional<SubscriptionType> subscription_type(std::string_view presence_type) {
  if (presence_type == "subscribe") return SubscriptionType::subscribe;
  if (presence_type == "subscribed") return SubscriptionType::subscribed;
  if (presence_type == "unsubscribe") return SubscriptionType::unsubscribe;
  if (presence_type == "unsubscribed") return SubscriptionType::unsubscribed;
  return std::nullopt;
}

SubscriptionState after_outbound(SubscriptionState state, SubscriptionType type) {
  switch (type) {
    case SubscriptionType::subscribe:  // A.2.1
      if (!state.to) state.pending_out = true;
      break;
    case SubscriptionType::unsubscribe:  // A.2.2
      state.to = false;
      state.pending_out = false;
      break;
    case SubscriptionType::subscribed:  // A.2.3; §3.4 pre-approval when nothing is pending
      if (state.pending_in) {
        state.pending_in = false;
        state.from = true;
      } else if (!state.from) {
        state.approved = true;
      }
      break;
    case SubscriptionType::unsubscribed:  // A.2.4: cancels, denies and withdraws a pre-approval
      state.from = false;
      state.pending_in = false;
      state.approved = false;
      break;
  }
  return state;
}

SubscriptionState after_inbound(SubscriptionState state, SubscriptionType type) {
  switch (type) {
    case SubscriptionType::subscribe:  // A.3.1
      if (state.from) break;
      if (state.approved) {
        state.approved = false;
        state.from = true;
      } else {
        state.pending_in = true;
      }
      break;
    case SubscriptionType::unsubscribe:  // A.3.2
      state.from = false;
      state.pending_in = false;
      break;
    case SubscriptionType::subscribed:  // A.3.3: only an answer to our own request counts
      if (state.pending_out) {
        state.pending_out = false;
        state.to = true;
      }
      break;
    case SubscriptionType::unsubscribed:  // A.3.4
      state.to = false;
      state.pending_out = false;
      break;
  }
  return state;
}

}  // namespace tern::features::roster
