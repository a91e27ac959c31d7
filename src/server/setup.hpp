// Start-up steps shared by `tern serve` and the other subcommands: the database with its schema
// up to date, the TLS context (with a self-signed certificate on a first run), the server secret.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "server/config.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace tern::server {

// Opens the configured backend; `migrate` applies pending schema files (logged).
std::unique_ptr<storage::Database> open_database(const Config& config, bool migrate = true);
// The schema files of the configured backend.
std::span<const storage::Migration> schema_of(const Config& config);
// Applies pending schema files of the configured backend; returns their names.
std::vector<std::string> migrate_database(const Config& config, storage::Database& database);
// "sqlite data/tern.sqlite" or "mysql tern@127.0.0.1:3306/tern", for logs.
std::string database_name(const Config& config);

// With no certificate configured, one is generated into data_dir/tls the first time.
boost::asio::ssl::context open_tls_context(const Config& config);

// A random secret kept in data_dir (mode 0600), made on first use; it keeps SCRAM's made-up salts
// for unknown users stable across restarts.
std::string load_server_secret(const Config& config);

}  // namespace tern::server
