// tern db copy: every table, in schema order, into an empty database of either dialect.
#include "storage/copy.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "storage/sqlite_connection.hpp"
#include "support/database_test.hpp"

namespace tern::storage {
namespace {

class CopyTest : public testing::DatabaseTest {
protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    migrate(source, sqlite_migrations());
    source.run_blocking([](Connection& c) {
      c.execute("INSERT INTO accounts (domain, username, created_at) VALUES (?, ?, ?)",
                {std::string("capulet.lit"), std::string("juliet"), std::int64_t{1}});
      c.execute("INSERT INTO account_credentials VALUES (?, ?, ?, ?, ?, ?, ?)",
                {std::string("capulet.lit"), std::string("juliet"), std::string("SCRAM-SHA-256"),
                 std::string("c2FsdA=="), std::int64_t{4096}, std::string("c3RvcmVk"),
                 std::string("c2VydmVy")});
    });
  }
  Database source{[] { return std::make_unique<SqliteConnection>(":memory:"); }, 1};
};

TEST_P(CopyTest, EveryRowArrivesAndASecondCopyIsRefused) {
  auto copied = copy_database(source, sqlite_migrations(), database(), migrations());
  std::set<std::string> tables;  // a later migration may rebuild a table
  const std::regex create_table(R"(CREATE TABLE (\w+))");
  for (const auto& migration : sqlite_migrations()) {
    std::string sql(migration.sql);
    for (std::sregex_iterator it(sql.begin(), sql.end(), create_table), end; it != end; ++it) {
      tables.insert((*it)[1]);
    }
  }
  ASSERT_EQ(copied.size(), tables.size());  // every table of every migration
  EXPECT_EQ(copied[0].name, "accounts");
  EXPECT_EQ(copied[0].rows, 1u);
  EXPECT_EQ(copied[1].name, "account_credentials");
  auto rows = database().run_blocking([](Connection& c) {
    return c.query("SELECT username, iterations, stored_key FROM account_credentials");
  });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "juliet");
  EXPECT_EQ(rows[0].integer(1), 4096);
  EXPECT_EQ(rows[0].text(2), "c3RvcmVk");
  EXPECT_THROW(copy_database(source, sqlite_migrations(), database(), migrations()), DatabaseError);
}

TERN_FOR_EACH_BACKEND(CopyTest);

}  // namespace
}  // namespace tern::storage
