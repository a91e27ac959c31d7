// XEP-0199 XMPP Ping.
#include "features/ping/ping_feature.hpp"

namespace tern::features::ping {
namespace {
constexpr std::string_view ping_xmlns = "urn:xmpp:ping";
}

void PingFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0199", .version = "2.0.1"});
  registrar.disco_feature(ping_xmlns);
  // §4.2 (client-to-server) and §4.3: a ping to the server or to a bare JID it answers for.
  registrar.on_iq(xmpp::IqType::get, {ping_xmlns, "ping"},
                  {xmpp::Target::server, xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return pong(request); });
}

boost::asio::awaitable<xmpp::IqResult> PingFeature::pong(xmpp::IqRequest&) {
  co_return xmpp::IqResult::empty();
}

}  // namespace tern::features::ping
