// Accepts TCP connections and hands each one, as a Stream, to its session.
#include "transport/tcp_listener.hpp"

#include "transport/acceptor.hpp"

namespace tern::transport {

TcpListener::TcpListener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint,
                         asio::ssl::context& tls, TcpStreamOptions options, Security security,
                         SessionRunner run_session)
    : io_(io),
      acceptor_(bound_acceptor(io, endpoint)),
      tls_(tls),
      options_(options),
      security_(security),
      run_session_(std::move(run_session)) {}

asio::ip::tcp::endpoint TcpListener::local_endpoint() const { return acceptor_.local_endpoint(); }

void TcpListener::start() {
  accept_connections(io_, acceptor_, [this](asio::ip::tcp::socket socket) { return serve(std::move(socket)); });
}

void TcpListener::stop() {
  close_on_its_strand(acceptor_);
}

// Not a coroutine itself: one frame less for each connection to keep while it idles.
asio::awaitable<void> TcpListener::serve(asio::ip::tcp::socket socket) {
  boost::system::error_code ignored;  // a connection reset already fails in its session's first read
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  auto stream = std::make_shared<TcpStream>(std::move(socket), tls_, options_);
  if (security_ == Security::direct_tls) return serve_direct_tls(std::move(stream));
  return run_session_(std::move(stream));
}

asio::awaitable<void> TcpListener::serve_direct_tls(std::shared_ptr<TcpStream> stream) {
  co_await stream->accept_direct_tls();
  co_await run_session_(stream);
}

}  // namespace tern::transport
