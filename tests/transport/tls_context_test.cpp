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
