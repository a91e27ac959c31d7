// A TCP socket that may carry TLS (after STARTTLS, or from the start), with OpenSSL reading and
// writing the socket itself. asio::ssl::stream keeps 34 KiB of buffers of its own per connection
// and a 34 KiB BIO pair; here the only buffers are OpenSSL's record buffers, which
// SSL_MODE_RELEASE_BUFFERS frees while the connection is idle, and the caller's (which can be
// one per thread, since reads complete synchronously once the socket is readable).
// Once a TLS 1.3 handshake is over, OpenSSL's connection object (about 12 KiB) is freed and
// Tls13Records protects the records: an idle connection then keeps a few hundred bytes of TLS.
#pragma once
#include <openssl/ssl.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "transport/arrival_wait.hpp"
#include "transport/tls13_records.hpp"

namespace tern::transport {

namespace asio = boost::asio;

class TlsSocket {
public:
  explicit TlsSocket(asio::ip::tcp::socket socket);
  ~TlsSocket();
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  // Server side; from now on reads and writes are encrypted. The context must have been given
  // to prepare_for_record_takeover() for TLS 1.3 connections to leave OpenSSL afterwards.
  asio::awaitable<boost::system::error_code> handshake(SSL_CTX* context);
  static void prepare_for_record_takeover(SSL_CTX* context);

  // What a non-blocking read gave: bytes, or an error (asio::error::eof at the end), or neither,
  // and then the socket must become ready for `wait_for` before the next try.
  struct ReadResult {
    std::size_t bytes = 0;
    boost::system::error_code error;
    asio::socket_base::wait_type wait_for = asio::socket_base::wait_read;
  };
  // `readable`: a wait said so, and SSL_read may be called without asking the socket first
  // (Tern's own records need not know).
  // The buffer holds at least Tls13Records::max_inner_plaintext bytes.
  ReadResult read_now(std::span<char> buffer, bool readable);
  // Input received and not yet returned (a whole record, OpenSSL's buffer, the peer's
  // close_notify): the next read needs no wait for it.
  bool has_input_waiting() const;
  // A plain Asio wait, with no coroutine frame of its own to keep while a connection idles.
  // Without a slot of its own the wait is cancelled with the awaiting coroutine.
  asio::awaitable<std::tuple<boost::system::error_code>> wait(asio::socket_base::wait_type type,
                                                              asio::cancellation_slot slot = {});
  // The same with any completion token. A wait for reading after a read that emptied the socket
  // costs no system call (transport/arrival_wait.hpp); any other re-arms the socket in epoll.
  template <typename Token>
  auto async_wait(asio::socket_base::wait_type type, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code)>(
        [this, type](auto handler) {
          if (type == asio::socket_base::wait_read && std::exchange(drained_, false)) {
            async_wait_for_arrival(socket_, reactor(), std::move(handler));
          } else {
            drained_ = false;
            socket_.async_wait(type, std::move(handler));
          }
        },
        token);
  }

  // Also sends what a read left to send (a TLS 1.3 KeyUpdate), even with no bytes of its own.
  asio::awaitable<boost::system::error_code> write_all(std::string_view bytes);
  // Without waiting, where Tern protects the records itself: seals `bytes`, and the socket takes
  // what it can now; the rest waits for write_all(), as has_unsent() says. False: the records are
  // OpenSSL's (or there is no TLS), and write_all() must take the bytes.
  bool write_now(std::string_view bytes, boost::system::error_code& error);
  // A read or write_now() left something to send: write_all() must run.
  bool has_unsent() const { return !unsent_.empty() || (records_ && records_->owes_key_update()); }
  // Whether OpenSSL's connection object was let go after a TLS 1.3 handshake.
  bool protects_records_itself() const { return records_ != nullptr; }

  // The connection goes quiet: what the next record can rebuild is freed.
  void release_idle_state();

  // The next write_all() ends with close_notify: the stream's last bytes and the end of TLS go
  // in one record write (Tern's own records; OpenSSL's close_notify waits for shut_down()).
  void close_notify_with_next_write() { closing_ = true; }
  // TLS close_notify, unless a write sent it already (not waiting for the peer's), then closes
  // the socket.
  void shut_down();
  void close();

  asio::ip::tcp::socket& socket() { return socket_; }

private:
  struct HandshakeSecrets;
  boost::system::error_code ssl_error(int result);
  // A read of the socket, noting whether it left the socket's queue empty.
  std::size_t receive(asio::mutable_buffer into, boost::system::error_code& error);
  asio::detail::reactor& reactor();
  // OpenSSL's input, through a BIO of ours: what unread_ holds, else the socket. While the
  // handshake runs each socket read takes all that has arrived, where OpenSSL asks for a record's
  // header and then its body (four reads for a client's last flight, one here); what follows the
  // client's Finished stays in unread_ for Tern's own records.
  static BIO_METHOD* input_method();
  int read_for_openssl(BIO* bio, char* out, std::size_t size, std::size_t* read);
  // OpenSSL's output during the handshake, gathered in unsent_ and sent when OpenSSL waits for
  // the client: after a TLS 1.3 handshake the session ticket, the last thing OpenSSL
  // writes, goes out with the first record of Tern's instead of in a send of its own.
  static BIO_METHOD* output_method();
  asio::awaitable<boost::system::error_code> send_handshake_output();
  void take_over_records(const HandshakeSecrets& secrets);
  ReadResult read_records(std::span<char> buffer);
  // Appends the records of `bytes` to `out` (and close_notify, when closing_).
  boost::system::error_code seal(std::string_view bytes, std::string& out);
  // Without waiting: what the socket takes now of unsent_.
  boost::system::error_code send_unsent_now();

  asio::ip::tcp::socket socket_;
  SSL* ssl_ = nullptr;                    // OpenSSL's connection: the handshake, then TLS 1.2
  std::unique_ptr<Tls13Records> records_;  // after a TLS 1.3 handshake, instead
  std::string unread_;  // received and not yet taken: by OpenSSL, or by records_ (after the last whole record)
  // Sealed records the socket has not taken yet: OpenSSL's during the handshake, then records_'s.
  std::string unsent_;
  asio::detail::reactor* reactor_ = nullptr;  // the socket's, once a wait needed it
  // The last read found the socket's queue empty, and no wait has started since.
  bool drained_ = false;
  bool peer_closed_ = false;  // its close_notify came after data not yet returned
  bool closing_ = false;             // see close_notify_with_next_write()
  bool close_notify_sealed_ = false;  // records_ only
};

}  // namespace tern::transport
