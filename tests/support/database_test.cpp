// Store tests on every backend.
#include "support/database_test.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "storage/mysql_connection.hpp"
#include "storage/sqlite_connection.hpp"

namespace tern::testing {
namespace {

std::string environment(const char* name, const char* fallback = "") {
  const char* value = std::getenv(name);
  return value ? value : fallback;
}

storage::MysqlSettings mysql_settings(std::string database) {
  storage::MysqlSettings settings;
  settings.host = environment("TERN_TEST_MYSQL_HOST", "127.0.0.1");
  settings.port = static_cast<unsigned>(std::stoi(environment("TERN_TEST_MYSQL_PORT", "3306")));
  settings.user = environment("TERN_TEST_MYSQL_USER", "tern");
  settings.password = environment("TERN_TEST_MYSQL_PASSWORD");
  settings.database = std::move(database);
  return settings;
}

std::atomic<int> next_database{0};

}  // namespace

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "Sqlite" : "Mysql";
}

void DatabaseTest::SetUp() {
  if (GetParam() == Backend::sqlite) {
    // One connection: every ":memory:" connection would be a database of its own.
    database_ = std::make_unique<storage::Database>(
        [] { return std::make_unique<storage::SqliteConnection>(":memory:"); }, 1);
    return;
  }
  if (environment("TERN_TEST_MYSQL_HOST").empty()) {
    if (environment("TERN_REQUIRE_MYSQL") == "1") {
      FAIL() << "TERN_REQUIRE_MYSQL=1 but no TERN_TEST_MYSQL_HOST: start scripts/test-mariadb.sh";
    }
    GTEST_SKIP() << "no MySQL for tests (eval \"$(bash scripts/test-mariadb.sh start)\")";
  }
  auto base = environment("TERN_TEST_MYSQL_DB", "tern_test");
  mysql_database_ = base + "_" + std::to_string(::getpid()) + "_" + std::to_string(next_database++);
  storage::MysqlConnection(mysql_settings(base))
      .execute_script("DROP DATABASE IF EXISTS " + mysql_database_ + "; CREATE DATABASE " +
                      mysql_database_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  database_ = std::make_unique<storage::Database>(
      [settings = mysql_settings(mysql_database_)] {
        return std::make_unique<storage::MysqlConnection>(settings);
      },
      2);
}

void DatabaseTest::TearDown() {
  database_.reset();
  if (!mysql_database_.empty()) {
    storage::MysqlConnection(mysql_settings(environment("TERN_TEST_MYSQL_DB", "tern_test")))
        .execute_script("DROP DATABASE IF EXISTS " + mysql_database_);
  }
}

std::span<const storage::Migration> DatabaseTest::migrations() const {
  return GetParam() == Backend::sqlite ? storage::sqlite_migrations() : storage::mysql_migrations();
}

}  // namespace tern::testing
