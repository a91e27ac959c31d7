// XEP-0016 Privacy Lists: the user's lists, the session's active list and the account's default
// list, managed over jabber:iq:privacy; the rules themselves are the PrivacyService's, which the
// router asks for every stanza.
#pragma once
#include "features/privacy/privacy_service.hpp"
#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"

namespace tern::features::privacy {

struct PrivacyOptions {
  std::size_t max_lists = 50;    // per account
  std::size_t max_items = 1000;  // per list
};

class PrivacyFeature final : public xmpp::Feature {
public:
  PrivacyFeature(storage::Database& db, roster::RosterStore& roster, xmpp::SessionRegistry& registry,
                 xmpp::Router& router, PrivacyOptions options)
      : service_(db, roster, registry, router), roster_(roster), options_(options) {}
  std::string_view name() const override { return "privacy"; }
  void install(xmpp::Registrar& registrar) override;
  // For the blocking command, which works on the same rules.
  PrivacyService& service() { return service_; }

private:
  boost::asio::awaitable<xmpp::IqResult> get(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> set(xmpp::IqRequest& request);
  boost::asio::awaitable<xmpp::IqResult> set_list(const xmpp::Jid& session, const xml::Element& list);
  boost::asio::awaitable<xmpp::IqResult> remove_list(const xmpp::Jid& session, std::string name);
  boost::asio::awaitable<xmpp::IqResult> set_default(const xmpp::Jid& session, std::optional<std::string> name);

  PrivacyService service_;
  roster::RosterStore& roster_;
  PrivacyOptions options_;
};

}  // namespace tern::features::privacy
