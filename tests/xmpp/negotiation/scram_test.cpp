// Tests for SCRAM-SHA-1/SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, and SASLprep (RFC 4013).
#include "xmpp/negotiation/scram.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>
#include <string>

#include "xmpp/negotiation/base64.hpp"

namespace tern::xmpp::sasl {
namespace {

using namespace std::string_literals;

constexpr std::string_view secret = "per-server secret";

std::string decode(std::string_view text) {
  const std::optional<std::string> bytes = base64_decode(text);
  if (!bytes) throw std::invalid_argument("bad base64 in test");
  return *bytes;
}

// The value of attribute `name` ("s", "i", ...) in a comma-separated SCRAM message.
std::string attribute(std::string_view message, char name) {
  const std::string prefix = std::string(1, name) + "=";
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = message.find(',', start);
    const std::string_view part = message.substr(start, end - start);
    if (part.starts_with(prefix)) return std::string(part.substr(2));
    if (end == std::string_view::npos) throw std::invalid_argument("attribute missing in test");
    start = end + 1;
  }
}

// The client side of RFC 5802 §3, written against OpenSSL directly so that it does not share
// code with the server under test. Returns the ClientProof for an already prepared password.
std::string client_proof(ScramHash hash, std::string_view password, std::string_view server_first,
                         std::string_view auth_message) {
  const EVP_MD* md = hash == ScramHash::sha1 ? EVP_sha1() : EVP_sha256();
  const std::string salt = decode(attribute(server_first, 's'));
  const int iterations = std::stoi(attribute(server_first, 'i'));
  unsigned char salted[EVP_MAX_MD_SIZE];
  const int size = EVP_MD_get_size(md);
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, md, size, salted);
  unsigned char client_key[EVP_MAX_MD_SIZE];
  unsigned char stored_key[EVP_MAX_MD_SIZE];
  unsigned char signature[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(md, salted, size, reinterpret_cast<const unsigned char*>("Client Key"), 10, client_key,
       &length);
  EVP_Digest(client_key, length, stored_key, &length, md, nullptr);
  HMAC(md, stored_key, size, reinterpret_cast<const unsigned char*>(auth_message.data()),
       auth_message.size(), signature, &length);
  std::string proof(static_cast<std::size_t>(size), '\0');
  for (int i = 0; i < size; ++i) proof[i] = static_cast<char>(client_key[i] ^ signature[i]);
  return proof;
}

// Runs a client-final exchange with the proof a client knowing `password` would send.
std::variant<std::string, SaslCondition> finish(ScramServer& server, ScramHash hash,
                                                std::string_view password,
                                                std::string_view client_first_bare,
                                                std::string_view server_first,
                                                std::string_view gs2_header) {
  const std::string without_proof =
      "c=" + base64_encode(gs2_header) + ",r=" + attribute(server_first, 'r');
  const std::string auth_message =
      std::string(client_first_bare) + "," + std::string(server_first) + "," + without_proof;
  return server.receive_client_final(
      without_proof +
      ",p=" + base64_encode(client_proof(hash, password, server_first, auth_message)));
}

std::variant<std::string, SaslCondition> failure(SaslCondition condition) { return condition; }
std::variant<std::string, SaslCondition> success(std::string message) { return message; }

// A server that has accepted "n,,n=user,r=abc" and answered for the password "pencil".
struct ReadyServer {
  ScramServer server{ScramHash::sha256, std::string(secret), "xyz"};
  ScramCredentials credentials =
      derive_scram_credentials(ScramHash::sha256, "pencil", "0123456789abcdef", 4096);
  std::string server_first;

