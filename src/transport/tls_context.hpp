// The server's TLS configuration (RFC 7590: TLS 1.2 or later) and self-signed certificates for a
// first run.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace tern::transport {

// TLS 1.2+, OpenSSL's default cipher suites, no compression or renegotiation, buffers released
// while a connection is idle. Throws std::runtime_error naming the file that could not be used.
boost::asio::ssl::context make_server_tls_context(const std::filesystem::path& certificate,
                                                  const std::filesystem::path& key);

// Writes a P-256 key (mode 0600) and a self-signed certificate valid for ten years whose subject
// alternative names are the given domains (RFC 6125 DNS-IDs). Throws on failure.
void generate_self_signed_certificate(const std::vector<std::string>& domains,
                                      const std::filesystem::path& certificate,
                                      const std::filesystem::path& key);

}  // namespace tern::transport
