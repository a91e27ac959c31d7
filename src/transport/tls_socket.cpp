// TLS over a socket, OpenSSL doing the socket I/O (non-blocking) and Asio the waiting.
#include "transport/tls_socket.hpp"

#include <openssl/err.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace tern::transport {

namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
}

TlsSocket::TlsSocket(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
}

TlsSocket::~TlsSocket() {
  if (ssl_) SSL_free(ssl_);
}

boost::system::error_code TlsSocket::ssl_error(int result) {
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_ZERO_RETURN:
      return asio::error::eof;
    case SSL_ERROR_SYSCALL:
      // OpenSSL 3 reports a peer that went away without close_notify here (or as SSL_ERROR_SSL).
      return errno ? boost::system::error_code(errno, boost::system::system_category())
                   : boost::system::error_code(asio::error::eof);
    default:
      return {static_cast<int>(ERR_get_error()), asio::error::get_ssl_category()};
  }
}

asio::awaitable<boost::system::error_code> TlsSocket::handshake(SSL_CTX* context) {
  ssl_ = SSL_new(context);
  if (!ssl_ || SSL_set_fd(ssl_, socket_.native_handle()) != 1) {
    co_return boost::system::error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category());
  }
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  // Whole socket reads rather than a header and a body read per record; the read buffer is
  // still released once it is empty.
  SSL_set_read_ahead(ssl_, 1);
  while (true) {
    ERR_clear_error();
    errno = 0;
    int result = SSL_accept(ssl_);
    if (result == 1) co_return boost::system::error_code();
    int reason = SSL_get_error(ssl_, result);
    if (reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE) co_return ssl_error(result);
    auto type = reason == SSL_ERROR_WANT_READ ? asio::socket_base::wait_read : asio::socket_base::wait_write;
    auto [error] = co_await wait(type);
    if (error) co_return error;
  }
}

TlsSocket::ReadResult TlsSocket::read_now(std::span<char> buffer, bool readable) {
  ReadResult result;
  if (!ssl_) {
    result.bytes = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), result.error);
    if (result.error == asio::error::would_block || result.error == asio::error::try_again) result.error.clear();
    return result;
  }
  // SSL_read on an empty socket would allocate the record buffer and keep it while the
  // connection idles: unless a wait said the socket is readable (bytes, or the peer's end of
  // the connection), ask the socket first.
  if (!SSL_has_pending(ssl_) && !readable) {
    boost::system::error_code ignored;
    if (socket_.available(ignored) == 0 && !ignored) return result;
  }
  ERR_clear_error();
  errno = 0;
  int read = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
  if (read > 0) {
    result.bytes = static_cast<std::size_t>(read);
    return result;
  }
  switch (SSL_get_error(ssl_, read)) {
    case SSL_ERROR_WANT_READ:
      break;
    case SSL_ERROR_WANT_WRITE:
      result.wait_for = asio::socket_base::wait_write;
      break;
    default:
      result.error = ssl_error(read);
  }
  return result;
}

asio::awaitable<std::tuple<boost::system::error_code>> TlsSocket::wait(asio::socket_base::wait_type type,
                                                                       asio::cancellation_slot slot) {
  if (slot.is_connected()) return socket_.async_wait(type, asio::bind_cancellation_slot(slot, nothrow));
  return socket_.async_wait(type, nothrow);
}

asio::awaitable<boost::system::error_code> TlsSocket::write_all(std::string_view bytes) {
  if (!ssl_) {
    auto [error, written] = co_await asio::async_write(socket_, asio::buffer(bytes), nothrow);
    co_return error;
  }
  while (!bytes.empty()) {
    ERR_clear_error();
    errno = 0;
    int written = SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 30)));
    if (written > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(written));
      continue;
    }
    int reason = SSL_get_error(ssl_, written);
    if (reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE) co_return ssl_error(written);
    auto type = reason == SSL_ERROR_WANT_READ ? asio::socket_base::wait_read : asio::socket_base::wait_write;
    auto [error] = co_await wait(type);
    if (error) co_return error;
  }
  co_return boost::system::error_code();
}

void TlsSocket::shut_down() {
  if (ssl_) {
    ERR_clear_error();
    // One attempt: close_notify goes out if the socket takes it; the peer's is not awaited.
    SSL_shutdown(ssl_);
  }
  close();
}

void TlsSocket::close() {
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace tern::transport
