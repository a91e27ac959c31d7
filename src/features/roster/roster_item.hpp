// One contact in a user's roster (RFC 6121 §2.1.2) and its <item/> element.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "features/roster/subscription.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace tern::features::roster {

inline constexpr std::string_view roster_xmlns = "jabber:iq:roster";

struct RosterItem {
  xmpp::Jid contact;
  std::optional<std::string> name;
  std::vector<std::string> groups;
  SubscriptionState state;  // pending_in is not part of the item as clients see it
};

// <item jid name? subscription ask? approved?><group/>*</item>
xml::Element to_element(const RosterItem& item);
// The push for an item that was removed: <item jid subscription='remove'/>.
xml::Element removed_element(const xmpp::Jid& contact);

}  // namespace tern::features::roster
