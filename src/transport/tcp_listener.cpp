// Accepts TCP connections and hands each one, as a Stream, to its session.
#include "transport/tcp_listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace tern::transport {

TcpListener::TcpListener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint,
                         asio::ssl::context& tls, TcpStreamOptions options, Security security,
                         SessionRunner run_session)
    : io_(io),
      acceptor_(io),
      tls_(tls),
      options_(options),
      security_(security),
      run_session_(std::move(run_session)) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::system_error(ec, "cannot listen on " + endpoint.address().to_string() + ":" +
                                    std::to_string(endpoint.port()));
  }
}

asio::ip::tcp::endpoint TcpListener::local_endpoint() const { return acceptor_.local_endpoint(); }

void TcpListener::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("listener stopped: {}", e.what());
    }
  });
}

void TcpListener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

asio::awaitable<void> TcpListener::accept_loop() {
  while (acceptor_.is_open()) {
    auto strand = asio::make_strand(io_);
    auto [ec, socket] = co_await acceptor_.async_accept(strand, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of descriptors and the like: keep serving the connections we have.
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    asio::co_spawn(strand, serve(std::move(socket)), [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::warn("connection ended: {}", e.what());
      }
    });
  }
}

asio::awaitable<void> TcpListener::serve(asio::ip::tcp::socket socket) {
  socket.set_option(asio::ip::tcp::no_delay(true));
  auto stream = std::make_shared<TcpStream>(std::move(socket), tls_, options_);
  if (security_ == Security::direct_tls) co_await stream->accept_direct_tls();
  co_await run_session_(stream);
}

}  // namespace tern::transport
