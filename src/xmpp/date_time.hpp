// XEP-0082 date and time profiles, as delays (XEP-0203), entity time (XEP-0202) and the like
// carry them.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tern::xmpp {

// CCYY-MM-DDThh:mm:ssZ
std::string utc_date_time(std::chrono::system_clock::time_point time);
// CCYY-MM-DDThh:mm:ss[.sss](Z|(+|-)hh:mm), as XEP-0082 §3.2 defines it; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_date_time(std::string_view text);
// The local zone's offset from UTC at `time`: "+hh:mm" or "-hh:mm".
std::string zone_offset(std::chrono::system_clock::time_point time);

}  // namespace tern::xmpp
