// XEP-0160 offline messages: a chat or normal message for an account with no available resource
// is kept (up to a quota) and delivered, with a XEP-0203 delay, when a resource with non-negative
// priority becomes available.
#pragma once
#include <string>

#include "features/offline/offline_store.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::features::offline {

struct OfflineOptions {
  std::size_t max_messages = 1000;  // per account; 0: nothing is stored
};

class OfflineFeature final : public xmpp::Feature {
public:
  OfflineFeature(storage::Database& db, xmpp::SessionRegistry& registry, OfflineOptions options)
      : store_(db), registry_(registry), options_(options) {}
  std::string_view name() const override { return "offline"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::Handled> keep(xml::Element& message);
  boost::asio::awaitable<void> deliver(const xmpp::AvailabilityChange& change);

  OfflineStore store_;
  xmpp::SessionRegistry& registry_;
  OfflineOptions options_;
};

}  // namespace tern::features::offline
