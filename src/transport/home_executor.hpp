// Where a mutable object that others post to lives: a connection and the session on it, a room.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

namespace tern::transport {

// With several threads running `io`: a strand of its own. With one (a concurrency hint of 1):
// the io_context's executor, which serializes the object's work as a strand would. A completion
// from the reactor then resumes a session at once, where a strand takes another turn of the
// scheduler, with a poll of epoll before it: one epoll_wait fewer per message relayed.
boost::asio::any_io_executor home_executor(boost::asio::io_context& io);

// Calls `use` with the home executor as the loop's own executor type when it is one (one
// thread), else as it is. A post to the loop's executor as such skips the type-erased executor's
// copies and property look-ups: about 110 instructions instead of 550, and each delivery to a
// session is a post or more.
template <typename Use>
decltype(auto) with_home(const boost::asio::any_io_executor& home, Use&& use) {
  if (const auto* loop = home.target<boost::asio::io_context::executor_type>()) return use(*loop);
  return use(home);
}

}  // namespace tern::transport
