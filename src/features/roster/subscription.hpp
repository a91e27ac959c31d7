// The presence subscription state machine of RFC 6121 Appendix A, with pre-approval (§3.4): the
// state of one contact in one user's roster, and what each subscription stanza does to it.
#pragma once
#include <optional>
#include <string_view>

namespace tern::features::roster {

enum class Subscription { none, to, from, both };

std::string_view to_string(Subscription subscription);
std::optional<Subscription> subscription_from_string(std::string_view text);

struct SubscriptionState {
  bool to = false;           // the user receives the contact's presence
  bool from = false;         // the contact receives the user's presence
  bool pending_out = false;  // the user asked the contact ("ask='subscribe'")
  bool pending_in = false;   // the contact asked the user, unanswered
  bool approved = false;     // the user pre-approved the contact's request (§3.4)

  Subscription subscription() const;
  friend bool operator==(const SubscriptionState&, const SubscriptionState&) = default;
};

enum class SubscriptionType { subscribe, subscribed, unsubscribe, unsubscribed };
std::optional<SubscriptionType> subscription_type(std::string_view presence_type);

// Outbound: the user sends the stanza to the contact (Appendix A.2).
SubscriptionState after_outbound(SubscriptionState state, SubscriptionType type);
// Inbound: the contact's stanza reaches the user (Appendix A.3). A subscribe that the user
// already granted or pre-approved leaves the state with `from` set: the server answers it.
SubscriptionState after_inbound(SubscriptionState state, SubscriptionType type);

}  // namespace tern::features::roster
