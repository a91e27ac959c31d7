// The HTTP front end (Boost.Beast), plain or over TLS: the RFC 7395 WebSocket endpoint at
// /xmpp-websocket and the BOSH endpoint at /http-bind, whose sessions are Streams for the same
// xmpp sessions as TCP, and the small documents around them (XEP-0156 host-meta, /health).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "transport/address_ranges.hpp"
#include "transport/bosh_endpoint.hpp"
#include "transport/connection_limits.hpp"
#include "transport/static_files.hpp"
#include "transport/stream.hpp"
#include "transport/websocket_stream.hpp"

namespace tern::transport {

struct HttpOptions {
  WebSocketOptions websocket;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::seconds request_timeout{30};  // to receive one request (and the TLS handshake)
  std::size_t max_connections = 10000;       // open at once on this listener; more get a 503
                                             // (429 when their address has its limit)
  std::string default_host = "localhost";    // for host-meta when the Host header is unusable
  // Connections from loopback addresses count as secure (a browser on this machine talking to
  // http://localhost): their bytes never leave the host. Not for requests a proxy forwarded.
  bool loopback_is_secure = true;
  // Reverse proxies whose X-Forwarded-For (the client's address) and X-Forwarded-Proto (https
  // makes the client's connection secure) are believed.
  AddressRanges trusted_proxies;
  // Origins whose pages may use BOSH (CORS); "*" for any.
  std::vector<std::string> cors_origins{"*"};
  // The web client served at / (empty: none).
  std::filesystem::path web_root;
};

class HttpListener {
public:
  using SessionRunner = std::function<asio::awaitable<void>(std::shared_ptr<Stream>)>;

  // `tls` null: plain HTTP. Binds now (throws std::system_error naming the endpoint).
  // Connections from one address count in `per_address` with those of the other listeners.
  HttpListener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, asio::ssl::context* tls,
               HttpOptions options, const AddressConnections& per_address, SessionRunner run_session,
               BoshEndpoint& bosh);
  void start();
  void stop();
  asio::ip::tcp::endpoint local_endpoint() const;

  struct Connection;

private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket, asio::ip::address peer);

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::ssl::context* tls_;
  HttpOptions options_;
  SessionRunner run_session_;
  BoshEndpoint& bosh_;
  StaticFiles files_;
  ConnectionLimits limits_;
};

}  // namespace tern::transport
