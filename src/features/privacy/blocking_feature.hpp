// XEP-0191 Blocking Command over the same rules as the privacy lists: the blocklist is the
// blocking items of the default list (XEP-0191 §7).
#pragma once
#include "features/privacy/privacy_service.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"

namespace tern::features::privacy {

class BlockingFeature final : public xmpp::Feature {
public:
  explicit BlockingFeature(PrivacyService& service) : service_(service) {}
  std::string_view name() const override { return "blocking"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::IqResult> blocklist(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> block(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> unblock(xmpp::IqRequest& request);

  PrivacyService& service_;
};

}  // namespace tern::features::privacy
