// Accepts TCP connections for c2s (STARTTLS, RFC 6120 §5) or direct TLS (XEP-0368) and hands
// each one, as a Stream on its own strand, to the session that serves it.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>

#include "transport/connection_limits.hpp"
#include "transport/stream.hpp"
#include "transport/tcp_stream.hpp"

namespace tern::transport {

class TcpListener {
public:
  // Runs on the stream's strand for the life of the connection.
  using SessionRunner = std::function<asio::awaitable<void>(std::shared_ptr<Stream>)>;
  enum class Security { starttls, direct_tls };

  // Binds now (throws std::system_error naming the endpoint when it cannot). At most
  // `max_connections` open at once (limits.max_c2s_connections), and what `per_address` allows.
  TcpListener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint,
              asio::ssl::context& tls, TcpStreamOptions options, Security security,
              std::size_t max_connections, const AddressConnections& per_address, SessionRunner run_session);
  void start();
  void stop();
  asio::ip::tcp::endpoint local_endpoint() const;

private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer);
  asio::awaitable<void> serve_direct_tls(std::shared_ptr<TcpStream> stream);

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::ssl::context& tls_;
  TcpStreamOptions options_;
  Security security_;
  ConnectionLimits limits_;
  SessionRunner run_session_;
};

}  // namespace tern::transport
