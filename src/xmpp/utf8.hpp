// UTF-8 as RFC 3629 defines it: overlong forms, surrogates and code points above U+10FFFF are
// errors. JIDs and SASL messages are checked with it before libidn sees them.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tern::xmpp {

// The code points of well-formed UTF-8; U+0000 counts as well-formed (callers that pass text to
// C string APIs refuse it separately).
std::optional<std::vector<std::uint32_t>> decode_utf8(std::string_view text);
bool is_valid_utf8(std::string_view text);

}  // namespace tern::xmpp
