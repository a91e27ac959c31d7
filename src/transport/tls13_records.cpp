// TLS 1.3 record protection after an OpenSSL handshake.
#include "transport/tls13_records.hpp"

#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <new>

namespace tern::transport {
namespace {

constexpr std::uint8_t application_data = 23;
constexpr std::uint8_t alert_record = 21;
constexpr std::uint8_t handshake_record = 22;
constexpr std::uint8_t key_update_message = 24;
constexpr std::size_t header_size = 5;
constexpr std::size_t tag_size = 16;  // every suite here
constexpr std::size_t max_ciphertext = 16384 + 256;
constexpr std::size_t max_content = 16384;

class RecordCategory : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "tls13-records"; }
  std::string message(int value) const override {
    if (value >= 256) return "the peer sent TLS alert " + std::to_string(value - 256);
    switch (static_cast<TlsAlert>(value)) {
      case TlsAlert::close_notify: return "TLS close_notify";
      case TlsAlert::unexpected_message: return "TLS: unexpected message (alert sent)";
      case TlsAlert::bad_record_mac: return "TLS: a record failed authentication (alert sent)";
      case TlsAlert::record_overflow: return "TLS: record too large (alert sent)";
      case TlsAlert::illegal_parameter: return "TLS: illegal parameter (alert sent)";
      case TlsAlert::decode_error: return "TLS: malformed message (alert sent)";
      case TlsAlert::internal_error: return "TLS: internal error (alert sent)";
    }
    return "TLS alert " + std::to_string(value);
  }
};

enum class Hash { sha256, sha384 };

struct SuiteTraits {
  std::size_t key_length;
  Hash hash;
};

SuiteTraits traits_of(Tls13Records::Suite suite) {
  switch (suite) {
    case Tls13Records::Suite::aes_128_gcm_sha256: return {16, Hash::sha256};
    case Tls13Records::Suite::aes_256_gcm_sha384: return {32, Hash::sha384};
    case Tls13Records::Suite::chacha20_poly1305_sha256: return {32, Hash::sha256};
  }
  return {16, Hash::sha256};
}

std::size_t length_of(Hash hash) { return hash == Hash::sha384 ? 48 : 32; }

// Each thread keeps an HMAC context per hash, its algorithms fetched once: the one-shot HMAC()
// looks both up by name on every call, which cost a login 26 000 instructions per derivation.
EVP_MAC_CTX* hmac_context(Hash hash) {
  struct Free {
    void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
  };
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local std::unique_ptr<EVP_MAC_CTX, Free> contexts[2];
  auto& context = contexts[hash == Hash::sha384 ? 1 : 0];
  if (!context && hmac) {
    std::unique_ptr<EVP_MAC_CTX, Free> made(EVP_MAC_CTX_new(hmac));
    char sha256[] = "SHA2-256", sha384[] = "SHA2-384";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, hash == Hash::sha384 ? sha384 : sha256, 0),
        OSSL_PARAM_construct_end()};
    if (made && EVP_MAC_CTX_set_params(made.get(), params) == 1) context = std::move(made);
  }
  return context.get();
}

// Fetched once: an implicit fetch at every context initialisation costs a lock and a lookup.
const EVP_CIPHER* cipher_of(Tls13Records::Suite suite) {
  static EVP_CIPHER* const aes_128_gcm = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* const aes_256_gcm = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  static EVP_CIPHER* const chacha20_poly1305 = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  switch (suite) {
    case Tls13Records::Suite::aes_128_gcm_sha256: return aes_128_gcm;
    case Tls13Records::Suite::aes_256_gcm_sha384: return aes_256_gcm;
    case Tls13Records::Suite::chacha20_poly1305_sha256: return chacha20_poly1305;
  }
  return nullptr;
}

