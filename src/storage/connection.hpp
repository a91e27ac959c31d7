// One database connection as the stores see it: portable SQL with positional '?' parameters and
// typed rows. Dialect differences (upsert, auto-increment) live in the backend behind it.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tern::storage {

using Value = std::variant<std::monostate, std::int64_t, std::string>;  // NULL, INTEGER, TEXT

class Row {
public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  bool is_null(std::size_t column) const;
  const std::vector<Value>& values() const { return values_; }
  std::int64_t integer(std::size_t column) const;
  const std::string& text(std::size_t column) const;

private:
  std::vector<Value> values_;
};

class DatabaseError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class Connection {
public:
  virtual ~Connection() = default;
  virtual std::vector<Row> query(std::string_view sql, const std::vector<Value>& parameters = {}) = 0;
  // Returns the number of rows changed.
  virtual std::int64_t execute(std::string_view sql, const std::vector<Value>& parameters = {}) = 0;
  // Runs a script of several statements (schema migrations).
  virtual void execute_script(std::string_view sql) = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // False once the server has gone away under this connection: the pool drops it.
  virtual bool is_usable() const { return true; }
};

}  // namespace tern::storage
