// Errors for stanzas the sender's privacy rules block.
#include "xmpp/pipeline/privacy.hpp"

#include "xmpp/stanza_error.hpp"

namespace tern::xmpp {

xml::Element blocked_reply(const xml::Element& stanza, Verdict verdict) {
  auto reply = error_reply(stanza, StanzaError::not_acceptable());
  // error_reply() puts the <error/> last.
  if (verdict == Verdict::deny_blocked) reply.children().back().add_child("blocked", "urn:xmpp:blocking:errors");
  return reply;
}

}  // namespace tern::xmpp
