// RFC 6121 §2 (roster) and §3 (subscriptions).
#include "features/roster/roster_feature.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "xml/parse_element.hpp"
#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/random_id.hpp"
#include "xmpp/routing/presence_relay.hpp"

namespace tern::features::roster {
namespace {

// Longer names and groups are refused with not-acceptable (§2.3.3); a JID part has the same limit.
constexpr std::size_t max_text_bytes = 1023;
// The stores key contacts in 255 characters (InnoDB's key size), which real addresses fit.
constexpr std::size_t max_contact_bytes = 255;

xml::Element query_element(std::optional<std::string> version) {
  xml::Element query("query", std::string(roster_xmlns));
  if (version) query.set_attribute("ver", std::move(*version));
  return query;
}

}  // namespace

void RosterFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "RFC 6121", .version = "", .support = xmpp::Support::complete});
  registrar.implements({.spec = "XEP-0237", .version = "1.3"});  // roster versioning, as in RFC 6121 §2.6
  registrar.stream_feature(xmpp::Negotiation::authenticated,
                           xml::Element("ver", "urn:xmpp:features:rosterver"));  // §2.6.1
  registrar.stream_feature(xmpp::Negotiation::authenticated,
                           xml::Element("sub", "urn:xmpp:features:pre-approval"));  // §3.4
  registrar.on_iq(xmpp::IqType::get, {roster_xmlns, "query"}, {xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return get(request); });
  registrar.on_iq(xmpp::IqType::set, {roster_xmlns, "query"}, {xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return set(request); });
  registrar.on_presence(xmpp::Stage::outbound, xmpp::priority::subscriptions,
                        [this](xml::Element& presence) { return outbound(presence); });
  registrar.on_presence(xmpp::Stage::inbound, xmpp::priority::subscriptions,
                        [this](xml::Element& presence) { return inbound(presence); });
  registrar.on_availability(
      [this](const xmpp::AvailabilityChange& change) { return resend_requests(change); });
  registrar.on_account_deleted([this](const xmpp::Jid& account) { return cancel_all(account); });
}

boost::asio::awaitable<xmpp::IqResult> RosterFeature::get(xmpp::IqRequest& request) {
  // §2.1.5 / §2.3.3: only the user may see or change the roster.
  if (!request.is_to_self()) co_return xmpp::StanzaError::forbidden();
  if (!request.payload().child_elements().empty()) {
    co_return xmpp::StanzaError::bad_request("a roster get carries no items");
  }
  registry_.set_interested(request.from());  // §2.2: this resource now gets roster pushes
  const std::string* cached = request.payload().attribute("ver");
  auto roster = co_await store_.load(request.to());
  // §2.6.3: the client's version is current, so an empty result tells it that nothing changed.
  if (cached && *cached == roster.version) co_return xmpp::IqResult::empty();
  auto query = query_element(roster.version);
  for (const auto& item : roster.items) query.add_child(to_element(item));
  co_return query;
}

boost::asio::awaitable<xmpp::IqResult> RosterFeature::set(xmpp::IqRequest& request) {
  if (!request.is_to_self()) co_return xmpp::StanzaError::forbidden();
  auto items = request.payload().child_elements();
  // §2.3.3: exactly one item.
  if (items.size() != 1 || !items.front()->is("item", roster_xmlns)) {
    co_return xmpp::StanzaError::bad_request("a roster set carries exactly one <item/>");
  }
  const xml::Element& element = *items.front();
  const std::string* jid = element.attribute("jid");
  if (!jid) co_return xmpp::StanzaError::bad_request("the item has no 'jid'");
  auto contact = xmpp::Jid::parse(*jid);
  if (!contact) co_return xmpp::StanzaError::jid_malformed();
  auto account = request.to();
  if (contact->bare() == account) {
    co_return xmpp::StanzaError::not_allowed("the user's own address is not a contact");
  }
  if (contact->full().size() > max_contact_bytes) {
    co_return xmpp::StanzaError::not_acceptable("the contact address is too long");
  }
  // §2.1.2.5 / §2.5: 'remove' is the only subscription value a client may set; others are ignored.
  if (element.attribute_or("subscription") == "remove") co_return co_await remove(account, *contact);

  RosterItem item{*contact, std::nullopt, {}, {}};
  if (auto name = element.attribute_or("name"); !name.empty()) {
    if (name.size() > max_text_bytes) co_return xmpp::StanzaError::not_acceptable("the name is too long");
    item.name = name;
  }
  std::set<std::string> seen;
  for (const auto* group : element.child_elements()) {
    if (!group->is("group", roster_xmlns)) continue;
    auto text = group->text();
    if (text.empty()) co_return xmpp::StanzaError::not_acceptable("a group name is empty");
    if (text.size() > max_text_bytes) co_return xmpp::StanzaError::not_acceptable("a group name is too long");
    if (!seen.insert(text).second) co_return xmpp::StanzaError::bad_request("a group is listed twice");
    item.groups.push_back(std::move(text));
  }
  auto outcome = co_await store_.set_item(account, std::move(item), options_.max_items);
  auto* change = std::get_if<RosterStore::Change>(&outcome);
  if (!change) {
    co_return xmpp::StanzaError::not_allowed("the roster holds its maximum number of items");
  }
  push(account, to_element(change->item), change->version);  // §2.3.2: the requester too
  co_return xmpp::IqResult::empty();
}

