// TLS over a socket, OpenSSL doing the socket I/O (non-blocking) and Asio the waiting.
#include "transport/tls_socket.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <array>
#include <new>

#include "transport/nothrow.hpp"
#include "transport/thread_buffer.hpp"

namespace tern::transport {

namespace {
bool would_block(const boost::system::error_code& error) {
  return error == asio::error::would_block || error == asio::error::try_again;
}

// Received bytes waiting for their record's end, then the next read: two records' worth.
std::span<unsigned char> record_input_buffer() {
  static thread_local std::array<unsigned char, 2 * (Tls13Records::max_inner_plaintext + 32)> buffer;
  return buffer;
}

int secrets_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

// What a TLS 1.3 handshake leaves for Tls13Records: OpenSSL has no call that hands out the
// traffic secrets, but gives them to a key log callback (in the NSS key log format) as it derives
// them, and calls the ticket callback for each session ticket it seals (each one record).
struct TlsSocket::HandshakeSecrets {
  std::array<unsigned char, 48> client{};
  std::array<unsigned char, 48> server{};
  std::size_t client_length = 0;
  std::size_t server_length = 0;
  std::uint64_t tickets = 0;

  ~HandshakeSecrets() {
    OPENSSL_cleanse(client.data(), client.size());
    OPENSSL_cleanse(server.data(), server.size());
  }

  static std::size_t from_hex(std::string_view hex, std::array<unsigned char, 48>& out) {
    if (hex.size() % 2 != 0 || hex.size() / 2 > out.size()) return 0;
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    for (std::size_t i = 0; i < hex.size() / 2; ++i) {
      int high = digit(hex[2 * i]);
      int low = digit(hex[2 * i + 1]);
      if (high < 0 || low < 0) return 0;
      out[i] = static_cast<unsigned char>(high * 16 + low);
    }
    return hex.size() / 2;
  }

  // "LABEL <client random> <secret>", both in hex.
  static void on_key_log(const SSL* ssl, const char* line) {
    auto* secrets = static_cast<HandshakeSecrets*>(SSL_get_ex_data(ssl, secrets_index()));
    if (!secrets) return;
    std::string_view text(line);
    auto label = text.substr(0, text.find(' '));
    auto secret = text.substr(text.rfind(' ') + 1);
    if (label == "CLIENT_TRAFFIC_SECRET_0") secrets->client_length = from_hex(secret, secrets->client);
    if (label == "SERVER_TRAFFIC_SECRET_0") secrets->server_length = from_hex(secret, secrets->server);
  }

  static int on_ticket(SSL* ssl, void*) {
    if (auto* secrets = static_cast<HandshakeSecrets*>(SSL_get_ex_data(ssl, secrets_index()))) ++secrets->tickets;
    return 1;
  }
};

void TlsSocket::prepare_for_record_takeover(SSL_CTX* context) {
  secrets_index();
  SSL_CTX_set_keylog_callback(context, &HandshakeSecrets::on_key_log);
  SSL_CTX_set_session_ticket_cb(context, &HandshakeSecrets::on_ticket, nullptr, nullptr);
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

BIO_METHOD* TlsSocket::input_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tern socket input");
    if (!made) return made;
    BIO_meth_set_read_ex(made, [](BIO* bio, char* out, std::size_t size, std::size_t* read) {
      return static_cast<TlsSocket*>(BIO_get_data(bio))->read_for_openssl(bio, out, size, read);
    });
    BIO_meth_set_ctrl(made, [](BIO*, int command, long, void*) -> long { return command == BIO_CTRL_FLUSH ? 1 : 0; });
    return made;
  }();
  return method;
}

BIO_METHOD* TlsSocket::output_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tern handshake output");
    if (!made) return made;
    BIO_meth_set_write_ex(made, [](BIO* bio, const char* in, std::size_t size, std::size_t* written) {
      static_cast<TlsSocket*>(BIO_get_data(bio))->unsent_.append(in, size);
      *written = size;
      return 1;
    });
    BIO_meth_set_ctrl(made, [](BIO*, int command, long, void*) -> long { return command == BIO_CTRL_FLUSH ? 1 : 0; });
    return made;
  }();
  return method;
}

asio::awaitable<boost::system::error_code> TlsSocket::send_handshake_output() {
  while (!unsent_.empty()) {
    boost::system::error_code error;
    std::size_t sent = socket_.write_some(asio::buffer(unsent_), error);
    if (would_block(error)) {
      auto [waited] = co_await wait(asio::socket_base::wait_write);
      if (waited) co_return waited;
      continue;
    }
    if (error) co_return error;
    unsent_.erase(0, sent);
  }
  std::string().swap(unsent_);
  co_return boost::system::error_code();
}

