// `tern db copy`: moves a deployment between backends (SQLite → MySQL, or back) by copying every
// table the schema files define, in their order, so that foreign keys always find their rows.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace tern::storage {

struct CopiedTable {
  std::string name;
  std::size_t rows = 0;
};

// Brings both databases to the current schema, then copies all rows inside one transaction on the
// target. Throws DatabaseError when a target table already holds rows (nothing is copied then).
// Blocking: for the command line.
std::vector<CopiedTable> copy_database(Database& from, std::span<const Migration> from_schema,
                                       Database& to, std::span<const Migration> to_schema);

}  // namespace tern::storage
