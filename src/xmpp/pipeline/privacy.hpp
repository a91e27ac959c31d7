// The two points where privacy rules decide (XEP-0016 §2.2, XEP-0191): a stanza a local account
// sends, before it is routed, and a stanza for a local account, before anything else happens to
// it. One feature implements the rules; the router asks.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace tern::xmpp {

enum class Direction { outbound, inbound };

enum class Verdict {
  allow,
  deny,
  deny_blocked,  // by a blocked JID (XEP-0191): errors to the user carry <blocked/>
};

class PrivacyPolicy {
public:
  virtual ~PrivacyPolicy() = default;
  // `user` is the local account: a full JID for one of its sessions (its active list, else the
  // default list), a bare JID for the account as a whole (the default list). `peer` is the other
  // end; stanzas between the user's own resources never come here.
  virtual boost::asio::awaitable<Verdict> decide(Jid user, Direction direction,
                                                 const xml::Element& stanza, Jid peer) = 0;
  // The same from memory alone, for every stanza: nullopt when decide() has to load the rules.
  virtual std::optional<Verdict> decided(const Jid& user, Direction direction, const xml::Element& stanza,
                                         const Jid& peer) const = 0;
  // A session ended: its active list and what it asked for go with it.
  virtual void session_ended(const Jid& full) = 0;
};

// The error for a stanza the sender's own rules block: <not-acceptable/> (XEP-0016 §2.14), with
// <blocked xmlns='urn:xmpp:blocking:errors'/> when a blocked JID decided it (XEP-0191 §3.3).
xml::Element blocked_reply(const xml::Element& stanza, Verdict verdict);

}  // namespace tern::xmpp
