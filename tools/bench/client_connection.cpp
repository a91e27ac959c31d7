#include "client_connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace tern::bench {

using asio::use_awaitable;

namespace {
xml::ParserLimits generous_limits() {
  xml::ParserLimits limits;
  limits.max_element_bytes = 16 * 1024 * 1024;  // a big roster is one element
  limits.max_depth = 64;
  limits.max_attributes = 256;
  return limits;
}
}  // namespace

ClientConnection::ClientConnection(asio::io_context& io, asio::ssl::context& tls)
    : socket_(io, tls), parser_(generous_limits()), deadline_(io) {}

asio::awaitable<void> ClientConnection::connect(const asio::ip::tcp::endpoint& endpoint) {
  co_await socket_.next_layer().async_connect(endpoint, use_awaitable);
  socket_.next_layer().set_option(asio::ip::tcp::no_delay(true));
}

asio::awaitable<void> ClientConnection::handshake() {
  co_await socket_.async_handshake(asio::ssl::stream_base::client, use_awaitable);
  tls_ = true;
}

asio::awaitable<void> ClientConnection::write(std::string_view bytes) {
  if (tls_) {
    co_await asio::async_write(socket_, asio::buffer(bytes), use_awaitable);
  } else {
    co_await asio::async_write(socket_.next_layer(), asio::buffer(bytes), use_awaitable);
  }
}

void ClientConnection::send(std::string_view bytes) {
  outgoing_.append(bytes);
  if (writing_) return;
  writing_ = true;
  asio::co_spawn(socket_.get_executor(), write_loop(shared_from_this()), asio::detached);
}

asio::awaitable<void> ClientConnection::write_loop([[maybe_unused]] std::shared_ptr<ClientConnection> self) {
  try {
    while (!outgoing_.empty()) {
      writing_buffer_.clear();
      std::swap(writing_buffer_, outgoing_);
      co_await write(writing_buffer_);
    }
  } catch (const std::exception&) {
    outgoing_.clear();  // the reader sees the broken connection and reports it
  }
  writing_ = false;
}

asio::awaitable<xml::ParseEvent> ClientConnection::next_event() {
  while (next_event_ == events_.size()) {
    events_.clear();
    next_event_ = 0;
    boost::system::error_code error;
    std::size_t got = 0;
    auto into = asio::buffer(buffer_);
    if (tls_) {
      got = co_await socket_.async_read_some(into, asio::redirect_error(use_awaitable, error));
    } else {
      got = co_await socket_.next_layer().async_read_some(into, asio::redirect_error(use_awaitable, error));
    }
    if (error) throw SessionFailure("connection ended: " + error.message());
    try {
      parser_.feed(std::string_view(buffer_.data(), got), events_);
    } catch (const xml::ParseFailure& failure) {
      throw SessionFailure(std::string("the server sent bad XML: ") + failure.what());
    }
  }
  co_return std::move(events_[next_event_++]);
}

asio::awaitable<xml::Element> ClientConnection::next_element() {
  auto event = co_await next_event();
  if (auto* element = std::get_if<xml::Element>(&event)) {
    if (element->is("error", "http://etherx.jabber.org/streams")) {
      auto children = element->child_elements();
      std::string condition = children.empty() ? "?" : children.front()->name();
      throw SessionFailure("stream error: " + condition);
    }
    co_return std::move(*element);
  }
  if (std::holds_alternative<xml::RootClosed>(event)) throw SessionFailure("the server closed the stream");
  throw SessionFailure("unexpected stream header");
}

void ClientConnection::restart() {
  parser_.reset();
  events_.clear();
  next_event_ = 0;
}

void ClientConnection::arm_deadline(std::chrono::milliseconds timeout) {
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = shared_from_this()](boost::system::error_code error) {
    if (!error) self->close_now();
  });
}

void ClientConnection::disarm_deadline() { deadline_.cancel(); }

asio::awaitable<void> ClientConnection::close_stream(std::chrono::milliseconds timeout) {
  if (!is_open()) co_return;
  arm_deadline(timeout);
  try {
    send("</stream:stream>");
    while (true) {
      auto event = co_await next_event();
      if (std::holds_alternative<xml::RootClosed>(event)) break;
    }
  } catch (const SessionFailure&) {
    // The server may close the TCP connection without its end tag; either ends the stream.
  }
  disarm_deadline();
  close_now();
}

void ClientConnection::close_now() {
  boost::system::error_code ignored;
  socket_.next_layer().close(ignored);
}

}  // namespace tern::bench
