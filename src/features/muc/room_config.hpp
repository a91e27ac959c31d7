// A room's configuration (XEP-0045 §10.2) and the muc#roomconfig form its owner fills in.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "xml/element.hpp"

namespace tern::features::muc {

struct RoomConfig {
  std::string name;  // empty: the room's localpart
  std::string description;
  bool public_room = true;
  bool non_anonymous = false;  // muc#roomconfig_whois: "anyone" sees real JIDs, else moderators
  bool participants_change_subject = true;
  std::size_t max_occupants = 200;
  std::string password;  // empty: no password

  friend bool operator==(const RoomConfig&, const RoomConfig&) = default;
};

// <x xmlns='jabber:x:data' type='form'/> with the current values (§10.1.3).
xml::Element config_form(const RoomConfig& config, std::size_t max_occupants_ceiling);

// The configuration a submitted form asks for: fields it leaves out keep their current values,
// fields Tern does not know are ignored. nullopt, with `why`, for a value out of range.
std::optional<RoomConfig> submitted_config(const RoomConfig& current, const xml::Element& form,
                                           std::size_t max_occupants_ceiling, std::string& why);

}  // namespace tern::features::muc
