// Presence sent on an account's behalf.
#include "xmpp/routing/presence_relay.hpp"

#include "xmpp/namespaces.hpp"

namespace tern::xmpp {

boost::asio::awaitable<std::size_t> send_current_presence(Router& router, const SessionRegistry& registry,
                                                          Jid account, Jid recipient,
                                                          std::uint64_t available_before) {
  std::size_t sent = 0;
  auto resources = registry.resources(account);  // named: see PresenceFeature::broadcast
  for (const auto& resource : resources) {
    if (!resource.priority || !resource.presence || resource.available_order >= available_before) continue;
    xml::Element presence = *resource.presence;
    presence.set_attribute("from", resource.jid.full());
    presence.set_attribute("to", recipient.full());
    co_await router.route(std::move(presence), resource.jid, recipient);
    ++sent;
  }
  co_return sent;
}

boost::asio::awaitable<void> send_unavailable_presence(Router& router, const SessionRegistry& registry,
                                                       Jid account, Jid recipient) {
  auto resources = registry.resources(account);  // named: see PresenceFeature::broadcast
  for (const auto& resource : resources) {
    if (!resource.priority) continue;
    xml::Element presence("presence", std::string(ns::client));
    presence.set_attribute("from", resource.jid.full());
    presence.set_attribute("to", recipient.full());
    presence.set_attribute("type", "unavailable");
    co_await router.route(std::move(presence), resource.jid, recipient);
  }
}

}  // namespace tern::xmpp
