// After a TLS 1.3 handshake TlsSocket protects the records itself (Tls13Records); an OpenSSL
// client on the other end checks every record it sends us and every record we send.
#include "transport/tls_socket.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <optional>
#include <thread>

#include "transport/tls_context.hpp"

namespace tern::transport {
namespace {

class TlsSocketTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    directory = std::filesystem::temp_directory_path() / ("tern-tls-socket-test-" + std::to_string(::getpid()));
    generate_self_signed_certificate({"localhost"}, directory / "c.pem", directory / "k.pem");
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(directory); }

  TlsSocketTest()
      : server_tls(make_server_tls_context(directory / "c.pem", directory / "k.pem")),
        client_tls(SSL_CTX_new(TLS_client_method())) {}
  ~TlsSocketTest() override {
    if (client) SSL_free(client);
    SSL_CTX_free(client_tls);
  }

  // A TCP connection, the client's SSL not started.
  void open() {
    if (client) SSL_free(client);
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
    client_socket.emplace(io);
    client_socket->connect(acceptor.local_endpoint());
    asio::ip::tcp::socket accepted(io);
    acceptor.accept(accepted);
    server.emplace(std::move(accepted));
    client = SSL_new(client_tls);
  }
  // A connection, handshaken.
  void connect() {
    open();
    SSL_set_fd(client, client_socket->native_handle());
    int connected = 0;
    std::thread handshake([&] { connected = SSL_connect(client); });
    auto error = run(server->handshake(server_tls.native_handle()));
    handshake.join();
    ASSERT_FALSE(error) << error.message();
    ASSERT_EQ(connected, 1);
  }

  template <typename T>
  T run(asio::awaitable<T> operation) {
    auto result = asio::co_spawn(io, std::move(operation), asio::use_future);
    io.restart();
    while (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    return result.get();
  }

  // The next bytes the server reads, or its error.
  std::pair<std::string, boost::system::error_code> server_read() {
    std::vector<char> buffer(Tls13Records::max_inner_plaintext);
    bool readable = false;
    while (true) {
      auto read = server->read_now(buffer, std::exchange(readable, false));
      if (read.bytes > 0 || read.error) return {std::string(buffer.data(), read.bytes), read.error};
      auto [error] = run(server->wait(read.wait_for));
      if (error) return {{}, error};
      readable = true;
    }
  }
  void server_write(std::string_view bytes) {
    auto error = run(server->write_all(bytes));
    ASSERT_FALSE(error) << error.message();
  }
  void client_write(std::string_view bytes) {
    ASSERT_EQ(SSL_write(client, bytes.data(), static_cast<int>(bytes.size())), static_cast<int>(bytes.size()));
  }
  std::string client_read(std::size_t length) {
    std::string received(length, '\0');
    std::size_t got = 0;
    while (got < length) {
      int read = SSL_read(client, received.data() + got, static_cast<int>(length - got));
      if (read <= 0) break;
      got += static_cast<std::size_t>(read);
    }
    received.resize(got);
    return received;
  }
  void round_trip() {
    client_write("<message>ping</message>");
    auto [bytes, error] = server_read();
    EXPECT_FALSE(error) << error.message();
    EXPECT_EQ(bytes, "<message>ping</message>");
    server_write("<message>pong</message>");
    EXPECT_EQ(client_read(23), "<message>pong</message>");
  }

  static inline std::filesystem::path directory;
  asio::ssl::context server_tls;
  SSL_CTX* client_tls;
  asio::io_context io;
  std::optional<asio::ip::tcp::socket> client_socket;
  SSL* client = nullptr;
  std::optional<TlsSocket> server;
};

TEST_F(TlsSocketTest, EachTls13SuiteCarriesDataBothWaysWithoutOpenSsl) {
  for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    SCOPED_TRACE(suite);
    ASSERT_EQ(SSL_CTX_set_ciphersuites(client_tls, suite), 1);
    connect();
    ASSERT_EQ(std::string(SSL_CIPHER_get_name(SSL_get_current_cipher(client))), suite);
    EXPECT_TRUE(server->protects_records_itself());
    round_trip();
    round_trip();
    server->release_idle_state();  // as a quiet connection does: the cipher contexts go
    round_trip();
  }
}

