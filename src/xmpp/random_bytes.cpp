// Bytes from OpenSSL's CSPRNG, drawn in blocks.
#include "xmpp/random_bytes.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace tern::xmpp {
namespace {

// A RAND_bytes call costs about as much as a kilobyte of output (the DRBG's lock, its fork
// check, its reseed test), and a login asks for a few bytes at a time: three stream ids and a
// SCRAM nonce. One call fills a block per thread that serves many such requests. The bytes are
// the generator's output all the same; each is wiped once handed out. Tern does not fork, so no
// two processes share a block.
struct Block {
  std::array<unsigned char, 512> bytes;
  std::size_t used = bytes.size();
  ~Block() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

}  // namespace

void random_bytes(std::span<unsigned char> out) {
  static thread_local Block block;
  while (!out.empty()) {
    if (block.used == block.bytes.size()) {
      if (RAND_bytes(block.bytes.data(), static_cast<int>(block.bytes.size())) != 1) {
        throw std::runtime_error("the random number generator failed");
      }
      block.used = 0;
    }
    std::size_t taken = std::min(out.size(), block.bytes.size() - block.used);
    std::copy_n(block.bytes.data() + block.used, taken, out.data());
    OPENSSL_cleanse(block.bytes.data() + block.used, taken);
    block.used += taken;
    out = out.subspan(taken);
  }
}

}  // namespace tern::xmpp