boost::asio::awaitable<xmpp::IqResult> RosterFeature::remove(xmpp::Jid account, xmpp::Jid contact) {
  auto removal = co_await store_.remove_item(account, contact);
  if (!removal) co_return xmpp::StanzaError::item_not_found();  // §2.5.3
  push(account, removed_element(contact), removal->version);
  // §2.5.2: the subscriptions end in both directions, and the contact is told.
  const auto& state = removal->state;
  if (state.to || state.pending_out) co_await send_subscription(account, contact, "unsubscribe");
  if (state.from || state.pending_in) {
    if (state.from) co_await xmpp::send_unavailable_presence(router_, registry_, account, contact);
    co_await send_subscription(account, contact, "unsubscribed");
  }
  co_return xmpp::IqResult::empty();
}

boost::asio::awaitable<xmpp::Handled> RosterFeature::outbound(xml::Element& presence) {
  auto type = subscription_type(presence.attribute_or("type"));
  const std::string* to = presence.attribute("to");
  if (!type || !to) co_return xmpp::Handled::no;
  auto user = xmpp::Jid::parse(presence.attribute_or("from"))->bare();
  auto contact = xmpp::Jid::parse(*to)->bare();  // §3.1.2: subscriptions are between bare JIDs
  if (contact == user) co_return xmpp::Handled::yes;  // one's own presence needs no subscription
  if (contact.full().size() > max_contact_bytes) {
    router_.bounce(presence, xmpp::StanzaError::not_acceptable("the contact address is too long"));
    co_return xmpp::Handled::yes;
  }
  presence.set_attribute("from", user.full());  // §3: stamped with the bare JID
  presence.set_attribute("to", contact.full());

  auto transition = co_await store_.apply(user, contact, false, *type, std::string());
  if (transition.pushed) push(user, to_element(*transition.pushed), transition.version);
  const auto& before = transition.before;
  switch (*type) {
    case SubscriptionType::subscribe:
    case SubscriptionType::unsubscribe:
      co_await router_.route(presence);  // Appendix A.2: routed in every state
      break;
    case SubscriptionType::subscribed:
      // §3.1.5: an approval goes out only when it answers a request; else it is a pre-approval.
      if (before.pending_in && transition.after.from) {
        co_await router_.route(presence);
        co_await xmpp::send_current_presence(router_, registry_, user, contact);
      }
      break;
    case SubscriptionType::unsubscribed:
      // §3.2.2: cancelling (or denying) goes out only when there was something to cancel.
      if (before.from) co_await xmpp::send_unavailable_presence(router_, registry_, user, contact);
      if (before.from || before.pending_in) co_await router_.route(presence);
      break;
  }
  co_return xmpp::Handled::yes;
}

