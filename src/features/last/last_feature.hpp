// XEP-0012 Last Activity: the server's uptime, and for an account the time since it last went
// offline (0 while it is online), to itself and to those subscribed to its presence.
#pragma once
#include <chrono>

#include "features/last/last_activity_store.hpp"
#include "features/roster/roster_store.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::features::last {

class LastFeature final : public xmpp::Feature {
public:
  LastFeature(storage::Database& db, roster::RosterStore& roster, xmpp::SessionRegistry& registry)
      : store_(db), roster_(roster), registry_(registry) {}
  std::string_view name() const override { return "last"; }
  void install(xmpp::Registrar& registrar) override;
  // For the presence feature's answers to probes of an offline account (RFC 6121 §4.3.2).
  LastActivityStore& store() { return store_; }

private:
  boost::asio::awaitable<xmpp::IqResult> get(xmpp::IqRequest& request);
  boost::asio::awaitable<void> record(const xmpp::AvailabilityChange& change);

  LastActivityStore store_;
  roster::RosterStore& roster_;
  xmpp::SessionRegistry& registry_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace tern::features::last
