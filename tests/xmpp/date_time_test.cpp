// XEP-0082 date and time.
#include "xmpp/date_time.hpp"

#include <gtest/gtest.h>

namespace tern::xmpp {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

TEST(DateTime, ParsesTheProfileWithFractionsAndOffsets) {
  auto epoch = system_clock::time_point(0s);
  EXPECT_EQ(parse_date_time("1970-01-01T00:00:00Z"), epoch);
  EXPECT_EQ(parse_date_time("2002-09-10T23:08:25Z"), system_clock::time_point(1031699305s));
  EXPECT_EQ(parse_date_time("2002-09-10T23:08:25.250Z"), system_clock::time_point(1031699305s + 250ms));
  EXPECT_EQ(parse_date_time("2002-09-10T18:08:25-05:00"), system_clock::time_point(1031699305s));
  EXPECT_EQ(parse_date_time("2002-09-11T01:38:25+02:30"), system_clock::time_point(1031699305s));
}

TEST(DateTime, RefusesWhatIsNotTheProfile) {
  for (auto text : {"", "2002-09-10", "2002-09-10T23:08:25", "2002-13-10T23:08:25Z", "2002-02-30T23:08:25Z",
                    "2002-09-10 23:08:25Z", "2002-09-10T23:08:25+0500", "2002-09-10T23:08:25Zjunk"}) {
    EXPECT_FALSE(parse_date_time(text)) << text;
  }
}

TEST(DateTime, FormatsWhatItParses) {
  auto time = system_clock::time_point(1031699305s);
  EXPECT_EQ(utc_date_time(time), "2002-09-10T23:08:25Z");
  EXPECT_EQ(parse_date_time(utc_date_time(time)), time);
}

}  // namespace
}  // namespace tern::xmpp
