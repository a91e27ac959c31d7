// XEP-0082 date and time profiles, as delays (XEP-0203), entity time (XEP-0202) and the like
// carry them.
#pragma once
#include <chrono>
#include <string>

namespace tern::xmpp {

// CCYY-MM-DDThh:mm:ssZ
std::string utc_date_time(std::chrono::system_clock::time_point time);
// The local zone's offset from UTC at `time`: "+hh:mm" or "-hh:mm".
std::string zone_offset(std::chrono::system_clock::time_point time);

}  // namespace tern::xmpp
