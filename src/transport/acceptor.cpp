// Binding and accepting.
#include "transport/acceptor.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <spdlog/spdlog.h>

#include "transport/home_executor.hpp"
#include "transport/nothrow.hpp"
#include "transport/open_file_limit.hpp"

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

// The connection stays in the listen queue, and an accept tried again at once fails again.
bool out_of_resources(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
         ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

std::string describe(const asio::ip::tcp::acceptor& acceptor) {
  boost::system::error_code ec;
  auto endpoint = acceptor.local_endpoint(ec);
  return ec ? std::string("a closed listener") : "[" + endpoint.address().to_string() + "]:" + std::to_string(endpoint.port());
}

constexpr std::chrono::milliseconds pause_when_out_of_resources{100};

asio::awaitable<void> accept_loop(asio::io_context& io, asio::ip::tcp::acceptor& acceptor,
                                  ConnectionHandler serve) {
  // Set while accepting fails for want of descriptors or memory: the loop then pauses between
  // attempts instead of spinning (and filling the log), the connections it has go on, and the
  // new ones wait in the listen queue until some close.
  std::optional<std::chrono::steady_clock::time_point> refusing_since;
  while (acceptor.is_open()) {
    auto home = home_executor(io);
    asio::ip::tcp::endpoint peer;
    auto [ec, socket] = co_await acceptor.async_accept(home, peer, nothrow);
    if (ec == asio::error::operation_aborted) break;
    if (ec && out_of_resources(ec)) {
      if (!refusing_since) {
        refusing_since = std::chrono::steady_clock::now();
        std::string limit = ec == asio::error::no_descriptors
                                ? fmt::format(" (open files allowed: {}; ulimit -n and systemd's LimitNOFILE raise it)",
                                              open_file_limit().soft)
                                : "";
        spdlog::warn("cannot accept connections on {}: {}{}; new connections wait until others close",
                     describe(acceptor), ec.message(), limit);
      } else {
        spdlog::debug("accept on {} failed again: {}", describe(acceptor), ec.message());
      }
      asio::steady_timer pause(acceptor.get_executor(), pause_when_out_of_resources);
      co_await pause.async_wait(nothrow);
      continue;
    }
    if (ec) {
      spdlog::warn("accept on {} failed: {}", describe(acceptor), ec.message());
      continue;
    }
    if (refusing_since) {
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - *refusing_since);
      spdlog::info("accepting connections on {} again after {} ms", describe(acceptor), waited.count());
      refusing_since.reset();
    }
    try {
      // serve() may set the connection up before its coroutine starts: what it throws ends
      // this connection, not the loop.
      asio::co_spawn(home, serve(std::move(socket), peer),
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
