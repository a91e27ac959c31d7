// limits.max_stanzas_per_second: a client may send one second's worth of stanzas at once, then
// as many a second as the limit. Past it the session reads nothing more until the allowance has
// grown back, so that the client's stanzas wait in its own connection (TCP's flow control
// slows it down) rather than take the server's CPU from other clients.
#pragma once
#include <chrono>

namespace tern::xmpp {

class StanzaAllowance {
public:
  using Clock = std::chrono::steady_clock;

  // Counts one stanza received at `now` against `per_second` (0: no limit); returns how long
  // the session waits before it reads the next one (zero while the client keeps to the limit).
  Clock::duration take(unsigned per_second, Clock::time_point now);

private:
  double available_ = 0;     // stanzas; below zero while some were taken on credit
  Clock::time_point counted_;  // the last take(); none before the first
};

}  // namespace tern::xmpp
