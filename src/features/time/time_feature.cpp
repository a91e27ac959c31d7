// XEP-0202 Entity Time.
#include "features/time/time_feature.hpp"

#include "xmpp/date_time.hpp"

namespace tern::features::time {
namespace {
constexpr std::string_view time_xmlns = "urn:xmpp:time";
}

void TimeFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0202", .version = "2.0"});
  registrar.disco_feature(time_xmlns);
  registrar.on_iq(xmpp::IqType::get, {time_xmlns, "time"}, {xmpp::Target::server},
                  [this](xmpp::IqRequest& request) { return get(request); });
}

// §3: <tzo/> the zone offset, <utc/> the time in UTC.
boost::asio::awaitable<xmpp::IqResult> TimeFeature::get(xmpp::IqRequest&) {
  auto now = std::chrono::system_clock::now();
  xml::Element time("time", std::string(time_xmlns));
  time.add_child("tzo", std::string(time_xmlns)).add_text(xmpp::zone_offset(now));
  time.add_child("utc", std::string(time_xmlns)).add_text(xmpp::utc_date_time(now));
  co_return time;
}

}  // namespace tern::features::time
