// A TCP socket that may carry TLS (after STARTTLS, or from the start), with OpenSSL reading and
// writing the socket itself. asio::ssl::stream keeps 34 KiB of buffers of its own per connection
// and a 34 KiB BIO pair; here the only buffers are OpenSSL's record buffers, which
// SSL_MODE_RELEASE_BUFFERS frees while the connection is idle, and the caller's (which can be
// one per thread, since reads complete synchronously once the socket is readable).
#pragma once
#include <openssl/ssl.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <span>
#include <string_view>

namespace tern::transport {

namespace asio = boost::asio;

class TlsSocket {
public:
  explicit TlsSocket(asio::ip::tcp::socket socket);
  ~TlsSocket();
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  // Server side; from now on reads and writes are encrypted.
  asio::awaitable<boost::system::error_code> handshake(SSL_CTX* context);

  // What a non-blocking read gave: bytes, or an error (asio::error::eof at the end), or neither,
  // and then the socket must become ready for `wait_for` before the next try.
  struct ReadResult {
    std::size_t bytes = 0;
    boost::system::error_code error;
    asio::socket_base::wait_type wait_for = asio::socket_base::wait_read;
  };
  // `readable`: a wait said so, and SSL_read may be called without asking the socket first.
  ReadResult read_now(std::span<char> buffer, bool readable);
  // A plain Asio wait, with no coroutine frame of its own to keep while a connection idles.
  // Without a slot of its own the wait is cancelled with the awaiting coroutine.
  asio::awaitable<std::tuple<boost::system::error_code>> wait(asio::socket_base::wait_type type,
                                                              asio::cancellation_slot slot = {});

  asio::awaitable<boost::system::error_code> write_all(std::string_view bytes);

  // TLS close_notify (not waiting for the peer's), then closes the socket.
  void shut_down();
  void close();

  asio::ip::tcp::socket& socket() { return socket_; }

private:
  boost::system::error_code ssl_error(int result);
  asio::ip::tcp::socket socket_;
  SSL* ssl_ = nullptr;
};

}  // namespace tern::transport
