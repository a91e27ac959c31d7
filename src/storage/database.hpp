// The asynchronous database: each operation is one synchronous lambda run on a storage thread
// with a pooled connection, awaited by the calling coroutine, which resumes on its own executor.
// No blocking database call ever runs on an io_context thread.
#pragma once
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/connection.hpp"
#include "storage/offload.hpp"

namespace tern::storage {

class Database {
public:
  using Connect = std::function<std::unique_ptr<Connection>()>;
  Database(Connect connect, std::size_t threads);
  ~Database();  // joins the storage threads before the connections go

  // f(Connection&) on a storage thread.
  template <typename F>
  auto run(F f) {
    return offload(pool_, [this, f = std::move(f)]() mutable { return with_connection(f); });
  }
  // The same inside a transaction (rolled back when f throws).
  template <typename F>
  auto transact(F f) {
    return run([f = std::move(f)](Connection& connection) mutable {
      return in_transaction(connection, f);
    });
  }
  // For start-up and the command line, outside any io_context: on the calling thread.
  template <typename F>
  auto run_blocking(F f) {
    return with_connection(f);
  }
  template <typename F>
  auto transact_blocking(F f) {
    auto transaction = [&](Connection& connection) { return in_transaction(connection, f); };
    return with_connection(transaction);
  }

  // f(connection) between BEGIN and COMMIT (ROLLBACK when it throws), for work that must hold
  // a lock of its own across the commit.
  template <typename F>
  static auto in_transaction(Connection& connection, F& f) {
    connection.begin();
    try {
      if constexpr (std::is_void_v<decltype(f(connection))>) {
        f(connection);
        connection.commit();
      } else {
        auto result = f(connection);
        connection.commit();
        return result;
      }
    } catch (...) {
      connection.rollback();
      throw;
    }
  }

private:
  // The connection goes back to the pool also when f throws, unless the server went away under
  // it: a failed statement (a constraint, a rolled-back transaction) leaves it usable. A lost
  // connection (server restart, wait_timeout) is replaced and f tried once more: a read repeats
  // harmlessly, and a transaction that lost its connection before COMMIT was acknowledged was
  // rolled back by the server.
  template <typename F>
  auto with_connection(F& f) {
    struct Lease {
      Database& database;
      std::unique_ptr<Connection> connection;
      ~Lease() {
        if (connection->is_usable()) database.checkin(std::move(connection));
      }
    };
    for (int attempt = 0;; ++attempt) {
      Lease lease{*this, checkout()};
      try {
        return f(*lease.connection);
      } catch (const DatabaseError&) {
        if (lease.connection->is_usable() || attempt > 0) throw;
      }
    }
  }
  std::unique_ptr<Connection> checkout();
  void checkin(std::unique_ptr<Connection> connection);

  Connect connect_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  boost::asio::thread_pool pool_;
};

}  // namespace tern::storage
