// XEP-0045 rooms: entering and leaving (§7.2, §7.14), messages (§7.4, §7.5), nickname and
// presence changes (§7.6, §7.7), invitations (§7.8), subject (§8.1), kicks (§8.2), creation,
// configuration and destruction (§10).
#include "features/muc/room.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <chrono>

#include "features/muc/muc_namespaces.hpp"
#include "features/muc/muc_service.hpp"
#include "xmpp/namespaces.hpp"

namespace tern::features::muc {
namespace {

std::string_view affiliation_name(Affiliation affiliation) {
  switch (affiliation) {
    case Affiliation::owner: return "owner";
    case Affiliation::admin: return "admin";
    case Affiliation::member: return "member";
    case Affiliation::outcast: return "outcast";
    case Affiliation::none: break;
  }
  return "none";
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::moderator: return "moderator";
    case Role::participant: return "participant";
    case Role::visitor: return "visitor";
    case Role::none: break;
  }
  return "none";
}

// Higher is more: who may kick whom (§8.2).
int rank(Affiliation affiliation) {
  switch (affiliation) {
    case Affiliation::owner: return 3;
    case Affiliation::admin: return 2;
    case Affiliation::member: return 1;
    default: return 0;
  }
}

void add_status(xml::Element& x, int code) {
  x.add_child("status", std::string(ns::user)).set_attribute("code", std::to_string(code));
}

// What the user's presence carries that the room passes on: not its MUC extensions, which only
// the room writes (§17.3), nor its addresses.
xml::Element occupant_presence(const xml::Element& presence) {
  xml::Element kept("presence", presence.xmlns());
  for (const auto& child : presence.children()) {
    if (child.is_text() || child.xmlns() == ns::muc || child.xmlns() == ns::user) continue;
    kept.add_child(child);
  }
  return kept;
}

boost::asio::awaitable<void> route(xmpp::Router& router, xml::Element stanza, xmpp::Jid from, xmpp::Jid to) {
  co_await router.route(std::move(stanza), from, to, xmpp::SenderPrivacy::skip);
}

xml::SharedElement share(xml::Element element) { return std::make_shared<const xml::Element>(std::move(element)); }

}  // namespace

Room::Room(xmpp::Jid jid, boost::asio::any_io_executor executor, MucService& service)
    : jid_(std::move(jid)),
      jid_text_(jid_.full()),
      executor_(std::move(executor)),
      service_(service),
      history_(service.options().history_messages) {
  config_.max_occupants = service.options().max_occupants;
}

void Room::receive(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
  if (closed_) {
    service_.receive(std::move(stanza), from, to);
    return;
  }
  if (stanza.name() == "presence") {
    on_presence(std::move(stanza), from, to);
  } else if (stanza.name() == "message") {
    on_message(std::move(stanza), from, to);
  } else if (stanza.name() == "iq") {
    on_iq(std::move(stanza), from, to);
  }
  remove_vanished();
  if (occupants_.empty() && !closed_) close();  // also a new room whose first entry was refused
}

// --- sending

void Room::send(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
  stanza.set_attribute("to", to.full());
  deliver(share(std::move(stanza)), from, to);
}

void Room::send_to(const Occupant& recipient, const xml::Element& stanza, const xmpp::Jid& from) {
  for (const auto& session : recipient.sessions) send(stanza, from, session.real);
}

void Room::broadcast(xml::Element stanza, const xmpp::Jid& from) {
  auto shared = std::make_shared<const xml::FanOut>(std::move(stanza));
  for (const auto& occupant : occupants_) {
    for (const auto& session : occupant.sessions) deliver(xml::Addressed{shared, session.real.full()}, from, session.real);
  }
}

void Room::deliver(xml::Outbound stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
  if (!service_.router().deliver_from_service(std::move(stanza), from, to, executor_)) {
    if (locate(to)) vanished_.push_back(to);
  }
}

