// The listening side every front end shares: bind, then accept connections, each served on its
// home executor.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>

namespace tern::transport {

namespace asio = boost::asio;

// Bound and listening (throws std::system_error naming the endpoint when it cannot be).
asio::ip::tcp::acceptor bound_acceptor(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint);

// The accepted connection and the peer's endpoint, as accept() gave them.
using ConnectionHandler = std::function<asio::awaitable<void>(asio::ip::tcp::socket, const asio::ip::tcp::endpoint&)>;

// Accepts until the acceptor is closed; `serve` runs on the connection's executor, and what it
// throws is logged without affecting other connections.
void accept_connections(asio::io_context& io, asio::ip::tcp::acceptor& acceptor, ConnectionHandler serve);

// Ends accept_connections from any thread; the acceptor must outlive the io_context's run.
void close_on_its_strand(asio::ip::tcp::acceptor& acceptor);

}  // namespace tern::transport
