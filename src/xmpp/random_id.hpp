// Unpredictable identifiers (RFC 6120 §4.7.3 stream ids, generated resourceparts).
#pragma once
#include <cstddef>
#include <string>

namespace tern::xmpp {

// `bytes` random bytes (random_bytes()) as lowercase hex.
std::string random_id(std::size_t bytes = 16);

}  // namespace tern::xmpp
