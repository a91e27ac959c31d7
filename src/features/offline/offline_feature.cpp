// XEP-0160 offline messages with XEP-0203 delayed delivery stamps.
#include "features/offline/offline_feature.hpp"

#include <spdlog/spdlog.h>

#include "xml/parse_element.hpp"
#include "xml/serializer.hpp"
#include "xmpp/date_time.hpp"
#include "xmpp/namespaces.hpp"

namespace tern::features::offline {
namespace {

constexpr std::string_view delay_xmlns = "urn:xmpp:delay";
constexpr std::string_view chat_states_xmlns = "http://jabber.org/protocol/chatstates";
constexpr std::string_view hints_xmlns = "urn:xmpp:hints";

// XEP-0085 §5.4: chat state notifications alone are not worth keeping; XEP-0334 <no-store/>
// asks not to.
bool worth_keeping(const xml::Element& message) {
  if (message.child("no-store", hints_xmlns)) return false;
  for (const auto* child : message.child_elements()) {
    if (child->xmlns() != chat_states_xmlns) return true;
  }
  return false;
}

}  // namespace

void OfflineFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0160", .version = "1.0.1"});
  registrar.implements({.spec = "XEP-0203", .version = "2.0"});
  registrar.disco_feature("msgoffline");  // XEP-0160 §4
  registrar.on_message(xmpp::Stage::undelivered, xmpp::priority::offline_storage,
                       [this](xml::Element& message) { return keep(message); });
  registrar.on_availability(
      [this](const xmpp::AvailabilityChange& change) { return deliver(change); });
}

boost::asio::awaitable<xmpp::Handled> OfflineFeature::keep(xml::Element& message) {
  if (!worth_keeping(message)) co_return xmpp::Handled::yes;  // dropped without an error
  if (options_.max_messages == 0) co_return xmpp::Handled::no;
  auto account = xmpp::Jid::parse(message.attribute_or("to"))->bare();
  auto serialized = xml::serialize(message, xml::Scope{xmpp::ns::client, {}});
  bool stored = co_await store_.store(account, std::move(serialized), options_.max_messages);
  if (!stored) {
    spdlog::info("offline: {} has {} messages waiting; one from {} is refused", account.bare_string(),
                 options_.max_messages, message.attribute_or("from"));
  }
  // Beyond the quota the router answers <service-unavailable/> (XEP-0160 §3).
  co_return stored ? xmpp::Handled::yes : xmpp::Handled::no;
}

// XEP-0160 §2: delivered to the first resource that becomes available with a non-negative
// priority, each with a <delay/> saying when the server received it.
boost::asio::awaitable<void> OfflineFeature::deliver(const xmpp::AvailabilityChange& change) {
  if (change.kind != xmpp::AvailabilityChange::Kind::became_available) co_return;
  std::shared_ptr<xmpp::SessionLink> session;
  for (const auto& resource : registry_.resources(change.resource.bare())) {
    if (resource.jid == change.resource && resource.priority && *resource.priority >= 0) {
      session = resource.session;
    }
  }
  if (!session) co_return;
  auto messages = co_await store_.take(change.resource.bare());
  for (auto& stored : messages) {
    try {
      auto message = xml::parse_element(stored.stanza, xmpp::ns::client);
      auto& delay = message.add_child("delay", std::string(delay_xmlns));
      delay.set_attribute("from", change.resource.domainpart());
      delay.set_attribute(
          "stamp", xmpp::utc_date_time(std::chrono::system_clock::from_time_t(stored.stored_at)));
      delay.add_text("Offline Storage");
      session->deliver(std::make_shared<const xml::Element>(std::move(message)));
    } catch (const std::exception& e) {
      spdlog::error("offline: a stored message for {} is unreadable: {}",
                    change.resource.bare_string(), e.what());
    }
  }
}

}  // namespace tern::features::offline
