// Test helper: an IP address the test writes as text (and knows to be valid).
#pragma once
#include "transport/address_ranges.hpp"

namespace tern::testing {

inline boost::asio::ip::address at(const char* text) { return *transport::parse_address(text); }

}  // namespace tern::testing
