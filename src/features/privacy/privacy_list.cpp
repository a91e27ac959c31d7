// Privacy lists as elements.
#include "features/privacy/privacy_list.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "xmpp/jid.hpp"

namespace tern::features::privacy {
namespace {

struct KindName {
  std::uint8_t kind;
  std::string_view name;
};
constexpr KindName kind_names[] = {
    {messages, "message"}, {iqs, "iq"}, {presence_in, "presence-in"}, {presence_out, "presence-out"}};

std::optional<std::uint32_t> parse_order(const std::string& text) {
  std::uint32_t order = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), order);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return order;
}

std::variant<PrivacyItem, xmpp::StanzaError> parse_item(const xml::Element& element) {
  PrivacyItem item;
  auto action = element.attribute_or("action");
  if (action != "allow" && action != "deny") {
    return xmpp::StanzaError::bad_request("an item's action is allow or deny");
  }
  item.allow = action == "allow";
  auto order = parse_order(element.attribute_or("order"));
  if (!order) return xmpp::StanzaError::bad_request("an item's order is a non-negative integer");
  item.order = *order;

  const std::string* type = element.attribute("type");
  const std::string* value = element.attribute("value");
  if (!type) {
    if (value) return xmpp::StanzaError::bad_request("a fall-through item has no value");
  } else if (!value) {
    return xmpp::StanzaError::bad_request("an item with a type needs a value");
  } else if (*type == "jid") {
    auto jid = xmpp::Jid::parse(*value);
    if (!jid) return xmpp::StanzaError::bad_request("not a valid JID: " + *value);
    item.type = PrivacyItem::Type::jid;
    item.value = jid->full();
  } else if (*type == "group") {
    item.type = PrivacyItem::Type::group;
    item.value = *value;
  } else if (*type == "subscription") {
    if (*value != "both" && *value != "to" && *value != "from" && *value != "none") {
      return xmpp::StanzaError::bad_request("a subscription item's value is both, to, from or none");
    }
    item.type = PrivacyItem::Type::subscription;
    item.value = *value;
  } else {
    return xmpp::StanzaError::bad_request("an item's type is jid, group or subscription");
  }

  for (const xml::Element* child : element.child_elements()) {
    auto named = std::find_if(std::begin(kind_names), std::end(kind_names),
                              [&](const KindName& kind) { return child->name() == kind.name; });
    if (named == std::end(kind_names) || child->xmlns() != privacy_xmlns) {
      return xmpp::StanzaError::bad_request("an item names message, iq, presence-in or presence-out");
    }
    item.kinds |= named->kind;
  }
  return item;
}

}  // namespace

std::variant<PrivacyList, xmpp::StanzaError> parse_list(const xml::Element& list) {
  PrivacyList parsed;
  parsed.name = list.attribute_or("name");
  if (parsed.name.empty()) return xmpp::StanzaError::bad_request("a list needs a name");
  std::set<std::uint32_t> orders;
  for (const xml::Element* child : list.child_elements()) {
    if (!child->is("item", privacy_xmlns)) return xmpp::StanzaError::bad_request("a list holds items only");
    auto item = parse_item(*child);
    if (auto* error = std::get_if<xmpp::StanzaError>(&item)) return *error;
    auto& valid = std::get<PrivacyItem>(item);
    if (!orders.insert(valid.order).second) {
      return xmpp::StanzaError::bad_request("two items have order " + std::to_string(valid.order));
    }
    parsed.items.push_back(std::move(valid));
  }
  std::sort(parsed.items.begin(), parsed.items.end(),
            [](const PrivacyItem& a, const PrivacyItem& b) { return a.order < b.order; });
  return parsed;
}

xml::Element to_element(const PrivacyItem& item) {
  xml::Element element("item", std::string(privacy_xmlns));
  switch (item.type) {
    case PrivacyItem::Type::jid: element.set_attribute("type", "jid"); break;
    case PrivacyItem::Type::group: element.set_attribute("type", "group"); break;
    case PrivacyItem::Type::subscription: element.set_attribute("type", "subscription"); break;
    case PrivacyItem::Type::fall_through: break;
  }
  if (item.type != PrivacyItem::Type::fall_through) element.set_attribute("value", item.value);
  element.set_attribute("action", item.allow ? "allow" : "deny");
  element.set_attribute("order", std::to_string(item.order));
  for (const auto& kind : kind_names) {
    if (item.kinds & kind.kind) element.add_child(std::string(kind.name), std::string(privacy_xmlns));
  }
  return element;
}

xml::Element to_element(const PrivacyList& list) {
  xml::Element element("list", std::string(privacy_xmlns));
  element.set_attribute("name", list.name);
  for (const auto& item : list.items) element.add_child(to_element(item));
  return element;
}

}  // namespace tern::features::privacy
