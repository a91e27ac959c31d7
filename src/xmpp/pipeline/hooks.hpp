// What features may hook into besides IQs: message and presence stanzas at each stage of their
// way through the server, and the availability of a connected resource (RFC 6121 §4).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace tern::xmpp {

enum class Stage {
  outbound,     // sent by a local client, stamped with its full JID, before routing
  inbound,      // addressed to an existing local account (bare or full JID), before delivery
  undelivered,  // a message for an existing account that no resource could take (§8.5.2.2.1)
};

// Whether a hook consumed the stanza. The first hook that answers `yes` ends its processing.
enum class Handled : bool { no = false, yes = true };

using StanzaHook = std::function<boost::asio::awaitable<Handled>(xml::Element&)>;

// Hooks at the same stage run from the highest priority down.
namespace priority {
constexpr int subscriptions = 100;   // subscription states decide before anything is delivered
constexpr int presence = 50;         // broadcast, probes, directed presence
constexpr int offline_storage = 50;  // the last resort for an undelivered message
}  // namespace priority

// A connected resource became available (initial presence), changed its presence, or became
// unavailable (its own unavailable presence, or the end of its stream). `presence` is the
// stanza to broadcast: from the resource's full JID, without 'to'.
struct AvailabilityChange {
  enum class Kind { became_available, updated, became_unavailable };
  Kind kind;
  Jid resource;
  const xml::Element& presence;
};

using AvailabilityHook = std::function<boost::asio::awaitable<void>(const AvailabilityChange&)>;

// An account is about to be deleted (its stored data goes with it, by the storage schema): the
// last chance to tell others, e.g. to cancel presence subscriptions.
using AccountHook = std::function<boost::asio::awaitable<void>(const Jid& account)>;

// When a stream feature is offered: before authentication (XEP-0077 registration) or after it
// (roster versioning, pre-approval).
enum class Negotiation { unauthenticated, authenticated };

}  // namespace tern::xmpp
