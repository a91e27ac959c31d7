// TLS 1.3 record protection (RFC 8446 §5) for a connection whose handshake OpenSSL did. After
// the handshake a TLS 1.3 connection needs only its two traffic secrets, keys and sequence
// numbers: about 250 bytes, where OpenSSL's connection object keeps about 12 KiB for as long as
// the connection lives. The cipher contexts (about 1 KiB each) exist only while records flow.
#pragma once
#include <openssl/evp.h>

#include <array>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tern::transport {

// RFC 8446 §6: the alerts this layer sends.
enum class TlsAlert : std::uint8_t {
  close_notify = 0,
  unexpected_message = 10,
  bad_record_mac = 20,
  record_overflow = 22,
  illegal_parameter = 47,
  decode_error = 50,
  internal_error = 80,
};

// Failures of the record layer: what we detected (the alert we send), or the alert the peer sent.
const boost::system::error_category& tls_record_category();
boost::system::error_code make_error_code(TlsAlert alert);
boost::system::error_code peer_alert_error(std::uint8_t description);

class Tls13Records {
public:
  // The TLS 1.3 cipher suites OpenSSL enables by default (RFC 8446 §B.4).
  enum class Suite : std::uint16_t {
    aes_128_gcm_sha256 = 0x1301,
    aes_256_gcm_sha384 = 0x1302,
    chacha20_poly1305_sha256 = 0x1303,
  };
  static std::optional<Suite> suite(std::uint16_t protocol_id);

  // The application traffic secrets (RFC 8446 §7.1) of each side, and how many records the server
  // has already sent under its own (the session tickets).
  Tls13Records(Suite suite, std::span<const unsigned char> client_secret,
               std::span<const unsigned char> server_secret, std::uint64_t server_records_sent);
  ~Tls13Records();
  Tls13Records(const Tls13Records&) = delete;
  Tls13Records& operator=(const Tls13Records&) = delete;

  // Appends the records carrying `plaintext` to `out` (none for an empty one), after the
  // KeyUpdate we owe. False: OpenSSL failed (memory), and the connection cannot go on.
  bool seal(std::string_view plaintext, std::string& out);
  // The peer asked for a KeyUpdate (§4.6.3): the next seal() sends it, one for any number asked
  // for meanwhile.
  bool owes_key_update() const { return key_update_owed_; }
  bool seal_alert(TlsAlert alert, std::string& out);
  // One record of any content type (RFC 8446 §5.2), as given: not split, no KeyUpdate before it.
  bool seal_content(std::uint8_t content_type, std::string_view content, std::string& out);

  struct Opened {
    std::size_t consumed = 0;   // bytes of `in` taken: whole records
    std::size_t plaintext = 0;  // application data written to the front of `out`
    bool closed = false;        // the peer's close_notify: nothing after it is read
    boost::system::error_code error;  // the connection must end (with `alert` sent, if set)
    std::optional<TlsAlert> alert;
  };
  // Opens the whole records at the front of `in` while `out` has room for their content; the
  // rest waits for the next call.
  Opened open(std::span<const unsigned char> in, std::span<char> out);

  // Whether `in` starts with a whole record.
  static bool holds_record(std::span<const unsigned char> in);

  // For an idle connection: the next record rebuilds them.
  void release_contexts();

  // The largest record content (RFC 8446 §5.2: 2^14 plus the content type and padding): what
  // open() needs as room in `out` at least.
  static constexpr std::size_t max_inner_plaintext = 16384 + 256;

private:
  struct Direction {
    std::array<unsigned char, 48> secret{};
    std::array<unsigned char, 32> key{};
    std::array<unsigned char, 12> iv{};
    std::uint64_t sequence = 0;
    EVP_CIPHER_CTX* context = nullptr;
  };
  bool derive_keys(Direction& direction);
  // RFC 8446 §7.2: the next generation of a traffic secret.
  bool update(Direction& direction);
  EVP_CIPHER_CTX* context_of(Direction& direction, bool encrypt);
  // The post-handshake messages of one record (RFC 8446 §4.6).
  std::optional<TlsAlert> handshake_messages(std::span<const char> content);

  Suite suite_;
  Direction read_;
  Direction write_;
  bool key_update_owed_ = false;
};

}  // namespace tern::transport
