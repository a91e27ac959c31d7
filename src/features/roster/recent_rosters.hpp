// The rosters read from storage in the last moments. A login reads its roster two or three times
// within a second (the client's roster get, the broadcast of its initial presence, and the
// unavailable presence of a client that only checked in): all but the first come from here.
// Every change this server makes to a roster forgets it; a change made by another process (the
// command line) shows once the entry has expired.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "features/roster/roster_item.hpp"

namespace tern::features::roster {

struct Roster {
  std::vector<RosterItem> items;
  std::string version;
};

class RecentRosters {
public:
  using Clock = std::chrono::steady_clock;
  explicit RecentRosters(std::size_t capacity = 128, Clock::duration lifetime = std::chrono::seconds(2))
      : capacity_(capacity), lifetime_(lifetime) {}

  std::optional<Roster> find(const xmpp::Jid& account);
  // Taken before reading storage and handed back with what was read: a roster read before a
  // change but offered after it is not kept.
  std::uint64_t generation() const;
  void remember(const xmpp::Jid& account, std::uint64_t generation, const Roster& roster);
  void forget(const xmpp::Jid& account);

private:
  struct Entry {
    Roster roster;
    Clock::time_point expires;
  };
  std::size_t capacity_;
  Clock::duration lifetime_;
  mutable std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::unordered_map<xmpp::Jid, Entry> entries_;  // by bare JID
};

}  // namespace tern::features::roster
