// XEP-0077 In-Band Registration: account creation before authentication (only when
// `registration.in_band` is on, and only on secure streams), password change and account
// cancellation for authenticated users.
#pragma once
#include "features/accounts/account_store.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/pipeline/registrar.hpp"
#include "xmpp/routing/session_registry.hpp"

namespace tern::features::register_ {

struct RegisterOptions {
  bool in_band = false;  // may unauthenticated clients create accounts?
};

class RegisterFeature final : public xmpp::Feature {
public:
  RegisterFeature(accounts::AccountStore& accounts, xmpp::Pipeline& pipeline,
                  xmpp::SessionRegistry& registry, RegisterOptions options)
      : accounts_(accounts), pipeline_(pipeline), registry_(registry), options_(options) {}
  std::string_view name() const override { return "register"; }
  void install(xmpp::Registrar& registrar) override;

private:
  boost::asio::awaitable<xmpp::IqResult> fields(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> create(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> registered(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> change(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> cancel(xmpp::IqRequest& request, xmpp::Jid account);

  accounts::AccountStore& accounts_;
  xmpp::Pipeline& pipeline_;
  xmpp::SessionRegistry& registry_;
  RegisterOptions options_;
};

}  // namespace tern::features::register_
