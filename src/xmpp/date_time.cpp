// XEP-0082 date and time.
#include "xmpp/date_time.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace tern::xmpp {

std::string utc_date_time(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string zone_offset(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  localtime_r(&seconds, &local);
  int minutes = static_cast<int>(local.tm_gmtoff / 60);  // within ±14 hours
  int magnitude = std::abs(minutes);
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d:%02d", minutes < 0 ? '-' : '+', magnitude / 60 % 100,
                magnitude % 60);
  return text;
}

}  // namespace tern::xmpp
