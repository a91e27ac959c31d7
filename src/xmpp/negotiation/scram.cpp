// SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, and SASLprep (RFC 4013).
#include "xmpp/negotiation/scram.hpp"

#include <idn-free.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <stringprep.h>

#include <climits>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "xmpp/negotiation/base64.hpp"
#include "xmpp/random_bytes.hpp"
#include "xmpp/utf8.hpp"

namespace tern::xmpp::sasl {

namespace {

// RFC 5802 §5.1 leaves the salt length open; 16 bytes is what common servers use, so fake salts
// have the same length as real ones.
constexpr std::size_t salt_size = 16;
// RFC 7677 §4 recommends at least 4096 iterations; unknown users get that to look ordinary.
constexpr int fake_iterations = 4096;
constexpr std::size_t random_nonce_size = 24;

// The algorithms are fetched once: HMAC() and EVP_Digest() with EVP_sha1() look them up by name
// in the provider store on every call, which took about 2% of a login's CPU.
const EVP_MD* digest(ScramHash hash) {
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  const EVP_MD* fetched = hash == ScramHash::sha1 ? sha1 : sha256;
  if (!fetched) throw std::runtime_error("the SCRAM digest is not available");
  return fetched;
}

// Each thread keeps an HMAC context per digest, the digest set once; a new key re-initialises it.
struct FreeMacContext {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};
using MacContext = std::unique_ptr<EVP_MAC_CTX, FreeMacContext>;

EVP_MAC_CTX* hmac_context(ScramHash hash) {
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local MacContext contexts[2];
  auto& context = contexts[hash == ScramHash::sha1 ? 0 : 1];
  if (!context) {
    if (!hmac) throw std::runtime_error("HMAC is not available");
    MacContext made(EVP_MAC_CTX_new(hmac));
    char sha1[] = "SHA1", sha256[] = "SHA2-256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, hash == ScramHash::sha1 ? sha1 : sha256, 0),
        OSSL_PARAM_construct_end()};
    if (!made || EVP_MAC_CTX_set_params(made.get(), params) != 1) throw std::runtime_error("HMAC setup failed");
    context = std::move(made);
  }
  return context.get();
}

std::size_t digest_size(ScramHash hash) {
  return static_cast<std::size_t>(EVP_MD_get_size(digest(hash)));
}

int checked_int(std::size_t size) {
  if (size > INT_MAX) throw std::invalid_argument("input too long");
  return static_cast<int>(size);
}

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string hmac(ScramHash hash, std::string_view key, std::string_view data) {
  auto* context = hmac_context(hash);
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t size = 0;
  if (EVP_MAC_init(context, bytes(key), key.size(), nullptr) != 1 ||
      EVP_MAC_update(context, bytes(data), data.size()) != 1 ||
      EVP_MAC_final(context, out, &size, sizeof out) != 1) {
    throw std::runtime_error("HMAC failed");
  }
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string hash_of(ScramHash hash, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out, &size, digest(hash), nullptr) != 1) {
    throw std::runtime_error("digest failed");
  }
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string random_string(std::size_t size) {
  std::string out(size, '\0');
  random_bytes(std::span(reinterpret_cast<unsigned char*>(out.data()), size));
  return out;
}

// Secrets derived from the password should not linger in freed memory.
void wipe(std::string& secret) { OPENSSL_cleanse(secret.data(), secret.size()); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// RFC 5802 §3: SaltedPassword, ClientKey, StoredKey and ServerKey from a SASLprep'd password.
ScramCredentials derive_from_prepared(ScramHash hash, std::string_view prepared,
                                      std::string_view salt, int iterations) {
  if (salt.empty()) throw std::invalid_argument("SCRAM salt is empty");
  if (iterations < 1) throw std::invalid_argument("SCRAM iteration count must be at least 1");
  // RFC 5802 §2.2: Hi() is PBKDF2 with HMAC as the PRF and dkLen the output length of H.
  std::string salted(digest_size(hash), '\0');
  if (PKCS5_PBKDF2_HMAC(prepared.data(), checked_int(prepared.size()), bytes(salt),
                        checked_int(salt.size()), iterations, digest(hash),
                        checked_int(salted.size()),
                        reinterpret_cast<unsigned char*>(salted.data())) != 1) {
    throw std::runtime_error("PBKDF2 failed");
  }
  std::string client_key = hmac(hash, salted, "Client Key");
  ScramCredentials credentials{.hash = hash,
                               .salt = std::string(salt),
                               .iterations = iterations,
                               .stored_key = hash_of(hash, client_key),
                               .server_key = hmac(hash, salted, "Server Key")};
  wipe(salted);
  wipe(client_key);
  return credentials;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t end = text.find(separator);
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return parts;
    text.remove_prefix(end + 1);
  }
}

// RFC 5802 §7: printable = %x21-2B / %x2D-7E (visible ASCII except ",").
bool is_printable(std::string_view text) {
  for (const char c : text) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// RFC 5802 §7: saslname = 1*(value-safe-char / "=2C" / "=3D"). ABNF strings are
// case-insensitive (RFC 5234 §2.3), so "=2c" and "=3d" are accepted too. The caller has already
// checked that the message is UTF-8 without NUL, and a split on "," leaves none here.
std::optional<std::string> unescape_saslname(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const char high = text[i + 1];
    const char low = static_cast<char>(text[i + 2] | 0x20);  // ASCII lower case
    if (high == '2' && low == 'c') {
      out += ',';
    } else if (high == '3' && low == 'd') {
      out += '=';
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

// RFC 5802 §7: extensions = attr-val *("," attr-val), attr-val = ALPHA "=" value,
// value = 1*value-char. Extensions that are not mandatory are ignored.
bool are_extensions(const std::vector<std::string_view>& attributes, std::size_t first) {
  for (std::size_t i = first; i < attributes.size(); ++i) {
    const std::string_view attribute = attributes[i];
    if (attribute.size() < 3 || !is_alpha(attribute[0]) || attribute[1] != '=') return false;
  }
  return true;
}

// Every SCRAM production is UTF-8 and none allows NUL (RFC 5802 §7), so a message that breaks
// either is malformed whatever else it contains.
bool is_clean_text(std::string_view message) {
  return message.find('\0') == std::string_view::npos && is_valid_utf8(message);
}

}  // namespace

std::string_view mechanism_name(ScramHash hash) {
  return hash == ScramHash::sha1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
}

std::optional<std::string> saslprep(std::string_view text) {
  // libidn reads a C string, so an embedded NUL would silently truncate the input; U+0000 is
  // prohibited by SASLprep anyway (RFC 4013 §2.3, RFC 3454 table C.2.1).
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  const std::string input(text);
  char* raw = nullptr;
  // RFC 4013 §2.5 with RFC 3454 §7: strings that are stored must not contain unassigned code
  // points. libidn also fails for input that is not valid UTF-8.
  if (stringprep_profile(input.c_str(), &raw, "SASLprep", STRINGPREP_NO_UNASSIGNED) !=
      STRINGPREP_OK) {
    return std::nullopt;
  }
  const std::unique_ptr<char, decltype(&idn_free)> output(raw, &idn_free);
  return std::string(output.get());
}

ScramCredentials derive_scram_credentials(ScramHash hash, std::string_view password,
                                          std::string_view salt, int iterations) {
  std::optional<std::string> prepared = saslprep(password);
  if (!prepared || prepared->empty()) {
    throw std::invalid_argument("password is empty or not allowed by SASLprep");
  }
  ScramCredentials credentials = derive_from_prepared(hash, *prepared, salt, iterations);
  wipe(*prepared);
  return credentials;
}

ScramCredentials new_scram_credentials(ScramHash hash, std::string_view password, int iterations) {
  return derive_scram_credentials(hash, password, random_string(salt_size), iterations);
}

bool verify_password(const ScramCredentials& credentials, std::string_view password) {
  std::optional<std::string> prepared = saslprep(password);
  if (!prepared || prepared->empty()) return false;
  const ScramCredentials derived =
      derive_from_prepared(credentials.hash, *prepared, credentials.salt, credentials.iterations);
  wipe(*prepared);
  return constant_time_equal(derived.stored_key, credentials.stored_key);
}

std::string_view condition_name(SaslCondition condition) {
  switch (condition) {
    case SaslCondition::aborted: return "aborted";
    case SaslCondition::account_disabled: return "account-disabled";
    case SaslCondition::credentials_expired: return "credentials-expired";
    case SaslCondition::encryption_required: return "encryption-required";
    case SaslCondition::incorrect_encoding: return "incorrect-encoding";
    case SaslCondition::invalid_authzid: return "invalid-authzid";
    case SaslCondition::invalid_mechanism: return "invalid-mechanism";
    case SaslCondition::malformed_request: return "malformed-request";
    case SaslCondition::mechanism_too_weak: return "mechanism-too-weak";
    case SaslCondition::not_authorized: return "not-authorized";
    case SaslCondition::temporary_auth_failure: return "temporary-auth-failure";
  }
  return "not-authorized";  // unreachable for valid enumerators
}

ScramServer::ScramServer(ScramHash hash, std::string fake_salt_secret, std::string nonce)
    : hash_(hash), fake_salt_secret_(std::move(fake_salt_secret)), server_nonce_(std::move(nonce)) {
  if (fake_salt_secret_.empty()) throw std::invalid_argument("fake salt secret is empty");
  // RFC 5802 §5.1: the nonce is a sequence of random printable characters, "," excluded, which
  // base64 text is.
  if (server_nonce_.empty()) server_nonce_ = base64_encode(random_string(random_nonce_size));
  if (!is_printable(server_nonce_)) throw std::invalid_argument("server nonce is not printable");
}

std::variant<std::string, SaslCondition> ScramServer::receive_client_first(
    std::string_view message) {
  const bool in_order = state_ == State::client_first;
  state_ = State::failed;  // until the message is accepted
  if (!in_order) return SaslCondition::malformed_request;
  if (!is_clean_text(message)) return SaslCondition::malformed_request;

  // RFC 5802 §7: client-first-message = gs2-header client-first-message-bare, where
  // gs2-header = gs2-cbind-flag "," [authzid] ",".
  const std::size_t flag_end = message.find(',');
  if (flag_end == std::string_view::npos) return SaslCondition::malformed_request;
  const std::size_t authzid_end = message.find(',', flag_end + 1);
  if (authzid_end == std::string_view::npos) return SaslCondition::malformed_request;
  // RFC 5802 §6: "n" (client cannot bind) and "y" (client can, but thinks the server cannot) are
  // fine since no -PLUS mechanism is offered; "p=" asks for channel binding, which cannot be done.
  const std::string_view flag = message.substr(0, flag_end);
  if (flag != "n" && flag != "y") return SaslCondition::malformed_request;
  const std::string_view authzid = message.substr(flag_end + 1, authzid_end - flag_end - 1);
  if (!authzid.empty()) {
    if (!authzid.starts_with("a=")) return SaslCondition::malformed_request;
    std::optional<std::string> unescaped = unescape_saslname(authzid.substr(2));
    if (!unescaped) return SaslCondition::malformed_request;
    authzid_ = std::move(*unescaped);
  }

  // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
  const std::string_view bare = message.substr(authzid_end + 1);
  const std::vector<std::string_view> attributes = split(bare, ',');
  // RFC 5802 §5.1: a leading "m=" announces a mandatory extension, which the server must fail
  // when it does not understand it; none is defined, so the "n=" check refuses it.
  if (attributes.size() < 2 || !attributes[0].starts_with("n=") ||
      !attributes[1].starts_with("r=") || !are_extensions(attributes, 2)) {
    return SaslCondition::malformed_request;
  }
  const std::optional<std::string> saslname = unescape_saslname(attributes[0].substr(2));
  if (!saslname) return SaslCondition::malformed_request;
  // RFC 5802 §5.1: usernames are compared after SASLprep; one that fails it or ends up empty
  // ends the exchange.
  std::optional<std::string> username = saslprep(*saslname);
  if (!username || username->empty()) return SaslCondition::malformed_request;
  const std::string_view client_nonce = attributes[1].substr(2);
  if (client_nonce.empty() || !is_printable(client_nonce)) return SaslCondition::malformed_request;

  gs2_header_ = message.substr(0, authzid_end + 1);
  client_first_bare_ = bare;
  client_nonce_ = client_nonce;
  username_ = std::move(*username);
  state_ = State::server_first;
  return username_;
}

std::string ScramServer::server_first(const std::optional<ScramCredentials>& credentials) {
  if (state_ != State::server_first) throw std::logic_error("SCRAM server_first out of order");
  if (credentials && credentials->hash != hash_) {
    throw std::invalid_argument("SCRAM credentials are for another hash");
  }
  known_user_ = credentials.has_value();
  if (known_user_) {
    credentials_ = *credentials;
  } else {
    // An unknown user must look like a known one: the same salt every time (a fresh random one
    // would give it away on a second try) and common parameters. The keys are never matched,
    // since receive_client_final refuses unknown users whatever the proof.
    credentials_ =
        ScramCredentials{.hash = hash_,
                         .salt = hmac(hash_, fake_salt_secret_, username_).substr(0, salt_size),
                         .iterations = fake_iterations,
                         .stored_key = std::string(digest_size(hash_), '\0'),
                         .server_key = {}};
  }
  // RFC 5802 §5.1: r = client nonce followed by the server's, s = base64 salt, i = iterations.
  server_first_ = "r=" + client_nonce_ + server_nonce_ + ",s=" + base64_encode(credentials_.salt) +
                  ",i=" + std::to_string(credentials_.iterations);
  state_ = State::client_final;
  return server_first_;
}

std::variant<std::string, SaslCondition> ScramServer::receive_client_final(
    std::string_view message) {
  const bool in_order = state_ == State::client_final;
  state_ = State::failed;  // until the proof is verified
  if (!in_order || !is_clean_text(message)) return SaslCondition::malformed_request;

  // RFC 5802 §7: client-final-message = client-final-message-without-proof "," proof, where
  // client-final-message-without-proof = channel-binding "," nonce ["," extensions]. The proof
  // comes last and base64 has no ",", so the last ",p=" starts it.
  const std::size_t proof_start = message.rfind(",p=");
  if (proof_start == std::string_view::npos) return SaslCondition::malformed_request;
  const std::string_view without_proof = message.substr(0, proof_start);
  const std::optional<std::string> proof = base64_decode(message.substr(proof_start + 3));
  const std::vector<std::string_view> attributes = split(without_proof, ',');
  if (!proof || attributes.size() < 2 || !attributes[0].starts_with("c=") ||
      !attributes[1].starts_with("r=") || !are_extensions(attributes, 2)) {
    return SaslCondition::malformed_request;
  }
  const std::optional<std::string> channel_binding = base64_decode(attributes[0].substr(2));
  if (!channel_binding) return SaslCondition::malformed_request;
  // RFC 5802 §7: cbind-input = gs2-header [cbind-data], with no cbind-data for "n" and "y", so
  // c= carries exactly the gs2 header of the first message; the proof then covers the flag and the
  // authzid, so they cannot have been tampered with.
  if (*channel_binding != gs2_header_) return SaslCondition::not_authorized;
  if (attributes[1].substr(2) != client_nonce_ + server_nonce_) {
    return SaslCondition::not_authorized;
  }

  // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage), which is right iff
  // H(ClientKey) = StoredKey.
  const std::string auth_message =
      client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
  std::string client_key = hmac(hash_, credentials_.stored_key, auth_message);
  if (proof->size() != client_key.size()) return SaslCondition::not_authorized;
  for (std::size_t i = 0; i < client_key.size(); ++i) client_key[i] ^= (*proof)[i];
  const bool proof_ok = constant_time_equal(hash_of(hash_, client_key), credentials_.stored_key);
  wipe(client_key);
  if (!proof_ok || !known_user_) return SaslCondition::not_authorized;

  state_ = State::succeeded;
  // RFC 5802 §3: ServerSignature = HMAC(ServerKey, AuthMessage), so the client can check that the
  // server knows the keys too.
  return "v=" + base64_encode(hmac(hash_, credentials_.server_key, auth_message));
}

}  // namespace tern::xmpp::sasl