boost::asio::awaitable<xmpp::Handled> RosterFeature::inbound(xml::Element& presence) {
  auto type = subscription_type(presence.attribute_or("type"));
  if (!type) co_return xmpp::Handled::no;
  auto user = xmpp::Jid::parse(presence.attribute_or("to"))->bare();
  auto contact = xmpp::Jid::parse(presence.attribute_or("from"))->bare();
  if (contact == user || contact.full().size() > max_contact_bytes) co_return xmpp::Handled::yes;
  presence.set_attribute("from", contact.full());
  presence.set_attribute("to", user.full());

  auto request = xml::serialize(presence, xml::Scope{xmpp::ns::client, {}});
  auto transition = co_await store_.apply(user, contact, true, *type, std::move(request));
  if (transition.pushed) push(user, to_element(*transition.pushed), transition.version);
  const auto& before = transition.before;
  const auto& after = transition.after;
  if (*type == SubscriptionType::subscribe) {
    if (after.from) {
      // §3.1.3: already subscribed, or pre-approved: the server answers for the user.
      co_await send_subscription(user, contact, "subscribed");
      if (!before.from) co_await xmpp::send_current_presence(router_, registry_, user, contact);
    } else {
      // §3.1.3: to every available resource now, and again at each login until answered.
      deliver(user, presence);
    }
    co_return xmpp::Handled::yes;
  }
  // Appendix A.3: anything else reaches the user only when it changed the state.
  if (before == after) co_return xmpp::Handled::yes;
  deliver(user, presence);
  if (*type == SubscriptionType::unsubscribe && before.from) {
    co_await xmpp::send_unavailable_presence(router_, registry_, user, contact);  // §3.3.3
  }
  co_return xmpp::Handled::yes;
}

boost::asio::awaitable<void> RosterFeature::resend_requests(const xmpp::AvailabilityChange& change) {
  if (change.kind != xmpp::AvailabilityChange::Kind::became_available) co_return;
  auto session = registry_.find(change.resource);
  if (!session) co_return;
  auto requests = co_await store_.pending_requests(change.resource.bare());
  for (const auto& stored : requests) {
    try {
      session->deliver(std::make_shared<const xml::Element>(xml::parse_element(stored, xmpp::ns::client)));
    } catch (const std::exception& e) {
      spdlog::error("roster: a stored subscription request for {} is unreadable: {}",
                    change.resource.bare_string(), e.what());
    }
  }
}

// XEP-0077 §3.2: a cancelled account's contacts see its subscriptions end, as if each item had
// been removed (§2.5.2), and its unanswered requests are denied.
boost::asio::awaitable<void> RosterFeature::cancel_all(const xmpp::Jid& account) {
  auto roster = co_await store_.load(account);
  for (const auto& item : roster.items) co_await remove(account, item.contact);
  auto requests = co_await store_.pending_requests(account);
  for (const auto& stored : requests) {
    auto requester = xmpp::Jid::parse(xml::parse_element(stored, xmpp::ns::client).attribute_or("from"));
    if (requester) co_await send_subscription(account, requester->bare(), "unsubscribed");
  }
  store_.forget(account);  // nothing read before the account goes may outlive it
}

void RosterFeature::push(const xmpp::Jid& account, const xml::Element& item,
                         const std::string& version) {
  for (const auto& resource : registry_.resources(account)) {
    if (!resource.interested) continue;
    auto iq = std::make_shared<xml::Element>("iq", std::string(xmpp::ns::client));
    iq->set_attribute("from", account.full());
    iq->set_attribute("to", resource.jid.full());
    iq->set_attribute("id", "push-" + xmpp::random_id(8));
    iq->set_attribute("type", "set");
    iq->add_child(query_element(version)).add_child(item);
    resource.session->deliver(std::move(iq));
  }
}

bool RosterFeature::deliver(const xmpp::Jid& account, const xml::Element& presence) {
  auto shared = std::make_shared<const xml::Element>(presence);
  bool delivered = false;
  for (const auto& resource : registry_.resources(account)) {
    if (!resource.priority && !resource.interested) continue;
    resource.session->deliver(shared);
    delivered = true;
  }
  return delivered;
}

boost::asio::awaitable<void> RosterFeature::send_subscription(const xmpp::Jid& from,
                                                              const xmpp::Jid& to,
                                                              std::string_view type) {
  xml::Element presence("presence", std::string(xmpp::ns::client));
  presence.set_attribute("from", from.full());
  presence.set_attribute("to", to.full());
  presence.set_attribute("type", std::string(type));
  co_await router_.route(std::move(presence));
}

}  // namespace tern::features::roster
