// XEP-0115 Entity Capabilities, as a server uses them: the <c/> in each client's available
// presence is verified once per (hash, ver) with a disco#info query to that client, cached (also
// in storage), and the features of each available resource can be asked for (PEP's +notify).
#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "features/caps/caps_store.hpp"
#include "features/caps/caps_verification.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"
#include "xmpp/routing/router.hpp"

namespace tern::features::caps {

using Features = std::shared_ptr<const std::vector<std::string>>;

class CapsFeature final : public xmpp::Feature {
public:
  CapsFeature(storage::Database& db, xmpp::Router& router,
              std::chrono::milliseconds query_timeout = std::chrono::seconds(10))
      : store_(db), router_(router), query_timeout_(query_timeout) {}
  std::string_view name() const override { return "caps"; }
  void install(xmpp::Registrar& registrar) override;

  // The verified features of an available resource; null while unknown or unverified.
  Features features_of(const xmpp::Jid& resource) const;

private:
  boost::asio::awaitable<xmpp::Handled> observe(xml::Element& presence);
  boost::asio::awaitable<void> forget(const xmpp::AvailabilityChange& change);
  boost::asio::awaitable<void> verify(xmpp::Jid resource, std::string node, std::string ver,
                                      CapsHash hash, std::string key);
  // Loads a verified key from storage into memory; false when storage does not know it either.
  boost::asio::awaitable<bool> recall(std::string key);
  void remember(const std::string& key, const xml::Element& query);

  CapsStore store_;
  xmpp::Router& router_;
  std::chrono::milliseconds query_timeout_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Features> verified_;         // by "<hash> <ver>"
  std::unordered_map<xmpp::Jid, std::string> resource_keys_;  // full JID -> key
  std::set<std::string> in_flight_;
};

}  // namespace tern::features::caps