void Room::reply(xml::Element answer, const xmpp::Jid& to) {
  auto answered_from = xmpp::Jid::parse(answer.attribute_or("from"));
  send(std::move(answer), answered_from ? *answered_from : jid_, to);
}

void Room::refuse(const xml::Element& stanza, const xmpp::Jid& from, const xmpp::StanzaError& error) {
  if (stanza.attribute_or("type") == "error") return;  // RFC 6120 §8.3.1
  reply(xmpp::error_reply(stanza, error), from);
}

void Room::send_result(const xml::Element& iq, const xmpp::Jid& from, const xml::Element* payload) {
  xml::Element result("iq", iq.xmlns());
  result.set_attribute("id", iq.attribute_or("id"));
  result.set_attribute("type", "result");
  result.set_attribute("from", iq.attribute_or("to"));
  if (payload) result.add_child(*payload);
  reply(std::move(result), from);
}

// A session that could not be reached leaves as if it had gone unavailable (§18.1.2).
void Room::remove_vanished() {
  while (!vanished_.empty() && !closed_) {
    auto real = std::move(vanished_.back());
    vanished_.pop_back();
    auto at = locate(real);
    if (!at) continue;
    xml::Element unavailable("presence", std::string(xmpp::ns::client));
    remove_session(*at, std::move(unavailable), [](xml::Element& x, bool) { add_status(x, 333); });
  }
  vanished_.clear();
}

// --- occupants

std::optional<Room::Location> Room::locate(const xmpp::Jid& real) const {
  for (std::size_t i = 0; i < occupants_.size(); ++i) {
    const auto& sessions = occupants_[i].sessions;
    for (std::size_t j = 0; j < sessions.size(); ++j) {
      if (sessions[j].real == real) return Location{i, j};
    }
  }
  return std::nullopt;
}

Room::Occupant* Room::by_real(const xmpp::Jid& real) {
  auto at = locate(real);
  return at ? &occupants_[at->occupant] : nullptr;
}

Room::Occupant* Room::by_nick(const std::string& nick) {
  for (auto& occupant : occupants_) {
    if (occupant.nick == nick) return &occupant;
  }
  return nullptr;
}

Affiliation Room::affiliation_of(const xmpp::Jid& real) const {
  auto found = affiliations_.find(real.bare());
  return found == affiliations_.end() ? Affiliation::none : found->second;
}

std::string Room::display_name() const { return config_.name.empty() ? jid_.localpart() : config_.name; }

void Room::update_listing() {
  bool listed = config_.public_room && !locked_ && !closed_;
  service_.list(jid_, listed ? std::optional<std::string>(display_name()) : std::nullopt);
}

xml::Element Room::presence_of(const Occupant& occupant, const Occupant& recipient) const {
  xml::Element presence = occupant.shown().presence;
  presence.set_attribute("from", occupant.occupant_jid.full());
  auto& x = presence.add_child("x", std::string(ns::user));
  auto& item = x.add_child("item", std::string(ns::user));
  item.set_attribute("affiliation", std::string(affiliation_name(occupant.affiliation)));
  item.set_attribute("role", std::string(role_name(occupant.role)));
  // §7.2.3, §7.2.4: real JIDs to everyone in a non-anonymous room, else to moderators only.
  if (config_.non_anonymous || recipient.role == Role::moderator || &occupant == &recipient) {
    item.set_attribute("jid", occupant.shown().real.full());
  }
  return presence;
}

// --- presence

