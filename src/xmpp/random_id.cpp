// Unpredictable identifiers.
#include "xmpp/random_id.hpp"

#include <vector>

#include "xmpp/random_bytes.hpp"

namespace tern::xmpp {

std::string random_id(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  random_bytes(random);
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
