// RFC 6121 §4: presence broadcast to subscribers and the user's own resources, probes on login
// and their answers, directed presence and its clean-up.
#pragma once
#include "features/last/last_activity_store.hpp"
#include "features/presence/directed_presence.hpp"
#include "features/roster/roster_store.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::features::presence {

class PresenceFeature final : public xmpp::Feature {
public:
  PresenceFeature(roster::RosterStore& roster, last::LastActivityStore& last,
                  xmpp::SessionRegistry& registry, xmpp::Router& router)
      : roster_(roster), last_(last), registry_(registry), router_(router) {}
  std::string_view name() const override { return "presence"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<void> broadcast(const xmpp::AvailabilityChange& change);
  boost::asio::awaitable<xmpp::Handled> directed(xml::Element& presence);
  boost::asio::awaitable<xmpp::Handled> probe(xml::Element& presence);
  void to_own_resources(const xmpp::AvailabilityChange& change, std::uint64_t order);
  bool is_local_account(const xmpp::Jid& contact) const;
  std::uint64_t available_order_of(const xmpp::Jid& resource) const;

  roster::RosterStore& roster_;
  last::LastActivityStore& last_;
  xmpp::SessionRegistry& registry_;
  xmpp::Router& router_;
  DirectedPresence directed_;
};

}  // namespace tern::features::presence
