// XEP-0030 Service Discovery: disco#info and disco#items for the server, and for an account the
// server answers on behalf of. The features every other feature registered are listed here.
#pragma once
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/pipeline/registrar.hpp"

namespace tern::features::disco {

class DiscoFeature final : public xmpp::Feature {
public:
  explicit DiscoFeature(const xmpp::Pipeline& pipeline) : pipeline_(pipeline) {}
  std::string_view name() const override { return "disco"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::IqResult> info(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> items(xmpp::IqRequest& request);
  const xmpp::Pipeline& pipeline_;
};

}  // namespace tern::features::disco