void Room::on_presence(xml::Element presence, const xmpp::Jid& from, const xmpp::Jid& to) {
  auto type = presence.attribute_or("type");
  auto at = locate(from);
  if (type == "error") {
    if (at) vanished_.push_back(from);  // §18.1.2: its client is gone
    return;
  }
  if (type == "unavailable") {  // §7.14; from someone not in the room: nothing to do (§17.3)
    if (at) {
      remove_session(*at, std::move(presence), [](xml::Element& x, bool to_self) {
        if (to_self) add_status(x, 110);
      });
    }
    return;
  }
  if (!type.empty()) return;  // probes and subscriptions are not the room's business (§17.3)
  if (to.is_bare()) {
    refuse(presence, from, xmpp::StanzaError::jid_malformed("the room JID needs a nickname as its resource"));
    return;
  }
  if (!at) {
    enter(std::move(presence), from, to);
    return;
  }
  if (occupants_[at->occupant].nick != to.resource()) {
    change_nick(at->occupant, std::move(presence), from, to);
    return;
  }
  const xml::Element* join = presence.child("x", ns::muc);
  if (join) {
    // §7.2.1: a join from a session already in the room asks to be told everything again.
    xml::Element join_copy = *join;
    auto& occupant = occupants_[at->occupant];
    occupant.sessions[at->session].presence = occupant_presence(presence);
    welcome(occupant, from, &join_copy, {110});
    return;
  }
  update_presence(*at, std::move(presence));
}

void Room::enter(xml::Element presence, const xmpp::Jid& from, const xmpp::Jid& to) {
  const xml::Element* join = presence.child("x", ns::muc);
  if (!join) {
    // §7.2.18: presence without the MUC extension from someone not in the room is a client
    // that lost track of the room: it is told it is not in it.
    xml::Element kicked("presence", std::string(xmpp::ns::client));
    kicked.set_attribute("from", to.full());
    kicked.set_attribute("type", "unavailable");
    auto& x = kicked.add_child("x", std::string(ns::user));
    auto& item = x.add_child("item", std::string(ns::user));
    item.set_attribute("affiliation", "none");
    item.set_attribute("role", "none");
    for (int code : {110, 307, 333}) add_status(x, code);
    send(std::move(kicked), to, from);
    return;
  }
  bool creates = !ever_occupied_;
  Affiliation affiliation = creates ? Affiliation::owner : affiliation_of(from);
  bool privileged = affiliation == Affiliation::owner || affiliation == Affiliation::admin;
  if (affiliation == Affiliation::outcast) {
    refuse(presence, from, xmpp::StanzaError::forbidden("you are banned from this room"));  // §7.2.7
    return;
  }
  if (locked_ && affiliation != Affiliation::owner) {  // §7.2.10
    refuse(presence, from, xmpp::StanzaError::item_not_found("the room is locked until its owner configures it"));
    return;
  }
  // §7.2.8: a nickname in use by someone else is a conflict; the same user's other resource
  // joins the occupant it already is.
  Occupant* same_nick = by_nick(to.resource());
  if (same_nick && same_nick->shown().real.bare() != from.bare()) {
    refuse(presence, from, xmpp::StanzaError::conflict("that nickname is in use in this room"));
    return;
  }
  if (!config_.password.empty() && !privileged) {  // §7.2.5
    const xml::Element* password = join->child("password", ns::muc);
    if (!password || password->text() != config_.password) {
      refuse(presence, from, xmpp::StanzaError::not_authorized("this room needs a password"));
      return;
    }
  }
  Statuses self_statuses{110};
  if (config_.non_anonymous) self_statuses.push_back(100);
  xml::Element join_copy = *join;
  if (same_nick) {
    same_nick->sessions.push_back({from, occupant_presence(presence)});
    welcome(*same_nick, from, &join_copy, self_statuses);
    return;
  }
  if (occupants_.size() >= config_.max_occupants && !privileged) {  // §7.2.9
    refuse(presence, from, xmpp::StanzaError::service_unavailable("the room is full"));
    return;
  }
  if (!service_.occupy(from.bare())) {
    refuse(presence, from, xmpp::StanzaError::resource_constraint("you are in as many rooms as this service allows"));
    return;
  }
  if (creates) {
    affiliations_[from.bare()] = Affiliation::owner;
    locked_ = true;  // §10.1.2: until the owner submits a configuration, even an empty one
    ever_occupied_ = true;
    self_statuses.push_back(201);
  }
  Role role = privileged ? Role::moderator : Role::participant;
  occupants_.push_back({to.resource(), to, affiliation, role, {{from, occupant_presence(presence)}}});
  welcome(occupants_.back(), from, &join_copy, self_statuses);
}

