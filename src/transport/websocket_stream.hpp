// The Stream over a WebSocket connection (RFC 7395): each text message is one element; <open/>
// and <close/> in urn:ietf:params:xml:ns:xmpp-framing stand for the stream header and its end.
// The same xmpp session runs over it as over TCP; only the framing differs.
#pragma once
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "transport/stream.hpp"
#include "xml/parser.hpp"

namespace tern::transport {

namespace beast = boost::beast;

struct WebSocketOptions {
  xml::ParserLimits parser;                     // max_element_bytes bounds one message
  std::size_t max_backlog_bytes = 1024 * 1024;  // unsent output before the peer is dropped
  std::chrono::seconds keepalive{60};  // a ping after half of it without traffic, a dead peer after it
  std::chrono::seconds close_timeout{5};
};

// RFC 7395 §3.3: the element of one WebSocket message as the xmpp layer sees it: <open/> is the
// stream header, <close/> its end, anything else an element of the stream.
Inbound parse_websocket_message(std::string_view text, const xml::ParserLimits& limits);

// NextLayer: beast::tcp_stream (ws://) or beast::ssl_stream<beast::tcp_stream> (wss://).
template <typename NextLayer>
class WebSocketStream final : public Stream,
                              public std::enable_shared_from_this<WebSocketStream<NextLayer>> {
public:
  // `socket` has accepted the upgrade; its executor is the connection's strand.
  WebSocketStream(beast::websocket::stream<NextLayer> socket, StreamTraits traits,
                  WebSocketOptions options);
  // Starts reading; call once, on the strand, before the session runs.
  void start();

  asio::awaitable<Inbound> receive(std::chrono::milliseconds idle_timeout) override;
  void forgive_timeout() override;
  void interrupt() override;
  void send_header(const xml::Attributes& attributes) override;
  void send(const xml::Element& element) override;
  asio::awaitable<void> close() override;
  asio::awaitable<void> start_tls() override;
  void restart() override {}  // every message is a document of its own
  const StreamTraits& traits() const override { return traits_; }
  asio::any_io_executor executor() const override;

private:
  asio::awaitable<void> read_loop(std::shared_ptr<WebSocketStream> self);
  asio::awaitable<void> write_loop(std::shared_ptr<WebSocketStream> self);
  void queue(std::string message);
  void fail(Failure failure, const std::string& what);

  beast::websocket::stream<NextLayer> socket_;
  StreamTraits traits_;
  WebSocketOptions options_;
  beast::flat_buffer buffer_;
  std::deque<Inbound> inbound_;           // read, not yet taken by receive()
  std::optional<StreamFailure> failure_;  // reported once the messages before it are taken
  bool interrupted_ = false;
  bool closing_ = false;
  std::chrono::steady_clock::time_point last_activity_;
  asio::steady_timer wakeup_;  // receive() waits on it; the reader and interrupt() cancel it
  asio::steady_timer room_;    // the reader waits on it while inbound_ is full
  std::deque<std::string> outgoing_;
  std::size_t backlog_bytes_ = 0;
  bool writing_ = false;
  bool output_failed_ = false;
  asio::steady_timer drained_;  // cancelled when the writer goes idle
};

}  // namespace tern::transport
