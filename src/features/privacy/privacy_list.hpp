// A privacy list (XEP-0016 §2.1) as the user wrote it: named, ordered items that allow or deny
// kinds of stanzas by JID, roster group, subscription state or for everyone else.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace tern::features::privacy {

inline constexpr std::string_view privacy_xmlns = "jabber:iq:privacy";

// The stanza kinds an item names by its child elements; none named: every stanza, both ways.
enum Kinds : std::uint8_t {
  all_kinds = 0,
  messages = 1,            // <message/>: inbound messages
  iqs = 2,                 // <iq/>: inbound IQ requests and answers
  presence_in = 4,         // <presence-in/>: inbound presence notifications
  presence_out = 8,        // <presence-out/>: outbound presence notifications
};

struct PrivacyItem {
  enum class Type { jid, group, subscription, fall_through };
  Type type = Type::fall_through;
  std::string value;  // a prepared JID, a group name, or both/to/from/none
  bool allow = false;
  std::uint32_t order = 0;
  std::uint8_t kinds = all_kinds;

  friend bool operator==(const PrivacyItem&, const PrivacyItem&) = default;
};

struct PrivacyList {
  std::string name;
  std::vector<PrivacyItem> items;  // ascending order

  friend bool operator==(const PrivacyList&, const PrivacyList&) = default;
};

// A <list name='...'> with at least one item, checked as §2.1 asks (action, unique non-negative
// order, a valid value for the type); items come back sorted by order. Group names are checked
// against the roster by the caller.
std::variant<PrivacyList, xmpp::StanzaError> parse_list(const xml::Element& list);

xml::Element to_element(const PrivacyList& list);
xml::Element to_element(const PrivacyItem& item);

}  // namespace tern::features::privacy
