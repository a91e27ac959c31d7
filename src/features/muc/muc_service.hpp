// A XEP-0045 multi-user chat service at a domain of its own: the directory of its rooms, which
// creates a room when someone enters it and forgets it when it closes, and the service's own
// answers (§6.1-§6.3).
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/stanza_error.hpp"

namespace tern::features::muc {

class Room;

struct MucOptions {
  std::string domain = "conference.localhost";  // prepared
  std::string name = "Chatrooms";
  std::size_t max_occupants = 200;    // the most a room may allow; new rooms allow this many
  std::size_t history_messages = 20;  // kept per room for newcomers
  std::size_t max_rooms_per_user = 100;  // rooms one account's resources are in at once
};

class MucService {
public:
  // `new_home` gives each room the executor it lives on.
  MucService(MucOptions options, xmpp::Router& router, std::function<boost::asio::any_io_executor()> new_home);
  ~MucService();

  // From any thread: a stanza for the service's domain, from a local user's full JID.
  void receive(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to);

  // For rooms:
  const MucOptions& options() const { return options_; }
  xmpp::Router& router() { return router_; }
  // The room has no occupants left, or was destroyed: later stanzas for it find no room, or a
  // new one.
  void closed(const Room& room);
  // One more room for this account's resources, unless it is in max_rooms_per_user already.
  bool occupy(const xmpp::Jid& account);
  void vacate(const xmpp::Jid& account);
  // How the room appears in the service's items (§6.3): public rooms only, by name.
  void list(const xmpp::Jid& room, std::optional<std::string> public_name);

private:
  void to_service(const xml::Element& stanza, const xmpp::Jid& from, const xmpp::Jid& to);
  void to_missing_room(const xml::Element& stanza, const xmpp::Jid& from);
  void answer(const xmpp::Jid& from, xml::Element reply);

  MucOptions options_;
  xmpp::Jid domain_;
  xmpp::Router& router_;
  std::function<boost::asio::any_io_executor()> new_home_;
  boost::asio::any_io_executor executor_;  // for answers that wait for the recipient's privacy rules
  std::mutex mutex_;
  // By bare room JID, found from an occupant JID without a copy.
  std::unordered_map<xmpp::Jid, std::shared_ptr<Room>, xmpp::BareJidHash, xmpp::SameBareJid> rooms_;
  std::map<xmpp::Jid, std::string> listed_;                     // public rooms and their names
  std::unordered_map<xmpp::Jid, std::size_t> occupancies_;      // rooms entered, by account
};

}  // namespace tern::features::muc
