// The MySQL/MariaDB backend over MySQL Connector/C++ 1.1: prepared statements only, utf8mb4,
// UTC, no silent reconnects (a dead connection is dropped by the pool and replaced).
#pragma once
#include <memory>
#include <string>
#include <unordered_map>

#include "storage/connection.hpp"

namespace sql {
class Connection;
class PreparedStatement;
}

namespace tern::storage {

struct MysqlSettings {
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string socket;  // a unix socket path; when set, host and port are not used
  std::string user = "tern";
  std::string password;
  std::string database = "tern";
};

class MysqlConnection final : public Connection {
public:
  // Throws DatabaseError naming the server and the reason.
  explicit MysqlConnection(const MysqlSettings& settings);
  ~MysqlConnection() override;

  std::vector<Row> query(std::string_view sql, const std::vector<Value>& parameters) override;
  std::int64_t execute(std::string_view sql, const std::vector<Value>& parameters) override;
  void execute_script(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() override;
  bool is_usable() const override;

private:
  template <typename F>
  void guarded(const std::string& context, F f);
  // The server-side prepared statement for this SQL, parameters cleared, prepared once per
  // connection: the stores use a fixed set of statements.
  sql::PreparedStatement& prepared(std::string_view text);

  std::unique_ptr<sql::Connection> connection_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;  // before connection_ goes
  bool broken_ = false;  // the server went away under a statement
};

}  // namespace tern::storage