// RFC 8446 §7.1 HKDF-Expand-Label with an empty context. Every length asked for here is at most
// the hash's, where HKDF-Expand (RFC 5869 §2.3) is the first bytes of HMAC(secret, info || 0x01).
bool expand_label(Hash hash, std::span<const unsigned char> secret, std::string_view label,
                  std::span<unsigned char> out) {
  std::string info;
  info += static_cast<char>(out.size() >> 8);
  info += static_cast<char>(out.size() & 0xff);
  info += static_cast<char>(6 + label.size());
  info += "tls13 ";
  info += label;
  info += '\0';  // the context's length
  info += '\x01';
  unsigned char block[EVP_MAX_MD_SIZE];
  std::size_t block_length = 0;
  auto* context = hmac_context(hash);
  if (!context || EVP_MAC_init(context, secret.data(), secret.size(), nullptr) != 1 ||
      EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(info.data()), info.size()) != 1 ||
      EVP_MAC_final(context, block, &block_length, sizeof block) != 1 || block_length < out.size()) {
    return false;
  }
  std::copy_n(block, out.size(), out.begin());
  OPENSSL_cleanse(block, sizeof block);
  return true;
}

// RFC 8446 §5.3: the sequence number, left-padded, XORed into the IV.
std::array<unsigned char, 12> nonce_of(const std::array<unsigned char, 12>& iv, std::uint64_t sequence) {
  auto nonce = iv;
  for (int i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<unsigned char>(sequence >> (8 * i));
  return nonce;
}

}  // namespace

const boost::system::error_category& tls_record_category() {
  static const RecordCategory category;
  return category;
}

boost::system::error_code make_error_code(TlsAlert alert) {
  return {static_cast<int>(alert), tls_record_category()};
}

boost::system::error_code peer_alert_error(std::uint8_t description) {
  return {256 + description, tls_record_category()};
}

std::optional<Tls13Records::Suite> Tls13Records::suite(std::uint16_t protocol_id) {
  switch (protocol_id) {
    case 0x1301: return Suite::aes_128_gcm_sha256;
    case 0x1302: return Suite::aes_256_gcm_sha384;
    case 0x1303: return Suite::chacha20_poly1305_sha256;
    default: return std::nullopt;
  }
}

Tls13Records::Tls13Records(Suite suite, std::span<const unsigned char> client_secret,
                           std::span<const unsigned char> server_secret, std::uint64_t server_records_sent)
    : suite_(suite) {
  std::copy_n(client_secret.begin(), std::min(client_secret.size(), read_.secret.size()), read_.secret.begin());
  std::copy_n(server_secret.begin(), std::min(server_secret.size(), write_.secret.size()), write_.secret.begin());
  write_.sequence = server_records_sent;
  if (!derive_keys(read_) || !derive_keys(write_)) throw std::bad_alloc();
}

Tls13Records::~Tls13Records() {
  release_contexts();
  OPENSSL_cleanse(&read_, sizeof read_);
  OPENSSL_cleanse(&write_, sizeof write_);
}

bool Tls13Records::derive_keys(Direction& direction) {
  auto traits = traits_of(suite_);
  auto secret = std::span(direction.secret).first(length_of(traits.hash));
  return expand_label(traits.hash, secret, "key", std::span(direction.key).first(traits.key_length)) &&
         expand_label(traits.hash, secret, "iv", direction.iv);
}

bool Tls13Records::update(Direction& direction) {
  auto hash = traits_of(suite_).hash;
  auto secret = std::span(direction.secret).first(length_of(hash));
  std::array<unsigned char, 48> next{};
  if (!expand_label(hash, secret, "traffic upd", std::span(next).first(secret.size()))) return false;
  direction.secret = next;
  OPENSSL_cleanse(next.data(), next.size());
  direction.sequence = 0;
  EVP_CIPHER_CTX_free(direction.context);
  direction.context = nullptr;
  return derive_keys(direction);
}

void Tls13Records::release_contexts() {
  EVP_CIPHER_CTX_free(read_.context);
  EVP_CIPHER_CTX_free(write_.context);
  read_.context = write_.context = nullptr;
}

