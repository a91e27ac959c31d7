// RFC 6121 §4 presence.
#include "features/presence/presence_feature.hpp"

#include <algorithm>

#include "xmpp/date_time.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/routing/presence_relay.hpp"

namespace tern::features::presence {

using Kind = xmpp::AvailabilityChange::Kind;

void PresenceFeature::install(xmpp::Registrar& registrar) {
  registrar.on_availability(
      [this](const xmpp::AvailabilityChange& change) { return broadcast(change); });
  registrar.on_presence(xmpp::Stage::outbound, xmpp::priority::presence,
                        [this](xml::Element& presence) { return directed(presence); });
  registrar.on_presence(xmpp::Stage::inbound, xmpp::priority::presence,
                        [this](xml::Element& presence) { return probe(presence); });
}

// §4.2.2 (initial), §4.4.2 (subsequent), §4.5.2 (unavailable).
boost::asio::awaitable<void> PresenceFeature::broadcast(const xmpp::AvailabilityChange& change) {
  const auto& user = change.resource;
  auto order = change.kind == Kind::became_available ? available_order_of(user) : 0;
  to_own_resources(change, order);
  auto roster = co_await roster_.load(user.bare());
  std::vector<xmpp::Jid> subscribers;
  for (const auto& item : roster.items) {
    if (!item.state.from) continue;
    subscribers.push_back(item.contact);
    xml::Element copy = change.presence;
    copy.set_attribute("from", user.full());
    copy.set_attribute("to", item.contact.full());
    if (order == 0 || !is_local_account(item.contact)) {
      co_await router_.route(std::move(copy), user, item.contact);
      continue;
    }
    // Initial presence to a local contact: only to the resources that were available first;
    // those that come later learn it from the directory (below, on their side).
    // Named, not a temporary of the loop: g++ 12 destroys such a temporary at the first
    // suspension inside the loop.
    auto contact_resources = registry_.resources(item.contact);
    for (const auto& resource : contact_resources) {
      if (!resource.priority || resource.available_order >= order) continue;
      xml::Element delivered = copy;
      co_await router_.route_to_resource(std::move(delivered), user, item.contact, resource.jid);
    }
  }
  if (change.kind == Kind::became_unavailable) {
    // §4.6.3: those who got directed presence learn that it ended (subscribers already did).
    auto recipients = directed_.take(user);
    for (const auto& recipient : recipients) {
      if (std::find(subscribers.begin(), subscribers.end(), recipient.bare()) != subscribers.end()) continue;
      xml::Element copy = change.presence;
      copy.set_attribute("from", user.full());
      copy.set_attribute("to", recipient.full());
      co_await router_.route(std::move(copy), user, recipient);
    }
    co_return;
  }
  if (change.kind != Kind::became_available) co_return;
  // §4.2.2 / §4.3.1: learn the presence of each contact the user is subscribed to. Local
  // contacts are answered from the directory at once; others would get a probe from the bare JID.
  const std::uint64_t available_before = order == 0 ? UINT64_MAX : order;
  for (const auto& item : roster.items) {
    if (!item.state.to) continue;
    if (router_.serves(item.contact.domainpart())) {
      if (is_local_account(item.contact)) {
        co_await xmpp::send_current_presence(router_, registry_, item.contact, user, available_before);
      }
      continue;
    }
    xml::Element probe("presence", std::string(xmpp::ns::client));
    probe.set_attribute("from", user.bare_string());
    probe.set_attribute("to", item.contact.full());
    probe.set_attribute("type", "probe");
    co_await router_.route(std::move(probe));
  }
}

bool PresenceFeature::is_local_account(const xmpp::Jid& contact) const {
  return contact.has_localpart() && contact.is_bare() && router_.serves(contact.domainpart());
}

std::uint64_t PresenceFeature::available_order_of(const xmpp::Jid& resource) const {
  for (const auto& bound : registry_.resources(resource.bare())) {
    if (bound.jid == resource) return bound.available_order;
  }
  return 0;
}

// §4.2.2 / §4.4.2 / §4.5.2: the user's other available resources see the change, the resource
// itself gets its available presence echoed, and a resource that just became available gets the
// presence of the others (initial presence: each pair once, by availability order).
void PresenceFeature::to_own_resources(const xmpp::AvailabilityChange& change, std::uint64_t order) {
  auto resources = registry_.resources(change.resource.bare());
  std::shared_ptr<xmpp::SessionLink> self;
  for (const auto& resource : resources) {
    if (resource.jid == change.resource) {
      self = resource.session;
      continue;
    }
    if (!resource.priority || (order != 0 && resource.available_order >= order)) continue;
    auto copy = std::make_shared<xml::Element>(change.presence);
    copy->set_attribute("to", resource.jid.full());
    resource.session->deliver(std::move(copy));
  }
  if (!self || change.kind == Kind::became_unavailable) return;
  auto echo = std::make_shared<xml::Element>(change.presence);
  echo->set_attribute("to", change.resource.full());
  self->deliver(std::move(echo));
  if (change.kind != Kind::became_available) return;
  for (const auto& resource : resources) {
    if (resource.jid == change.resource || !resource.priority || !resource.presence) continue;
    if (order != 0 && resource.available_order >= order) continue;
    auto copy = std::make_shared<xml::Element>(*resource.presence);
    copy->set_attribute("from", resource.jid.full());
    copy->set_attribute("to", change.resource.full());
    self->deliver(std::move(copy));
  }
}

// §4.6.2: directed presence is routed as it is; its recipients are remembered while the sender is
// available.
boost::asio::awaitable<xmpp::Handled> PresenceFeature::directed(xml::Element& presence) {
  const std::string* to = presence.attribute("to");
  if (!to) co_return xmpp::Handled::no;
  auto type = presence.attribute_or("type");
  auto sender = *xmpp::Jid::parse(presence.attribute_or("from"));
  auto recipient = *xmpp::Jid::parse(*to);
  if (recipient.bare() == sender.bare()) co_return xmpp::Handled::no;
  if (type.empty()) {
    for (const auto& resource : registry_.resources(sender.bare())) {
      if (resource.jid == sender && resource.priority) directed_.sent(sender, recipient);
    }
  } else if (type == "unavailable") {
    directed_.withdrawn(sender, recipient);
  }
  co_return xmpp::Handled::no;
}

// §4.3.2: a probe is answered by the server, and only to those the user shares presence with.
boost::asio::awaitable<xmpp::Handled> PresenceFeature::probe(xml::Element& presence) {
  if (presence.attribute_or("type") != "probe") co_return xmpp::Handled::no;
  auto user = xmpp::Jid::parse(presence.attribute_or("to"))->bare();
  auto prober = *xmpp::Jid::parse(presence.attribute_or("from"));
  xml::Element reply("presence", std::string(xmpp::ns::client));
  reply.set_attribute("from", user.full());
  reply.set_attribute("to", prober.full());
  auto state = co_await roster_.state(user, prober.bare());
  if (!state || !state->from) {
    reply.set_attribute("type", "unsubscribed");
    co_await router_.route(std::move(reply));
    co_return xmpp::Handled::yes;
  }
  if (co_await xmpp::send_current_presence(router_, registry_, user, prober) == 0) {
    // Offline: unavailable, with the status it left with and when (XEP-0203), if known.
    reply.set_attribute("type", "unavailable");
    if (auto last = co_await last_.load(user)) {
      if (!last->status.empty()) reply.add_child("status", std::string(xmpp::ns::client)).add_text(last->status);
      auto& delay = reply.add_child("delay", "urn:xmpp:delay");
      delay.set_attribute("from", user.domainpart());
      delay.set_attribute("stamp", xmpp::utc_date_time(std::chrono::system_clock::from_time_t(last->logged_out_at)));
    }
    co_await router_.route(std::move(reply));
  }
  co_return xmpp::Handled::yes;
}

}  // namespace tern::features::presence
