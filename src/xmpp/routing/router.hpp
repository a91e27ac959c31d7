// Routes a stanza from a local session to its recipient: the server itself, a local account by
// bare or full JID (RFC 6121 §8.5), a service a feature hosts at a domain of its own, or a domain
// we do not serve (RFC 6120 §10.4; no s2s yet).
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "xml/element.hpp"
#include "xmpp/accounts.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/pipeline/privacy.hpp"
#include "xmpp/routing/server_requests.hpp"
#include "xmpp/routing/session_registry.hpp"
#include "xmpp/stanza_error.hpp"

namespace tern::xmpp {

// Whether route() applies the sender's privacy rules (XEP-0016 §2.2) to a stanza from a local
// account: skipped when the sender's session already did (and answered what they block), and
// for the notices that announce a change of those rules.
enum class SenderPrivacy { check, skip };

class Router {
public:
  Router(std::vector<std::string> domains, SessionRegistry& registry, Pipeline& pipeline,
         Accounts& accounts);

  bool serves(const std::string& domain) const;
  // `stanza` carries the sender's full JID in 'from' (stamped by its session) and a valid 'to'
  // (or none: an IQ or message for the sender's own account, RFC 6120 §10.3).
  // A stanza the sender's rules block is dropped.
  boost::asio::awaitable<void> route(xml::Element stanza, SenderPrivacy privacy = SenderPrivacy::check);
  // As route(), for a stanza with a 'to' whose caller has 'from' and 'to' as JIDs already: no
  // parsing them again.
  boost::asio::awaitable<void> route(xml::Element stanza, const Jid& from, const Jid& to,
                                     SenderPrivacy privacy = SenderPrivacy::check);
  // What the sender's privacy rules say about this stanza from `from` to `to` (allow when it
  // goes to the sender's own account or the server, or comes from elsewhere).
  boost::asio::awaitable<Verdict> sender_verdict(const Jid& from, const xml::Element& stanza, const Jid& to);
  // Routes as if the stanza were addressed to this full JID, leaving its 'to' as it is: a
  // presence broadcast to a contact's bare JID delivered to some of its resources only. The
  // sender's privacy rules apply as in route().
  boost::asio::awaitable<void> route_to_resource(xml::Element stanza, const Jid& from, const Jid& to,
                                                 const Jid& resource);
  // For a hosted service: delivers its stanza from `from` to the session bound to `to` (a local
  // full JID) after the recipient's privacy rules, without waiting: when they are not in memory,
  // the delivery waits for them on `executor`. False when no session has that JID. The stanza's
  // 'to' is already `to` (or comes with its fan-out delivery).
  bool deliver_from_service(xml::Outbound stanza, const Jid& from, const Jid& to,
                            const boost::asio::any_io_executor& executor);
  // Sends an error back to the stanza's sender, unless the stanza is itself an error (§8.3.1).
  void bounce(const xml::Element& stanza, const StanzaError& error);
  // Sends an IQ get/set from the server (its 'from' and 'to' set by the caller; the id is
  // chosen here) and returns the answer, or nothing after `timeout`.
  boost::asio::awaitable<std::optional<xml::Element>> query(xml::Element iq,
                                                            std::chrono::milliseconds timeout);

private:
  boost::asio::awaitable<void> to_server(xml::Element stanza, const Jid& from, const Jid& to);
  boost::asio::awaitable<void> to_bare(xml::Element stanza, const Jid& from, const Jid& to);
  boost::asio::awaitable<void> to_full(xml::Element stanza, const Jid& from, const Jid& to);
  // The privacy rules' verdict when it is known without storage: always for stanzas between a
  // user's own resources, to or from the server, or from elsewhere (`user` not local); nullopt
  // when the policy has to load the user's rules first.
  std::optional<Verdict> verdict_now(const Jid& user, Direction direction, const xml::Element& stanza,
                                     const Jid& peer) const;
  // What the recipient's rules say about a stanza from `from` for `user` (a full JID: that
  // session's rules; bare: the account's).
  boost::asio::awaitable<Verdict> recipient_verdict(const Jid& user, const xml::Element& stanza, const Jid& from);
  boost::asio::awaitable<void> deliver_when_decided(xml::Outbound stanza, Jid from, Jid to,
                                                   std::shared_ptr<SessionLink> session);
  // Answers a stanza the recipient's rules block as XEP-0016 §2.14 says: an error for messages
  // and IQ requests, nothing for the rest.
  void refuse_blocked(const xml::Element& stanza);
  boost::asio::awaitable<void> answer_iq(const xml::Element& iq, const Jid& from, const Jid& to,
                                         Target target);
  void deliver_to_sender(xml::Element reply);
  // RFC 6121 §8.5.2.1.1: chat/normal to the available resources of highest non-negative priority.
  bool deliver_to_most_available(const std::vector<BoundResource>& resources,
                                 const xml::SharedElement& stanza);

  std::vector<std::string> domains_;
  SessionRegistry& registry_;
  Pipeline& pipeline_;
  Accounts& accounts_;
  ServerRequests requests_;
};

}  // namespace tern::xmpp
