// Runs one coroutine to completion on a private io_context and returns its result: tests drive
// coroutines without sockets, sleeps or threads.
#pragma once
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace tern::testing {

template <typename T>
T run(boost::asio::awaitable<T> operation) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(operation), boost::asio::use_future);
  io.run();
  return future.get();
}

}  // namespace tern::testing
