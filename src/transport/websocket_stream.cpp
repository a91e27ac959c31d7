// RFC 7395 framing over Boost.Beast WebSockets.
#include "transport/websocket_stream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "transport/framing_namespaces.hpp"
#include "transport/nothrow.hpp"
#include "transport/parse_failure.hpp"
#include "xml/parse_element.hpp"
#include "xml/serializer.hpp"

namespace tern::transport {
namespace {

namespace websocket = beast::websocket;
constexpr std::string_view client_xmlns = "jabber:client";
constexpr std::size_t max_queued_messages = 32;

}  // namespace

Inbound parse_websocket_message(std::string_view text, const xml::ParserLimits& limits) {
  // RFC 7395 §3.3.3: stanzas carry their namespace; an element without one is read as
  // jabber:client, as most servers do.
  auto element = xml::parse_element(text, client_xmlns, limits);
  if (element.is("open", framing_xmlns)) {
    xml::Attributes attributes;
    for (const auto& attribute : element.attributes()) {
      if (attribute.name != "xmlns") attributes.push_back(attribute);
    }
    return StreamOpened{"stream", std::string(streams_xmlns), "stream", std::string(client_xmlns),
                        std::move(attributes)};
  }
  if (element.is("close", framing_xmlns)) return StreamClosed{};
  return element;
}

template <typename NextLayer>
WebSocketStream<NextLayer>::WebSocketStream(websocket::stream<NextLayer> socket, StreamTraits traits,
                                            WebSocketOptions options)
    : socket_(std::move(socket)),
      traits_(std::move(traits)),
      options_(options),
      last_activity_(std::chrono::steady_clock::now()),
      wakeup_(socket_.get_executor()),
      room_(socket_.get_executor()),
      drained_(socket_.get_executor()) {
  traits_.can_starttls = false;
  socket_.text(true);
  // The parser enforces limits.max_stanza_bytes with a <policy-violation/>; Beast's own limit,
  // which closes without a word (1009), is only the backstop.
  socket_.read_message_max(2 * options_.parser.max_element_bytes + 4096);
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = options_.close_timeout;
  timeout.idle_timeout = options_.keepalive;
  timeout.keep_alive_pings = true;
  socket_.set_option(timeout);
  // Pings and pongs show that the peer is there, like whitespace on TCP.
  socket_.control_callback([this](websocket::frame_type, beast::string_view) {
    last_activity_ = std::chrono::steady_clock::now();
  });
}

template <typename NextLayer>
asio::any_io_executor WebSocketStream<NextLayer>::executor() const {
  return const_cast<WebSocketStream*>(this)->socket_.get_executor();
}

template <typename NextLayer>
void WebSocketStream<NextLayer>::start() {
  asio::co_spawn(socket_.get_executor(), read_loop(this->shared_from_this()), asio::detached);
}

template <typename NextLayer>
void WebSocketStream<NextLayer>::fail(Failure failure, const std::string& what) {
  if (!failure_) failure_.emplace(failure, what);
  wakeup_.cancel();
}

// The unnamed parameter keeps the stream alive while the loop runs.
template <typename NextLayer>
asio::awaitable<void> WebSocketStream<NextLayer>::read_loop(std::shared_ptr<WebSocketStream>) {
  while (!failure_) {
    while (inbound_.size() >= max_queued_messages && !failure_) {
      room_.expires_at(asio::steady_timer::time_point::max());
      co_await room_.async_wait(nothrow);
    }
    buffer_.clear();
    auto [ec, bytes] = co_await socket_.async_read(buffer_, nothrow);
    if (ec) {
      if (ec == websocket::error::message_too_big) {
        fail(Failure::too_large, "a message exceeds limits.max_stanza_bytes");
      } else if (ec == websocket::error::closed) {
        fail(Failure::io_error, "closed by the client");
      } else if (ec == beast::error::timeout) {
        fail(Failure::io_error, "the WebSocket peer stopped answering pings");
      } else {
        fail(Failure::io_error, ec.message());
      }
      break;
    }
    last_activity_ = std::chrono::steady_clock::now();
    if (!socket_.got_text()) {
      fail(Failure::not_well_formed, "binary WebSocket messages carry no XMPP (RFC 7395 §3.2)");
      break;
    }
    try {
      inbound_.push_back(parse_websocket_message(beast::buffers_to_string(buffer_.data()),
                                                 options_.parser));
    } catch (const xml::ParseFailure& failure) {
      fail(failure_for(failure.error()), failure.what());
      break;
    } catch (const std::invalid_argument&) {
      fail(Failure::not_well_formed, "a WebSocket message must hold exactly one element");
      break;
    }
    wakeup_.cancel();
  }
}

template <typename NextLayer>
asio::awaitable<Inbound> WebSocketStream<NextLayer>::receive(std::chrono::milliseconds idle_timeout) {
  while (true) {
    if (!inbound_.empty()) {
      auto next = std::move(inbound_.front());
      inbound_.pop_front();
      room_.cancel();
      co_return next;
    }
    if (interrupted_) {
      interrupted_ = false;
      throw StreamFailure(Failure::interrupted, "interrupted");
    }
    if (failure_) throw *failure_;
    auto deadline = last_activity_ + idle_timeout;
    if (std::chrono::steady_clock::now() >= deadline) {
      throw StreamFailure(Failure::timeout, "nothing received for " +
                                                std::to_string(idle_timeout.count() / 1000) + " s");
    }
    wakeup_.expires_at(deadline);
    co_await wakeup_.async_wait(nothrow);
  }
}

template <typename NextLayer>
void WebSocketStream<NextLayer>::forgive_timeout() {
  last_activity_ = std::chrono::steady_clock::now();  // the silence is counted again from here
}

template <typename NextLayer>
void WebSocketStream<NextLayer>::interrupt() {
  interrupted_ = true;
  wakeup_.cancel();
}

template <typename NextLayer>
void WebSocketStream<NextLayer>::queue(std::string message) {
  if (output_failed_ || closing_) return;
  backlog_bytes_ += message.size();
  if (backlog_bytes_ > options_.max_backlog_bytes) {
    output_failed_ = true;
    fail(Failure::backlog_full, "the client does not read what it is sent");
    return;
  }
  outgoing_.push_back(std::move(message));
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(socket_.get_executor(), write_loop(this->shared_from_this()), asio::detached);
  }
}