EVP_CIPHER_CTX* Tls13Records::context_of(Direction& direction, bool encrypt) {
  if (direction.context) return direction.context;
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  if (!context) return nullptr;
  // The key now; each record sets its nonce (the default IV length, 12, is the suites').
  if (EVP_CipherInit_ex2(context, cipher_of(suite_), direction.key.data(), nullptr, encrypt ? 1 : 0,
                         nullptr) != 1) {
    EVP_CIPHER_CTX_free(context);
    return nullptr;
  }
  direction.context = context;
  return context;
}

bool Tls13Records::seal(std::string_view plaintext, std::string& out) {
  if (key_update_owed_) {
    // Ours goes under the current key; what follows it under the next.
    const char update_not_requested[5] = {static_cast<char>(key_update_message), 0, 0, 1, 0};
    if (!seal_content(handshake_record, std::string_view(update_not_requested, 5), out) || !update(write_)) {
      return false;
    }
    key_update_owed_ = false;
  }
  while (!plaintext.empty()) {
    auto content = plaintext.substr(0, max_content);
    if (!seal_content(application_data, content, out)) return false;
    plaintext.remove_prefix(content.size());
  }
  return true;
}

bool Tls13Records::seal_alert(TlsAlert alert, std::string& out) {
  // RFC 8446 §6: the level is ignored in TLS 1.3; close_notify is a warning, the rest fatal.
  const char content[2] = {static_cast<char>(alert == TlsAlert::close_notify ? 1 : 2), static_cast<char>(alert)};
  return seal_content(alert_record, std::string_view(content, 2), out);
}

bool Tls13Records::seal_content(std::uint8_t content_type, std::string_view content, std::string& out) {
  auto* context = context_of(write_, true);
  if (!context || write_.sequence == std::numeric_limits<std::uint64_t>::max()) return false;
  std::size_t length = content.size() + 1 + tag_size;
  std::size_t start = out.size();
  out.resize(start + header_size + length);
  auto* record = reinterpret_cast<unsigned char*>(out.data() + start);
  record[0] = application_data;  // the outer type of every protected record
  record[1] = 0x03;
  record[2] = 0x03;
  record[3] = static_cast<unsigned char>(length >> 8);
  record[4] = static_cast<unsigned char>(length & 0xff);
  auto nonce = nonce_of(write_.iv, write_.sequence);
  unsigned char* body = record + header_size;
  int written = 0;
  bool sealed = EVP_CipherInit_ex(context, nullptr, nullptr, nullptr, nonce.data(), 1) == 1 &&
                EVP_CipherUpdate(context, nullptr, &written, record, header_size) == 1 &&
                EVP_CipherUpdate(context, body, &written, reinterpret_cast<const unsigned char*>(content.data()),
                                 static_cast<int>(content.size())) == 1 &&
                EVP_CipherUpdate(context, body + content.size(), &written, &content_type, 1) == 1 &&
                EVP_CipherFinal_ex(context, body + content.size() + 1, &written) == 1 &&
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, tag_size, body + content.size() + 1) == 1;
  if (!sealed) {
    out.resize(start);
    return false;
  }
  ++write_.sequence;
  return true;
}

bool Tls13Records::holds_record(std::span<const unsigned char> in) {
  if (in.size() < header_size) return false;
  std::size_t length = (std::size_t{in[3]} << 8) | in[4];
  // A header announcing too much is whole enough: open() refuses it at once.
  return length > max_ciphertext || in.size() >= header_size + length;
}

