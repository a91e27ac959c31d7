// Verified capabilities over storage.
#include "features/caps/caps_store.hpp"

namespace tern::features::caps {

boost::asio::awaitable<void> CapsStore::save(std::string key, std::string info) {
  return db_.transact([key = std::move(key), info = std::move(info)](storage::Connection& connection) {
    connection.execute("DELETE FROM caps_cache WHERE caps_key = ?", {key});
    connection.execute("INSERT INTO caps_cache (caps_key, info) VALUES (?, ?)", {key, info});
  });
}

boost::asio::awaitable<std::optional<std::string>> CapsStore::load(std::string key) {
  return db_.run([key = std::move(key)](storage::Connection& connection) -> std::optional<std::string> {
    auto rows = connection.query("SELECT info FROM caps_cache WHERE caps_key = ?", {key});
    if (rows.empty()) return std::nullopt;
    return rows.front().text(0);
  });
}

}  // namespace tern::features::caps
