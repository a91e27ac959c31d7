// The server's TLS configuration and self-signed certificates.
#include "transport/tls_context.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "transport/tls_socket.hpp"

namespace tern::transport {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertificatePtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using FilePtr = std::unique_ptr<FILE, decltype([](FILE* f) { std::fclose(f); })>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("cannot generate certificate: ") + what);
}

FilePtr open_for_writing(const std::filesystem::path& path, mode_t mode) {
  std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
  mode_t old = umask(0777 & ~mode);
  FilePtr file(std::fopen(path.c_str(), "w"));
  umask(old);
  if (!file) throw std::runtime_error("cannot write " + path.string());
  return file;
}

// XEP-0368 §3: clients of direct TLS announce the ALPN protocol "xmpp-client". Confirm it when
// offered; a client offering only other protocols (h2, http/1.1) is not refused, since the
// stream itself tells soon enough what it speaks.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                unsigned int in_length, void*) {
  static constexpr unsigned char xmpp_client[] = "\x0bxmpp-client";
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, xmpp_client, sizeof xmpp_client - 1, in,
                            in_length) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

bool known_tls13_ciphersuites(std::string_view suites) {
  std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>> context(SSL_CTX_new(TLS_server_method()));
  if (!context || suites.empty()) return false;  // OpenSSL takes an empty list: TLS 1.3 off
  // One by one: OpenSSL skips the names it does not know in a list that has a known one.
  while (true) {
    auto name = suites.substr(0, suites.find(':'));
    if (name.empty() || SSL_CTX_set_ciphersuites(context.get(), std::string(name).c_str()) != 1) return false;
    if (name.size() == suites.size()) return true;
    suites.remove_prefix(name.size() + 1);
  }
}

boost::asio::ssl::context make_server_tls_context(const std::filesystem::path& certificate,
                                                  const std::filesystem::path& key,
                                                  std::string_view tls13_ciphersuites) {
  namespace ssl = boost::asio::ssl;
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX* native = context.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle XMPP sessions are the common case: give their read/write buffers back to the allocator.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
  // One TLS 1.3 session ticket is enough to resume; OpenSSL's default of two serves browsers
  // opening connections in parallel, and costs every login a second ticket to seal and send.
  SSL_CTX_set_num_tickets(native, 1);
  if (!known_tls13_ciphersuites(tls13_ciphersuites) ||
      SSL_CTX_set_ciphersuites(native, std::string(tls13_ciphersuites).c_str()) != 1) {
    throw std::runtime_error("TLS 1.3 cipher suites \"" + std::string(tls13_ciphersuites) +
                             "\": OpenSSL does not know them all");
  }
  // The server's order decides, except for a client that puts ChaCha20 first.
  SSL_CTX_set_options(native, SSL_OP_PRIORITIZE_CHACHA);
  TlsSocket::prepare_for_record_takeover(native);
  boost::system::error_code ec;
  context.use_certificate_chain_file(certificate.string(), ec);
  if (ec) throw std::runtime_error("cannot use TLS certificate " + certificate.string() + ": " + ec.message());
  context.use_private_key_file(key.string(), ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot use TLS key " + key.string() + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("TLS key " + key.string() + " does not match " + certificate.string());
  }
  // The chain is the certificate file's. OpenSSL would otherwise try to complete it from the
  // context's certificate store, which is empty, on every handshake.
  SSL_CTX_set_mode(native, SSL_MODE_NO_AUTO_CHAIN);
  return context;
}

void generate_self_signed_certificate(const std::vector<std::string>& domains,
                                      const std::filesystem::path& certificate,
                                      const std::filesystem::path& key) {
  check(!domains.empty(), "no domain");
  KeyPtr pkey(EVP_EC_gen("P-256"));
  check(pkey != nullptr, "EC key generation");
  CertificatePtr x509(X509_new());
  check(x509 && X509_set_version(x509.get(), 2) == 1, "X509_new");
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial) == 1, "RAND_bytes");
  serial[0] &= 0x7f;  // a positive serial number
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  check(bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x509.get())), "serial");
  X509_gmtime_adj(X509_getm_notBefore(x509.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x509.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(x509.get(), pkey.get());
  X509_NAME* name = X509_get_subject_name(x509.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(domains.front().c_str()), -1, -1, 0);
  X509_set_issuer_name(x509.get(), name);
  std::string san;
  for (const auto& domain : domains) san += (san.empty() ? "DNS:" : ",DNS:") + domain;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x509.get(), x509.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, san.c_str()},
                            std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature"},
                            std::pair{NID_ext_key_usage, "serverAuth"}}) {
    std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>> extension(
        X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    check(extension && X509_add_ext(x509.get(), extension.get(), -1) == 1, "extension");
  }
  check(X509_sign(x509.get(), pkey.get(), EVP_sha256()) > 0, "X509_sign");

  auto key_file = open_for_writing(key, 0600);
  check(PEM_write_PrivateKey(key_file.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "writing the key");
  auto certificate_file = open_for_writing(certificate, 0644);
  check(PEM_write_X509(certificate_file.get(), x509.get()) == 1, "writing the certificate");
}

}  // namespace tern::transport
