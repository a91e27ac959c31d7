// SASL PLAIN message parsing (RFC 4616).
#include "xmpp/negotiation/plain.hpp"

#include "xmpp/negotiation/scram.hpp"
#include "xmpp/utf8.hpp"

namespace tern::xmpp::sasl {

namespace {

// RFC 4616 §2: authcid and passwd are 1*SAFE and servers must accept up to 255 octets of each;
// nothing longer is accepted here, which bounds the work SASLprep and PBKDF2 do for a stranger.
constexpr std::size_t max_field_size = 255;

bool is_acceptable(std::string_view field) {
  return !field.empty() && field.size() <= max_field_size && is_valid_utf8(field);
}

}  // namespace

std::optional<PlainMessage> parse_plain(std::string_view message) {
  const std::size_t first_nul = message.find('\0');
  if (first_nul == std::string_view::npos) return std::nullopt;
  const std::size_t second_nul = message.find('\0', first_nul + 1);
  if (second_nul == std::string_view::npos) return std::nullopt;
  const std::string_view authzid = message.substr(0, first_nul);
  const std::string_view authcid = message.substr(first_nul + 1, second_nul - first_nul - 1);
  const std::string_view password = message.substr(second_nul + 1);
  // A third NUL would sit inside passwd, whose SAFE characters exclude it (RFC 4616 §2).
  if (password.find('\0') != std::string_view::npos) return std::nullopt;
  if (!is_valid_utf8(authzid) || !is_acceptable(authcid) || !is_acceptable(password)) {
    return std::nullopt;
  }
  // RFC 4616 §2: the server prepares authcid with SASLprep before looking it up.
  std::optional<std::string> prepared = saslprep(authcid);
  if (!prepared || prepared->empty()) return std::nullopt;
  return PlainMessage{.authzid = std::string(authzid),
                      .authcid = std::move(*prepared),
                      .password = std::string(password)};
}

}  // namespace tern::xmpp::sasl
