// Runs a blocking call on a thread pool and resumes the awaiting coroutine on its own executor
// (a strand or an io_context thread) with the result; exceptions are rethrown there.
//
// offload() is deliberately not a coroutine, and callers never write a capturing lambda inside
// the co_await expression: g++ 12 destroys such closures twice (GCC PR 100611 family). Name the
// lambda first, or return offload(...) from a plain function.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>
#include <utility>

namespace tern::storage {

template <typename Pool, typename F>
auto offload(Pool& pool, F f) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  return boost::asio::co_spawn(
      pool.get_executor(),
      [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
      boost::asio::use_awaitable);
}

}  // namespace tern::storage
