// SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, without channel binding, against
// stored keys only; plus the SASLprep (RFC 4013) and credential derivation they rely on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tern::xmpp::sasl {

enum class ScramHash { sha1, sha256 };

// "SCRAM-SHA-1" or "SCRAM-SHA-256", the SASL mechanism names (RFC 5802 §4, RFC 7677 §2).
std::string_view mechanism_name(ScramHash hash);

// What the database stores per account and hash (RFC 5802 §3): the password itself is never kept.
struct ScramCredentials {
  ScramHash hash = ScramHash::sha256;
  std::string salt;  // raw bytes
  int iterations = 0;
  std::string stored_key;  // raw bytes: H(ClientKey)
  std::string server_key;  // raw bytes: HMAC(SaltedPassword, "Server Key")
};

// SASLprep (RFC 4013) for stored strings: unassigned code points are rejected. nullopt when the
// text is not valid UTF-8 or contains prohibited characters; "" stays "".
std::optional<std::string> saslprep(std::string_view text);

// Derives credentials from a password, SASLprep'd first (RFC 5802 §2.2). Throws
// std::invalid_argument when the password is rejected by SASLprep or empty after it, the salt is
// empty, or iterations < 1; the exception message never contains the password.
ScramCredentials derive_scram_credentials(ScramHash hash, std::string_view password,
                                          std::string_view salt, int iterations);

// Same with a fresh random 16-byte salt.
ScramCredentials new_scram_credentials(ScramHash hash, std::string_view password, int iterations);

// Whether a clear password (as SASL PLAIN carries it) matches stored credentials; the key
// comparison is constant-time. Throws std::invalid_argument when the credentials themselves are
// unusable (empty salt, iterations < 1).
bool verify_password(const ScramCredentials& credentials, std::string_view password);

// SASL failure conditions (RFC 6120 §6.5).
enum class SaslCondition {
  aborted,
  account_disabled,
  credentials_expired,
  encryption_required,
  incorrect_encoding,
  invalid_authzid,
  invalid_mechanism,
  malformed_request,
  mechanism_too_weak,
  not_authorized,
  temporary_auth_failure,
};

// The element name of the condition, e.g. "not-authorized".
std::string_view condition_name(SaslCondition condition);

// One SCRAM exchange, server side. Messages are the decoded (not base64) SCRAM texts. The calls
// must come in order: receive_client_first, server_first, receive_client_final; a receive_* call
// out of order, or after any failure, gives malformed_request.
class ScramServer {
public:
  // fake_salt_secret: a per-server secret (non-empty, stable across restarts) so that an unknown
  // user gets a stable, plausible salt and iteration count, and accounts cannot be enumerated.
  // nonce: the server nonce part; empty means 24 random bytes, base64-encoded. Throws
  // std::invalid_argument for an empty secret or a nonce with characters outside RFC 5802 §7
  // "printable" (%x21-2B / %x2D-7E).
  ScramServer(ScramHash hash, std::string fake_salt_secret, std::string nonce = {});

  // Parses client-first-message ("n,,n=user,r=nonce"). Returns the username (saslname with "=2C"
  // and "=3D" unescaped, then SASLprep'd) or malformed_request: bad syntax, missing attributes,
  // a username rejected by SASLprep, a mandatory extension ("m="), or the gs2 flag "p=" (channel
  // binding was requested, which only the -PLUS mechanisms we do not offer can do).
  std::variant<std::string, SaslCondition> receive_client_first(std::string_view message);

  // "a=" from the gs2 header, unescaped; empty when absent. Valid after receive_client_first.
  const std::string& authzid() const { return authzid_; }

  // server-first-message "r=<client+server nonce>,s=<base64 salt>,i=<n>". credentials == nullopt
  // means the user is unknown: a fake salt derived from HMAC(fake_salt_secret, username) and 4096
  // iterations are used, and receive_client_final later fails with not_authorized. Throws
  // std::logic_error when not called right after a successful receive_client_first, and
  // std::invalid_argument when the credentials are for another hash.
  std::string server_first(const std::optional<ScramCredentials>& credentials);

  // Verifies client-final-message ("c=<base64 gs2 header>,r=<nonce>,p=<proof>"). Returns
  // server-final-message "v=<base64 ServerSignature>", or malformed_request for bad syntax, or
  // not_authorized for channel-binding data other than the gs2 header, a wrong nonce, a wrong
  // proof, or an unknown user.
  std::variant<std::string, SaslCondition> receive_client_final(std::string_view message);

private:
  enum class State { client_first, server_first, client_final, succeeded, failed };

  ScramHash hash_;
  std::string fake_salt_secret_;
  std::string server_nonce_;
  State state_ = State::client_first;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string client_nonce_;
  std::string username_;
  std::string authzid_;
  std::string server_first_;
  ScramCredentials credentials_;
  bool known_user_ = false;
};

}  // namespace tern::xmpp::sasl
