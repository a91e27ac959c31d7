// Typed access to result rows.
#include "storage/connection.hpp"

namespace tern::storage {

bool Row::is_null(std::size_t column) const {
  return std::holds_alternative<std::monostate>(values_.at(column));
}

std::int64_t Row::integer(std::size_t column) const {
  const auto& value = values_.at(column);
  if (auto* number = std::get_if<std::int64_t>(&value)) return *number;
  throw DatabaseError("column " + std::to_string(column) + " is not an integer");
}

const std::string& Row::text(std::size_t column) const {
  const auto& value = values_.at(column);
  if (auto* text = std::get_if<std::string>(&value)) return *text;
  throw DatabaseError("column " + std::to_string(column) + " is not text");
}

}  // namespace tern::storage
