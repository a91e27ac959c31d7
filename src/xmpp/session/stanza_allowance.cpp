// The token bucket behind limits.max_stanzas_per_second.
#include "xmpp/session/stanza_allowance.hpp"

#include <algorithm>

namespace tern::xmpp {

StanzaAllowance::Clock::duration StanzaAllowance::take(unsigned per_second, Clock::time_point now) {
  if (per_second == 0) return Clock::duration::zero();
  double rate = per_second;
  if (counted_ == Clock::time_point{}) {
    available_ = rate;
  } else {
    std::chrono::duration<double> elapsed = now - counted_;
    available_ = std::min(rate, available_ + elapsed.count() * rate);
  }
  counted_ = now;
  available_ -= 1;
  // A millisecond's worth (at least one stanza) is taken on credit before the session pauses, so
  // that a client over the limit costs a timer a millisecond rather than one per stanza.
  if (available_ > -std::max(1.0, rate / 1000)) return Clock::duration::zero();
  // Paused until the allowance is back to zero.
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(-available_ / rate));
}

}  // namespace tern::xmpp