void Room::welcome(const Occupant& occupant, const xmpp::Jid& session, const xml::Element* join,
                   const Statuses& self_statuses) {
  for (const auto& other : occupants_) {
    if (&other != &occupant) send(presence_of(other, occupant), other.occupant_jid, session);
  }
  broadcast_presence(occupant, &session);
  auto self = presence_of(occupant, occupant);
  auto* x = self.child("x", ns::user);
  for (int code : self_statuses) add_status(*x, code);
  send(std::move(self), occupant.occupant_jid, session);
  // §7.2.13-§7.2.14: history as asked for, then the subject (§7.2.15), even when there is none.
  auto request = history_request(join ? join->child("history", ns::muc) : nullptr);
  for (const auto* message : history_.select(request, std::chrono::system_clock::now())) {
    auto from = xmpp::Jid::parse(message->attribute_or("from"));
    send(*message, from ? *from : jid_, session);
  }
  xml::Element subject("message", std::string(xmpp::ns::client));
  auto subject_from = subject_by_nick_.empty() ? jid_ : *xmpp::Jid::make(jid_.localpart(), jid_.domainpart(), subject_by_nick_);
  subject.set_attribute("from", subject_from.full());
  subject.set_attribute("type", "groupchat");
  subject.add_child("subject", std::string(xmpp::ns::client)).add_text(subject_);
  send(std::move(subject), subject_from, session);
}

void Room::broadcast_presence(const Occupant& occupant, const xmpp::Jid* except) {
  for (const auto& recipient : occupants_) {
    auto presence = presence_of(occupant, recipient);
    if (&recipient == &occupant) add_status(*presence.child("x", ns::user), 110);
    for (const auto& session : recipient.sessions) {
      if (!except || session.real != *except) send(presence, occupant.occupant_jid, session.real);
    }
  }
}

void Room::update_presence(Location at, xml::Element presence) {  // §7.7
  auto& occupant = occupants_[at.occupant];
  // The session that spoke last is the one others see.
  auto session = std::move(occupant.sessions[at.session]);
  occupant.sessions.erase(occupant.sessions.begin() + static_cast<std::ptrdiff_t>(at.session));
  session.presence = occupant_presence(presence);
  occupant.sessions.push_back(std::move(session));
  broadcast_presence(occupant, nullptr);
}

void Room::change_nick(std::size_t index, xml::Element presence, const xmpp::Jid& from, const xmpp::Jid& to) {  // §7.6
  auto& occupant = occupants_[index];
  if (occupant.sessions.size() > 1) {
    refuse(presence, from, xmpp::StanzaError::not_acceptable(
                               "you are in the room from several resources: leave from the others first"));
    return;
  }
  if (by_nick(to.resource())) {
    refuse(presence, from, xmpp::StanzaError::conflict("that nickname is in use in this room"));
    return;
  }
  for (const auto& recipient : occupants_) {
    auto gone = presence_of(occupant, recipient);
    gone.set_attribute("type", "unavailable");
    auto* x = gone.child("x", ns::user);
    x->child("item", ns::user)->set_attribute("nick", to.resource());
    add_status(*x, 303);
    if (&recipient == &occupant) add_status(*x, 110);
    send_to(recipient, gone, occupant.occupant_jid);
  }
  occupant.nick = to.resource();
  occupant.occupant_jid = to;
  occupant.sessions.back().presence = occupant_presence(presence);
  broadcast_presence(occupant, nullptr);
}

