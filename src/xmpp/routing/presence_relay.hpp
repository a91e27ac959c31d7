// Presence the server sends on an account's behalf to one recipient: the current presence of
// each available resource (after a subscription approval, RFC 6121 §3.1.5; a probe, §4.3.2), or
// unavailable presence from each (a cancelled subscription, §3.2.2, §3.3.3).
#pragma once
#include <boost/asio/awaitable.hpp>

#include "xmpp/jid.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::xmpp {

// Returns the number of available resources whose presence was sent. With available_before, only
// resources that became available before that order (BoundResource::available_order).
boost::asio::awaitable<std::size_t> send_current_presence(Router& router, const SessionRegistry& registry,
                                                          Jid account, Jid recipient,
                                                          std::uint64_t available_before = UINT64_MAX);
boost::asio::awaitable<void> send_unavailable_presence(Router& router, const SessionRegistry& registry,
                                                       Jid account, Jid recipient);

}  // namespace tern::xmpp
