// One client connection to an XMPP server: TCP, optionally TLS (direct or after STARTTLS), the
// server's stream parsed into events. Single-threaded: everything runs on the io_context's one
// thread, so there are no strands.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <vector>
#include <memory>
#include <stdexcept>
#include <string>

#include "xml/parser.hpp"

namespace tern::bench {

namespace asio = boost::asio;

// Anything that ends a session early: a refused step, a stream error, a lost connection.
class SessionFailure : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class ClientConnection : public std::enable_shared_from_this<ClientConnection> {
public:
  ClientConnection(asio::io_context& io, asio::ssl::context& tls);

  asio::awaitable<void> connect(const asio::ip::tcp::endpoint& endpoint);
  asio::awaitable<void> handshake();  // TLS, client side; later reads and writes are encrypted

  // Writes now and waits (negotiation: nothing else is being written). The bytes must outlive
  // the wait.
  asio::awaitable<void> write(std::string_view bytes);
  // Queues for the background writer (once online: several coroutines may send).
  void send(std::string_view bytes);

  // The next thing the server sent; throws SessionFailure at the end of the connection.
  asio::awaitable<xml::ParseEvent> next_event();
  // The next top-level element; a stream end or a new stream header is a SessionFailure.
  asio::awaitable<xml::Element> next_element();
  // A new stream after STARTTLS or SASL success.
  void restart();

  // Closes the socket after `timeout` unless disarm() comes first (bounds a login).
  void arm_deadline(std::chrono::milliseconds timeout);
  void disarm_deadline();

  // Sends </stream:stream>, waits (bounded) for the server's end of stream, closes.
  asio::awaitable<void> close_stream(std::chrono::milliseconds timeout);
  void close_now();
  bool is_open() const { return socket_.next_layer().is_open(); }

private:
  asio::awaitable<void> write_loop(std::shared_ptr<ClientConnection> self);

  asio::ssl::stream<asio::ip::tcp::socket> socket_;
  bool tls_ = false;
  xml::Parser parser_;
  std::vector<xml::ParseEvent> events_;  // parsed; the next to take is events_[next_event_]
  std::size_t next_event_ = 0;
  std::array<char, 16384> buffer_;
  std::string outgoing_;
  std::string writing_buffer_;
  bool writing_ = false;
  asio::steady_timer deadline_;
};

}  // namespace tern::bench
