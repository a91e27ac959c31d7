// Copies a deployment's tables between databases of either dialect.
#include "storage/copy.hpp"

#include <algorithm>
#include <regex>

namespace tern::storage {
namespace {

// The tables in the order the schema files first create them (a later file may rebuild one;
// schema_version is not copied).
std::vector<std::string> tables_of(std::span<const Migration> schema) {
  static const std::regex create_table(R"(CREATE TABLE (\w+))");
  std::vector<std::string> tables;
  for (const auto& migration : schema) {
    std::string sql(migration.sql);
    for (std::sregex_iterator it(sql.begin(), sql.end(), create_table), end; it != end; ++it) {
      if (std::find(tables.begin(), tables.end(), (*it)[1]) == tables.end()) tables.push_back((*it)[1]);
    }
  }
  return tables;
}

}  // namespace

std::vector<CopiedTable> copy_database(Database& from, std::span<const Migration> from_schema,
                                       Database& to, std::span<const Migration> to_schema) {
  migrate(from, from_schema);
  migrate(to, to_schema);
  auto tables = tables_of(to_schema);
  if (tables != tables_of(from_schema)) {
    throw DatabaseError("the two backends' schema files define different tables");
  }
  return to.transact_blocking([&](Connection& target) {
    std::vector<CopiedTable> copied;
    for (const auto& table : tables) {
      if (target.query("SELECT COUNT(*) FROM " + table).at(0).integer(0) > 0) {
        throw DatabaseError("the target's table " + table + " is not empty");
      }
      auto rows = from.run_blocking(
          [&](Connection& source) { return source.query("SELECT * FROM " + table); });
      // The dialects declare the same columns in the same order (a test checks it).
      for (const auto& row : rows) {
        std::string insert = "INSERT INTO " + table + " VALUES (";
        for (std::size_t i = 0; i < row.values().size(); ++i) insert += i ? ", ?" : "?";
        target.execute(insert + ")", row.values());
      }
      copied.push_back({table, rows.size()});
    }
    return copied;
  });
}

}  // namespace tern::storage