int TlsSocket::read_for_openssl(BIO* bio, char* out, std::size_t size, std::size_t* read) {
  BIO_clear_retry_flags(bio);
  *read = 0;
  if (unread_.empty() && !SSL_is_init_finished(ssl_)) {
    auto input = record_input_buffer();
    boost::system::error_code error;
    std::size_t received = receive(asio::buffer(input.data(), input.size()), error);
    if (would_block(error)) {
      BIO_set_retry_read(bio);
      return 0;
    }
    if (error) {
      errno = error == asio::error::eof ? 0 : error.value();
      return 0;
    }
    unread_.assign(reinterpret_cast<const char*>(input.data()), received);
  }
  if (!unread_.empty()) {
    *read = std::min(size, unread_.size());
    std::copy_n(unread_.data(), *read, out);
    if (*read == unread_.size()) std::string().swap(unread_);
    else unread_.erase(0, *read);
    return 1;
  }
  boost::system::error_code error;
  *read = receive(asio::buffer(out, size), error);
  if (would_block(error)) {
    BIO_set_retry_read(bio);
    return 0;
  }
  if (error) errno = error == asio::error::eof ? 0 : error.value();
  return error ? 0 : 1;
}

asio::awaitable<boost::system::error_code> TlsSocket::handshake(SSL_CTX* context) {
  ssl_ = SSL_new(context);
  BIO* input = ssl_ ? BIO_new(input_method()) : nullptr;
  BIO* output = ssl_ ? BIO_new(output_method()) : nullptr;
  for (BIO* bio : {input, output}) {
    if (!bio) continue;
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
  }
  if (!input || !output) {
    BIO_free(input);
    BIO_free(output);
    co_return boost::system::error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category());
  }
  SSL_set_bio(ssl_, input, output);
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  // No read-ahead during the handshake: OpenSSL then takes no byte past the client's Finished
  // from unread_, and a TLS 1.3 connection can leave it with nothing buffered.
  HandshakeSecrets secrets;
  SSL_set_ex_data(ssl_, secrets_index(), &secrets);
  struct Forget {
    SSL*& ssl;  // null once the records are taken over
    ~Forget() {
      if (ssl) SSL_set_ex_data(ssl, secrets_index(), nullptr);
    }
  } forget{ssl_};
  while (true) {
    ERR_clear_error();
    errno = 0;
    int result = SSL_accept(ssl_);
    if (result == 1) break;
    int reason = SSL_get_error(ssl_, result);
    if (reason != SSL_ERROR_WANT_READ) {
      auto failure = ssl_error(result);
      co_await send_handshake_output();  // the alert, if OpenSSL wrote one
      co_return failure;
    }
    auto sent = co_await send_handshake_output();
    if (sent) co_return sent;
    auto [error] = co_await wait(asio::socket_base::wait_read);
    if (error) co_return error;
  }
  take_over_records(secrets);
  // With records_, what OpenSSL wrote last stays in unsent_ (sealed with the keys records_ go on
  // with) and goes out with their first record.
  if (!records_) {
    auto sent = co_await send_handshake_output();
    if (sent) co_return sent;
    if (ssl_) SSL_set0_wbio(ssl_, BIO_new_socket(socket_.native_handle(), BIO_NOCLOSE));
  }
  // Whole socket reads rather than a header and a body read per record; the read buffer is
  // still released once it is empty.
  if (ssl_) SSL_set_read_ahead(ssl_, 1);
  co_return boost::system::error_code();
}

void TlsSocket::take_over_records(const HandshakeSecrets& secrets) {
  if (SSL_version(ssl_) != TLS1_3_VERSION || SSL_has_pending(ssl_) || secrets.client_length == 0 ||
      secrets.server_length == 0) {
    return;
  }
  auto suite = Tls13Records::suite(SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(ssl_)));
  if (!suite) return;
  try {
    records_ = std::make_unique<Tls13Records>(*suite, std::span(secrets.client).first(secrets.client_length),
                                              std::span(secrets.server).first(secrets.server_length),
                                              secrets.tickets);
  } catch (const std::bad_alloc&) {
    return;  // OpenSSL carries on
  }
  SSL_free(ssl_);
  ssl_ = nullptr;
}

