// Accepts TCP connections and hands each one, as a Stream, to its session.
#include "transport/tcp_listener.hpp"

#include <fmt/format.h>

#include "transport/acceptor.hpp"

namespace tern::transport {
namespace {

std::string listener_name(TcpListener::Security security, const asio::ip::tcp::acceptor& acceptor) {
  auto endpoint = acceptor.local_endpoint();
  return fmt::format("c2s ({}) on [{}]:{}", security == TcpListener::Security::starttls ? "STARTTLS" : "direct TLS",
                     endpoint.address().to_string(), endpoint.port());
}

asio::awaitable<void> nothing() { co_return; }

}  // namespace

TcpListener::TcpListener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint,
                         asio::ssl::context& tls, TcpStreamOptions options, Security security,
                         std::size_t max_connections, const AddressConnections& per_address,
                         SessionRunner run_session)
    : io_(io),
      acceptor_(bound_acceptor(io, endpoint)),
      tls_(tls),
      options_(options),
      security_(security),
      limits_(listener_name(security, acceptor_), "limits.max_c2s_connections", max_connections, per_address),
      run_session_(std::move(run_session)) {}

asio::ip::tcp::endpoint TcpListener::local_endpoint() const { return acceptor_.local_endpoint(); }

void TcpListener::start() {
  accept_connections(io_, acceptor_, [this](asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer) {
    return serve(std::move(socket), peer);
  });
}

void TcpListener::stop() {
  close_on_its_strand(acceptor_);
}

// Not a coroutine itself: one frame less for each connection to keep while it idles.
asio::awaitable<void> TcpListener::serve(asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer) {
  boost::system::error_code ec;
  auto local = socket.local_endpoint(ec);
  if (ec) return nothing();  // reset before it was accepted
  auto admission = limits_.admit(peer.address(), local.address());
  // Over a limit, a direct TLS connection closes before its handshake, which would cost more
  // than the connection is allowed; over STARTTLS the session answers with a stream error.
  if (admission.refusal() && security_ == Security::direct_tls) return nothing();
  socket.set_option(asio::ip::tcp::no_delay(true), ec);  // a reset here fails the session's first read
  auto stream = std::make_shared<TcpStream>(std::move(socket), peer.address(), tls_, options_, std::move(admission));
  if (security_ == Security::direct_tls) return serve_direct_tls(std::move(stream));
  return run_session_(std::move(stream));
}

asio::awaitable<void> TcpListener::serve_direct_tls(std::shared_ptr<TcpStream> stream) {
  co_await stream->accept_direct_tls();
  co_await run_session_(stream);
}

}  // namespace tern::transport
