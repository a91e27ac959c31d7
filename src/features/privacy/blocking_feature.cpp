// XEP-0191 Blocking Command.
#include "features/privacy/blocking_feature.hpp"

#include <variant>

#include "features/privacy/blocklist.hpp"
#include "xmpp/namespaces.hpp"

namespace tern::features::privacy {
namespace {

// The JIDs of the <item/> children; jid-malformed for one that is not a JID.
std::variant<std::vector<xmpp::Jid>, xmpp::StanzaError> items_of(const xml::Element& command) {
  std::vector<xmpp::Jid> jids;
  for (const xml::Element* item : command.child_elements()) {
    if (!item->is("item", xmpp::ns::blocking)) return xmpp::StanzaError::bad_request("only <item/> elements");
    auto jid = xmpp::Jid::parse(item->attribute_or("jid"));
    if (!jid) return xmpp::StanzaError::jid_malformed("not a JID: " + item->attribute_or("jid"));
    jids.push_back(std::move(*jid));
  }
  return jids;
}

}  // namespace

void BlockingFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0191", .version = "1.3"});
  registrar.disco_feature(xmpp::ns::blocking);
  registrar.on_iq(xmpp::IqType::get, {xmpp::ns::blocking, "blocklist"}, {xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return blocklist(request); });
  registrar.on_iq(xmpp::IqType::set, {xmpp::ns::blocking, "block"}, {xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return block(request); });
  registrar.on_iq(xmpp::IqType::set, {xmpp::ns::blocking, "unblock"}, {xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return unblock(request); });
}

// §3.2; the session gets pushes from now on (§3.3).
boost::asio::awaitable<xmpp::IqResult> BlockingFeature::blocklist(xmpp::IqRequest& request) {
  if (!request.is_to_self()) co_return xmpp::StanzaError::forbidden();
  auto settings = co_await service_.settings(request.from());
  service_.want_blocklist(request.from());
  xml::Element list("blocklist", std::string(xmpp::ns::blocking));
  for (const auto& jid : blocklist_of(*settings)) {
    list.add_child("item", std::string(xmpp::ns::blocking)).set_attribute("jid", jid);
  }
  co_return list;
}

// §3.3: at least one item.
boost::asio::awaitable<xmpp::IqResult> BlockingFeature::block(xmpp::IqRequest& request) {
  if (!request.is_to_self()) co_return xmpp::StanzaError::forbidden();
  auto items = items_of(request.payload());
  if (auto* error = std::get_if<xmpp::StanzaError>(&items)) co_return *error;
  auto jids = std::get<std::vector<xmpp::Jid>>(std::move(items));
  if (jids.empty()) co_return xmpp::StanzaError::bad_request("block at least one <item/>");
  PrivacyService::Edit edit = [jids = std::move(jids)](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    privacy::block(settings, jids);
    return std::nullopt;
  };
  auto error = co_await service_.change(request.from(), std::move(edit));
  co_return xmpp::IqResult::empty_unless(error);
}

// §3.4, and without items §3.5: everything.
boost::asio::awaitable<xmpp::IqResult> BlockingFeature::unblock(xmpp::IqRequest& request) {
  if (!request.is_to_self()) co_return xmpp::StanzaError::forbidden();
  auto items = items_of(request.payload());
  if (auto* error = std::get_if<xmpp::StanzaError>(&items)) co_return *error;
  PrivacyService::Edit edit = [jids = std::get<std::vector<xmpp::Jid>>(std::move(items))](
                                  PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    privacy::unblock(settings, jids);
    return std::nullopt;
  };
  auto error = co_await service_.change(request.from(), std::move(edit));
  co_return xmpp::IqResult::empty_unless(error);
}

}  // namespace tern::features::privacy
