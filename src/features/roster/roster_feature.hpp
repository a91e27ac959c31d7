// RFC 6121 §2 and §3: roster management with versioning, and presence subscriptions with
// pre-approval, as the user's server sees them both outbound and inbound.
#pragma once
#include "features/roster/roster_store.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::features::roster {

struct RosterOptions {
  std::size_t max_items = 1000;  // items per roster
};

class RosterFeature final : public xmpp::Feature {
public:
  RosterFeature(storage::Database& db, xmpp::SessionRegistry& registry, xmpp::Router& router,
                RosterOptions options)
      : store_(db), registry_(registry), router_(router), options_(options) {}
  std::string_view name() const override { return "roster"; }
  void install(xmpp::Registrar& registrar) override;
  // For the features that act on subscription states (presence, disco).
  RosterStore& store() { return store_; }

private:
  boost::asio::awaitable<xmpp::IqResult> get(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> set(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> remove(xmpp::Jid account, xmpp::Jid contact);
  boost::asio::awaitable<xmpp::Handled> outbound(xml::Element& presence);
  boost::asio::awaitable<xmpp::Handled> inbound(xml::Element& presence);
  boost::asio::awaitable<void> resend_requests(const xmpp::AvailabilityChange& change);
  boost::asio::awaitable<void> cancel_all(const xmpp::Jid& account);

  // A roster push (§2.1.6) to every interested resource of the account.
  void push(const xmpp::Jid& account, const xml::Element& item, const std::string& version);
  // Delivers a subscription stanza to the account's available or interested resources.
  bool deliver(const xmpp::Jid& account, const xml::Element& presence);
  boost::asio::awaitable<void> send_subscription(const xmpp::Jid& from, const xmpp::Jid& to,
                                                 std::string_view type);

  RosterStore store_;
  xmpp::SessionRegistry& registry_;
  xmpp::Router& router_;
  RosterOptions options_;
};

}  // namespace tern::features::roster
