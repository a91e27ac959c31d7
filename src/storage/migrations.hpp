// Numbered schema files (sql/<dialect>/NNNN_name.sql, compiled into the binary), applied in order
// at start-up and by `tern db migrate`; the schema_version table records what ran.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace tern::storage {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> sqlite_migrations();  // generated from sql/sqlite
std::span<const Migration> mysql_migrations();   // generated from sql/mysql

// Applies what has not run yet, each in its own transaction; returns the names applied.
// Blocking: for start-up and the command line.
std::vector<std::string> migrate(Database& database, std::span<const Migration> migrations);

}  // namespace tern::storage
