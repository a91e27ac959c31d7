// XEP-0199 XMPP Ping: the server answers pings to itself and to the accounts it hosts. (Its own
// pings, to a client gone silent, belong to the session: C2SSession::ask_if_still_there.)
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
