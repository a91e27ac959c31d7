// Test helper: a JID the test writes as text (and knows to be valid).
#pragma once
#include <string_view>

#include "xmpp/jid.hpp"

namespace tern::testing {

inline xmpp::Jid jid(std::string_view text) { return *xmpp::Jid::parse(text); }

}  // namespace tern::testing