TlsSocket::ReadResult TlsSocket::read_now(std::span<char> buffer, bool readable) {
  if (records_) return read_records(buffer);
  ReadResult result;
  if (!ssl_) {
    result.bytes = receive(asio::buffer(buffer.data(), buffer.size()), result.error);
    if (result.error == asio::error::would_block || result.error == asio::error::try_again) result.error.clear();
    return result;
  }
  // SSL_read on an empty socket would allocate the record buffer and keep it while the
  // connection idles: unless a wait said the socket is readable (bytes, or the peer's end of
  // the connection), ask the socket first.
  if (!SSL_has_pending(ssl_) && unread_.empty() && !readable) {
    boost::system::error_code ignored;
    if (socket_.available(ignored) == 0 && !ignored) {
      drained_ = true;
      return result;
    }
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

TlsSocket::ReadResult TlsSocket::read_records(std::span<char> buffer) {
  ReadResult result;
  if (peer_closed_) {
    result.error = asio::error::eof;
    return result;
  }
  auto unread = std::span(reinterpret_cast<const unsigned char*>(unread_.data()), unread_.size());
  auto input = record_input_buffer();
  std::size_t received = unread_.size();
  std::copy(unread.begin(), unread.end(), input.begin());
  if (!Tls13Records::holds_record(unread)) {
    // No FIONREAD first, as SSL_read needs: the input buffer is the thread's, so a read of an
    // empty socket costs one syscall either way, and one that finds bytes saves one.
    // No more than the caller's buffer holds: as SSL_read, a call returns at most that much.
    std::size_t room = std::min(input.size() - received, buffer.size());
    std::size_t read = receive(asio::buffer(input.data() + received, room), result.error);
    if (would_block(result.error)) result.error.clear();
    if (result.error || read == 0) return result;
    received += read;
  }
  auto opened = records_->open(input.first(received), buffer);
  result.bytes = opened.plaintext;
  if (opened.closed) {
    // What came before the close_notify is read first, as with SSL_read.
    peer_closed_ = true;
    if (result.bytes == 0) result.error = asio::error::eof;
  } else if (opened.error) {
    if (opened.alert) records_->seal_alert(*opened.alert, unsent_);
    send_unsent_now();  // best effort: the connection ends
    result.error = opened.error;
  }
  if (opened.consumed == received) {
    std::string().swap(unread_);
  } else {
    unread_.assign(reinterpret_cast<const char*>(input.data() + opened.consumed), received - opened.consumed);
  }
  return result;
}

bool TlsSocket::has_input_waiting() const {
  if (records_) {
    return peer_closed_ || Tls13Records::holds_record(std::span(reinterpret_cast<const unsigned char*>(unread_.data()),
                                                                unread_.size()));
  }
  return ssl_ && (SSL_has_pending(ssl_) || !unread_.empty());
}

boost::system::error_code TlsSocket::send_unsent_now() {
  boost::system::error_code error;
  if (unsent_.empty()) return error;
  std::size_t sent = socket_.write_some(asio::buffer(unsent_), error);
  if (would_block(error)) error.clear();
  unsent_.erase(0, sent);
  return error;
}

void TlsSocket::release_idle_state() {
  if (records_) records_->release_contexts();
}

std::size_t TlsSocket::receive(asio::mutable_buffer into, boost::system::error_code& error) {
  std::size_t received = socket_.read_some(into, error);
  drained_ = would_block(error) || (!error && received < into.size());
  return received;
}

asio::awaitable<std::tuple<boost::system::error_code>> TlsSocket::wait(asio::socket_base::wait_type type,
                                                                       asio::cancellation_slot slot) {
  if (slot.is_connected()) return async_wait(type, asio::bind_cancellation_slot(slot, nothrow));
  return async_wait(type, nothrow);
}

asio::detail::reactor& TlsSocket::reactor() {
  if (!reactor_) {
    reactor_ = &asio::use_service<asio::detail::reactor>(asio::query(socket_.get_executor(), asio::execution::context));
  }
  return *reactor_;
}

boost::system::error_code TlsSocket::seal(std::string_view bytes, std::string& out) {
  // Nothing follows close_notify (RFC 8446 §6.1): a later call only sends what waits.
  if (close_notify_sealed_) return {};
  if (!records_->seal(bytes, out)) return make_error_code(TlsAlert::internal_error);
  if (closing_) close_notify_sealed_ = records_->seal_alert(TlsAlert::close_notify, out);
  return {};
}

bool TlsSocket::write_now(std::string_view bytes, boost::system::error_code& error) {
  if (!records_) return false;
  if (!unsent_.empty()) {
    error = seal(bytes, unsent_);
    if (!error) error = send_unsent_now();
    if (unsent_.empty()) std::string().swap(unsent_);  // an idle connection keeps no buffer
    return true;
  }
  // Nothing waits to be sent: the records are sealed in the thread's buffer, and only what the
  // socket does not take now is kept.
  struct Sealed;
  ThreadBuffer<Sealed> buffer;
  std::string& sealed = buffer.get();
  error = seal(bytes, sealed);
  if (error || sealed.empty()) return true;
  std::size_t sent = socket_.write_some(asio::buffer(sealed), error);
  if (would_block(error)) error.clear();
  if (!error && sent < sealed.size()) unsent_.assign(sealed, sent);
  return true;
}

asio::awaitable<boost::system::error_code> TlsSocket::write_all(std::string_view bytes) {
  if (records_) {
    if (auto error = seal(bytes, unsent_)) co_return error;
    // A read may append a KeyUpdate while this waits: it goes out after what is here already.
    while (!unsent_.empty()) {
      if (auto error = send_unsent_now()) co_return error;
      if (unsent_.empty()) break;
      auto [error] = co_await wait(asio::socket_base::wait_write);
      if (error) co_return error;
    }
    std::string().swap(unsent_);  // an idle connection keeps no buffer
    co_return boost::system::error_code();
  }
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
  if (records_) {
    // As SSL_shutdown below: one attempt, after whatever is still unsent.
    if (!close_notify_sealed_) close_notify_sealed_ = records_->seal_alert(TlsAlert::close_notify, unsent_);
    send_unsent_now();
  } else if (ssl_) {
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