template <typename NextLayer>
asio::awaitable<void> WebSocketStream<NextLayer>::write_loop(std::shared_ptr<WebSocketStream>) {
  while (!outgoing_.empty() && !output_failed_) {
    auto message = std::move(outgoing_.front());
    outgoing_.pop_front();
    auto [ec, written] = co_await socket_.async_write(asio::buffer(message), nothrow);
    backlog_bytes_ -= message.size();
    if (ec) {
      output_failed_ = true;
      fail(Failure::io_error, ec.message());
    }
  }
  outgoing_.clear();
  writing_ = false;
  drained_.cancel();
}

// RFC 7395 §3.4: the header becomes <open/>, in the framing namespace, with the same attributes.
template <typename NextLayer>
void WebSocketStream<NextLayer>::send_header(const xml::Attributes& attributes) {
  xml::Element open("open", std::string(framing_xmlns));
  for (const auto& attribute : attributes) {
    if (attribute.name != "xmlns" && attribute.name != "xmlns:stream") {
      open.set_attribute(attribute.name, attribute.value);
    }
  }
  queue(xml::serialize(open));
}

// RFC 7395 §3.3.3: each message declares its namespaces; stream-level elements keep the
// customary "stream" prefix, which some clients look for.
template <typename NextLayer>
void WebSocketStream<NextLayer>::send(const xml::Element& element) {
  if (element.xmlns() == streams_xmlns) {
    xml::Element prefixed = element;
    prefixed.set_attribute("xmlns:stream", std::string(streams_xmlns));
    queue(xml::serialize(prefixed, {"", {{"stream", streams_xmlns}}}));
    return;
  }
  queue(xml::serialize(element));
}

// RFC 7395 §3.6: <close/>, then the WebSocket closing handshake, each within a bounded time.
template <typename NextLayer>
asio::awaitable<void> WebSocketStream<NextLayer>::close() {
  if (closing_) co_return;
  queue(xml::serialize(xml::Element("close", std::string(framing_xmlns))));
  closing_ = true;
  if (writing_) {
    drained_.expires_after(options_.close_timeout);
    co_await drained_.async_wait(nothrow);
  }
  if (!output_failed_ && socket_.is_open()) {
    co_await socket_.async_close(websocket::close_code::normal, nothrow);
  }
  boost::system::error_code ignored;
  beast::get_lowest_layer(socket_).socket().close(ignored);
  room_.cancel();
}

template <typename NextLayer>
asio::awaitable<void> WebSocketStream<NextLayer>::start_tls() {
  throw StreamFailure(Failure::io_error, "STARTTLS is not part of RFC 7395");
  co_return;
}

template class WebSocketStream<beast::tcp_stream>;
template class WebSocketStream<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace tern::transport
