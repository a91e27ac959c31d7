// The Stream over a TCP connection: plain with STARTTLS (RFC 6120 §5), or direct TLS (XEP-0368).
#pragma once
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "transport/connection_limits.hpp"
#include "transport/stream.hpp"
#include "transport/tls_socket.hpp"
#include "xml/parser.hpp"

namespace tern::transport {

struct TcpStreamOptions {
  xml::ParserLimits parser;
  std::size_t max_backlog_bytes = 1024 * 1024;  // unsent output before the peer is dropped
  std::chrono::milliseconds tls_handshake_timeout{30'000};
  std::chrono::milliseconds close_timeout{2'000};
  // A connection quiet this long keeps no XML parser (about 11 KiB), no event buffer and no
  // coroutine until bytes come. Between the round trips of a login or the messages of a
  // conversation it keeps them: rebuilding them costs more than the stanza that comes.
  std::chrono::milliseconds quiet_after{250};
};

class TcpStream final : public Stream, public std::enable_shared_from_this<TcpStream> {
public:
  // The socket's executor must be the connection's home_executor(): a strand, or the
  // io_context's when one thread runs it.
  // `admission`: the connection's place in its listener's counts, kept while the stream lives.
  TcpStream(asio::ip::tcp::socket socket, const asio::ip::address& peer, asio::ssl::context& tls,
            TcpStreamOptions options, Admission admission = {});

  // XEP-0368: the TLS handshake comes before any XML (throws StreamFailure).
  asio::awaitable<void> accept_direct_tls();

  asio::awaitable<Inbound> receive(std::chrono::milliseconds idle_timeout) override;
  asio::awaitable<bool> park(std::chrono::milliseconds idle_timeout, std::function<void()> resume) override;
  void forgive_timeout() override;
  void interrupt() override;
  void send_header(const xml::Attributes& attributes) override;
  void send(const xml::Element& element) override;
  void send_batch(std::span<const xml::Outbound> stanzas) override;
  asio::awaitable<void> close() override;
  asio::awaitable<void> start_tls() override;
  void restart() override;
  const StreamTraits& traits() const override { return traits_; }
  asio::any_io_executor executor() const override;

private:
  asio::awaitable<void> handshake();
  void queue(std::string_view bytes);
  // To outgoing_, unless the stream is closed, has failed, or the backlog overflows (which fails
  // it): false then.
  template <typename Stanza>  // xml::Element or xml::Outbound
  bool append(const Stanza& stanza);
  void fail_backlog();
  void fail_output(boost::system::error_code error);
  // Where Tern protects the TLS records and nothing waits to be sent: what the socket takes now,
  // the writer the rest.
  void write_now(std::string_view bytes);
  void start_writer();
  // The end of a turn of the strand in which the writer was started (see start_writer()).
  void write_queued();
  void arm_watchdog();
  StreamFailure idle_timeout_failure() const;
  void hibernate();
  void start_idle_period(std::chrono::milliseconds idle_timeout);
  TlsSocket::ReadResult read_now();
  // read_now(), unless the socket is not worth asking: then nothing, as if it had been asked.
  TlsSocket::ReadResult read_unless_pointless();
  // A peer that waits for each answer (a login, any request and response) has sent nothing
  // more when the answer goes out, and asking the socket before waiting for it costs a syscall.
  // After an ask found nothing, only every eighth is made, until one finds bytes again.
  bool worth_asking();
  // Whether read_unless_pointless() would ask the socket (or read what is known to be there).
  bool read_would_ask() const;
  // What a read gave goes to the parser; its events wait in events_, its failure in failure_.
  void parse_read(std::size_t bytes);
  asio::awaitable<void> write_loop(std::shared_ptr<TcpStream> self);
  // Until the writer is idle (everything queued was written, or writing failed) or the deadline.
  asio::awaitable<void> drain(std::chrono::steady_clock::time_point deadline);

  TlsSocket socket_;
  SSL_CTX* tls_;
  TcpStreamOptions options_;
  Admission admission_;
  StreamTraits traits_;
  xml::Parser parser_;
  std::vector<xml::ParseEvent> events_;  // parsed, not yet received from events_[next_event_] on
  std::size_t next_event_ = 0;
  std::optional<StreamFailure> failure_;  // reported once the events parsed before it are taken
  // One read at a time; the watchdog and interrupt() cancel it through this signal.
  asio::cancellation_signal read_cancel_;
  bool reading_ = false;
  bool readable_ = false;  // a wait said so: the next read need not ask the socket first
  bool yielded_since_read_ = true;
  unsigned fruitless_asks_ = 0;  // reads before a wait that found nothing, in a row
  unsigned skipped_asks_ = 0;
  bool interrupted_ = false;
  bool timed_out_ = false;
  bool waiting_to_park_ = false;  // park() waits for a peer that was just active: hibernate() ends it
  bool quiet_ = false;  // no bytes since the watchdog hibernated the parser (or found it mid-element)
  std::chrono::milliseconds idle_timeout_{0};
  std::chrono::steady_clock::time_point last_activity_;
  asio::steady_timer watchdog_;  // fires at last_activity_ + idle_timeout_ (re-armed lazily)
  std::uint64_t watchdog_generation_ = 0;
  std::string outgoing_;  // queued, not yet handed to the writer
  bool writing_ = false;
  bool output_failed_ = false;  // backlog overflow or a failed write: nothing more is sent
  bool watchdog_armed_ = false;
  bool closed_ = false;
  asio::steady_timer* drained_ = nullptr;  // drain()'s, cancelled when the writer goes idle
};

}  // namespace tern::transport
