// TLS configuration and self-signed certificates.
#include "transport/tls_context.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

namespace tern::transport {
namespace {

TEST(TlsContext, SelfSignedCertificateNamesEveryDomainAndLoads) {
  auto dir = std::filesystem::temp_directory_path() / ("tern-tls-test-" + std::to_string(::getpid()));
  generate_self_signed_certificate({"localhost", "example.com"}, dir / "c.pem", dir / "k.pem");
  struct stat key_stat {};
  ASSERT_EQ(stat((dir / "k.pem").c_str(), &key_stat), 0);
  EXPECT_EQ(key_stat.st_mode & 0777, 0600);

  FILE* file = std::fopen((dir / "c.pem").c_str(), "r");
  X509* certificate = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  ASSERT_NE(certificate, nullptr);
  EXPECT_EQ(X509_check_host(certificate, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(certificate, "example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(certificate, "other.org", 0, 0, nullptr), 0);
  X509_free(certificate);

  auto context = make_server_tls_context(dir / "c.pem", dir / "k.pem");
  EXPECT_EQ(SSL_CTX_get_min_proto_version(context.native_handle()), TLS1_2_VERSION);
  std::filesystem::remove_all(dir);
}

class TlsContextSuites : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    directory = std::filesystem::temp_directory_path() / ("tern-tls-suites-test-" + std::to_string(::getpid()));
    generate_self_signed_certificate({"localhost"}, directory / "c.pem", directory / "k.pem");
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(directory); }

  static boost::asio::ssl::context server(std::string_view suites = default_tls13_ciphersuites) {
    return make_server_tls_context(directory / "c.pem", directory / "k.pem", suites);
  }

  // The TLS 1.3 suite a handshake in memory agrees on; `offered` in the client's order, null
  // for OpenSSL's default (AES-256-GCM first).
  static std::string negotiated(boost::asio::ssl::context& server_tls, const char* offered = nullptr) {
    SSL_CTX* client_tls = SSL_CTX_new(TLS_client_method());
    if (offered) EXPECT_EQ(SSL_CTX_set_ciphersuites(client_tls, offered), 1);
    SSL* client = SSL_new(client_tls);
    SSL* server = SSL_new(server_tls.native_handle());
    BIO* client_end = nullptr;
    BIO* server_end = nullptr;
    BIO_new_bio_pair(&client_end, 0, &server_end, 0);
    SSL_set_bio(client, client_end, client_end);
    SSL_set_bio(server, server_end, server_end);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    for (int flight = 0; flight < 8 && !(SSL_is_init_finished(client) && SSL_is_init_finished(server)); ++flight) {
      SSL_do_handshake(client);
      SSL_do_handshake(server);
    }
    std::string suite = SSL_is_init_finished(server) && SSL_version(server) == TLS1_3_VERSION
                            ? SSL_CIPHER_get_name(SSL_get_current_cipher(server))
                            : "no TLS 1.3 handshake";
    SSL_free(server);
    SSL_free(client);
    SSL_CTX_free(client_tls);
    return suite;
  }

  static inline std::filesystem::path directory;
};

TEST_F(TlsContextSuites, AesWith128BitKeysUnlessTheClientAsksForChaChaFirstOrOffersNeither) {
  auto tls = server();
  EXPECT_EQ(negotiated(tls), "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(negotiated(tls, "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256"),
            "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(negotiated(tls, "TLS_AES_256_GCM_SHA384"), "TLS_AES_256_GCM_SHA384");
}

TEST_F(TlsContextSuites, ConfiguredSuitesAndTheirOrderDecide) {
  auto tls = server("TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(negotiated(tls, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384"), "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(negotiated(tls, "TLS_CHACHA20_POLY1305_SHA256"), "no TLS 1.3 handshake");
}

TEST_F(TlsContextSuites, SuitesOpenSslDoesNotKnowAreRefused) {
  EXPECT_TRUE(known_tls13_ciphersuites(default_tls13_ciphersuites));
  EXPECT_TRUE(known_tls13_ciphersuites("TLS_CHACHA20_POLY1305_SHA256"));
  EXPECT_FALSE(known_tls13_ciphersuites(""));
  EXPECT_FALSE(known_tls13_ciphersuites("TLS_AES_128_GCM_SHA256::TLS_AES_256_GCM_SHA384"));
  EXPECT_FALSE(known_tls13_ciphersuites("TLS_AES_128_GCM_SHA256:TLS_AES_512_GCM"));
  try {
    server("TLS_AES_512_GCM");
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("TLS_AES_512_GCM"), std::string::npos);
  }
}

TEST(TlsContext, MissingFilesAreNamed) {
  try {
    make_server_tls_context("/nonexistent/c.pem", "/nonexistent/k.pem");
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/c.pem"), std::string::npos);
  }
}

}  // namespace
}  // namespace tern::transport
