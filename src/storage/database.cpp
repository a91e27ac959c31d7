// The asynchronous database and its connection pool.
#include "storage/database.hpp"

namespace tern::storage {

Database::Database(Connect connect, std::size_t threads)
    : connect_(std::move(connect)), pool_(threads) {}

Database::~Database() { pool_.join(); }

std::unique_ptr<Connection> Database::checkout() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  return connect_();
}

void Database::checkin(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

}  // namespace tern::storage
