// XEP-0030 Service Discovery: disco#info and disco#items for the server, and for an account the
// server answers on behalf of (to the account itself and to those subscribed to its presence,
// §8). The features every other feature registered are listed here.
#pragma once
#include "features/roster/roster_store.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/pipeline/registrar.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::features::disco {

// XEP-0157 contact addresses: URIs by role ("abuse", "admin", ...).
using ContactAddresses = std::vector<std::pair<std::string, std::vector<std::string>>>;

class DiscoFeature final : public xmpp::Feature {
public:
  DiscoFeature(const xmpp::Pipeline& pipeline, roster::RosterStore& roster,
               const xmpp::SessionRegistry& registry, ContactAddresses contacts = {})
      : pipeline_(pipeline), roster_(roster), registry_(registry), contacts_(std::move(contacts)) {}
  std::string_view name() const override { return "disco"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::IqResult> info(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> items(xmpp::IqRequest& request);
  // The account itself, or a contact with a subscription to its presence.
  boost::asio::awaitable<bool> may_see(const xmpp::IqRequest& request);
  xml::Element server_info_form() const;
  const xmpp::Pipeline& pipeline_;
  roster::RosterStore& roster_;
  const xmpp::SessionRegistry& registry_;
  ContactAddresses contacts_;
};

}  // namespace tern::features::disco
