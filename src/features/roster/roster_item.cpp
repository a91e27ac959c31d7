// RFC 6121 §2.1.2 roster items.
#include "features/roster/roster_item.hpp"

namespace tern::features::roster {

xml::Element to_element(const RosterItem& item) {
  xml::Element element("item", std::string(roster_xmlns));
  element.set_attribute("jid", item.contact.full());
  if (item.name) element.set_attribute("name", *item.name);
  element.set_attribute("subscription", std::string(to_string(item.state.subscription())));
  if (item.state.pending_out) element.set_attribute("ask", "subscribe");
  if (item.state.approved) element.set_attribute("approved", "true");
  for (const auto& group : item.groups) {
    element.add_child("group", std::string(roster_xmlns)).add_text(group);
  }
  return element;
}

xml::Element removed_element(const xmpp::Jid& contact) {
  xml::Element element("item", std::string(roster_xmlns));
  element.set_attribute("jid", contact.full());
  element.set_attribute("subscription", "remove");
  return element;
}

}  // namespace tern::features::roster
