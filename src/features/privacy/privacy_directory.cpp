// The privacy rules of online accounts.
#include "features/privacy/privacy_directory.hpp"

#include <algorithm>

namespace tern::features::privacy {

xmpp::Verdict EffectiveRules::decide(std::uint8_t kind, const xmpp::Jid& peer) const {
  if (!list) return xmpp::Verdict::allow;
  static const RosterView no_roster;
  return verdict_of(list->first_match(kind, peer, roster ? *roster : no_roster));
}

bool needs_roster(const PrivacySettings& settings) {
  return std::any_of(settings.lists.begin(), settings.lists.end(), [](const PrivacyList& list) {
    return std::any_of(list.items.begin(), list.items.end(), [](const PrivacyItem& item) {
      return item.type == PrivacyItem::Type::group || item.type == PrivacyItem::Type::subscription;
    });
  });
}

RosterEntry roster_entry(const roster::RosterItem& item) {
  return RosterEntry{item.state.subscription(), item.groups};
}

EffectiveRules PrivacyDirectory::rules_in(const Account& account, const xmpp::Jid& user) const {
  auto compiled = account.compiled.end();
  if (!user.is_bare()) {
    auto session = account.sessions.find(user.resource());
    if (session != account.sessions.end() && session->second.active) {
      compiled = account.compiled.find(*session->second.active);
    }
  }
  // A session's active list that was removed leaves it with the default list.
  if (compiled == account.compiled.end() && account.settings->default_list) {
    compiled = account.compiled.find(*account.settings->default_list);
  }
  return {compiled == account.compiled.end() ? nullptr : compiled->second, account.roster};
}

std::optional<xmpp::Verdict> PrivacyDirectory::decide(const xmpp::Jid& user, std::uint8_t kind,
                                                      const xmpp::Jid& peer) const {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(user.bare_string());
  if (found == accounts_.end()) return std::nullopt;
  return rules_in(found->second, user).decide(kind, peer);
}

void PrivacyDirectory::install(const xmpp::Jid& account, const PrivacySettings& settings,
                               const RosterReader& read_roster) {
  std::unordered_map<std::string, std::shared_ptr<const CompiledList>> compiled;
  for (const auto& list : settings.lists) compiled[list.name] = std::make_shared<const CompiledList>(list);
  bool roster_needed = needs_roster(settings);
  {
    std::lock_guard lock(mutex_);
    auto& entry = accounts_[account.bare_string()];
    if (!roster_needed) entry.roster.reset();
    if (!roster_needed || entry.roster) {
      entry.settings = std::make_shared<const PrivacySettings>(settings);
      entry.compiled = std::move(compiled);
      return;
    }
  }
  // Read without the mutex (a storage read); the caller holds the account's storage lock, and
  // roster changes wait for it, so none is missed in between.
  auto roster = std::make_shared<const RosterView>(read_roster());
  std::lock_guard lock(mutex_);
  auto& entry = accounts_[account.bare_string()];
  entry.settings = std::make_shared<const PrivacySettings>(settings);
  entry.compiled = std::move(compiled);
  entry.roster = std::move(roster);
}

bool PrivacyDirectory::contains(const xmpp::Jid& account) const {
  std::lock_guard lock(mutex_);
  return accounts_.contains(account.bare_string());
}

std::shared_ptr<const PrivacySettings> PrivacyDirectory::settings(const xmpp::Jid& account) const {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(account.bare_string());
  return found == accounts_.end() ? nullptr : found->second.settings;
}

EffectiveRules PrivacyDirectory::rules_of(const xmpp::Jid& user) const {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(user.bare_string());
  if (found == accounts_.end()) return {};
  return rules_in(found->second, user);
}

std::optional<std::string> PrivacyDirectory::active(const xmpp::Jid& session) const {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(session.bare_string());
  if (found == accounts_.end()) return std::nullopt;
  auto state = found->second.sessions.find(session.resource());
  return state == found->second.sessions.end() ? std::nullopt : state->second.active;
}

void PrivacyDirectory::set_active(const xmpp::Jid& session, std::optional<std::string> name) {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(session.bare_string());
  if (found != accounts_.end()) found->second.sessions[session.resource()].active = std::move(name);
}

void PrivacyDirectory::want_blocklist(const xmpp::Jid& session) {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(session.bare_string());
  if (found != accounts_.end()) found->second.sessions[session.resource()].wants_blocklist = true;
}

bool PrivacyDirectory::wants_blocklist(const xmpp::Jid& session) const {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(session.bare_string());
  if (found == accounts_.end()) return false;
  auto state = found->second.sessions.find(session.resource());
  return state != found->second.sessions.end() && state->second.wants_blocklist;
}

void PrivacyDirectory::roster_changed(const xmpp::Jid& account, const xmpp::Jid& contact,
                                      const roster::RosterItem* item) {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(account.bare_string());
  if (found == accounts_.end() || !found->second.roster) return;
  auto roster = std::make_shared<RosterView>(*found->second.roster);
  if (item) {
    (*roster)[contact.bare_string()] = roster_entry(*item);
  } else {
    roster->erase(contact.bare_string());
  }
  found->second.roster = std::move(roster);
}

void PrivacyDirectory::session_ended(const xmpp::Jid& session, bool last_of_account) {
  std::lock_guard lock(mutex_);
  auto found = accounts_.find(session.bare_string());
  if (found == accounts_.end()) return;
  if (last_of_account) {
    accounts_.erase(found);
    return;
  }
  found->second.sessions.erase(session.resource());
}

void PrivacyDirectory::forget(const xmpp::Jid& account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account.bare_string());
}

}  // namespace tern::features::privacy
