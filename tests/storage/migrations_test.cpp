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

// A database from before 0008 keeps its rows when the tables a login reads are rebuilt to live
// in their primary keys' order.
TEST(Migrations, TheTablesRebuiltWithoutRowidKeepTheirRows) {
  Database database([] { return std::make_unique<SqliteConnection>(":memory:"); }, 1);
  auto all = sqlite_migrations();
  ASSERT_GE(all.size(), 8u);
  ASSERT_EQ(all[7].version, 8);
  migrate(database, all.first(7));
  database.run_blocking([](Connection& c) {
    c.execute("INSERT INTO accounts VALUES ('capulet.lit', 'juliet', 1)");
    c.execute("INSERT INTO account_credentials VALUES ('capulet.lit', 'juliet', 'SCRAM-SHA-1', 'c2FsdA==', 4096,"
              " 'c3RvcmVk', 'c2VydmVy')");
    c.execute("INSERT INTO roster_items VALUES ('capulet.lit', 'juliet', 'romeo@montague.lit', 'Romeo',"
              " 'Friends', 1, 1, 0, 0)");
    c.execute("INSERT INTO roster_versions VALUES ('capulet.lit', 'juliet', 7)");
  });
  EXPECT_EQ(migrate(database, all), std::vector<std::string>{std::string(all[7].name)});
  database.run_blocking([](Connection& c) {
    auto credentials = c.query("SELECT mechanism, iterations, stored_key FROM account_credentials");
    ASSERT_EQ(credentials.size(), 1u);
    EXPECT_EQ(credentials[0].text(0), "SCRAM-SHA-1");
    EXPECT_EQ(credentials[0].integer(1), 4096);
    EXPECT_EQ(credentials[0].text(2), "c3RvcmVk");
    auto items = c.query("SELECT contact, name, group_names, subscribed_to, subscribed_from FROM roster_items");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].text(0), "romeo@montague.lit");
    EXPECT_EQ(items[0].text(1), "Romeo");
    EXPECT_EQ(items[0].text(2), "Friends");
    EXPECT_EQ(items[0].integer(3), 1);
    EXPECT_EQ(items[0].integer(4), 1);
    EXPECT_EQ(c.query("SELECT version FROM roster_versions").at(0).integer(0), 7);
    auto rebuilt = c.query("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID'"
                           " ORDER BY name");
    ASSERT_EQ(rebuilt.size(), 3u);
    EXPECT_EQ(rebuilt[0].text(0), "account_credentials");
    EXPECT_EQ(rebuilt[1].text(0), "roster_items");
    EXPECT_EQ(rebuilt[2].text(0), "roster_versions");
    // The foreign keys came along: an account's rows still go with it.
    c.execute("DELETE FROM accounts");
    EXPECT_TRUE(c.query("SELECT 1 FROM account_credentials UNION ALL SELECT 1 FROM roster_items"
                        " UNION ALL SELECT 1 FROM roster_versions").empty());
  });
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
    }
    // In order: a table a later file rebuilds has that file's columns.
    for (const auto& file : files) {
      std::ifstream in(dir / file);
      std::string sql((std::istreambuf_iterator<char>(in)), {});
      for (std::sregex_iterator it(sql.begin(), sql.end(), table), end; it != end; ++it) {
        std::string body = (*it)[2];
        std::istringstream lines(body);
        std::vector<std::string> columns;
        for (std::string line; std::getline(lines, line);) {
          std::smatch match;
          if (std::regex_search(line, match, column) && match[1] != "PRIMARY" && match[1] != "FOREIGN") {
            columns.push_back(match[1]);
          }
        }
        schema[(*it)[1]] = columns;
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
