// Applies numbered schema files in order.
#include "storage/migrations.hpp"

#include <ctime>

namespace tern::storage {

std::vector<std::string> migrate(Database& database, std::span<const Migration> migrations) {
  database.run_blocking([](Connection& connection) {
    connection.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL,"
        " applied_at BIGINT NOT NULL)");
  });
  // A database a newer tern has migrated may hold data this one would misread or damage.
  int known = migrations.empty() ? 0 : migrations.back().version;
  auto newest = database.run_blocking([](Connection& connection) {
    auto rows = connection.query("SELECT MAX(version) FROM schema_version");
    return rows.empty() || rows[0].is_null(0) ? 0 : rows[0].integer(0);
  });
  if (newest > known) {
    throw DatabaseError("the database schema is at version " + std::to_string(newest) +
                        ", newer than this tern knows (" + std::to_string(known) +
                        "): run the tern that migrated it, or a newer one");
  }
  std::vector<std::string> applied;
  for (const auto& migration : migrations) {
    bool ran = database.transact_blocking([&](Connection& connection) {
      if (!connection.query("SELECT 1 FROM schema_version WHERE version = ?",
                            {std::int64_t{migration.version}}).empty()) {
        return false;
      }
      connection.execute_script(migration.sql);
      connection.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                         {std::int64_t{migration.version}, std::string(migration.name),
                          std::int64_t{std::time(nullptr)}});
      return true;
    });
    if (ran) applied.emplace_back(migration.name);
  }
  return applied;
}

}  // namespace tern::storage
