// A privacy list compiled for the hot path (XEP-0016 §2.2): items in order with their JIDs
// prepared once, decided against the stanza's kind, the peer's JID and the user's roster.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "features/privacy/privacy_list.hpp"
#include "features/roster/subscription.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/pipeline/privacy.hpp"

namespace tern::features::privacy {

// The user's roster as group and subscription items see it, by the contact's bare JID.
struct RosterEntry {
  roster::Subscription subscription = roster::Subscription::none;
  std::vector<std::string> groups;
};
using RosterView = std::unordered_map<std::string, RosterEntry>;

// The kind bit an item that names kinds must have to match this stanza; 0 when only items that
// name no kind match it (subscriptions, probes, outbound messages and IQs).
std::uint8_t kind_of(const xml::Element& stanza, xmpp::Direction direction);

class CompiledList {
public:
  explicit CompiledList(const PrivacyList& list);
  bool needs_roster() const { return needs_roster_; }
  // The first item that matches (§2.2), or nullptr: then the stanza passes.
  const PrivacyItem* first_match(std::uint8_t kind, const xmpp::Jid& peer, const RosterView& roster) const;

private:
  // §2.1: user@domain/resource, user@domain, domain/resource, domain.
  enum class JidMatch { full, bare, domain_resource, domain };
  struct Rule {
    PrivacyItem item;
    JidMatch match = JidMatch::full;
    xmpp::Jid jid;
  };
  bool matches(const Rule& rule, const xmpp::Jid& peer, const RosterView& roster) const;
  std::vector<Rule> rules_;
  bool needs_roster_ = false;
};

// A blocked JID (XEP-0191 §7): a jid item that denies everything.
bool is_blocking_item(const PrivacyItem& item);
xmpp::Verdict verdict_of(const PrivacyItem* decided);

}  // namespace tern::features::privacy
