// SCRAM-SHA-1 (RFC 5802), client side, without channel binding. The salted password is what
// costs (PBKDF2); it is cached per (password, salt, iterations) so that repeated logins of the
// same account load the server, not the load generator.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace tern::bench {

class SaltedPasswordCache {
public:
  const std::string& salted_password(const std::string& password, const std::string& salt, int iterations);

private:
  std::map<std::tuple<std::string, std::string, int>, std::string> cache_;
};

class ScramClient {
public:
  ScramClient(std::string username, std::string password, SaltedPasswordCache& cache);

  std::string client_first();  // "n,,n=user,r=nonce"
  // client-final-message for the server-first-message; nullopt when it is malformed or its
  // nonce does not extend ours.
  std::optional<std::string> client_final(std::string_view server_first);
  // Whether server-final-message ("v=...") proves the server knew the password.
  bool verify_server_final(std::string_view server_final) const;

private:
  std::string username_;
  std::string password_;
  SaltedPasswordCache& cache_;
  std::string client_nonce_;
  std::string client_first_bare_;
  std::string expected_server_signature_;
};

}  // namespace tern::bench
