// The completion token of the transports' waits: an operation that fails (a closed socket, a
// cancelled timer) is an outcome to handle, so co_await yields its error_code instead of throwing.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tern::transport {
inline constexpr auto nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);
}  // namespace tern::transport
