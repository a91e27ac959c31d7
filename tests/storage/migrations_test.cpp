// Schema migrations: applied once, recorded, and the same in both dialects.
#include "storage/migrations.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <regex>
#include <set>

#include "storage/sqlite_connection.hpp"
#include "support/database_test.hpp"

namespace tern::storage {
namespace {

class MigrationsTest : public testing::DatabaseTest {};

TEST_P(MigrationsTest, ApplyOnceAndRecordTheirVersions) {
  auto first = migrate(database(), migrations());
  EXPECT_EQ(first.size(), migrations().size());
  EXPECT_TRUE(migrate(database(), migrations()).empty());
  auto rows = database().run_blocking(
      [](Connection& c) { return c.query("SELECT version FROM schema_version ORDER BY version"); });
  ASSERT_EQ(rows.size(), migrations().size());
  EXPECT_EQ(rows[0].integer(0), 1);
}

TEST_P(MigrationsTest, ADatabaseFromANewerTernIsRefused) {
  migrate(database(), migrations());
  database().run_blocking([](Connection& c) {
    c.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'future', 0)");
  });
  try {
    migrate(database(), migrations());
    FAIL() << "no error";
  } catch (const DatabaseError& error) {
    EXPECT_NE(std::string(error.what()).find("schema is at version 9999, newer than this tern"),
              std::string::npos)
        << error.what();
  }
}

TERN_FOR_EACH_BACKEND(MigrationsTest);

// SQLite only: MySQL commits DDL implicitly, so a failing schema file can leave part of itself.
TEST(Migrations, AFailingSqliteMigrationLeavesNothingBehind) {
  Database database([] { return std::make_unique<SqliteConnection>(":memory:"); }, 1);
  const Migration broken[] = {{1, "broken", "CREATE TABLE t (a INTEGER); THIS IS NOT SQL;"}};
  EXPECT_THROW(migrate(database, broken), DatabaseError);
  auto tables = database.run_blocking([](Connection& c) {
    return c.query("SELECT name FROM sqlite_master WHERE name = 't'");
  });
  EXPECT_TRUE(tables.empty());
}

// Both dialects have the same numbered files and the same columns per table, in the same order
// (tern db copy relies on it).
TEST(Migrations, SqliteAndMysqlSchemasMatch) {
  auto columns_of = [](const std::filesystem::path& dir) {
    std::map<std::string, std::vector<std::string>> schema;
    std::set<std::string> files;
    std::regex table(R"(CREATE TABLE (\w+) \(([^;]*)\))");
    std::regex column(R"(^\s+(\w+)\s+[A-Z])");
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      files.insert(entry.path().filename().string());
      std::ifstream in(entry.path());
      std::string sql((std::istreambuf_iterator<char>(in)), {});
      for (std::sregex_iterator it(sql.begin(), sql.end(), table), end; it != end; ++it) {
        std::string body = (*it)[2];
        std::istringstream lines(body);
        for (std::string line; std::getline(lines, line);) {
          std::smatch match;
          if (std::regex_search(line, match, column) && match[1] != "PRIMARY" && match[1] != "FOREIGN") {
            schema[(*it)[1]].push_back(match[1]);
          }
        }
      }
    }
    return std::pair(files, schema);
  };
  std::filesystem::path sql = TERN_SOURCE_DIR "/sql";
  auto [sqlite_files, sqlite_schema] = columns_of(sql / "sqlite");
  auto [mysql_files, mysql_schema] = columns_of(sql / "mysql");
  EXPECT_EQ(sqlite_files, mysql_files);
  EXPECT_EQ(sqlite_schema, mysql_schema);
  EXPECT_FALSE(sqlite_schema.empty());
}

}  // namespace
}  // namespace tern::storage
