// Unpredictable identifiers.
#include "xmpp/random_id.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace tern::xmpp {

std::string random_id(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string id;
  id.reserve(bytes * 2);
  for (unsigned char byte : random) {
    id += digits[byte >> 4];
    id += digits[byte & 0xf];
  }
  return id;
}

}  // namespace tern::xmpp
