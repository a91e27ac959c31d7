// XEP-0030 Service Discovery.
#include "features/disco/disco_feature.hpp"

#include <set>

#include "xmpp/namespaces.hpp"

namespace tern::features::disco {
namespace {
constexpr std::string_view items_xmlns = "http://jabber.org/protocol/disco#items";

xml::Element identity(std::string_view category, std::string_view type, std::string_view name = {}) {
  xml::Element element("identity", std::string(xmpp::ns::disco_info));
  element.set_attribute("category", std::string(category));
  element.set_attribute("type", std::string(type));
  if (!name.empty()) element.set_attribute("name", std::string(name));
  return element;
}
}  // namespace

// XEP-0157 §3 (a XEP-0128 extension): the contact addresses, one list-multi field per role.
xml::Element DiscoFeature::server_info_form() const {
  constexpr std::string_view data_xmlns = "jabber:x:data";
  xml::Element form("x", std::string(data_xmlns));
  form.set_attribute("type", "result");
  auto& form_type = form.add_child("field", std::string(data_xmlns));
  form_type.set_attribute("var", "FORM_TYPE");
  form_type.set_attribute("type", "hidden");
  form_type.add_child("value", std::string(data_xmlns)).add_text("http://jabber.org/network/serverinfo");
  for (const auto& [role, addresses] : contacts_) {
    auto& field = form.add_child("field", std::string(data_xmlns));
    field.set_attribute("var", role + "-addresses");
    for (const auto& address : addresses) field.add_child("value", std::string(data_xmlns)).add_text(address);
  }
  return form;
}

void DiscoFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0030", .version = "2.5.0"});
  registrar.implements({.spec = "XEP-0157", .version = "1.1.1"});
  registrar.disco_feature(xmpp::ns::disco_info);
  registrar.disco_feature(items_xmlns);
  registrar.on_iq(xmpp::IqType::get, {xmpp::ns::disco_info, "query"},
                  {xmpp::Target::server, xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return info(request); });
  registrar.on_iq(xmpp::IqType::get, {items_xmlns, "query"},
                  {xmpp::Target::server, xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return items(request); });
}

boost::asio::awaitable<xmpp::IqResult> DiscoFeature::info(xmpp::IqRequest& request) {
  // §3.2: no node is defined yet, so every node is unknown.
  if (request.payload().attribute("node")) co_return xmpp::StanzaError::item_not_found();
  xml::Element query("query", std::string(xmpp::ns::disco_info));
  if (request.target() == xmpp::Target::server) {
    query.add_child(identity("server", "im", "Tern"));  // §3.1, registry: server/im
    for (const auto& var : std::set<std::string>(pipeline_.disco_features().begin(),
                                                   pipeline_.disco_features().end())) {
      query.add_child("feature", std::string(xmpp::ns::disco_info)).set_attribute("var", var);
    }
    if (!contacts_.empty()) query.add_child(server_info_form());
    co_return query;
  }
  // §8: others learn about an account only through a presence subscription.
  if (!co_await may_see(request)) co_return xmpp::StanzaError::service_unavailable();
  query.add_child(identity("account", "registered"));
  query.add_child("feature", std::string(xmpp::ns::disco_info)).set_attribute("var", std::string(xmpp::ns::disco_info));
  co_return query;
}

boost::asio::awaitable<xmpp::IqResult> DiscoFeature::items(xmpp::IqRequest& request) {
  if (request.payload().attribute("node")) co_return xmpp::StanzaError::item_not_found();
  // §4.1: the server's items are the services it hosts; §8: an account's items are its available
  // resources, and never an error: an unauthorised requester gets an empty list.
  xml::Element query("query", std::string(items_xmlns));
  if (request.target() == xmpp::Target::server) {
    for (const auto& service : pipeline_.services()) {
      auto& item = query.add_child("item", std::string(items_xmlns));
      item.set_attribute("jid", service.domain);
      item.set_attribute("name", service.name);
    }
  }
  if (request.target() == xmpp::Target::account && co_await may_see(request)) {
    for (const auto& resource : registry_.resources(request.to())) {
      if (resource.priority) query.add_child("item", std::string(items_xmlns)).set_attribute("jid", resource.jid.full());
    }
  }
  co_return query;
}

boost::asio::awaitable<bool> DiscoFeature::may_see(const xmpp::IqRequest& request) {
  if (request.is_to_self()) co_return true;
  auto state = co_await roster_.state(request.to(), request.from().bare());
  co_return state && state->from;
}

}  // namespace tern::features::disco