void Room::remove(std::size_t index, xml::Element presence, const Decoration& decorate) {
  Occupant leaving = std::move(occupants_[index]);
  occupants_.erase(occupants_.begin() + static_cast<std::ptrdiff_t>(index));
  service_.vacate(leaving.shown().real.bare());
  leaving.sessions.back().presence = occupant_presence(presence);
  leaving.role = Role::none;
  auto unavailable = [&](const Occupant& recipient) {
    auto gone = presence_of(leaving, recipient);
    gone.set_attribute("type", "unavailable");
    decorate(*gone.child("x", ns::user), &recipient == &leaving);
    return gone;
  };
  send_to(leaving, unavailable(leaving), leaving.occupant_jid);  // §7.14: to the leaver first
  for (const auto& recipient : occupants_) send_to(recipient, unavailable(recipient), leaving.occupant_jid);
  if (occupants_.empty()) close();  // §7.14: a temporary room ends with its last occupant
}

void Room::remove_session(Location at, xml::Element presence, const Decoration& decorate) {
  auto& occupant = occupants_[at.occupant];
  if (occupant.sessions.size() == 1) {
    remove(at.occupant, std::move(presence), decorate);
    return;
  }
  // The session learns that it left; everyone else sees the occupant as its other sessions are.
  Occupant leaving{occupant.nick, occupant.occupant_jid, occupant.affiliation, Role::none,
                   {{occupant.sessions[at.session].real, occupant_presence(presence)}}};
  occupant.sessions.erase(occupant.sessions.begin() + static_cast<std::ptrdiff_t>(at.session));
  auto gone = presence_of(leaving, leaving);
  gone.set_attribute("type", "unavailable");
  decorate(*gone.child("x", ns::user), true);
  send(std::move(gone), leaving.occupant_jid, leaving.shown().real);
  broadcast_presence(occupant, nullptr);
}

void Room::close() {
  closed_ = true;
  vanished_.clear();
  service_.list(jid_, std::nullopt);
  service_.closed(*this);
}

// --- messages

void Room::on_message(xml::Element message, const xmpp::Jid& from, const xmpp::Jid& to) {
  auto type = message.attribute_or("type");
  if (type == "error") {
    if (locate(from)) vanished_.push_back(from);  // §18.1.2
    return;
  }
  if (!to.is_bare()) {
    private_message(std::move(message), from, to);
    return;
  }
  const Occupant* sender = by_real(from);
  if (type == "groupchat") {
    if (!sender) {
      if (locked_) refuse(message, from, xmpp::StanzaError::item_not_found("no such room"));  // §17.2
      else refuse(message, from, xmpp::StanzaError::not_acceptable("only occupants may send to the room"));  // §7.4
      return;
    }
    groupchat(std::move(message), *sender, from);
    return;
  }
  if (const auto* x = message.child("x", ns::user)) {
    invitations(message, from, *x);
    return;
  }
  if (type == "headline") return;
  refuse(message, from, xmpp::StanzaError::bad_request("a room takes groupchat messages and invitations"));  // §7.4
}

void Room::groupchat(xml::Element message, const Occupant& sender, const xmpp::Jid& from) {
  // §8.1: a subject alone (no body, no thread) changes the subject.
  bool subject_change = message.child("subject") && !message.child("body") && !message.child("thread");
  if (sender.role == Role::visitor) {
    refuse(message, from, xmpp::StanzaError::forbidden("visitors have no voice in this room"));  // §7.4
    return;
  }
  if (subject_change && !config_.participants_change_subject && sender.role != Role::moderator) {
    refuse(message, from, xmpp::StanzaError::forbidden("only moderators may change the subject"));  // §8.1
    return;
  }
  message.set_attribute("from", sender.occupant_jid.full());
  if (subject_change) {
    subject_ = message.child("subject")->text();
    subject_by_nick_ = subject_.empty() ? std::string() : sender.nick;
  }
  if (!subject_change && message.child("body")) {
    history_.add(message, jid_text_, std::chrono::system_clock::now());
  }
  // §7.4: to every occupant, the sender included, from the sender's occupant JID.
  broadcast(std::move(message), sender.occupant_jid);
}