TEST_F(TlsSocketTest, ARecordTooLargeForOneGoesOutAsSeveral) {
  connect();
  std::string large(40'000, 'x');
  large.back() = 'y';
  server_write(large);
  EXPECT_EQ(client_read(large.size()), large);
}

TEST_F(TlsSocketTest, TheServerAnswersAKeyUpdateThatAsksForOneAndBothSidesMoveOn) {
  connect();
  ASSERT_EQ(SSL_key_update(client, SSL_KEY_UPDATE_REQUESTED), 1);
  client_write("after the update");
  auto [bytes, error] = server_read();
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(bytes, "after the update");
  EXPECT_TRUE(server->has_unsent());  // our KeyUpdate
  server_write("");
  EXPECT_FALSE(server->has_unsent());
  round_trip();  // the client reads our KeyUpdate, then data under our next key
  ASSERT_EQ(SSL_key_update(client, SSL_KEY_UPDATE_NOT_REQUESTED), 1);
  round_trip();
  EXPECT_FALSE(server->has_unsent());
}

TEST_F(TlsSocketTest, KeyUpdatesAskedForWhileTheServerIsSilentGetOneAnswer) {
  connect();
  round_trip();  // the client has read the session ticket
  for (std::string_view data : {"first", "second"}) {
    ASSERT_EQ(SSL_key_update(client, SSL_KEY_UPDATE_REQUESTED), 1);
    client_write(data);
  }
  std::string received;
  while (received.size() < 11) {
    auto [bytes, error] = server_read();
    ASSERT_FALSE(error) << error.message();
    received += bytes;
  }
  EXPECT_EQ(received, "firstsecond");
  server_write("");
  int waiting = 0;
  ASSERT_EQ(::ioctl(client_socket->native_handle(), FIONREAD, &waiting), 0);
  EXPECT_EQ(waiting, 5 + 5 + 1 + 16);  // one KeyUpdate record
  round_trip();
}

TEST_F(TlsSocketTest, DataBeforeTheClientsCloseNotifyIsReadThenTheEnd) {
  connect();
  client_write("</stream:stream>");
  SSL_shutdown(client);
  auto [bytes, error] = server_read();
  EXPECT_FALSE(error);
  EXPECT_EQ(bytes, "</stream:stream>");
  auto [more, end] = server_read();
  EXPECT_EQ(end, asio::error::eof);
}

TEST_F(TlsSocketTest, TheLastWriteCarriesCloseNotifyAndNothingFollowsIt) {
  connect();
  timeval patience{2, 0};  // without the close_notify, a failure rather than a wait for ever
  ::setsockopt(client_socket->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  server->close_notify_with_next_write();
  server_write("</stream:stream>");
  EXPECT_EQ(client_read(16), "</stream:stream>");
  char byte;
  EXPECT_EQ(SSL_read(client, &byte, 1), 0);
  EXPECT_EQ(SSL_get_error(client, 0), SSL_ERROR_ZERO_RETURN);
  server_write("<late/>");  // nothing may follow close_notify
  server->shut_down();
  EXPECT_EQ(::recv(client_socket->native_handle(), &byte, 1, 0), 0);  // the end, no other record
}

TEST_F(TlsSocketTest, AForgedRecordEndsTheConnectionWithBadRecordMac) {
  connect();
  const unsigned char forged[5 + 20] = {23, 3, 3, 0, 20, 1, 2, 3};
  ASSERT_EQ(::send(client_socket->native_handle(), forged, sizeof forged, 0), static_cast<ssize_t>(sizeof forged));
  auto [bytes, error] = server_read();
  EXPECT_EQ(error, make_error_code(TlsAlert::bad_record_mac));
  char byte;
  EXPECT_LE(SSL_read(client, &byte, 1), 0);
  EXPECT_EQ(SSL_get_error(client, -1), SSL_ERROR_SSL);
  EXPECT_EQ(ERR_GET_REASON(ERR_peek_last_error()), SSL_R_SSLV3_ALERT_BAD_RECORD_MAC);
}

TEST_F(TlsSocketTest, AnUnprotectedRecordAfterTheHandshakeIsUnexpected) {
  connect();
  const unsigned char change_cipher_spec[6] = {20, 3, 3, 0, 1, 1};
  ASSERT_EQ(::send(client_socket->native_handle(), change_cipher_spec, 6, 0), 6);
  auto [bytes, error] = server_read();
  EXPECT_EQ(error, make_error_code(TlsAlert::unexpected_message));
}

// A client that sends its first data with its Finished, in one write: the server's handshake read
// takes both, and the data is the first thing read after it, through Tern's own records.
TEST_F(TlsSocketTest, DataThatArrivesWithTheClientsFinishedIsReadAfterTheHandshake) {
  open();
  BIO* outgoing = BIO_new(BIO_s_mem());  // flushed by hand, so that Finished and data go together
  SSL_set_bio(client, BIO_new_socket(client_socket->native_handle(), BIO_NOCLOSE), outgoing);
  auto flush = [&] {
    char* bytes = nullptr;
    long size = BIO_get_mem_data(outgoing, &bytes);
    asio::write(*client_socket, asio::buffer(bytes, static_cast<std::size_t>(size)));
    (void)BIO_reset(outgoing);
  };
  client_socket->non_blocking(true);
  std::thread handshake([&] {
    SSL_set_connect_state(client);
    while (true) {
      int result = SSL_do_handshake(client);
      if (result == 1 || SSL_get_error(client, result) != SSL_ERROR_WANT_READ) break;
      flush();
      pollfd readable{client_socket->native_handle(), POLLIN, 0};
      ::poll(&readable, 1, 5000);
    }
    SSL_write(client, "<message>early</message>", 24);
    flush();
  });
  auto error = run(server->handshake(server_tls.native_handle()));
  handshake.join();
  ASSERT_FALSE(error) << error.message();
  EXPECT_TRUE(server->protects_records_itself());
  EXPECT_TRUE(server->has_input_waiting());
  auto [bytes, read_error] = server_read();
  EXPECT_FALSE(read_error) << read_error.message();
  EXPECT_EQ(bytes, "<message>early</message>");
}

// The ticket is the last thing OpenSSL writes in a TLS 1.3 handshake; it waits for the server's
// first record instead of taking a send of its own.
TEST_F(TlsSocketTest, TheSessionTicketGoesOutWithTheFirstRecord) {
  connect();
  int waiting = -1;
  ASSERT_EQ(::ioctl(client_socket->native_handle(), FIONREAD, &waiting), 0);
  EXPECT_EQ(waiting, 0);
  round_trip();
  SSL_SESSION* session = SSL_get_session(client);
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(SSL_SESSION_has_ticket(session), 1);
}

TEST_F(TlsSocketTest, Tls12StaysWithOpenSsl) {
  ASSERT_EQ(SSL_CTX_set_max_proto_version(client_tls, TLS1_2_VERSION), 1);
  connect();
  EXPECT_FALSE(server->protects_records_itself());
  boost::system::error_code error;
  EXPECT_FALSE(server->write_now("<message/>", error));  // OpenSSL's records go through write_all()
  round_trip();
}

// What the socket does not take at once (the client is not reading) waits for write_all(), after
// which the client has every byte, in order.
TEST_F(TlsSocketTest, WriteNowLeavesWhatTheSocketDoesNotTakeForWriteAll) {
  connect();
  std::string sent;
  boost::system::error_code error;
  for (char fill = 'a'; !server->has_unsent() && sent.size() < (512u << 20); fill = fill == 'z' ? 'a' : fill + 1) {
    std::string chunk(1 << 20, fill);
    ASSERT_TRUE(server->write_now(chunk, error));
    ASSERT_FALSE(error) << error.message();
    sent += chunk;
  }
  ASSERT_TRUE(server->has_unsent());
  std::string received;
  std::thread reader([&] { received = client_read(sent.size()); });
  server_write("");
  reader.join();
  EXPECT_FALSE(server->has_unsent());
  EXPECT_EQ(received.size(), sent.size());
  EXPECT_TRUE(received == sent);
  ASSERT_TRUE(server->write_now("<message>now</message>", error));
  EXPECT_FALSE(server->has_unsent());
  EXPECT_EQ(client_read(22), "<message>now</message>");
}

// A stream that stopped asking the socket before waiting (its peer waits for answers) must
// still not wait while a record it already has is unread: OpenSSL hands out one record per read.
TEST_F(TlsSocketTest, RecordsOpenSslHoldsAreInputWaiting) {
  ASSERT_EQ(SSL_CTX_set_max_proto_version(client_tls, TLS1_2_VERSION), 1);
  connect();
  EXPECT_FALSE(server->has_input_waiting());
  client_write("<a/>");
  client_write("<b/>");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both records are in the socket
  auto [first, error] = server_read();
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(first, "<a/>");
  EXPECT_TRUE(server->has_input_waiting());
  std::vector<char> buffer(Tls13Records::max_inner_plaintext);
  auto second = server->read_now(buffer, false);
  EXPECT_EQ(std::string(buffer.data(), second.bytes), "<b/>");
  EXPECT_FALSE(server->has_input_waiting());
}

// After a read that emptied the socket a wait takes the reactor's edge (transport/arrival_wait.hpp);
// after one that left bytes behind it must still see them, though no more arrive.
TEST_F(TlsSocketTest, AWaitAfterAReadThatLeftBytesCompletesWithoutNewOnes) {
  open();
  std::vector<char> buffer(Tls13Records::max_inner_plaintext);
  auto wait_bounded = [&] {
    std::optional<boost::system::error_code> completion;
    server->async_wait(asio::socket_base::wait_read, [&](boost::system::error_code ec) { completion = ec; });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    io.restart();
    while (!completion && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(100));
    return completion;
  };
  ASSERT_EQ(server->read_now(buffer, false).bytes, 0u);
  ASSERT_TRUE(wait_bounded());  // a new socket's edge is pending: taken here
  ASSERT_EQ(server->read_now(buffer, true).bytes, 0u);

  std::string sent(2 * buffer.size() + 100, 'x');
  asio::write(*client_socket, asio::buffer(sent));
  ASSERT_TRUE(wait_bounded());
  std::size_t received = 0;
  while (received < sent.size()) {
    auto read = server->read_now(buffer, true);
    ASSERT_FALSE(read.error) << read.error.message();
    received += read.bytes;
    if (received < sent.size()) {
      ASSERT_GT(read.bytes, 0u);
      ASSERT_TRUE(wait_bounded()) << "a wait missed " << sent.size() - received << " bytes left in the socket";
    }
  }
  EXPECT_EQ(received, sent.size());
}

}  // namespace
}  // namespace tern::transport
