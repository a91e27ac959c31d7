// The privacy rules of online accounts.
#include "features/privacy/privacy_directory.hpp"

#include <algorithm>
#include <utility>

namespace tern::features::privacy {
namespace {

// Most accounts have no lists: they share one empty settings.
std::shared_ptr<const PrivacySettings> no_settings() {
  static const auto none = std::make_shared<const PrivacySettings>();
  return none;
}

}  // namespace

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

const PrivacyDirectory::Session* PrivacyDirectory::Account::session(std::string_view resource) const {
  auto found = std::find_if(sessions.begin(), sessions.end(),
                            [&](const Session& session) { return session.resource == resource; });
  return found == sessions.end() ? nullptr : &*found;
}

PrivacyDirectory::Session& PrivacyDirectory::Account::session_entry(std::string_view resource) {
  for (auto& existing : sessions) {
    if (existing.resource == resource) return existing;
  }
  return sessions.emplace_back(Session{std::string(resource), {}, false});
}

std::shared_ptr<const CompiledList> PrivacyDirectory::Account::compiled_list(std::string_view name) const {
  const auto& lists = settings->lists;
  auto found = std::find_if(lists.begin(), lists.end(), [&](const PrivacyList& list) { return list.name == name; });
  return found == lists.end() ? nullptr : compiled[static_cast<std::size_t>(found - lists.begin())];
}

EffectiveRules PrivacyDirectory::rules_in(const Account& account, const xmpp::Jid& user) const {
  std::shared_ptr<const CompiledList> compiled;
  if (!user.is_bare()) {
    const auto* session = account.session(user.resource());
    if (session && session->active) compiled = account.compiled_list(*session->active);
  }
  // A session's active list that was removed leaves it with the default list.
  if (!compiled && account.settings->default_list) compiled = account.compiled_list(*account.settings->default_list);
  return {std::move(compiled), account.roster};
}

const PrivacyDirectory::Account* PrivacyDirectory::find(const xmpp::Jid& jid) const {
  auto domain = accounts_.find(jid.domainpart());
  if (domain == accounts_.end()) return nullptr;
  auto account = domain->second.find(jid.localpart());
  return account == domain->second.end() ? nullptr : &account->second;
}

PrivacyDirectory::Account* PrivacyDirectory::find(const xmpp::Jid& jid) {
  return const_cast<Account*>(std::as_const(*this).find(jid));
}

PrivacyDirectory::Account& PrivacyDirectory::entry(const xmpp::Jid& jid) {
  return accounts_[jid.domainpart()][jid.localpart()];
}

void PrivacyDirectory::erase(const xmpp::Jid& jid) {
  auto domain = accounts_.find(jid.domainpart());
  if (domain == accounts_.end()) return;
  domain->second.erase(jid.localpart());
  if (domain->second.empty()) accounts_.erase(domain);
}

std::optional<xmpp::Verdict> PrivacyDirectory::decide(const xmpp::Jid& user, std::uint8_t kind,
                                                      const xmpp::Jid& peer) const {
  std::lock_guard lock(mutex_);
  const auto* account = find(user);
  if (!account) return std::nullopt;
  return rules_in(*account, user).decide(kind, peer);
}

void PrivacyDirectory::install(const xmpp::Jid& account, const PrivacySettings& settings,
                               const RosterReader& read_roster) {
  std::vector<std::shared_ptr<const CompiledList>> compiled;
  compiled.reserve(settings.lists.size());
  for (const auto& list : settings.lists) compiled.push_back(std::make_shared<const CompiledList>(list));
  auto shared_settings = settings.lists.empty() && !settings.default_list
                             ? no_settings()
                             : std::make_shared<const PrivacySettings>(settings);
  bool roster_needed = needs_roster(settings);
  {
    std::lock_guard lock(mutex_);
    auto& installed = entry(account);
    if (!roster_needed) installed.roster.reset();
    if (!roster_needed || installed.roster) {
      installed.settings = std::move(shared_settings);
      installed.compiled = std::move(compiled);
      return;
    }
  }
  // Read without the mutex (a storage read); the caller holds the account's storage lock, and
  // roster changes wait for it, so none is missed in between.
  auto roster = std::make_shared<const RosterView>(read_roster());
  std::lock_guard lock(mutex_);
  auto& installed = entry(account);
  installed.settings = std::move(shared_settings);
  installed.compiled = std::move(compiled);
  installed.roster = std::move(roster);
}

bool PrivacyDirectory::install_without_lists(const xmpp::Jid& account, const std::function<bool()>& has_none) {
  std::lock_guard lock(mutex_);
  if (find(account)) return true;
  if (!has_none()) return false;
  entry(account).settings = no_settings();
  return true;
}

bool PrivacyDirectory::contains(const xmpp::Jid& account) const {
  std::lock_guard lock(mutex_);
  return find(account) != nullptr;
}

std::shared_ptr<const PrivacySettings> PrivacyDirectory::settings(const xmpp::Jid& account) const {
  std::lock_guard lock(mutex_);
  const auto* found = find(account);
  return found ? found->settings : nullptr;
}

EffectiveRules PrivacyDirectory::rules_of(const xmpp::Jid& user) const {
  std::lock_guard lock(mutex_);
  const auto* found = find(user);
  if (!found) return {};
  return rules_in(*found, user);
}

std::optional<std::string> PrivacyDirectory::active(const xmpp::Jid& session) const {
  std::lock_guard lock(mutex_);
  const auto* found = find(session);
  if (!found) return std::nullopt;
  const auto* state = found->session(session.resource());
  return state ? state->active : std::nullopt;
}

void PrivacyDirectory::set_active(const xmpp::Jid& session, std::optional<std::string> name) {
  std::lock_guard lock(mutex_);
  if (auto* found = find(session)) found->session_entry(session.resource()).active = std::move(name);
}

void PrivacyDirectory::want_blocklist(const xmpp::Jid& session) {
  std::lock_guard lock(mutex_);
  if (auto* found = find(session)) found->session_entry(session.resource()).wants_blocklist = true;
}

bool PrivacyDirectory::wants_blocklist(const xmpp::Jid& session) const {
  std::lock_guard lock(mutex_);
  const auto* found = find(session);
  if (!found) return false;
  const auto* state = found->session(session.resource());
  return state && state->wants_blocklist;
}

void PrivacyDirectory::roster_changed(const xmpp::Jid& account, const xmpp::Jid& contact,
                                      const roster::RosterItem* item) {
  std::lock_guard lock(mutex_);
  auto* found = find(account);
  if (!found || !found->roster) return;
  auto roster = std::make_shared<RosterView>(*found->roster);
  if (item) {
    (*roster)[contact.bare_string()] = roster_entry(*item);
  } else {
    roster->erase(contact.bare_string());
  }
  found->roster = std::move(roster);
}

void PrivacyDirectory::session_ended(const xmpp::Jid& session, bool last_of_account) {
  std::lock_guard lock(mutex_);
  if (last_of_account) {
    erase(session);
    return;
  }
  if (auto* found = find(session)) {
    std::erase_if(found->sessions, [&](const Session& state) { return state.resource == session.resource(); });
  }
}

void PrivacyDirectory::forget(const xmpp::Jid& account) {
  std::lock_guard lock(mutex_);
  erase(account);
}

}  // namespace tern::features::privacy