void Room::private_message(xml::Element message, const xmpp::Jid& from, const xmpp::Jid& to) {  // §7.5
  const Occupant* sender = by_real(from);
  if (!sender) {
    refuse(message, from, xmpp::StanzaError::not_acceptable("only occupants may send private messages"));
    return;
  }
  if (message.attribute_or("type") == "groupchat") {
    refuse(message, from, xmpp::StanzaError::bad_request("a private message cannot be of type groupchat"));
    return;
  }
  const Occupant* recipient = by_nick(to.resource());
  if (!recipient) {
    refuse(message, from, xmpp::StanzaError::item_not_found("no occupant has that nickname"));
    return;
  }
  message.set_attribute("from", sender->occupant_jid.full());
  if (!message.child("x", ns::user)) message.add_child("x", std::string(ns::user));  // §7.5, for XEP-0280
  send_to(*recipient, message, sender->occupant_jid);
}

// §7.8.2: mediated invitations and their declines go out from the room.
void Room::invitations(const xml::Element& message, const xmpp::Jid& from, const xml::Element& x) {
  const Occupant* sender = by_real(from);
  for (const auto* element : x.child_elements()) {
    bool invite = element->is("invite", ns::user);
    if (!invite && !element->is("decline", ns::user)) continue;
    auto to = xmpp::Jid::parse(element->attribute_or("to"));
    if (!to) {
      refuse(message, from, xmpp::StanzaError::jid_malformed("an invitation needs a JID in 'to'"));
      return;
    }
    if (invite && !sender) {
      refuse(message, from, xmpp::StanzaError::not_acceptable("only occupants may invite"));
      return;
    }
    xml::Element notice("message", std::string(xmpp::ns::client));
    notice.set_attribute("from", jid_text_);
    notice.set_attribute("to", to->full());
    auto& notice_x = notice.add_child("x", std::string(ns::user));
    auto& forwarded = notice_x.add_child(element->name(), std::string(ns::user));
    forwarded.set_attribute("from", invite ? from.full() : from.bare().full());
    if (const auto* reason = element->child("reason", ns::user)) forwarded.add_child(*reason);
    if (invite && !config_.password.empty()) {
      notice_x.add_child("password", std::string(ns::user)).add_text(config_.password);  // §7.8.2
    }
    // The invitee may be offline: the router stores or bounces it as it would any message.
    boost::asio::co_spawn(executor_, route(service_.router(), std::move(notice), jid_, *to), boost::asio::detached);
  }
}

// --- IQs

void Room::on_iq(xml::Element iq, const xmpp::Jid& from, const xmpp::Jid& to) {
  auto type = iq.attribute_or("type");
  if (type != "get" && type != "set") return;
  const Occupant* sender = by_real(from);
  auto children = iq.child_elements();
  const xml::Element* payload = children.size() == 1 ? children.front() : nullptr;
  if (!payload) {
    refuse(iq, from, xmpp::StanzaError::bad_request("an IQ request has exactly one child"));
    return;
  }
  if (!to.is_bare()) {
    // XEP-0410: a client checks that it is still in the room by pinging its own occupant JID.
    if (!sender) {
      refuse(iq, from, payload->is("query", ns::disco_info) || payload->is("query", ns::disco_items)
                           ? xmpp::StanzaError::bad_request("only occupants may query occupants")  // §6.6
                           : xmpp::StanzaError::not_acceptable("you are not in this room"));
    } else if (payload->is("ping", ns::ping) && sender->nick == to.resource() && type == "get") {
      send_result(iq, from);
    } else {
      refuse(iq, from, xmpp::StanzaError::service_unavailable("the room does not pass IQs on to occupants"));
    }
    return;
  }
  bool owner = affiliation_of(from) == Affiliation::owner;
  if (locked_ && !owner) {  // §10.1.2: until configured, the room does not exist for others
    refuse(iq, from, xmpp::StanzaError::item_not_found("no such room"));
    return;
  }
  if (type == "get" && payload->is("query", ns::disco_info)) {
    auto info = disco_info(*payload);
    send_result(iq, from, &info);
  } else if (type == "get" && payload->is("query", ns::disco_items)) {
    xml::Element items("query", std::string(ns::disco_items));  // §6.5: occupants are not listed
    send_result(iq, from, &items);
  } else if (type == "get" && payload->is("ping", ns::ping)) {
    send_result(iq, from);
  } else if (payload->is("query", ns::owner)) {
    owner_request(iq, from);
  } else if (payload->is("query", ns::admin)) {
    admin_request(iq, from);
  } else {
    refuse(iq, from, xmpp::StanzaError::service_unavailable());
  }
}

