// libFuzzer target for TLS 1.3 record protection: the input describes what a peer sends after the
// handshake, record by record. Each piece is either sealed by a peer Tls13Records (any content
// type, any content: the fuzzer reaches past the MAC check) or put on the wire raw (headers,
// lengths, forged tags). Our end opens the wire as TlsSocket does; every outcome must be records,
// the end, or an error with its alert: never a crash, a leak or undefined behaviour.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "transport/tls13_records.hpp"

using tern::transport::Tls13Records;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const auto client_secret = [] {
    std::array<unsigned char, 48> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i + 1);
    return bytes;
  }();
  static const auto server_secret = [] {
    std::array<unsigned char, 48> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i + 101);
    return bytes;
  }();
  const Tls13Records::Suite suites[] = {Tls13Records::Suite::aes_128_gcm_sha256,
                                        Tls13Records::Suite::aes_256_gcm_sha384,
                                        Tls13Records::Suite::chacha20_poly1305_sha256};
  auto suite = suites[data[0] % 3];
  std::size_t secret_length = suite == Tls13Records::Suite::aes_256_gcm_sha384 ? 48 : 32;
  auto client = std::span(client_secret).first(secret_length);
  auto server = std::span(server_secret).first(secret_length);
  Tls13Records ours(suite, client, server, 0);
  Tls13Records peer(suite, server, client, 0);

  // Pieces: [how: bit 0 sealed or raw, the other bits the content type] [length / 65] [bytes];
  // 255 × 65 is more than a record may hold.
  std::string wire;
  std::size_t at = 1;
  while (at + 2 <= size) {
    std::uint8_t how = data[at];
    std::size_t length = std::min<std::size_t>(std::size_t{data[at + 1]} * 65, size - at - 2);
    std::string_view piece(reinterpret_cast<const char*>(data + at + 2), length);
    at += 2 + length;
    if (how & 1) {
      peer.seal_content(static_cast<std::uint8_t>(how >> 1), piece, wire);
    } else {
      wire += piece;
    }
  }

  std::vector<char> out(Tls13Records::max_inner_plaintext);
  auto bytes = std::span(reinterpret_cast<const unsigned char*>(wire.data()), wire.size());
  while (!bytes.empty()) {
    auto opened = ours.open(bytes, out);
    if (opened.error || opened.closed || opened.consumed == 0) break;
    bytes = bytes.subspan(opened.consumed);
  }
  std::string reply;
  ours.seal("<presence/>", reply);  // with the KeyUpdate owed, if one was asked for
  ours.release_contexts();
  return 0;
}
