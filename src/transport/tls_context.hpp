// The server's TLS configuration (RFC 7590: TLS 1.2 or later) and self-signed certificates for a
// first run.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tern::transport {

// AES-128-GCM first: the suite every TLS 1.3 peer implements (RFC 8446 §9.1), and the cheapest
// where the CPU has AES instructions, key schedule included (SHA-256). ChaCha20 for clients that
// ask for it first (phones without them), AES-256-GCM for clients that offer nothing else.
inline constexpr std::string_view default_tls13_ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";

// Whether `suites` (OpenSSL's names, separated by ':') is a list OpenSSL takes, of one suite at
// least.
bool known_tls13_ciphersuites(std::string_view suites);

// TLS 1.2+, OpenSSL's default TLS 1.2 cipher suites and the given TLS 1.3 ones in the server's
// order, no compression or renegotiation, buffers released while a connection is idle. Throws
// std::runtime_error naming the file that could not be used, or the suites if none is known.
boost::asio::ssl::context make_server_tls_context(const std::filesystem::path& certificate,
                                                  const std::filesystem::path& key,
                                                  std::string_view tls13_ciphersuites = default_tls13_ciphersuites);

// Writes a P-256 key (mode 0600) and a self-signed certificate valid for ten years whose subject
// alternative names are the given domains (RFC 6125 DNS-IDs). Throws on failure.
void generate_self_signed_certificate(const std::vector<std::string>& domains,
                                      const std::filesystem::path& certificate,
                                      const std::filesystem::path& key);

}  // namespace tern::transport
