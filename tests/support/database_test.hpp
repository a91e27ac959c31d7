// Store tests run on every backend: SQLite in memory always, and MariaDB/MySQL when the
// environment names one (TERN_TEST_MYSQL_*, as scripts/test-mariadb.sh prints). Each MySQL test
// gets a database of its own, so that tests can run in parallel. Without the variables the MySQL
// variants are skipped, unless TERN_REQUIRE_MYSQL=1 (CI), where they fail.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <string>

#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace tern::testing {

enum class Backend { sqlite, mysql };

class DatabaseTest : public ::testing::TestWithParam<Backend> {
protected:
  void SetUp() override;
  void TearDown() override;
  storage::Database& database() { return *database_; }
  std::span<const storage::Migration> migrations() const;

private:
  std::unique_ptr<storage::Database> database_;
  std::string mysql_database_;  // created for this test, dropped after it
};

std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

}  // namespace tern::testing

#define TERN_FOR_EACH_BACKEND(Fixture)                                                        \
  INSTANTIATE_TEST_SUITE_P(Backends, Fixture,                                                 \
                           ::testing::Values(::tern::testing::Backend::sqlite,                \
                                             ::tern::testing::Backend::mysql),                \
                           ::tern::testing::backend_name)
