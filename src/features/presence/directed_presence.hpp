// Who received directed presence from each available resource (RFC 6121 §4.6): they are sent
// unavailable presence when the resource goes unavailable. Safe to use from any thread.
#pragma once
#include <mutex>
#include <unordered_map>
#include <vector>

#include "xmpp/jid.hpp"

namespace tern::features::presence {

class DirectedPresence {
public:
  void sent(const xmpp::Jid& resource, const xmpp::Jid& recipient);
  void withdrawn(const xmpp::Jid& resource, const xmpp::Jid& recipient);
  // The recipients, forgotten from now on.
  std::vector<xmpp::Jid> take(const xmpp::Jid& resource);

private:
  std::mutex mutex_;
  std::unordered_map<xmpp::Jid, std::vector<xmpp::Jid>> recipients_;  // by full JID
};

}  // namespace tern::features::presence
