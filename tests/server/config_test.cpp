// tern.toml: defaults, every value checked, errors that name the key.
#include "server/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace tern::server {
namespace {

class ConfigTest : public ::testing::Test {
protected:
  Config load(const std::string& toml) {
    std::ofstream(path_) << toml;
    return load_config(path_);
  }
  std::string error_of(const std::string& toml) {
    try {
      load(toml);
    } catch (const ConfigError& error) {
      return error.what();
    }
    return "no error";
  }
  ~ConfigTest() override { std::filesystem::remove(path_); }
  std::filesystem::path path_ = std::filesystem::temp_directory_path() /
                                ("tern-config-test-" + std::to_string(::getpid()) + ".toml");
};

TEST_F(ConfigTest, NoFileMeansLocalhostSqliteAndStandardPorts) {
  auto config = load_config(std::nullopt);
  EXPECT_EQ(config.domains, std::vector<std::string>{"localhost"});
  EXPECT_EQ(config.c2s.port, 5222);
  EXPECT_EQ(config.c2s_direct_tls.port, 5223);
  EXPECT_EQ(config.database_path(), std::filesystem::path("data/tern.sqlite"));
  EXPECT_EQ(config.certificate_path(), std::filesystem::path("data/tls/certificate.pem"));
}

TEST_F(ConfigTest, TheExampleFileIsValid) {
  auto config = load_config(std::filesystem::path(TERN_SOURCE_DIR) / "tern.example.toml");
  EXPECT_EQ(config.max_stanza_bytes, 262144u);
}

TEST_F(ConfigTest, KeysAreRead) {
  auto config = load(
      "[server]\ndomains = [\"Example.COM\", \"chat.example.com\"]\ndata_dir = \"/var/lib/tern\"\n"
      "[listen]\nc2s = \"127.0.0.1:15222\"\nc2s_direct_tls = \"[::1]:15223\"\n"
      "[tls]\ncertificate = \"/c.pem\"\nkey = \"/k.pem\"\n"
      "[storage]\nbackend = \"sqlite\"\nsqlite_path = \"/db.sqlite\"\n"
      "[limits]\nmax_stanza_bytes = 10000\nmax_stanza_depth = 8\nmax_attributes = 16\n");
  EXPECT_EQ(config.domains, (std::vector<std::string>{"example.com", "chat.example.com"}));
  EXPECT_EQ(config.c2s.host, "127.0.0.1");
  EXPECT_EQ(config.c2s.port, 15222);
  EXPECT_EQ(config.c2s_direct_tls.host, "::1");
  EXPECT_EQ(config.certificate_path(), std::filesystem::path("/c.pem"));
  EXPECT_EQ(config.database_path(), std::filesystem::path("/db.sqlite"));
  EXPECT_EQ(config.max_stanza_bytes, 10000u);
  EXPECT_EQ(config.max_stanza_depth, 8u);
  EXPECT_EQ(config.max_attributes, 16u);
}

TEST_F(ConfigTest, ErrorsNameTheKey) {
  EXPECT_EQ(error_of("[server]\ndomain = [\"x\"]\n"), "server.domain: unknown key");
  EXPECT_EQ(error_of("[sever]\n"), "sever: unknown table");
  EXPECT_EQ(error_of("[limits]\nmax_stanza_bytes = \"big\"\n"), "limits.max_stanza_bytes: must be an integer");
  EXPECT_EQ(error_of("[limits]\nmax_stanza_bytes = 10\n"),
            "limits.max_stanza_bytes: must be between 1024 and 67108864");
  EXPECT_EQ(error_of("[server]\ndomains = [\"a b\"]\n"), "server.domains: \"a b\" is not a valid domain name");
  EXPECT_EQ(error_of("[listen]\nc2s = \"5222\"\n").substr(0, 11), "listen.c2s:");
  EXPECT_EQ(error_of("[storage]\nbackend = \"oracle\"\n"),
            "storage.backend: must be \"sqlite\" or \"mysql\"");
  EXPECT_EQ(error_of("[tls]\ncertificate = \"/c.pem\"\n"),
            "tls.key: tls.certificate and tls.key are set together or not at all");
  EXPECT_NE(error_of("[server\n").find(":1:"), std::string::npos);  // file:line:column
}

TEST_F(ConfigTest, VcardLimitIsAtMostAStanza) {
  EXPECT_EQ(load_config(std::nullopt).max_vcard_bytes, 131072u);
  EXPECT_EQ(load("[limits]\nmax_vcard_bytes = 0\n").max_vcard_bytes, 0u);
  // Below a smaller stanza limit by default, and never above it.
  EXPECT_EQ(load("[limits]\nmax_stanza_bytes = 65536\n").max_vcard_bytes, 65536u);
  EXPECT_EQ(error_of("[limits]\nmax_stanza_bytes = 65536\nmax_vcard_bytes = 65537\n"),
            "limits.max_vcard_bytes: must be between 0 and 65536");
}

TEST_F(ConfigTest, ConnectionAndRateLimits) {
  auto defaults = load_config(std::nullopt);
  EXPECT_EQ(defaults.max_c2s_connections, 50000u);
  EXPECT_EQ(defaults.max_connections_per_address, 1000u);
  EXPECT_EQ(defaults.max_stanzas_per_second, 5000u);
  EXPECT_EQ(defaults.max_connection_rate_per_address, 20u);
  EXPECT_EQ(defaults.unlimited_addresses, (std::vector<std::string>{"127.0.0.0/8", "::1"}));
  auto config = load("[limits]\nmax_c2s_connections = 10\nmax_connections_per_address = 0\n"
                     "max_stanzas_per_second = 0\n");
  EXPECT_EQ(config.max_c2s_connections, 10u);
  EXPECT_EQ(config.max_connections_per_address, 0u);  // no limit
  EXPECT_EQ(config.max_stanzas_per_second, 0u);
  EXPECT_EQ(error_of("[limits]\nmax_c2s_connections = 0\n"),
            "limits.max_c2s_connections: must be between 1 and 10000000");
  EXPECT_EQ(load("[limits]\nunlimited_addresses = [\"10.0.0.0/8\"]\n").unlimited_addresses,
            std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(error_of("[limits]\nunlimited_addresses = [\"10.0.0.0/40\"]\n"),
            "limits.unlimited_addresses: \"10.0.0.0/40\" is not an address or CIDR range");
  EXPECT_EQ(error_of("[limits]\nmax_stanzas_per_second = -1\n"),
            "limits.max_stanzas_per_second: must be between 0 and 1000000");
}

TEST_F(ConfigTest, ContactAddressesAndRegistration) {
  auto config = load("[contact]\nadmin = [\"xmpp:admin@example.org\"]\n"
                     "abuse = [\"mailto:abuse@example.org\", \"xmpp:abuse@example.org\"]\n"
                     "[registration]\nin_band = true\n");
  ASSERT_EQ(config.contact_addresses.size(), 2u);
  EXPECT_EQ(config.contact_addresses[0].first, "abuse");
  EXPECT_EQ(config.contact_addresses[0].second.size(), 2u);
  EXPECT_EQ(config.contact_addresses[1].second.front(), "xmpp:admin@example.org");
  EXPECT_TRUE(config.in_band_registration);
  EXPECT_FALSE(load("").in_band_registration);
  EXPECT_EQ(error_of("[contact]\nabuse = \"x\"\n").substr(0, 14), "contact.abuse:");
  EXPECT_EQ(error_of("[contact]\nabuse = [\"nobody\"]\n"), "contact.abuse: \"nobody\" is not a URI");
  EXPECT_EQ(error_of("[contact]\npress = [\"mailto:p@example.org\"]\n"), "contact.press: unknown key");
}

TEST_F(ConfigTest, HttpSettings) {
  auto config = load("[listen]\nhttp = \"127.0.0.1:8080\"\nhttps = \"\"\n"
                     "[http]\ntrusted_proxies = [\"10.0.0.0/8\"]\ncors_origins = [\"https://app.example\"]\n"
                     "web_root = \"\"\nbosh_max_wait_seconds = 30\n");
  EXPECT_EQ(config.http.port, 8080);
  EXPECT_FALSE(config.https.enabled());
  EXPECT_EQ(config.trusted_proxies, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(config.cors_origins, std::vector<std::string>{"https://app.example"});
  EXPECT_TRUE(config.web_root.empty());
  EXPECT_EQ(config.bosh_max_wait.count(), 30);
  auto defaults = load("");
  EXPECT_EQ(defaults.http.port, 5280);
  EXPECT_EQ(defaults.https.port, 5281);
  EXPECT_TRUE(defaults.loopback_is_secure);
  EXPECT_EQ(error_of("[http]\ntrusted_proxies = [\"proxy.example\"]\n"),
            "http.trusted_proxies: \"proxy.example\" is not an address or CIDR range");
  EXPECT_EQ(error_of("[http]\ncors_origins = [\"app.example\"]\n"),
            "http.cors_origins: \"app.example\" is not \"*\" or an origin");
}

TEST_F(ConfigTest, MysqlSettingsAreReadAndCheckedByKeyPath) {
  auto config = load(
      "[storage]\nbackend = \"mysql\"\n[storage.mysql]\nsocket = \"/run/mysqld/mysqld.sock\"\n"
      "user = \"xmpp\"\npassword = \"pw\"\ndatabase = \"chat\"\npool_size = 8\n");
  EXPECT_EQ(config.backend, "mysql");
  EXPECT_EQ(config.mysql.socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(config.mysql.user, "xmpp");
  EXPECT_EQ(config.mysql.database, "chat");
  EXPECT_EQ(config.pool_size, 8u);
  EXPECT_EQ(error_of("[storage.mysql]\nhots = \"x\"\n"), "storage.mysql.hots: unknown key");
  EXPECT_EQ(error_of("[storage.mysql]\nport = 0\n"), "storage.mysql.port: must be between 1 and 65535");
}

TEST_F(ConfigTest, EmptyListenAddressDisablesTheListener) {
  EXPECT_FALSE(load("[listen]\nc2s_direct_tls = \"\"\n").c2s_direct_tls.enabled());
}

}  // namespace
}  // namespace tern::server
