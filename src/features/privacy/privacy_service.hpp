// The privacy rules of every account, for both protocols over them (XEP-0016 privacy lists and
// the XEP-0191 blocklist): deciding stanzas for the router from the in-memory directory, loading
// accounts into it, and changing the stored settings with everything a change means for others:
// list and blocklist pushes, and presence for contacts whose view of the user changed.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "features/privacy/privacy_directory.hpp"
#include "features/privacy/privacy_store.hpp"
#include "features/roster/roster_store.hpp"
#include "xmpp/pipeline/privacy.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"
#include "xmpp/stanza_error.hpp"

namespace tern::features::privacy {

class PrivacyService final : public xmpp::PrivacyPolicy {
public:
  PrivacyService(storage::Database& db, roster::RosterStore& roster, xmpp::SessionRegistry& registry,
                 xmpp::Router& router);

  boost::asio::awaitable<xmpp::Verdict> decide(xmpp::Jid user, xmpp::Direction direction,
                                               const xml::Element& stanza, xmpp::Jid peer) override;
  std::optional<xmpp::Verdict> decided(const xmpp::Jid& user, xmpp::Direction direction,
                                       const xml::Element& stanza, const xmpp::Jid& peer) const override;
  void session_ended(const xmpp::Jid& full) override;

  // The account's settings, loaded for the session asking.
  boost::asio::awaitable<std::shared_ptr<const PrivacySettings>> settings(xmpp::Jid session);

  // Changes the account's settings as `session` asked; `edit` refuses with an error, leaving
  // them as they were.
  using Edit = std::function<std::optional<xmpp::StanzaError>(PrivacySettings&)>;
  boost::asio::awaitable<std::optional<xmpp::StanzaError>> change(xmpp::Jid session, Edit edit);
  // XEP-0016 §2.4: the session's active list (none: the default applies again).
  boost::asio::awaitable<std::optional<xmpp::StanzaError>> activate(xmpp::Jid session,
                                                                    std::optional<std::string> name);
  // Whether another session of the account decides with this list now (XEP-0016 §2.5, §2.8).
  bool used_by_other_session(const xmpp::Jid& session, const PrivacySettings& settings,
                             const std::string& list) const;
  std::optional<std::string> active(const xmpp::Jid& session) const { return directory_.active(session); }
  void want_blocklist(const xmpp::Jid& session) { directory_.want_blocklist(session); }

  // The account is being deleted (its stored lists go with it, by the schema).
  void forget(const xmpp::Jid& account);

private:
  boost::asio::awaitable<void> ensure_loaded(const xmpp::Jid& account);
  std::vector<std::pair<xmpp::Jid, EffectiveRules>> rules_of_sessions(const xmpp::Jid& account) const;
  // Announces what changed for each session whose rules are no longer `before`.
  boost::asio::awaitable<void> after_change(const std::vector<std::pair<xmpp::Jid, EffectiveRules>>& before);
  boost::asio::awaitable<void> announce(const xmpp::Jid& session, const EffectiveRules& before,
                                        const EffectiveRules& after);
  void push_lists(const xmpp::Jid& account, const PrivacySettings& before, const PrivacySettings& after);
  void push_blocklist(const xmpp::Jid& account, const PrivacySettings& before, const PrivacySettings& after);

  PrivacyStore store_;
  PrivacyDirectory directory_;
  roster::RosterStore& roster_;
  xmpp::SessionRegistry& registry_;
  xmpp::Router& router_;
};

}  // namespace tern::features::privacy
