// Verified XEP-0115 capabilities: the disco#info result behind each (hash, ver), kept across
// restarts so that a client version is queried once.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "storage/database.hpp"

namespace tern::features::caps {

class CapsStore {
public:
  explicit CapsStore(storage::Database& db) : db_(db) {}
  // `key` is "<hash> <ver>"; `info` the serialized disco#info <query/>.
  boost::asio::awaitable<void> save(std::string key, std::string info);
  boost::asio::awaitable<std::optional<std::string>> load(std::string key);

private:
  storage::Database& db_;
};

}  // namespace tern::features::caps
