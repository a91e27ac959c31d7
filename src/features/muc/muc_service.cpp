// XEP-0045 §6: the service, and the directory of its rooms.
#include "features/muc/muc_service.hpp"

#include <boost/asio/post.hpp>

#include "features/muc/muc_namespaces.hpp"
#include "features/muc/room.hpp"

namespace tern::features::muc {
namespace {

// §7.2.1: available presence to an occupant JID enters the room, creating it when need be.
bool enters(const xml::Element& stanza, const xmpp::Jid& to) {
  return stanza.name() == "presence" && !stanza.attribute("type") && !to.is_bare();
}

bool is_request(const xml::Element& stanza) {
  auto type = stanza.attribute_or("type");
  return stanza.name() == "iq" && (type == "get" || type == "set");
}

}  // namespace

MucService::MucService(MucOptions options, xmpp::Router& router,
                       std::function<boost::asio::any_io_executor()> new_home)
    : options_(std::move(options)),
      domain_(*xmpp::Jid::parse(options_.domain)),
      router_(router),
      new_home_(std::move(new_home)),
      executor_(new_home_()) {}

MucService::~MucService() = default;

void MucService::receive(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
  if (!to.has_localpart()) {
    to_service(stanza, from, to);
    return;
  }
  std::shared_ptr<Room> room;
  {
    std::lock_guard lock(mutex_);
    auto found = rooms_.find(to);
    if (found != rooms_.end()) {
      room = found->second;
    } else if (enters(stanza, to)) {
      room = std::make_shared<Room>(to.bare(), new_home_(), *this);
      rooms_.emplace(to.bare(), room);
    }
  }
  if (!room) {
    to_missing_room(stanza, from);
    return;
  }
  auto& executor = room->executor();
  boost::asio::post(executor, [room = std::move(room), stanza = std::move(stanza), from, to]() mutable {
    room->receive(std::move(stanza), from, to);
  });
}

void MucService::closed(const Room& room) {
  std::lock_guard lock(mutex_);
  auto found = rooms_.find(room.jid());
  if (found != rooms_.end() && found->second.get() == &room) rooms_.erase(found);
}

bool MucService::occupy(const xmpp::Jid& account) {
  std::lock_guard lock(mutex_);
  auto& rooms = occupancies_[account];
  if (rooms >= options_.max_rooms_per_user) {
    if (rooms == 0) occupancies_.erase(account);
    return false;
  }
  ++rooms;
  return true;
}

void MucService::vacate(const xmpp::Jid& account) {
  std::lock_guard lock(mutex_);
  auto found = occupancies_.find(account);
  if (found != occupancies_.end() && --found->second == 0) occupancies_.erase(found);
}

void MucService::list(const xmpp::Jid& room, std::optional<std::string> public_name) {
  std::lock_guard lock(mutex_);
  if (public_name) listed_[room] = std::move(*public_name);
  else listed_.erase(room);
}

void MucService::answer(const xmpp::Jid& from, xml::Element reply) {
  auto replied_from = xmpp::Jid::parse(reply.attribute_or("from"));
  reply.set_attribute("to", from.full());
  router_.deliver_from_service(std::make_shared<const xml::Element>(std::move(reply)),
                               replied_from ? *replied_from : domain_, from, executor_);
}

// §17.2: nothing is there to take it (or the room has closed since).
void MucService::to_missing_room(const xml::Element& stanza, const xmpp::Jid& from) {
  auto type = stanza.attribute_or("type");
  if (stanza.name() == "presence" || type == "error" || type == "result" || type == "headline") return;
  answer(from, xmpp::error_reply(stanza, xmpp::StanzaError::item_not_found("no such room")));
}

void MucService::to_service(const xml::Element& stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
  if (!is_request(stanza)) {
    auto type = stanza.attribute_or("type");
    if (stanza.name() == "message" && type != "error" && type != "headline") {
      answer(from, xmpp::error_reply(stanza, xmpp::StanzaError::service_unavailable()));
    }
    return;
  }
  auto children = stanza.child_elements();
  const xml::Element* payload = children.size() == 1 ? children.front() : nullptr;
  bool get = stanza.attribute_or("type") == "get";
  xml::Element result("iq", stanza.xmlns());
  result.set_attribute("id", stanza.attribute_or("id"));
  result.set_attribute("type", "result");
  result.set_attribute("from", to.full());
  if (!to.is_bare() || !payload || !get) {
    answer(from, xmpp::error_reply(stanza, xmpp::StanzaError::service_unavailable()));
  } else if (payload->attribute("node") &&
             (payload->is("query", ns::disco_info) || payload->is("query", ns::disco_items))) {
    answer(from, xmpp::error_reply(stanza, xmpp::StanzaError::item_not_found()));
  } else if (payload->is("query", ns::disco_info)) {  // §6.2
    auto& query = result.add_child("query", std::string(ns::disco_info));
    auto& identity = query.add_child("identity", std::string(ns::disco_info));
    identity.set_attribute("category", "conference");
    identity.set_attribute("type", "text");
    identity.set_attribute("name", options_.name);
    for (auto feature : {ns::muc, ns::disco_info, ns::disco_items, ns::ping}) {
      query.add_child("feature", std::string(ns::disco_info)).set_attribute("var", std::string(feature));
    }
    answer(from, std::move(result));
  } else if (payload->is("query", ns::disco_items)) {  // §6.3: public rooms only
    auto& query = result.add_child("query", std::string(ns::disco_items));
    {
      std::lock_guard lock(mutex_);
      for (const auto& [room, name] : listed_) {
        auto& item = query.add_child("item", std::string(ns::disco_items));
        item.set_attribute("jid", room.full());
        item.set_attribute("name", name);
      }
    }
    answer(from, std::move(result));
  } else if (payload->is("ping", ns::ping)) {
    answer(from, std::move(result));
  } else {
    answer(from, xmpp::error_reply(stanza, xmpp::StanzaError::service_unavailable()));
  }
}

}  // namespace tern::features::muc
