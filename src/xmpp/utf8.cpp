// UTF-8 decoding and validation (RFC 3629 §3, §4).
#include "xmpp/utf8.hpp"

namespace tern::xmpp {

std::optional<std::vector<std::uint32_t>> decode_utf8(std::string_view text) {
  std::vector<std::uint32_t> code_points;
  code_points.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::uint32_t code_point = 0;
    std::size_t continuation = 0;
    std::uint32_t minimum = 0;
    if (lead < 0x80) {
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      code_point = lead & 0x1F;
      continuation = 1;
      minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      code_point = lead & 0x0F;
      continuation = 2;
      minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      code_point = lead & 0x07;
      continuation = 3;
      minimum = 0x10000;
    } else {
      return std::nullopt;
    }
    if (text.size() - i - 1 < continuation) return std::nullopt;
    for (std::size_t k = 1; k <= continuation; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if ((byte & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (byte & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return std::nullopt;
    }
    code_points.push_back(code_point);
    i += continuation + 1;
  }
  return code_points;
}

bool is_valid_utf8(std::string_view text) { return decode_utf8(text).has_value(); }

}  // namespace tern::xmpp
