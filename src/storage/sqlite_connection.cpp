// The SQLite backend.
#include "storage/sqlite_connection.hpp"

#include <sqlite3.h>

#include <string>

namespace tern::storage {
namespace {

constexpr std::size_t max_cached_statements = 256;

[[noreturn]] void fail(sqlite3* db, std::string_view context) {
  throw DatabaseError(std::string(context) + ": " + sqlite3_errmsg(db));
}

// Resets the statement when the call is done with it: a read statement left stepping would hold
// its read transaction (and, in WAL mode, the checkpoint) open.
struct InUse {
  sqlite3_stmt* handle;
  ~InUse() { sqlite3_reset(handle); }
};

}  // namespace

SqliteConnection::SqliteConnection(const std::filesystem::path& path) {
  if (path != ":memory:" && path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path());
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw DatabaseError("cannot open SQLite database " + path.string() + ": " + message);
  }
  // Writers from other processes (the CLI) wait instead of failing at once.
  sqlite3_busy_timeout(db_, 5000);
  execute_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

sqlite3_stmt* SqliteConnection::prepared(std::string_view sql, const std::vector<Value>& parameters) {
  std::string key(sql);
  auto found = statements_.find(key);
  sqlite3_stmt* statement = nullptr;
  if (found != statements_.end()) {
    statement = found->second;
    sqlite3_clear_bindings(statement);
  } else {
    if (statements_.size() >= max_cached_statements) {
      for (auto& [text, cached] : statements_) sqlite3_finalize(cached);
      statements_.clear();
    }
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK) {
      fail(db_, "preparing SQL");
    }
    statements_.emplace(std::move(key), statement);
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    int index = static_cast<int>(i + 1);
    int rc = std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return sqlite3_bind_null(statement, index);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return sqlite3_bind_int64(statement, index, value);
          } else {
            return sqlite3_bind_text(statement, index, value.data(), static_cast<int>(value.size()),
                                     SQLITE_TRANSIENT);
          }
        },
        parameters[i]);
    if (rc != SQLITE_OK) fail(db_, "binding a parameter");
  }
  return statement;
}

std::vector<Row> SqliteConnection::query(std::string_view sql,
                                         const std::vector<Value>& parameters) {
  InUse statement{prepared(sql, parameters)};
  std::vector<Row> rows;
  while (true) {
    int rc = sqlite3_step(statement.handle);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) fail(db_, "query");
    int columns = sqlite3_column_count(statement.handle);
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int column = 0; column < columns; ++column) {
      switch (sqlite3_column_type(statement.handle, column)) {
        case SQLITE_NULL: values.emplace_back(std::monostate{}); break;
        case SQLITE_INTEGER: values.emplace_back(sqlite3_column_int64(statement.handle, column)); break;
        default: {
          auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.handle, column));
          values.emplace_back(std::string(text, static_cast<std::size_t>(
                                                    sqlite3_column_bytes(statement.handle, column))));
        }
      }
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

std::int64_t SqliteConnection::execute(std::string_view sql, const std::vector<Value>& parameters) {
  InUse statement{prepared(sql, parameters)};
  int rc;
  while ((rc = sqlite3_step(statement.handle)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) fail(db_, "statement");
  return sqlite3_changes64(db_);
}

void SqliteConnection::execute_script(std::string_view sql) {
  std::string script(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw DatabaseError("SQL script: " + message);
  }
}

// IMMEDIATE: take the write lock up front, so that busy_timeout applies instead of a deadlock
// between two readers that both want to write.
void SqliteConnection::begin() { execute_script("BEGIN IMMEDIATE"); }
void SqliteConnection::commit() { execute_script("COMMIT"); }
void SqliteConnection::rollback() { execute_script("ROLLBACK"); }

}  // namespace tern::storage