xml::Element Room::disco_info(const xml::Element& request) const {  // §6.4
  xml::Element query("query", std::string(ns::disco_info));
  if (const std::string* node = request.attribute("node")) {
    query.set_attribute("node", *node);
    return query;  // §7.12: x-roomuser-item, and no nickname is reserved in this room
  }
  auto& identity = query.add_child("identity", std::string(ns::disco_info));
  identity.set_attribute("category", "conference");
  identity.set_attribute("type", "text");
  identity.set_attribute("name", display_name());
  for (std::string_view feature :
       {ns::muc, ns::disco_info, ns::disco_items, ns::ping, std::string_view(config_.public_room ? "muc_public" : "muc_hidden"),
        std::string_view("muc_temporary"), std::string_view("muc_open"), std::string_view("muc_unmoderated"),
        std::string_view(config_.non_anonymous ? "muc_nonanonymous" : "muc_semianonymous"),
        std::string_view(config_.password.empty() ? "muc_unsecured" : "muc_passwordprotected")}) {
    query.add_child("feature", std::string(ns::disco_info)).set_attribute("var", std::string(feature));
  }
  auto& form = query.add_child("x", std::string(ns::data));
  form.set_attribute("type", "result");
  auto field = [&](std::string_view var, std::string value, std::string_view type = {}) {
    auto& element = form.add_child("field", std::string(ns::data));
    element.set_attribute("var", std::string(var));
    if (!type.empty()) element.set_attribute("type", std::string(type));
    element.add_child("value", std::string(ns::data)).add_text(std::move(value));
  };
  field("FORM_TYPE", std::string(ns::roominfo), "hidden");
  field("muc#roominfo_description", config_.description);
  field("muc#roominfo_subject", subject_);
  field("muc#roominfo_occupants", std::to_string(occupants_.size()));
  return query;
}

void Room::owner_request(const xml::Element& iq, const xmpp::Jid& from) {  // §10
  if (affiliation_of(from) != Affiliation::owner) {
    refuse(iq, from, xmpp::StanzaError::forbidden("only owners may configure the room"));
    return;
  }
  const auto& query = *iq.child_elements().front();
  if (iq.attribute_or("type") == "get") {  // §10.1.3, §10.2
    xml::Element answer("query", std::string(ns::owner));
    answer.add_child(config_form(config_, service_.options().max_occupants));
    send_result(iq, from, &answer);
    return;
  }
  if (const auto* destroy_element = query.child("destroy", ns::owner)) {  // §10.9
    send_result(iq, from);
    destroy(destroy_element);
    return;
  }
  const auto* form = query.child("x", ns::data);
  if (!form) {
    refuse(iq, from, xmpp::StanzaError::bad_request("expected a data form or <destroy/>"));
    return;
  }
  auto form_type = form->attribute_or("type");
  if (form_type == "cancel") {
    send_result(iq, from);
    if (locked_) destroy(nullptr);  // §10.1.3: an owner who cancels the initial configuration
    return;
  }
  if (form_type != "submit") {
    refuse(iq, from, xmpp::StanzaError::bad_request("the form must be of type submit or cancel"));
    return;
  }
  std::string why;
  auto submitted = submitted_config(config_, *form, service_.options().max_occupants, why);
  if (!submitted) {
    refuse(iq, from, xmpp::StanzaError::not_acceptable(why));
    return;
  }
  bool was_locked = locked_;
  bool anonymity_changed = submitted->non_anonymous != config_.non_anonymous;
  bool changed = *submitted != config_;
  config_ = std::move(*submitted);
  locked_ = false;
  send_result(iq, from);
  update_listing();
  if (was_locked || !changed) return;
  // §10.2.1: occupants learn that the configuration changed, and how anonymity did.
  xml::Element notice("message", std::string(xmpp::ns::client));
  notice.set_attribute("from", jid_text_);
  notice.set_attribute("type", "groupchat");
  auto& x = notice.add_child("x", std::string(ns::user));
  add_status(x, 104);
  if (anonymity_changed) add_status(x, config_.non_anonymous ? 172 : 173);
  broadcast(std::move(notice), jid_);
}

