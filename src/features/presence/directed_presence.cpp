// Directed presence recipients.
#include "features/presence/directed_presence.hpp"

#include <algorithm>

namespace tern::features::presence {

void DirectedPresence::sent(const xmpp::Jid& resource, const xmpp::Jid& recipient) {
  std::lock_guard lock(mutex_);
  auto& recipients = recipients_[resource];
  if (std::find(recipients.begin(), recipients.end(), recipient) == recipients.end()) {
    recipients.push_back(recipient);
  }
}

void DirectedPresence::withdrawn(const xmpp::Jid& resource, const xmpp::Jid& recipient) {
  std::lock_guard lock(mutex_);
  auto found = recipients_.find(resource);
  if (found == recipients_.end()) return;
  std::erase(found->second, recipient);
  if (found->second.empty()) recipients_.erase(found);
}

std::vector<xmpp::Jid> DirectedPresence::take(const xmpp::Jid& resource) {
  std::lock_guard lock(mutex_);
  auto found = recipients_.find(resource);
  if (found == recipients_.end()) return {};
  auto recipients = std::move(found->second);
  recipients_.erase(found);
  return recipients;
}

}  // namespace tern::features::presence
