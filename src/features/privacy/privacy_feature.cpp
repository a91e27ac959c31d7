// XEP-0016 Privacy Lists.
#include "features/privacy/privacy_feature.hpp"

#include <algorithm>

namespace tern::features::privacy {
namespace {

std::optional<std::string> name_of(const xml::Element& element) {
  const std::string* name = element.attribute("name");
  return name ? std::optional<std::string>(*name) : std::nullopt;
}

// Names are keys of the stored lists (255 characters at most in MySQL).
constexpr std::size_t max_name_length = 255;

}  // namespace

void PrivacyFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0016", .version = "1.7"});
  registrar.disco_feature(privacy_xmlns);
  registrar.enforces_privacy(service_);
  registrar.on_iq(xmpp::IqType::get, {privacy_xmlns, "query"}, {xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return get(request); });
  registrar.on_iq(xmpp::IqType::set, {privacy_xmlns, "query"}, {xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return set(request); });
  registrar.on_account_deleted([this](const xmpp::Jid& account) -> boost::asio::awaitable<void> {
    service_.forget(account);
    co_return;
  });
}

// §2.3: the names of the lists with the active and default ones, or one list.
boost::asio::awaitable<xmpp::IqResult> PrivacyFeature::get(xmpp::IqRequest& request) {
  if (!request.is_to_self()) co_return xmpp::StanzaError::forbidden();
  auto requested = request.payload().child_elements();
  if (requested.size() > 1) co_return xmpp::StanzaError::bad_request("one list at a time");
  if (requested.size() == 1 && !requested.front()->is("list", privacy_xmlns)) {
    co_return xmpp::StanzaError::bad_request("a get names one <list/> or nothing");
  }
  auto settings = co_await service_.settings(request.from());
  xml::Element query("query", std::string(privacy_xmlns));
  if (requested.size() == 1) {
    const auto* list = settings->find(requested.front()->attribute_or("name"));
    if (!list) co_return xmpp::StanzaError::item_not_found();
    query.add_child(to_element(*list));
    co_return query;
  }
  if (auto active = service_.active(request.from())) {
    query.add_child("active", std::string(privacy_xmlns)).set_attribute("name", *active);
  }
  if (settings->default_list) {
    query.add_child("default", std::string(privacy_xmlns)).set_attribute("name", *settings->default_list);
  }
  for (const auto& list : settings->lists) {
    query.add_child("list", std::string(privacy_xmlns)).set_attribute("name", list.name);
  }
  co_return query;
}

boost::asio::awaitable<xmpp::IqResult> PrivacyFeature::set(xmpp::IqRequest& request) {
  if (!request.is_to_self()) co_return xmpp::StanzaError::forbidden();
  auto children = request.payload().child_elements();
  // §2.1: one <active/>, <default/> or <list/> per request.
  if (children.size() != 1) co_return xmpp::StanzaError::bad_request("a set carries one active, default or list element");
  const auto& child = *children.front();
  const auto& session = request.from();
  if (child.is("active", privacy_xmlns)) {
    auto error = co_await service_.activate(session, name_of(child));
    co_return xmpp::IqResult::empty_unless(error);
  }
  if (child.is("default", privacy_xmlns)) co_return co_await set_default(session, name_of(child));
  if (!child.is("list", privacy_xmlns)) co_return xmpp::StanzaError::bad_request("a set carries one active, default or list element");
  if (child.child_elements().empty()) co_return co_await remove_list(session, child.attribute_or("name"));
  co_return co_await set_list(session, child);
}

// §2.6-§2.7: a list is created or replaced as a whole.
boost::asio::awaitable<xmpp::IqResult> PrivacyFeature::set_list(const xmpp::Jid& session, const xml::Element& element) {
  auto parsed = parse_list(element);
  if (auto* error = std::get_if<xmpp::StanzaError>(&parsed)) co_return *error;
  auto list = std::get<PrivacyList>(std::move(parsed));
  if (list.name.size() > max_name_length) co_return xmpp::StanzaError::not_acceptable("list names are limited to 255 bytes");
  if (list.items.size() > options_.max_items) {
    co_return xmpp::StanzaError::not_acceptable("a list holds " + std::to_string(options_.max_items) + " items at most");
  }
  // §2.1: a group the roster does not have is item-not-found.
  bool names_groups = std::any_of(list.items.begin(), list.items.end(),
                                  [](const PrivacyItem& item) { return item.type == PrivacyItem::Type::group; });
  if (names_groups) {
    auto roster = co_await roster_.load(session.bare());
    for (const auto& item : list.items) {
      if (item.type != PrivacyItem::Type::group) continue;
      bool known = std::any_of(roster.items.begin(), roster.items.end(), [&](const roster::RosterItem& contact) {
        return std::find(contact.groups.begin(), contact.groups.end(), item.value) != contact.groups.end();
      });
      if (!known) co_return xmpp::StanzaError::item_not_found("no roster group '" + item.value + "'");
    }
  }
  auto max_lists = options_.max_lists;
  PrivacyService::Edit edit = [list = std::move(list), max_lists](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    if (!settings.find(list.name) && settings.lists.size() >= max_lists) {
      return xmpp::StanzaError::resource_constraint("an account holds " + std::to_string(max_lists) + " lists at most");
    }
    settings.put(list);
    return std::nullopt;
  };
  auto error = co_await service_.change(session, std::move(edit));
  co_return xmpp::IqResult::empty_unless(error);
}

// §2.8: not while another session decides with it.
boost::asio::awaitable<xmpp::IqResult> PrivacyFeature::remove_list(const xmpp::Jid& session, std::string name) {
  auto* service = &service_;
  PrivacyService::Edit edit = [session, name, service](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    if (!settings.find(name)) return xmpp::StanzaError::item_not_found();
    if (service->used_by_other_session(session, settings, name)) {
      return xmpp::StanzaError::conflict("another session of the account uses this list");
    }
    settings.remove(name);
    return std::nullopt;
  };
  auto error = co_await service_.change(session, std::move(edit));
  // A session may remove its own active list; the default list applies to it again.
  if (!error && service_.active(session) == name) {
    std::optional<std::string> none;
    error = co_await service_.activate(session, none);
  }
  co_return xmpp::IqResult::empty_unless(error);
}

// §2.5: not while another session without an active list decides with the current default.
boost::asio::awaitable<xmpp::IqResult> PrivacyFeature::set_default(const xmpp::Jid& session,
                                                                   std::optional<std::string> name) {
  auto* service = &service_;
  PrivacyService::Edit edit = [session, name, service](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    if (name && !settings.find(*name)) return xmpp::StanzaError::item_not_found();
    if (settings.default_list == name) return std::nullopt;
    if (settings.default_list && service->used_by_other_session(session, settings, *settings.default_list)) {
      return xmpp::StanzaError::conflict("another session of the account uses the default list");
    }
    settings.default_list = name;
    return std::nullopt;
  };
  auto error = co_await service_.change(session, std::move(edit));
  co_return xmpp::IqResult::empty_unless(error);
}

}  // namespace tern::features::privacy
