// A multi-user chat room (XEP-0045): its occupants, their roles and affiliations, its
// configuration, subject and history. It lives on its home executor: the service posts every
// stanza for the room there, and nothing else touches it.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "features/muc/room_config.hpp"
#include "features/muc/room_history.hpp"
#include "xml/element.hpp"
#include "xml/fan_out.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace tern::features::muc {

class MucService;

enum class Affiliation { owner, admin, member, none, outcast };
enum class Role { moderator, participant, visitor, none };

class Room : public std::enable_shared_from_this<Room> {
public:
  Room(xmpp::Jid jid, boost::asio::any_io_executor executor, MucService& service);

  const xmpp::Jid& jid() const { return jid_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }

  // On the executor: a stanza for the room's bare JID or one of its occupant JIDs, from a local
  // user's full JID. A room that has closed meanwhile hands it back to the service.
  void receive(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to);

private:
  // One of the user's resources in the room under the occupant's nickname (§7.2.8: a user may
  // enter with the same nickname from several resources).
  struct Session {
    xmpp::Jid real;         // the resource's full JID
    xml::Element presence;  // as it sent it, without the MUC extensions
  };
  struct Occupant {
    std::string nick;
    xmpp::Jid occupant_jid;  // room@service/nick
    Affiliation affiliation;
    Role role;
    std::vector<Session> sessions;  // never empty; the one whose presence others see last
    const Session& shown() const { return sessions.back(); }
  };
  struct Location {
    std::size_t occupant;
    std::size_t session;
  };
  using Statuses = std::vector<int>;
  // Adds what the reason for leaving says (status codes, actor, reason, destroy) to the
  // unavailable presence's <x/>.
  using Decoration = std::function<void(xml::Element& x, bool to_self)>;

  void on_presence(xml::Element presence, const xmpp::Jid& from, const xmpp::Jid& to);
  void on_message(xml::Element message, const xmpp::Jid& from, const xmpp::Jid& to);
  void on_iq(xml::Element iq, const xmpp::Jid& from, const xmpp::Jid& to);

  void enter(xml::Element presence, const xmpp::Jid& from, const xmpp::Jid& to);
  // §7.2.2: to the session, everyone else's presence; to everyone else, the occupant's; then to
  // the session its own (with `self_statuses`), the history it asks for and the subject.
  void welcome(const Occupant& occupant, const xmpp::Jid& session, const xml::Element* join,
               const Statuses& self_statuses);
  // The occupant's presence to every session in the room but `except`, with 110 to its own.
  void broadcast_presence(const Occupant& occupant, const xmpp::Jid* except);
  void change_nick(std::size_t index, xml::Element presence, const xmpp::Jid& from, const xmpp::Jid& to);
  void update_presence(Location at, xml::Element presence);
  // The occupant leaves, every session of it: unavailable presence to it first, then to
  // everyone else.
  void remove(std::size_t index, xml::Element presence, const Decoration& decorate);
  // One session leaves; the occupant stays while it has others.
  void remove_session(Location at, xml::Element presence, const Decoration& decorate);
  void groupchat(xml::Element message, const Occupant& sender, const xmpp::Jid& from);
  void private_message(xml::Element message, const xmpp::Jid& from, const xmpp::Jid& to);
  void invitations(const xml::Element& message, const xmpp::Jid& from, const xml::Element& x);
  void owner_request(const xml::Element& iq, const xmpp::Jid& from);
  void admin_request(const xml::Element& iq, const xmpp::Jid& from);
  void destroy(const xml::Element* destroy_element);
  void close();
  void remove_vanished();

  xml::Element disco_info(const xml::Element& query) const;
  // `occupant`'s presence as `recipient` sees it, with its <x xmlns='...muc#user'/>.
  xml::Element presence_of(const Occupant& occupant, const Occupant& recipient) const;
  void send(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to);
  // To every session of the occupant.
  void send_to(const Occupant& recipient, const xml::Element& stanza, const xmpp::Jid& from);
  // The same stanza to every session of every occupant, shared rather than copied for each.
  void broadcast(xml::Element stanza, const xmpp::Jid& from);
  // Through the router; a session it finds gone is noted in vanished_.
  void deliver(xml::Outbound stanza, const xmpp::Jid& from, const xmpp::Jid& to);
  // An answer from the JID the request went to.
  void reply(xml::Element answer, const xmpp::Jid& to);
  void refuse(const xml::Element& stanza, const xmpp::Jid& from, const xmpp::StanzaError& error);
  void send_result(const xml::Element& iq, const xmpp::Jid& from, const xml::Element* payload = nullptr);

  std::optional<Location> locate(const xmpp::Jid& real) const;
  Occupant* by_real(const xmpp::Jid& real);
  Occupant* by_nick(const std::string& nick);
  Affiliation affiliation_of(const xmpp::Jid& real) const;
  std::string display_name() const;
  void update_listing();

  xmpp::Jid jid_;
  std::string jid_text_;
  boost::asio::any_io_executor executor_;
  MucService& service_;
  RoomConfig config_;
  RoomHistory history_;
  std::vector<Occupant> occupants_;
  std::map<xmpp::Jid, Affiliation> affiliations_;  // by bare JID; none is not kept
  std::string subject_;
  std::string subject_by_nick_;
  bool locked_ = false;  // §10.1.2: created, not yet configured
  bool ever_occupied_ = false;
  bool closed_ = false;
  std::vector<xmpp::Jid> vanished_;  // occupants whose session had gone when the room sent to them
};

}  // namespace tern::features::muc
