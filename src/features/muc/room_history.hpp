// A room's discussion history (XEP-0045 §7.2.13, §7.2.14): its last messages, each kept as it is
// replayed to a newcomer, and the part of them a join asks for.
#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "xml/element.hpp"

namespace tern::features::muc {

// The limits of a join's <history/>; each one given narrows what is sent.
struct HistoryRequest {
  std::optional<std::size_t> max_chars{};
  std::optional<std::size_t> max_stanzas{};
  std::optional<std::chrono::seconds> seconds{};
  std::optional<std::chrono::system_clock::time_point> since{};
};

// A malformed attribute is ignored, as if the client had not given it.
HistoryRequest history_request(const xml::Element* history);

class RoomHistory {
public:
  explicit RoomHistory(std::size_t capacity) : capacity_(capacity) {}

  // `message` comes from the sender's occupant JID, without 'to'; it is kept with a <delay/>
  // from the room (XEP-0203) stamped now.
  void add(xml::Element message, const std::string& room, std::chrono::system_clock::time_point now);
  // The newest messages that fit every limit, oldest first (complete stanzas only).
  std::vector<const xml::Element*> select(const HistoryRequest& request, std::chrono::system_clock::time_point now) const;

private:
  struct Entry {
    xml::Element message;
    std::chrono::system_clock::time_point at;
    std::size_t chars;
  };
  std::size_t capacity_;
  std::deque<Entry> entries_;
};

}  // namespace tern::features::muc
