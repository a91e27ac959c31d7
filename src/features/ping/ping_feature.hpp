// XEP-0199 XMPP Ping: the server answers pings to itself and to the accounts it hosts.
#pragma once
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"

namespace tern::features::ping {

class PingFeature final : public xmpp::Feature {
public:
  std::string_view name() const override { return "ping"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::IqResult> pong(xmpp::IqRequest& request);
};

}  // namespace tern::features::ping
