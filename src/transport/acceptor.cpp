// Binding and accepting.
#include "transport/acceptor.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "transport/home_executor.hpp"

namespace tern::transport {
namespace {

void log_failure(std::exception_ptr error, const char* what) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::warn("{}: {}", what, e.what());
  }
}

asio::awaitable<void> accept_loop(asio::io_context& io, asio::ip::tcp::acceptor& acceptor,
                                  ConnectionHandler serve) {
  while (acceptor.is_open()) {
    auto home = home_executor(io);
    auto [ec, socket] = co_await acceptor.async_accept(home, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of descriptors and the like: keep serving the connections we have.
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    try {
      // serve() may set the connection up before its coroutine starts: what it throws ends
      // this connection, not the loop.
      asio::co_spawn(home, serve(std::move(socket)),
                     [](std::exception_ptr error) { log_failure(error, "connection ended"); });
    } catch (const std::exception& error) {
      spdlog::warn("cannot serve a connection: {}", error.what());
    }
  }
}

}  // namespace

asio::ip::tcp::acceptor bound_acceptor(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint) {
  // On a strand of its own: the accept loop and close() from a shutdown on another thread must
  // not touch the reactor's descriptor state at once.
  asio::ip::tcp::acceptor acceptor(asio::make_strand(io));
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::system_error(ec, "cannot listen on " + endpoint.address().to_string() + ":" +
                                    std::to_string(endpoint.port()));
  }
  return acceptor;
}

void accept_connections(asio::io_context& io, asio::ip::tcp::acceptor& acceptor, ConnectionHandler serve) {
  asio::co_spawn(acceptor.get_executor(), accept_loop(io, acceptor, std::move(serve)),
                 [](std::exception_ptr error) { log_failure(error, "listener stopped"); });
}

void close_on_its_strand(asio::ip::tcp::acceptor& acceptor) {
  asio::post(acceptor.get_executor(), [&acceptor] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
  });
}

}  // namespace tern::transport