void Room::admin_request(const xml::Element& iq, const xmpp::Jid& from) {  // §8, §9
  const Occupant* moderator = by_real(from);
  if (!moderator || moderator->role != Role::moderator) {
    refuse(iq, from, xmpp::StanzaError::forbidden("only moderators may do that"));
    return;
  }
  const auto& query = *iq.child_elements().front();
  const auto* item = query.child("item", ns::admin);
  if (iq.attribute_or("type") != "set" || !item || item->attribute("affiliation") ||
      item->attribute_or("role") != "none" || query.child_elements().size() != 1) {
    refuse(iq, from, xmpp::StanzaError::feature_not_implemented("this room supports kicking an occupant by nickname only"));
    return;
  }
  auto nick = item->attribute_or("nick");
  std::size_t target = occupants_.size();
  for (std::size_t i = 0; i < occupants_.size(); ++i) {
    if (occupants_[i].nick == nick) target = i;
  }
  if (target == occupants_.size()) {
    refuse(iq, from, xmpp::StanzaError::item_not_found("no occupant has that nickname"));
    return;
  }
  if (&occupants_[target] == moderator) {
    refuse(iq, from, xmpp::StanzaError::conflict("you cannot kick yourself"));  // §8.2
    return;
  }
  if (rank(occupants_[target].affiliation) > rank(moderator->affiliation) ||
      rank(occupants_[target].affiliation) >= rank(Affiliation::admin)) {  // §8.2
    refuse(iq, from, xmpp::StanzaError::not_allowed("an occupant with a higher affiliation cannot be kicked"));
    return;
  }
  std::string actor = moderator->nick;
  const xml::Element* reason = item->child("reason", ns::admin);
  std::string reason_text = reason ? reason->text() : std::string();
  send_result(iq, from);
  xml::Element unavailable("presence", std::string(xmpp::ns::client));
  remove(target, std::move(unavailable), [&](xml::Element& x, bool to_self) {
    auto* kicked_item = x.child("item", ns::user);
    kicked_item->add_child("actor", std::string(ns::user)).set_attribute("nick", actor);
    if (!reason_text.empty()) kicked_item->add_child("reason", std::string(ns::user)).add_text(reason_text);
    add_status(x, 307);
    if (to_self) add_status(x, 110);
  });
}

void Room::destroy(const xml::Element* destroy_element) {  // §10.9
  while (!occupants_.empty()) {
    auto& occupant = occupants_.back();
    occupant.affiliation = Affiliation::none;
    xml::Element unavailable("presence", std::string(xmpp::ns::client));
    remove(occupants_.size() - 1, std::move(unavailable), [&](xml::Element& x, bool) {
      auto& destroyed = x.add_child("destroy", std::string(ns::user));
      if (!destroy_element) return;
      if (const std::string* alternative = destroy_element->attribute("jid")) destroyed.set_attribute("jid", *alternative);
      if (const auto* reason = destroy_element->child("reason", ns::owner)) {
        destroyed.add_child("reason", std::string(ns::user)).add_text(reason->text());
      }
    });
  }
  if (!closed_) close();
}

}  // namespace tern::features::muc
