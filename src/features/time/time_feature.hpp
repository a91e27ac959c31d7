// XEP-0202 Entity Time: the server's clock and time zone.
#pragma once
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"

namespace tern::features::time {

class TimeFeature final : public xmpp::Feature {
public:
  std::string_view name() const override { return "time"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::IqResult> get(xmpp::IqRequest& request);
};

}  // namespace tern::features::time
