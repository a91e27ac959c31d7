#include "scram_client.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "xmpp/negotiation/base64.hpp"

namespace tern::bench {

using xmpp::sasl::base64_decode;
using xmpp::sasl::base64_encode;

namespace {

std::string hmac_sha1(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string sha1(std::string_view data) {
  unsigned char out[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), SHA_DIGEST_LENGTH);
}

// RFC 5802 §5.1: "," and "=" in a username are escaped.
std::string saslname(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ',') out += "=2C";
    else if (c == '=') out += "=3D";
    else out += c;
  }
  return out;
}

// The value of "k=" in a comma-separated SCRAM message.
std::optional<std::string_view> attribute(std::string_view message, char key) {
  while (!message.empty()) {
    auto comma = message.find(',');
    auto part = message.substr(0, comma);
    if (part.size() >= 2 && part[0] == key && part[1] == '=') return part.substr(2);
    if (comma == std::string_view::npos) break;
    message.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

}  // namespace

const std::string& SaltedPasswordCache::salted_password(const std::string& password, const std::string& salt,
                                                        int iterations) {
  auto key = std::make_tuple(password, salt, iterations);
  if (auto found = cache_.find(key); found != cache_.end()) return found->second;
  unsigned char out[SHA_DIGEST_LENGTH];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                    iterations, EVP_sha1(), sizeof out, out);
  return cache_.emplace(std::move(key), std::string(reinterpret_cast<char*>(out), sizeof out)).first->second;
}

ScramClient::ScramClient(std::string username, std::string password, SaltedPasswordCache& cache)
    : username_(std::move(username)), password_(std::move(password)), cache_(cache) {
  unsigned char random[18];
  RAND_bytes(random, sizeof random);
  client_nonce_ = base64_encode(std::string_view(reinterpret_cast<char*>(random), sizeof random));
}

std::string ScramClient::client_first() {
  client_first_bare_ = "n=" + saslname(username_) + ",r=" + client_nonce_;
  return "n,," + client_first_bare_;
}

std::optional<std::string> ScramClient::client_final(std::string_view server_first) {
  auto nonce = attribute(server_first, 'r');
  auto salt_text = attribute(server_first, 's');
  auto iterations_text = attribute(server_first, 'i');
  if (!nonce || !salt_text || !iterations_text || !nonce->starts_with(client_nonce_)) return std::nullopt;
  auto salt = base64_decode(*salt_text);
  int iterations = 0;
  try {
    iterations = std::stoi(std::string(*iterations_text));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!salt || iterations < 1) return std::nullopt;

  const auto& salted = cache_.salted_password(password_, *salt, iterations);
  auto client_key = hmac_sha1(salted, "Client Key");
  auto stored_key = sha1(client_key);
  std::string without_proof = "c=biws,r=" + std::string(*nonce);
  std::string auth_message = client_first_bare_ + "," + std::string(server_first) + "," + without_proof;
  auto signature = hmac_sha1(stored_key, auth_message);
  std::string proof = client_key;
  for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = static_cast<char>(proof[i] ^ signature[i]);
  expected_server_signature_ = hmac_sha1(hmac_sha1(salted, "Server Key"), auth_message);
  return without_proof + ",p=" + base64_encode(proof);
}

bool ScramClient::verify_server_final(std::string_view server_final) const {
  auto verifier = attribute(server_final, 'v');
  if (!verifier) return false;
  auto decoded = base64_decode(*verifier);
  return decoded && *decoded == expected_server_signature_;
}

}  // namespace tern::bench
