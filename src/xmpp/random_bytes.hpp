// Bytes from OpenSSL's CSPRNG, drawn in blocks.
#pragma once
#include <span>

namespace tern::xmpp {

// Fills `out` with cryptographically strong random bytes; throws std::runtime_error if the
// generator fails.
void random_bytes(std::span<unsigned char> out);

}  // namespace tern::xmpp
