// The privacy rules of every account.
#include "features/privacy/privacy_service.hpp"

#include <algorithm>

#include "features/privacy/blocklist.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/random_id.hpp"
#include "xmpp/routing/presence_relay.hpp"

namespace tern::features::privacy {
namespace {

RosterView roster_view(const std::vector<roster::RosterItem>& items) {
  RosterView view;
  for (const auto& item : items) view[item.contact.bare_string()] = roster_entry(item);
  return view;
}

std::shared_ptr<xml::Element> push_to(const xmpp::BoundResource& resource, xml::Element payload) {
  auto iq = std::make_shared<xml::Element>("iq", std::string(xmpp::ns::client));
  iq->set_attribute("from", resource.jid.bare_string());
  iq->set_attribute("to", resource.jid.full());
  iq->set_attribute("id", "push-" + xmpp::random_id(8));
  iq->set_attribute("type", "set");
  iq->add_child(std::move(payload));
  return iq;
}

}  // namespace

PrivacyService::PrivacyService(storage::Database& db, roster::RosterStore& roster,
                               xmpp::SessionRegistry& registry, xmpp::Router& router)
    : store_(db), roster_(roster), registry_(registry), router_(router) {
  // Under the roster's lock, then the account's privacy lock: a load that read the roster
  // before this change has published by then, and gets the change on top.
  roster_.observe([this](const xmpp::Jid& account, const xmpp::Jid& contact, const roster::RosterItem* item) {
    std::lock_guard lock(store_.lock_for(account));
    directory_.roster_changed(account, contact, item);
  });
}

boost::asio::awaitable<xmpp::Verdict> PrivacyService::decide(xmpp::Jid user, xmpp::Direction direction,
                                                             const xml::Element& stanza, xmpp::Jid peer) {
  auto kind = kind_of(stanza, direction);
  if (auto verdict = directory_.decide(user, kind, peer)) co_return *verdict;  // loaded meanwhile
  // Not in the directory: an account with sessions is loaded into it; for one without (a
  // message to an offline user) the stored default list decides once.
  auto account = user.bare();
  if (store_.has_none(account)) {
    if (registry_.resources(account).empty()) co_return xmpp::Verdict::allow;
    auto has_none = [&] { return store_.has_none(account); };
    if (directory_.install_without_lists(account, has_none)) {
      if (auto verdict = directory_.decide(user, kind, peer)) co_return *verdict;
    }
  }
  auto decide_stored = [&](const PrivacySettings& settings, storage::Connection& connection) {
    auto read_roster = [&] { return roster_view(roster::RosterStore::items_in(connection, account)); };
    if (!registry_.resources(account).empty()) {
      directory_.install(account, settings, read_roster);
      return *directory_.decide(user, kind, peer);
    }
    const auto* list = settings.default_or_null();
    if (!list) return xmpp::Verdict::allow;
    CompiledList compiled(*list);
    auto roster = compiled.needs_roster() ? read_roster() : RosterView{};
    return verdict_of(compiled.first_match(kind, peer, roster));
  };
  co_return co_await store_.read(account, decide_stored);
}

std::optional<xmpp::Verdict> PrivacyService::decided(const xmpp::Jid& user, xmpp::Direction direction,
                                                     const xml::Element& stanza, const xmpp::Jid& peer) const {
  return directory_.decide(user, kind_of(stanza, direction), peer);
}

void PrivacyService::session_ended(const xmpp::Jid& full) {
  directory_.session_ended(full, registry_.resources(full.bare()).empty());
}

boost::asio::awaitable<void> PrivacyService::ensure_loaded(const xmpp::Jid& account) {
  if (directory_.install_without_lists(account, [&] { return store_.has_none(account); })) co_return;
  auto install = [&](const PrivacySettings& settings, storage::Connection& connection) {
    directory_.install(account, settings, [&] {
      return roster_view(roster::RosterStore::items_in(connection, account));
    });
    return true;
  };
  co_await store_.read(account, install);
}

boost::asio::awaitable<std::shared_ptr<const PrivacySettings>> PrivacyService::settings(xmpp::Jid session) {
  auto account = session.bare();
  co_await ensure_loaded(account);
  co_return directory_.settings(account);
}

std::vector<std::pair<xmpp::Jid, EffectiveRules>> PrivacyService::rules_of_sessions(const xmpp::Jid& account) const {
  std::vector<std::pair<xmpp::Jid, EffectiveRules>> rules;
  for (const auto& resource : registry_.resources(account)) {
    rules.emplace_back(resource.jid, directory_.rules_of(resource.jid));
  }
  return rules;
}

bool PrivacyService::used_by_other_session(const xmpp::Jid& session, const PrivacySettings& settings,
                                           const std::string& list) const {
  for (const auto& resource : registry_.resources(session.bare())) {
    if (resource.jid == session) continue;
    auto active = directory_.active(resource.jid);
    if (active ? *active == list : settings.default_list == list) return true;
  }
  return false;
}

boost::asio::awaitable<std::optional<xmpp::StanzaError>> PrivacyService::change(xmpp::Jid session, Edit edit) {
  auto account = session.bare();
  co_await ensure_loaded(account);
  auto before_settings = directory_.settings(account);
  auto before_rules = rules_of_sessions(account);
  auto published = [&](const PrivacySettings& after, const std::optional<xmpp::StanzaError>& error,
                       storage::Connection& connection) {
    if (error) return;
    directory_.install(account, after, [&] {
      return roster_view(roster::RosterStore::items_in(connection, account));
    });
  };
  auto error = co_await store_.modify(account, std::move(edit), published);
  if (error) co_return error;
  auto after_settings = directory_.settings(account);
  if (before_settings && after_settings) {
    push_lists(account, *before_settings, *after_settings);
    push_blocklist(account, *before_settings, *after_settings);
  }
  co_await after_change(before_rules);
  co_return std::nullopt;
}

boost::asio::awaitable<std::optional<xmpp::StanzaError>> PrivacyService::activate(xmpp::Jid session,
                                                                                  std::optional<std::string> name) {
  auto account = session.bare();
  co_await ensure_loaded(account);
  auto settings = directory_.settings(account);
  if (name && (!settings || !settings->find(*name))) co_return xmpp::StanzaError::item_not_found();
  auto before_rules = rules_of_sessions(account);
  directory_.set_active(session, std::move(name));
  co_await after_change(before_rules);
  co_return std::nullopt;
}

boost::asio::awaitable<void> PrivacyService::after_change(
    const std::vector<std::pair<xmpp::Jid, EffectiveRules>>& before) {
  for (const auto& [session, rules] : before) {
    auto now = directory_.rules_of(session);
    if (now.list != rules.list) co_await announce(session, rules, now);
  }
}

// XEP-0016 §2.10-§2.11, XEP-0191 §3.3-§3.4: contacts that stop (or start again) seeing the
// session's presence get unavailable (or its current) presence, and the session learns the same
// of the contacts whose presence it stops (or starts again) receiving.
boost::asio::awaitable<void> PrivacyService::announce(const xmpp::Jid& session, const EffectiveRules& before,
                                                      const EffectiveRules& after) {
  xmpp::BoundResource self;
  for (auto& resource : registry_.resources(session.bare())) {
    if (resource.jid == session) self = std::move(resource);
  }
  if (!self.session || !self.priority || !self.presence) co_return;
  auto roster = co_await roster_.load(session.bare());
  for (const auto& item : roster.items) {
    const auto& contact = item.contact;
    if (item.state.from) {
      bool saw = before.decide(presence_out, contact) == xmpp::Verdict::allow;
      bool sees = after.decide(presence_out, contact) == xmpp::Verdict::allow;
      if (saw != sees) {
        xml::Element presence = sees ? *self.presence : xml::Element("presence", std::string(xmpp::ns::client));
        if (!sees) presence.set_attribute("type", "unavailable");
        presence.set_attribute("from", session.full());
        presence.set_attribute("to", contact.full());
        co_await router_.route(std::move(presence), xmpp::SenderPrivacy::skip);
      }
    }
    if (item.state.to && contact.has_localpart() && router_.serves(contact.domainpart())) {
      bool heard = before.decide(presence_in, contact) == xmpp::Verdict::allow;
      bool hears = after.decide(presence_in, contact) == xmpp::Verdict::allow;
      if (heard == hears) continue;
      for (const auto& resource : registry_.resources(contact)) {
        if (!resource.priority || !resource.presence) continue;
        auto presence = std::make_shared<xml::Element>(*resource.presence);
        if (!hears) {
          *presence = xml::Element("presence", std::string(xmpp::ns::client));
          presence->set_attribute("type", "unavailable");
        }
        presence->set_attribute("from", resource.jid.full());
        presence->set_attribute("to", session.full());
        self.session->deliver(std::move(presence));
      }
    }
  }
}

// XEP-0016 §2.6-§2.8: each list created, edited or removed is named to every session.
void PrivacyService::push_lists(const xmpp::Jid& account, const PrivacySettings& before,
                                const PrivacySettings& after) {
  std::vector<std::string> changed;
  for (const auto& list : after.lists) {
    const auto* earlier = before.find(list.name);
    if (!earlier || *earlier != list) changed.push_back(list.name);
  }
  for (const auto& list : before.lists) {
    if (!after.find(list.name)) changed.push_back(list.name);
  }
  if (changed.empty()) return;
  for (const auto& resource : registry_.resources(account)) {
    for (const auto& name : changed) {
      xml::Element query("query", std::string(privacy_xmlns));
      query.add_child("list", std::string(privacy_xmlns)).set_attribute("name", name);
      resource.session->deliver(push_to(resource, std::move(query)));
    }
  }
}

// XEP-0191 §3.3-§3.5: to the sessions that asked for the blocklist, what was blocked and
// unblocked, by either protocol.
void PrivacyService::push_blocklist(const xmpp::Jid& account, const PrivacySettings& before,
                                    const PrivacySettings& after) {
  auto earlier = blocklist_of(before);
  auto now = blocklist_of(after);
  std::vector<std::string> blocked, unblocked;
  for (const auto& jid : now) {
    if (std::find(earlier.begin(), earlier.end(), jid) == earlier.end()) blocked.push_back(jid);
  }
  for (const auto& jid : earlier) {
    if (std::find(now.begin(), now.end(), jid) == now.end()) unblocked.push_back(jid);
  }
  auto command = [](std::string_view name, const std::vector<std::string>& jids) {
    xml::Element element{std::string(name), std::string(xmpp::ns::blocking)};
    for (const auto& jid : jids) element.add_child("item", std::string(xmpp::ns::blocking)).set_attribute("jid", jid);
    return element;
  };
  for (const auto& resource : registry_.resources(account)) {
    if (!directory_.wants_blocklist(resource.jid)) continue;
    if (!blocked.empty()) resource.session->deliver(push_to(resource, command("block", blocked)));
    if (!unblocked.empty()) {
      // §3.5: everything unblocked is announced as such.
      auto items = now.empty() ? std::vector<std::string>{} : unblocked;
      resource.session->deliver(push_to(resource, command("unblock", items)));
    }
  }
}

void PrivacyService::forget(const xmpp::Jid& account) { directory_.forget(account); }

}  // namespace tern::features::privacy
