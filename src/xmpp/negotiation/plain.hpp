// SASL PLAIN message parsing (RFC 4616).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tern::xmpp::sasl {

struct PlainMessage {
  std::string authzid;   // empty when absent
  std::string authcid;   // SASLprep'd, like the username ScramServer returns
  std::string password;  // as sent: verify_password applies SASLprep itself
};

// Parses message = [authzid] NUL authcid NUL passwd (RFC 4616 §2). nullopt when there are not
// exactly two NULs, a field is not UTF-8, authcid or password is empty or longer than 255 bytes,
// or authcid is rejected by SASLprep or empty after it.
std::optional<PlainMessage> parse_plain(std::string_view message);

}  // namespace tern::xmpp::sasl
