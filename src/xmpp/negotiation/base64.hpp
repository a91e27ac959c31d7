// Base64 encoding and strict decoding (RFC 4648 §4, standard alphabet with padding), as SASL uses
// it on the wire (RFC 6120 §6.4.2) and SCRAM inside its messages (RFC 5802 §7).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tern::xmpp::sasl {

// Encodes bytes with the standard alphabet and "=" padding; empty input gives "".
std::string base64_encode(std::string_view bytes);

// Decodes text, rejecting anything that is not the canonical encoding of some bytes: whitespace,
// characters outside the standard alphabet, a length that is not a multiple of 4, misplaced or
// missing padding, and non-zero pad bits (RFC 4648 §3.5). Empty text decodes to "".
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace tern::xmpp::sasl
