// The database's connection pool: reuse, and recovery from a lost connection.
#include "storage/database.hpp"

#include <gtest/gtest.h>

#include "support/run.hpp"

namespace tern::storage {
namespace {

// A connection that counts its queries and can be told to lose the server on the next one.
class ScriptedConnection final : public Connection {
public:
  explicit ScriptedConnection(int& opened, bool& lose_next) : lose_next_(lose_next) { ++opened; }
  std::vector<Row> query(std::string_view, const std::vector<Value>&) override {
    if (lose_next_) {
      lose_next_ = false;
      usable_ = false;
      throw DatabaseError("server has gone away");
    }
    return {Row({std::int64_t{42}})};
  }
  std::int64_t execute(std::string_view, const std::vector<Value>&) override {
    throw DatabaseError("constraint violated");
  }
  void execute_script(std::string_view) override {}
  void begin() override {}
  void commit() override {}
  void rollback() override {}
  bool is_usable() const override { return usable_; }

private:
  bool& lose_next_;
  bool usable_ = true;
};

class DatabasePool : public ::testing::Test {
protected:
  int opened = 0;
  bool lose_next = false;
  Database database{[this] { return std::make_unique<ScriptedConnection>(opened, lose_next); }, 1};
  static std::int64_t answer(Connection& connection) { return connection.query("SELECT 42").at(0).integer(0); }
};

TEST_F(DatabasePool, ConnectionsAreReused) {
  EXPECT_EQ(database.run_blocking(answer), 42);
  EXPECT_EQ(testing::run(database.run(answer)), 42);
  EXPECT_EQ(opened, 1);
}

TEST_F(DatabasePool, AFailedStatementKeepsTheConnection) {
  auto insert = [](Connection& connection) { return connection.execute("INSERT", {}); };
  EXPECT_THROW(database.run_blocking(insert), DatabaseError);
  EXPECT_EQ(database.run_blocking(answer), 42);
  EXPECT_EQ(opened, 1);
}

TEST_F(DatabasePool, ALostConnectionIsReplacedAndTheWorkTriedOnceMore) {
  database.run_blocking(answer);
  lose_next = true;  // e.g. the server restarted while the connection sat in the pool
  EXPECT_EQ(testing::run(database.run(answer)), 42);
  EXPECT_EQ(opened, 2);
}

}  // namespace
}  // namespace tern::storage