Tls13Records::Opened Tls13Records::open(std::span<const unsigned char> in, std::span<char> out) {
  Opened result;
  auto fail = [&](TlsAlert alert) {
    result.alert = alert;
    result.error = make_error_code(alert);
    return result;
  };
  while (true) {
    auto rest = in.subspan(result.consumed);
    if (rest.size() < header_size) return result;
    std::size_t length = (std::size_t{rest[3]} << 8) | rest[4];
    // §5: after the handshake every record is protected; a change_cipher_spec is unexpected too.
    if (rest[0] != application_data) return fail(TlsAlert::unexpected_message);
    if (length > max_ciphertext) return fail(TlsAlert::record_overflow);
    if (rest.size() < header_size + length) return result;
    if (length < tag_size + 1) return fail(TlsAlert::bad_record_mac);
    std::size_t inner_length = length - tag_size;
    if (out.size() - result.plaintext < inner_length) return result;  // the next call

    auto* context = context_of(read_, false);
    if (!context || read_.sequence == std::numeric_limits<std::uint64_t>::max()) {
      return fail(TlsAlert::internal_error);
    }
    auto nonce = nonce_of(read_.iv, read_.sequence);
    const unsigned char* body = rest.data() + header_size;
    auto* inner = reinterpret_cast<unsigned char*>(out.data() + result.plaintext);
    int written = 0;
    bool authentic =
        EVP_CipherInit_ex(context, nullptr, nullptr, nullptr, nonce.data(), 0) == 1 &&
        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, tag_size,
                            const_cast<unsigned char*>(body + inner_length)) == 1 &&
        EVP_CipherUpdate(context, nullptr, &written, rest.data(), header_size) == 1 &&
        EVP_CipherUpdate(context, inner, &written, body, static_cast<int>(inner_length)) == 1 &&
        EVP_CipherFinal_ex(context, inner + inner_length, &written) == 1;
    if (!authentic) return fail(TlsAlert::bad_record_mac);
    ++read_.sequence;
    result.consumed += header_size + length;

    // §5.4: the content type is the last non-zero byte; zeros after it are padding.
    std::size_t content_length = inner_length;
    while (content_length > 0 && inner[content_length - 1] == 0) --content_length;
    if (content_length == 0) return fail(TlsAlert::unexpected_message);
    std::uint8_t content_type = inner[--content_length];
    if (content_length > max_content) return fail(TlsAlert::record_overflow);
    auto content = std::span<const char>(reinterpret_cast<const char*>(inner), content_length);
    // §5.1: only application data may come in records without content.
    if (content_length == 0 && content_type != application_data) return fail(TlsAlert::unexpected_message);

    if (content_type == application_data) {
      result.plaintext += content_length;
    } else if (content_type == alert_record) {
      if (content_length != 2) return fail(TlsAlert::decode_error);
      auto description = static_cast<std::uint8_t>(content[1]);
      if (description == static_cast<std::uint8_t>(TlsAlert::close_notify)) {
        result.closed = true;
        return result;
      }
      // §6.1: user_canceled is followed by close_notify; every other alert ends the connection.
      if (description != 90) {
        result.error = peer_alert_error(description);
        return result;
      }
    } else if (content_type == handshake_record) {
      if (auto alert = handshake_messages(content)) return fail(*alert);
    } else {
      return fail(TlsAlert::unexpected_message);
    }
  }
}

std::optional<TlsAlert> Tls13Records::handshake_messages(std::span<const char> content) {
  // Our server never asks for post-handshake authentication, so a client has only KeyUpdate to
  // send. Each message must be whole in its record, a KeyUpdate the record's last (§5.1: no
  // message spans a key change).
  while (!content.empty()) {
    if (content.size() < 4) return TlsAlert::unexpected_message;
    auto type = static_cast<std::uint8_t>(content[0]);
    std::size_t length = (std::size_t{static_cast<unsigned char>(content[1])} << 16) |
                         (std::size_t{static_cast<unsigned char>(content[2])} << 8) |
                         static_cast<unsigned char>(content[3]);
    if (type != key_update_message) return TlsAlert::unexpected_message;
    if (length != 1) return TlsAlert::decode_error;
    if (content.size() != 5) return TlsAlert::unexpected_message;
    auto request = static_cast<std::uint8_t>(content[4]);
    if (request > 1) return TlsAlert::illegal_parameter;  // §4.6.3
    if (!update(read_)) return TlsAlert::internal_error;
    if (request == 1) key_update_owed_ = true;
    content = content.subspan(5);
  }
  return std::nullopt;
}

}  // namespace tern::transport
