// The SQLite backend (the embedded default): one sqlite3 handle per pooled connection, WAL mode
// so that `tern user add` can write while the server runs.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "storage/connection.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tern::storage {

class SqliteConnection final : public Connection {
public:
  // Creates the file (and its directory) when missing. Throws DatabaseError.
  explicit SqliteConnection(const std::filesystem::path& path);
  ~SqliteConnection() override;

  std::vector<Row> query(std::string_view sql, const std::vector<Value>& parameters) override;
  std::int64_t execute(std::string_view sql, const std::vector<Value>& parameters) override;
  void execute_script(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() override;

private:
  // A prepared statement for this SQL, reset and bound, from the cache: the stores use a fixed
  // set of statements, and compiling them again for every call was most of SQLite's work.
  sqlite3_stmt* prepared(std::string_view sql, const std::vector<Value>& parameters);

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace tern::storage
