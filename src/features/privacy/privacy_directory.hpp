// What the privacy rules of online accounts are, in memory: each account's lists compiled, its
// roster as group and subscription items see it, and each session's active list and whether it
// asked for the blocklist (XEP-0191 pushes). Stanzas are decided here without storage; accounts
// enter when first needed and leave with their last session. One mutex guards it all: every
// operation is short and never suspends.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "features/privacy/privacy_rules.hpp"
#include "features/privacy/privacy_store.hpp"
#include "features/roster/roster_item.hpp"

namespace tern::features::privacy {

// The list that applies to a session or an account, with the roster it is decided against.
struct EffectiveRules {
  std::shared_ptr<const CompiledList> list;  // null: no list applies
  std::shared_ptr<const RosterView> roster;

  xmpp::Verdict decide(std::uint8_t kind, const xmpp::Jid& peer) const;
  friend bool operator==(const EffectiveRules&, const EffectiveRules&) = default;
};

bool needs_roster(const PrivacySettings& settings);
RosterEntry roster_entry(const roster::RosterItem& item);

class PrivacyDirectory {
public:
  using RosterReader = std::function<RosterView()>;

  // nullopt when the account is not here.
  std::optional<xmpp::Verdict> decide(const xmpp::Jid& user, std::uint8_t kind, const xmpp::Jid& peer) const;
  // Takes the account's settings (replacing what was here, keeping its sessions' choices);
  // read_roster runs when a list needs the roster and none is here yet.
  void install(const xmpp::Jid& account, const PrivacySettings& settings, const RosterReader& read_roster);
  // Takes the account in with no lists if it is not here and has_none() says it has none stored
  // (asked under the directory's mutex, so that settings published meanwhile are not replaced);
  // false when the account is still not here.
  bool install_without_lists(const xmpp::Jid& account, const std::function<bool()>& has_none);
  bool contains(const xmpp::Jid& account) const;
  std::shared_ptr<const PrivacySettings> settings(const xmpp::Jid& account) const;
  // A session's active list, else the default list (a bare JID: the default list).
  EffectiveRules rules_of(const xmpp::Jid& user) const;

  std::optional<std::string> active(const xmpp::Jid& session) const;
  void set_active(const xmpp::Jid& session, std::optional<std::string> name);
  void want_blocklist(const xmpp::Jid& session);
  bool wants_blocklist(const xmpp::Jid& session) const;

  // A roster item changed (nullptr: removed); takes effect for the next stanza (XEP-0016 §2.2).
  void roster_changed(const xmpp::Jid& account, const xmpp::Jid& contact, const roster::RosterItem* item);
  void session_ended(const xmpp::Jid& session, bool last_of_account);
  void forget(const xmpp::Jid& account);

private:
  struct Session {
    std::string resource;
    std::optional<std::string> active;
    bool wants_blocklist = false;
  };
  // One per online account, most of them without lists: kept small (vectors, as an account has
  // few lists and few sessions with a choice of their own).
  struct Account {
    std::shared_ptr<const PrivacySettings> settings;
    std::vector<std::shared_ptr<const CompiledList>> compiled;  // as settings->lists
    std::shared_ptr<const RosterView> roster;  // only while a list needs it
    std::vector<Session> sessions;  // those that chose an active list or asked for the blocklist

    const Session* session(std::string_view resource) const;
    Session& session_entry(std::string_view resource);
    std::shared_ptr<const CompiledList> compiled_list(std::string_view name) const;
  };
  EffectiveRules rules_in(const Account& account, const xmpp::Jid& user) const;
  // Found by the JID's own parts, so that deciding a stanza allocates nothing.
  const Account* find(const xmpp::Jid& jid) const;
  Account* find(const xmpp::Jid& jid);
  Account& entry(const xmpp::Jid& jid);
  void erase(const xmpp::Jid& jid);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unordered_map<std::string, Account>> accounts_;  // domain, localpart
};

}  // namespace tern::features::privacy
