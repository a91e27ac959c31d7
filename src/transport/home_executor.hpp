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

}  // namespace tern::transport
