// Start-up steps shared by the subcommands.
#include "server/setup.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "storage/migrations.hpp"
#include "storage/mysql_connection.hpp"
#include "storage/sqlite_connection.hpp"
#include "transport/tls_context.hpp"
#include "xmpp/random_id.hpp"

namespace tern::server {

std::span<const storage::Migration> schema_of(const Config& config) {
  return config.backend == "mysql" ? storage::mysql_migrations() : storage::sqlite_migrations();
}

std::vector<std::string> migrate_database(const Config& config, storage::Database& database) {
  return storage::migrate(database, schema_of(config));
}

std::string database_name(const Config& config) {
  if (config.backend != "mysql") return "sqlite " + config.database_path().string();
  const auto& mysql = config.mysql;
  return "mysql " + mysql.user + "@" +
         (mysql.socket.empty() ? mysql.host + ":" + std::to_string(mysql.port) : mysql.socket) +
         "/" + mysql.database;
}

std::unique_ptr<storage::Database> open_database(const Config& config, bool migrate) {
  std::unique_ptr<storage::Database> database;
  if (config.backend == "mysql") {
    database = std::make_unique<storage::Database>(
        [settings = config.mysql] { return std::make_unique<storage::MysqlConnection>(settings); },
        config.pool_size);
  } else {
    // One connection on one storage thread: SQLite serialises writers anyway, and a second
    // connection of ours made each writer wait for the other (busy sleeps) and made each discard
    // the other's page cache after every write.
    database = std::make_unique<storage::Database>(
        [path = config.database_path()] { return std::make_unique<storage::SqliteConnection>(path); },
        1);
  }
  if (migrate) {
    for (const auto& name : migrate_database(config, *database)) {
      spdlog::info("database {}: applied schema {}", database_name(config), name);
    }
  }
  return database;
}

boost::asio::ssl::context open_tls_context(const Config& config) {
  auto certificate = config.certificate_path();
  auto key = config.key_path();
  if (config.certificate.empty() && !std::filesystem::exists(certificate)) {
    spdlog::info("no TLS certificate configured: generating a self-signed one for {} in {}",
                 config.domains.front(), certificate.parent_path().string());
    transport::generate_self_signed_certificate(config.domains, certificate, key);
  }
  return transport::make_server_tls_context(
      certificate, key,
      config.tls13_ciphersuites.empty() ? transport::default_tls13_ciphersuites : config.tls13_ciphersuites);
}

std::string load_server_secret(const Config& config) {
  auto path = config.data_dir / "server-secret";
  std::string secret;
  if (std::ifstream in(path); in && std::getline(in, secret) && secret.size() >= 32) return secret;
  secret = xmpp::random_id(32);
  std::filesystem::create_directories(config.data_dir);
  mode_t old = umask(077);
  std::ofstream(path) << secret << '\n';
  umask(old);
  return secret;
}

}  // namespace tern::server
