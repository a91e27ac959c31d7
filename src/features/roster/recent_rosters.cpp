// Recently read rosters.
#include "features/roster/recent_rosters.hpp"

#include <algorithm>

namespace tern::features::roster {

std::optional<Roster> RecentRosters::find(const xmpp::Jid& account) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(account);
  if (found == entries_.end()) return std::nullopt;
  if (found->second.expires <= Clock::now()) {
    entries_.erase(found);
    return std::nullopt;
  }
  return found->second.roster;
}

std::uint64_t RecentRosters::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void RecentRosters::remember(const xmpp::Jid& account, std::uint64_t generation, const Roster& roster) {
  auto now = Clock::now();
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires <= now; });
  if (!entries_.empty() && entries_.size() >= capacity_) {
    entries_.erase(std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.expires < b.second.expires;
    }));
  }
  entries_.insert_or_assign(account, Entry{roster, now + lifetime_});
}

void RecentRosters::forget(const xmpp::Jid& account) {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.erase(account);
}

}  // namespace tern::features::roster
