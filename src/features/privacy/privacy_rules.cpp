// Deciding with a compiled privacy list.
#include "features/privacy/privacy_rules.hpp"

#include <algorithm>

namespace tern::features::privacy {

std::uint8_t kind_of(const xml::Element& stanza, xmpp::Direction direction) {
  const auto& name = stanza.name();
  if (name == "presence") {
    auto type = stanza.attribute_or("type");
    bool notification = type.empty() || type == "unavailable";
    if (!notification) return all_kinds;
    return direction == xmpp::Direction::inbound ? presence_in : presence_out;
  }
  if (direction == xmpp::Direction::outbound) return all_kinds;
  if (name == "message") return messages;
  if (name == "iq") return iqs;
  return all_kinds;
}

CompiledList::CompiledList(const PrivacyList& list) {
  for (const auto& item : list.items) {
    Rule rule{item, JidMatch::full, {}};
    if (item.type == PrivacyItem::Type::jid) {
      rule.jid = *xmpp::Jid::parse(item.value);
      if (rule.jid.has_localpart()) {
        rule.match = rule.jid.is_bare() ? JidMatch::bare : JidMatch::full;
      } else {
        rule.match = rule.jid.is_bare() ? JidMatch::domain : JidMatch::domain_resource;
      }
    }
    if (item.type == PrivacyItem::Type::group || item.type == PrivacyItem::Type::subscription) {
      needs_roster_ = true;
    }
    rules_.push_back(std::move(rule));
  }
}

bool CompiledList::matches(const Rule& rule, const xmpp::Jid& peer, const RosterView& roster) const {
  switch (rule.item.type) {
    case PrivacyItem::Type::fall_through: return true;
    case PrivacyItem::Type::jid:
      switch (rule.match) {
        case JidMatch::full: return peer == rule.jid;
        case JidMatch::bare: return peer.localpart() == rule.jid.localpart() && peer.domainpart() == rule.jid.domainpart();
        case JidMatch::domain_resource:
          return !peer.has_localpart() && peer.domainpart() == rule.jid.domainpart() &&
                 peer.resource() == rule.jid.resource();
        case JidMatch::domain: return peer.domainpart() == rule.jid.domainpart();
      }
      return false;
    case PrivacyItem::Type::group: {
      auto found = roster.find(peer.bare_string());
      if (found == roster.end()) return false;
      const auto& groups = found->second.groups;
      return std::find(groups.begin(), groups.end(), rule.item.value) != groups.end();
    }
    case PrivacyItem::Type::subscription: {
      auto found = roster.find(peer.bare_string());
      auto subscription = found == roster.end() ? roster::Subscription::none : found->second.subscription;
      return roster::to_string(subscription) == rule.item.value;
    }
  }
  return false;
}

const PrivacyItem* CompiledList::first_match(std::uint8_t kind, const xmpp::Jid& peer,
                                             const RosterView& roster) const {
  for (const auto& rule : rules_) {
    bool concerns_kind = rule.item.kinds == all_kinds || (rule.item.kinds & kind) != 0;
    if (concerns_kind && matches(rule, peer, roster)) return &rule.item;
  }
  return nullptr;
}

bool is_blocking_item(const PrivacyItem& item) {
  return item.type == PrivacyItem::Type::jid && !item.allow && item.kinds == all_kinds;
}

xmpp::Verdict verdict_of(const PrivacyItem* decided) {
  if (!decided || decided->allow) return xmpp::Verdict::allow;
  return is_blocking_item(*decided) ? xmpp::Verdict::deny_blocked : xmpp::Verdict::deny;
}

}  // namespace tern::features::privacy