  ReadyServer() {
    EXPECT_EQ(server.receive_client_first("n,,n=user,r=abc"), success("user"));
    server_first = server.server_first(credentials);
  }
};

TEST(ScramTest, NamesMechanisms) {
  EXPECT_EQ(mechanism_name(ScramHash::sha1), "SCRAM-SHA-1");
  EXPECT_EQ(mechanism_name(ScramHash::sha256), "SCRAM-SHA-256");
}

TEST(ScramTest, NamesConditionsAsRfc6120) {
  EXPECT_EQ(condition_name(SaslCondition::aborted), "aborted");
  EXPECT_EQ(condition_name(SaslCondition::account_disabled), "account-disabled");
  EXPECT_EQ(condition_name(SaslCondition::credentials_expired), "credentials-expired");
  EXPECT_EQ(condition_name(SaslCondition::encryption_required), "encryption-required");
  EXPECT_EQ(condition_name(SaslCondition::incorrect_encoding), "incorrect-encoding");
  EXPECT_EQ(condition_name(SaslCondition::invalid_authzid), "invalid-authzid");
  EXPECT_EQ(condition_name(SaslCondition::invalid_mechanism), "invalid-mechanism");
  EXPECT_EQ(condition_name(SaslCondition::malformed_request), "malformed-request");
  EXPECT_EQ(condition_name(SaslCondition::mechanism_too_weak), "mechanism-too-weak");
  EXPECT_EQ(condition_name(SaslCondition::not_authorized), "not-authorized");
  EXPECT_EQ(condition_name(SaslCondition::temporary_auth_failure), "temporary-auth-failure");
}

// RFC 5802 §5.
TEST(ScramTest, Rfc5802Sha1Example) {
  ScramServer server(ScramHash::sha1, std::string(secret), "3rfcNHYJY1ZVvWVs7j");
  EXPECT_EQ(server.receive_client_first("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"), success("user"));
  EXPECT_EQ(server.authzid(), "");
  const ScramCredentials credentials =
      derive_scram_credentials(ScramHash::sha1, "pencil", decode("QSXCR+Q6sek8bf92"), 4096);
  EXPECT_EQ(server.server_first(credentials),
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
  EXPECT_EQ(server.receive_client_final("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                                        "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="),
            success("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
}

// RFC 7677 §3.
TEST(ScramTest, Rfc7677Sha256Example) {
  ScramServer server(ScramHash::sha256, std::string(secret), "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
  EXPECT_EQ(server.receive_client_first("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"), success("user"));
  const ScramCredentials credentials = derive_scram_credentials(
      ScramHash::sha256, "pencil", decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
  EXPECT_EQ(server.server_first(credentials),
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,"
            "i=4096");
  EXPECT_EQ(
      server.receive_client_final("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                                  "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
      success("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
}

TEST(ScramTest, FullExchangeWithRandomNonceAndSalt) {
  for (const ScramHash hash : {ScramHash::sha1, ScramHash::sha256}) {
    ScramServer server(hash, std::string(secret));
    EXPECT_EQ(server.receive_client_first("n,,n=juliet,r=clientnonce"), success("juliet"));
    const std::string server_first =
        server.server_first(new_scram_credentials(hash, "r0m30myr0m30", 4096));
    const std::string nonce = attribute(server_first, 'r');
    EXPECT_TRUE(nonce.starts_with("clientnonce"));
    EXPECT_EQ(nonce.size(), std::string("clientnonce").size() + 32);  // 24 bytes in base64
    EXPECT_EQ(decode(attribute(server_first, 's')).size(), 16u);
    EXPECT_TRUE(std::holds_alternative<std::string>(
        finish(server, hash, "r0m30myr0m30", "n=juliet,r=clientnonce", server_first, "n,,")));
  }
}

TEST(ScramTest, RandomServerNoncesDiffer) {
  ScramServer first(ScramHash::sha256, std::string(secret));
  ScramServer second(ScramHash::sha256, std::string(secret));
  first.receive_client_first("n,,n=user,r=abc");
  second.receive_client_first("n,,n=user,r=abc");
  EXPECT_NE(first.server_first(std::nullopt), second.server_first(std::nullopt));
}

TEST(ScramTest, WrongProofIsNotAuthorized) {
  ScramServer server(ScramHash::sha1, std::string(secret), "3rfcNHYJY1ZVvWVs7j");
  server.receive_client_first("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  server.server_first(
      derive_scram_credentials(ScramHash::sha1, "pencil", decode("QSXCR+Q6sek8bf92"), 4096));
  // The RFC 5802 §5 proof with its first character changed.
  EXPECT_EQ(server.receive_client_final("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                                        "p=w0X8v3Bz2T0CJGbJQyF0X+HI4Ts="),
            failure(SaslCondition::not_authorized));
}

TEST(ScramTest, WrongPasswordIsNotAuthorized) {
  ReadyServer ready;
  const std::string& server_first = ready.server_first;
  EXPECT_EQ(finish(ready.server, ScramHash::sha256, "pencil2", "n=user,r=abc", server_first, "n,,"),
            failure(SaslCondition::not_authorized));
}

TEST(ScramTest, RightPasswordSucceedsWithReadyServer) {
  ReadyServer ready;
  const std::string& server_first = ready.server_first;
  EXPECT_TRUE(std::holds_alternative<std::string>(
      finish(ready.server, ScramHash::sha256, "pencil", "n=user,r=abc", server_first, "n,,")));
}

TEST(ScramTest, ProofOfWrongLengthIsNotAuthorized) {
  ReadyServer ready;
  EXPECT_EQ(ready.server.receive_client_final("c=biws,r=abcxyz,p=" + base64_encode("short")),
            failure(SaslCondition::not_authorized));
}

TEST(ScramTest, UnknownUserRunsWholeExchangeAndFails) {
  ScramServer server(ScramHash::sha256, std::string(secret), "xyz");
  EXPECT_EQ(server.receive_client_first("n,,n=nobody,r=abc"), success("nobody"));
  const std::string server_first = server.server_first(std::nullopt);
  EXPECT_TRUE(server_first.starts_with("r=abcxyz,s="));
  EXPECT_TRUE(server_first.ends_with(",i=4096"));
  EXPECT_EQ(decode(attribute(server_first, 's')).size(), 16u);
  EXPECT_EQ(finish(server, ScramHash::sha256, "pencil", "n=nobody,r=abc", server_first, "n,,"),
            failure(SaslCondition::not_authorized));
}

TEST(ScramTest, UnknownUserGetsStableSalt) {
  const auto salt_for = [](ScramHash hash, std::string fake_secret, std::string_view user) {
    ScramServer server(hash, std::move(fake_secret));
    server.receive_client_first("n,,n=" + std::string(user) + ",r=abc");
    return attribute(server.server_first(std::nullopt), 's');
  };
  const std::string salt = salt_for(ScramHash::sha256, std::string(secret), "nobody");
  EXPECT_EQ(salt_for(ScramHash::sha256, std::string(secret), "nobody"), salt);
  EXPECT_NE(salt_for(ScramHash::sha256, std::string(secret), "somebody"), salt);
  EXPECT_NE(salt_for(ScramHash::sha256, "other secret", "nobody"), salt);
  EXPECT_NE(salt_for(ScramHash::sha1, std::string(secret), "nobody"), salt);
}

TEST(ScramTest, ChannelBindingRequestFails) {
  ScramServer server(ScramHash::sha256, std::string(secret));
  EXPECT_EQ(server.receive_client_first("p=tls-unique,,n=user,r=abc"),
            failure(SaslCondition::malformed_request));
  EXPECT_THROW(server.server_first(std::nullopt), std::logic_error);
}

TEST(ScramTest, AcceptsYFlag) {
  ScramServer server(ScramHash::sha256, std::string(secret), "xyz");
  EXPECT_EQ(server.receive_client_first("y,,n=user,r=abc"), success("user"));
  const std::string server_first = server.server_first(
      derive_scram_credentials(ScramHash::sha256, "pencil", "0123456789abcdef", 4096));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      finish(server, ScramHash::sha256, "pencil", "n=user,r=abc", server_first, "y,,")));
}

TEST(ScramTest, UnescapesSaslnames) {
  ScramServer server(ScramHash::sha256, std::string(secret), "xyz");
  EXPECT_EQ(server.receive_client_first("n,a=a=2Cb=3Dc,n=us=2Cer=3D,r=abc"), success("us,er="));
  EXPECT_EQ(server.authzid(), "a,b=c");
  // The gs2 header, authzid included, must come back verbatim in c=.
  const std::string server_first = server.server_first(
      derive_scram_credentials(ScramHash::sha256, "pencil", "0123456789abcdef", 4096));
  EXPECT_TRUE(std::holds_alternative<std::string>(finish(
      server, ScramHash::sha256, "pencil", "n=us=2Cer=3D,r=abc", server_first, "n,a=a=2Cb=3Dc,")));
}

TEST(ScramTest, UnescapesLowerCaseHex) {
  ScramServer server(ScramHash::sha256, std::string(secret));
  EXPECT_EQ(server.receive_client_first("n,,n=a=2cb=3dc,r=abc"), success("a,b=c"));
}

TEST(ScramTest, PreparesUsernameWithSaslprep) {
  ScramServer server(ScramHash::sha256, std::string(secret));
  EXPECT_EQ(server.receive_client_first("n,,n=I\u00adX\u00a0Y,r=abc"), success("IX Y"));
}

TEST(ScramTest, IgnoresOptionalExtensions) {
  ScramServer server(ScramHash::sha256, std::string(secret));
  EXPECT_EQ(server.receive_client_first("n,,n=user,r=abc,x=1,y=two"), success("user"));
}

TEST(ScramTest, RejectsMalformedClientFirst) {
  const std::string rejected[] = {
      "",
      "n",
      "n,",
      "n,,",
      "x,,n=user,r=abc",  // unknown gs2 flag
      "nn,,n=user,r=abc",
      "n,b=x,n=user,r=abc",     // not an authzid
      "n,a=,n=user,r=abc",      // empty authzid
      "n,a=x=41,n=user,r=abc",  // bad escape in authzid
      "n,,m=ext,n=user,r=abc",  // mandatory extension (RFC 5802 §5.1)
      "n,,r=abc,n=user",        // wrong order
      "n,,n=user",              // no nonce
      "n,,r=abc",               // no username
      "n,,n=,r=abc",            // empty username
      "n,,n=us=41er,r=abc",     // "=" not followed by 2C or 3D
      "n,,n=user=,r=abc",
      "n,,n=user=2,r=abc",
      "n,,n=user,r=",        // empty nonce
      "n,,n=user,r=a\x01z",  // nonce not printable
      "n,,n=user,r=a b",
      "n,,n=user,r=abc,",     // empty extension
      "n,,n=user,r=abc,1=x",  // extension name not ALPHA
      "n,,n=user,r=abc,x=",   // empty extension value
      "n,,n=user,r=abc,xy=1",
      "n,,N=user,r=abc",
      "n,,n=user,r=abc\0"s,   // NUL
      "n,,n=u\xffser,r=abc",  // not UTF-8
      "n,,n=us\ber,r=abc",    // control character, prohibited by SASLprep
      "n,,n=\u00ad,r=abc",    // empty after SASLprep
  };
  for (const std::string& message : rejected) {
    ScramServer server(ScramHash::sha256, std::string(secret));
    EXPECT_EQ(server.receive_client_first(message), failure(SaslCondition::malformed_request))
        << message;
  }
}

TEST(ScramTest, RejectsMalformedClientFinal) {
  const std::string rejected[] = {
      "",
      "c=biws,r=abcxyz",                    // no proof
      "c=biws,r=abcxyz,p=",                 // empty proof
      "c=biws,r=abcxyz,p=!!!!",             // proof not base64
      "c=biws,r=abcxyz,p=dGVzdA",           // proof without padding
      "c=biws,r=abcxyz,p=dGVzdA==,x=1",     // proof not last
      "r=abcxyz,c=biws,p=dGVzdA==",         // wrong order
      "c=biws,p=dGVzdA==",                  // no nonce
      "r=abcxyz,p=dGVzdA==",                // no channel binding
      "c=biw,r=abcxyz,p=dGVzdA==",          // channel binding not base64
      "c=biws,r=abcxyz,,p=dGVzdA==",        // empty extension
      "c=biws,r=abcxyz,\xff=1,p=dGVzdA==",  // not UTF-8
  };
  for (const std::string& message : rejected) {
    ReadyServer ready;
    const auto result = ready.server.receive_client_final(message);
    // An empty proof decodes fine but has the wrong length, which is a wrong proof.
    const SaslCondition expected =
        message.ends_with(",p=") ? SaslCondition::not_authorized : SaslCondition::malformed_request;
    EXPECT_EQ(result, failure(expected)) << message;
  }
}

TEST(ScramTest, AcceptsExtensionsInClientFinal) {
  ReadyServer ready;
  const std::string& server_first = ready.server_first;
  const std::string without_proof = "c=biws,r=abcxyz,x=1";
  const std::string auth_message = "n=user,r=abc," + server_first + "," + without_proof;
  EXPECT_TRUE(std::holds_alternative<std::string>(ready.server.receive_client_final(
      without_proof + ",p=" +
      base64_encode(client_proof(ScramHash::sha256, "pencil", server_first, auth_message)))));
}

TEST(ScramTest, ChannelBindingMustEqualGs2Header) {
  // "eSws" is "y,,": a client that was told "n" must not be able to claim "y" afterwards.
  for (const std::string channel_binding : {"eSws", "", "biw"}) {
    ReadyServer ready;
    const std::string& server_first = ready.server_first;
    const std::string without_proof = "c=" + channel_binding + ",r=abcxyz";
    const std::string auth_message = "n=user,r=abc," + server_first + "," + without_proof;
    const std::string proof = client_proof(ScramHash::sha256, "pencil", server_first, auth_message);
    const auto result =
        ready.server.receive_client_final(without_proof + ",p=" + base64_encode(proof));
    const SaslCondition expected =
        channel_binding == "biw" ? SaslCondition::malformed_request : SaslCondition::not_authorized;
    EXPECT_EQ(result, failure(expected)) << channel_binding;
  }
}

TEST(ScramTest, NonceMustMatch) {
  for (const std::string nonce : {"abc", "abcxy", "abcxyzz", "xyzabc"}) {
    ReadyServer ready;
    const std::string server_first =
        "r=" + nonce + ",s=" + base64_encode("0123456789abcdef") + ",i=4096";
    EXPECT_EQ(
        finish(ready.server, ScramHash::sha256, "pencil", "n=user,r=abc", server_first, "n,,"),
        failure(SaslCondition::not_authorized))
        << nonce;
  }
}

TEST(ScramTest, CallsOutOfOrderFail) {
  ScramServer fresh(ScramHash::sha256, std::string(secret));
  EXPECT_THROW(fresh.server_first(std::nullopt), std::logic_error);
  EXPECT_EQ(fresh.receive_client_final("c=biws,r=abc,p=dGVzdA=="),
            failure(SaslCondition::malformed_request));

  ScramServer twice(ScramHash::sha256, std::string(secret));
  EXPECT_EQ(twice.receive_client_first("n,,n=user,r=abc"), success("user"));
  EXPECT_EQ(twice.receive_client_first("n,,n=user,r=abc"),
            failure(SaslCondition::malformed_request));

  ScramServer after_failure(ScramHash::sha256, std::string(secret));
  EXPECT_EQ(after_failure.receive_client_first("n,,n=user"),
            failure(SaslCondition::malformed_request));
  EXPECT_EQ(after_failure.receive_client_first("n,,n=user,r=abc"),
            failure(SaslCondition::malformed_request));

  ScramServer early_final(ScramHash::sha256, std::string(secret));
  early_final.receive_client_first("n,,n=user,r=abc");
  EXPECT_EQ(early_final.receive_client_final("c=biws,r=abc,p=dGVzdA=="),
            failure(SaslCondition::malformed_request));
}

TEST(ScramTest, NothingAfterTheExchange) {
  ScramServer server(ScramHash::sha1, std::string(secret), "3rfcNHYJY1ZVvWVs7j");
  server.receive_client_first("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  server.server_first(
      derive_scram_credentials(ScramHash::sha1, "pencil", decode("QSXCR+Q6sek8bf92"), 4096));
  const std::string final_message =
      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
  EXPECT_TRUE(std::holds_alternative<std::string>(server.receive_client_final(final_message)));
  EXPECT_EQ(server.receive_client_final(final_message), failure(SaslCondition::malformed_request));
}

TEST(ScramTest, NoSecondTryAfterWrongProof) {
  ReadyServer ready;
  const std::string& server_first = ready.server_first;
  EXPECT_EQ(finish(ready.server, ScramHash::sha256, "wrong", "n=user,r=abc", server_first, "n,,"),
            failure(SaslCondition::not_authorized));
  EXPECT_EQ(finish(ready.server, ScramHash::sha256, "pencil", "n=user,r=abc", server_first, "n,,"),
            failure(SaslCondition::malformed_request));
}

TEST(ScramTest, ServerFirstRefusesCredentialsForAnotherHash) {
  ScramServer server(ScramHash::sha1, std::string(secret));
  server.receive_client_first("n,,n=user,r=abc");
  EXPECT_THROW(server.server_first(new_scram_credentials(ScramHash::sha256, "pencil", 4096)),
               std::invalid_argument);
}

TEST(ScramTest, ConstructorChecksArguments) {
  EXPECT_THROW(ScramServer(ScramHash::sha256, ""), std::invalid_argument);
  EXPECT_THROW(ScramServer(ScramHash::sha256, std::string(secret), "a,b"), std::invalid_argument);
  EXPECT_THROW(ScramServer(ScramHash::sha256, std::string(secret), "a b"), std::invalid_argument);
}

TEST(ScramTest, DerivesCredentials) {
  const ScramCredentials credentials =
      derive_scram_credentials(ScramHash::sha1, "pencil", decode("QSXCR+Q6sek8bf92"), 4096);
  EXPECT_EQ(credentials.hash, ScramHash::sha1);
  EXPECT_EQ(credentials.iterations, 4096);
  EXPECT_EQ(credentials.salt, decode("QSXCR+Q6sek8bf92"));
  EXPECT_EQ(credentials.stored_key.size(), 20u);
  EXPECT_EQ(credentials.server_key.size(), 20u);
  const ScramCredentials sha256 = new_scram_credentials(ScramHash::sha256, "pencil", 1);
  EXPECT_EQ(sha256.stored_key.size(), 32u);
  EXPECT_EQ(sha256.salt.size(), 16u);
  EXPECT_NE(new_scram_credentials(ScramHash::sha256, "pencil", 1).salt, sha256.salt);
}

TEST(ScramTest, DeriveRefusesBadInput) {
  EXPECT_THROW(derive_scram_credentials(ScramHash::sha256, "", "salt", 4096),
               std::invalid_argument);
  EXPECT_THROW(derive_scram_credentials(ScramHash::sha256, "\u00ad", "salt", 4096),
               std::invalid_argument);
  EXPECT_THROW(derive_scram_credentials(ScramHash::sha256, "pen\bcil", "salt", 4096),
               std::invalid_argument);
  EXPECT_THROW(derive_scram_credentials(ScramHash::sha256, "pen\xff", "salt", 4096),
               std::invalid_argument);
  EXPECT_THROW(derive_scram_credentials(ScramHash::sha256, "pencil", "", 4096),
               std::invalid_argument);
  EXPECT_THROW(derive_scram_credentials(ScramHash::sha256, "pencil", "salt", 0),
               std::invalid_argument);
}

TEST(ScramTest, VerifiesPasswords) {
  for (const ScramHash hash : {ScramHash::sha1, ScramHash::sha256}) {
    const ScramCredentials credentials = new_scram_credentials(hash, "pencil", 4096);
    EXPECT_TRUE(verify_password(credentials, "pencil"));
    EXPECT_FALSE(verify_password(credentials, "Pencil"));
    EXPECT_FALSE(verify_password(credentials, "pencil "));
    EXPECT_FALSE(verify_password(credentials, ""));
    EXPECT_FALSE(verify_password(credentials, "pen\bcil"));
    EXPECT_FALSE(verify_password(credentials, "pencil\xff"));
    // SASLprep maps U+00AD SOFT HYPHEN to nothing, so this is the same password.
    EXPECT_TRUE(verify_password(credentials, "pen\u00adcil"));
  }
}

TEST(ScramTest, VerifiesRfc5802Password) {
  const ScramCredentials credentials =
      derive_scram_credentials(ScramHash::sha1, "pencil", decode("QSXCR+Q6sek8bf92"), 4096);
  EXPECT_TRUE(verify_password(credentials, "pencil"));
  EXPECT_FALSE(verify_password(credentials, "pencils"));
}

TEST(SaslprepTest, MapsAndNormalizes) {
  // RFC 4013 §3 examples.
  EXPECT_EQ(saslprep("I\u00adX"), "IX");
  EXPECT_EQ(saslprep("user"), "user");
  EXPECT_EQ(saslprep("USER"), "USER");
  EXPECT_EQ(saslprep("\u00aa"), "a");
  EXPECT_EQ(saslprep("\u2168"), "IX");
  EXPECT_EQ(saslprep("a\u00a0b"), "a b");
  EXPECT_EQ(saslprep(""), "");
}

TEST(SaslprepTest, RejectsProhibitedAndInvalid) {
  EXPECT_EQ(saslprep("\x07"), std::nullopt);     // RFC 4013 §3: prohibited
  EXPECT_EQ(saslprep("\u06271"), std::nullopt);  // RFC 4013 §3: bidi check
  EXPECT_EQ(saslprep("a\0b"s), std::nullopt);    // embedded NUL
  EXPECT_EQ(saslprep("a\xff"), std::nullopt);    // not UTF-8
  EXPECT_EQ(saslprep("\u0221"), std::nullopt);   // U+0221, unassigned in 3.2
}

}  // namespace
}  // namespace tern::xmpp::sasl
