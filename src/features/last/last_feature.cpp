// XEP-0012 Last Activity.
#include "features/last/last_feature.hpp"

namespace tern::features::last {
namespace {

constexpr std::string_view last_xmlns = "jabber:iq:last";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

xml::Element query(std::int64_t seconds, const std::string& status = {}) {
  xml::Element element("query", std::string(last_xmlns));
  element.set_attribute("seconds", std::to_string(seconds));
  if (!status.empty()) element.add_text(status);
  return element;
}

}  // namespace

void LastFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0012", .version = "2.0"});
  registrar.disco_feature(last_xmlns);
  registrar.on_iq(xmpp::IqType::get, {last_xmlns, "query"},
                  {xmpp::Target::server, xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return get(request); });
  registrar.on_availability(
      [this](const xmpp::AvailabilityChange& change) { return record(change); });
  registrar.on_account_deleted([this](const xmpp::Jid& account) -> boost::asio::awaitable<void> {
    store_.forget(account);
    co_return;
  });
}

boost::asio::awaitable<xmpp::IqResult> LastFeature::get(xmpp::IqRequest& request) {
  if (request.target() == xmpp::Target::server) {
    // §5: a server's last activity is its uptime.
    co_return query(std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - started_).count());
  }
  // §4: only for those who may see the account's presence.
  if (!request.is_to_self()) {
    auto state = co_await roster_.state(request.to(), request.from().bare());
    if (!state || !state->from) co_return xmpp::StanzaError::forbidden();
  }
  for (const auto& resource : registry_.resources(request.to())) {
    if (resource.priority) co_return query(0);
  }
  auto last = co_await store_.load(request.to());
  if (!last) co_return xmpp::StanzaError::item_not_found("no logout recorded yet");
  co_return query(std::max<std::int64_t>(0, now_seconds() - last->logged_out_at), last->status);
}

// The account goes offline when its last available resource does.
boost::asio::awaitable<void> LastFeature::record(const xmpp::AvailabilityChange& change) {
  if (change.kind != xmpp::AvailabilityChange::Kind::became_unavailable) co_return;
  for (const auto& resource : registry_.resources(change.resource.bare())) {
    if (resource.priority) co_return;
  }
  const xml::Element* status = change.presence.child("status");
  LastActivity activity{now_seconds(), status ? status->text() : std::string()};
  co_await store_.save(change.resource.bare(), std::move(activity));
}

}  // namespace tern::features::last
