// The blocklist (XEP-0191) as the jid/deny items of the default privacy list (XEP-0191 §7), so
// that clients of either protocol see the effect of the other.
#pragma once
#include <string>
#include <vector>

#include "features/privacy/privacy_store.hpp"
#include "xmpp/jid.hpp"

namespace tern::features::privacy {

// The blocked JIDs, in the order of their items.
std::vector<std::string> blocklist_of(const PrivacySettings& settings);
// Puts the JIDs that are not blocked yet first in the default list, creating that list (and
// making it the default) when there is none.
void block(PrivacySettings& settings, const std::vector<xmpp::Jid>& jids);
// Removes their blocking items (all of them when `jids` is empty); a default list left empty
// is removed.
void unblock(PrivacySettings& settings, const std::vector<xmpp::Jid>& jids);

}  // namespace tern::features::privacy
