// The Stream over a TCP connection: plain with STARTTLS, or direct TLS.
#include "transport/tcp_stream.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <array>
#include <span>
#include <utility>

#include "transport/framing_namespaces.hpp"
#include "transport/home_executor.hpp"
#include "transport/nothrow.hpp"
#include "transport/parse_failure.hpp"
#include "transport/thread_buffer.hpp"
#include "xml/serializer.hpp"

namespace tern::transport {
namespace {

// Reads complete synchronously once the socket is readable, and the bytes go to the parser at
// once: one buffer per thread serves every connection. It holds the largest TLS record.
std::span<char> read_buffer() {
  static thread_local std::array<char, Tls13Records::max_inner_plaintext> buffer;
  return buffer;
}

using namespace asio::experimental::awaitable_operators;
const xml::Scope client_scope{"jabber:client", {{"stream", streams_xmlns}}};

Inbound to_inbound(xml::ParseEvent&& event) {
  if (auto* root = std::get_if<xml::RootOpened>(&event)) {
    StreamOpened opened{root->name, root->xmlns, root->prefix, {}, std::move(root->attributes)};
    for (const auto& declaration : root->declarations) {
      if (declaration.prefix.empty()) opened.content_xmlns = declaration.xmlns;
    }
    return opened;
  }
  if (auto* element = std::get_if<xml::Element>(&event)) return std::move(*element);
  return StreamClosed{};
}

}  // namespace

TcpStream::TcpStream(asio::ip::tcp::socket socket, const asio::ip::address& peer, asio::ssl::context& tls,
                     TcpStreamOptions options, Admission admission)
    : socket_(std::move(socket)),
      tls_(tls.native_handle()),
      options_(options),
      admission_(std::move(admission)),
      parser_(options.parser),
      watchdog_(socket_.socket().get_executor()) {
  traits_.peer_address = peer.to_string();
  traits_.can_starttls = true;
  traits_.refusal = admission_.refusal();
}

asio::any_io_executor TcpStream::executor() const {
  return const_cast<TcpStream*>(this)->socket_.socket().get_executor();
}

asio::awaitable<void> TcpStream::handshake() {
  asio::steady_timer deadline(executor(), options_.tls_handshake_timeout);
  auto result = co_await (socket_.handshake(tls_) || deadline.async_wait(nothrow));
  // RFC 6120 §5.4.3.2: after a failed handshake the connection closes without more XML.
  if (result.index() == 1) {
    output_failed_ = true;
    throw StreamFailure(Failure::io_error, "TLS handshake timed out");
  }
  if (auto ec = std::get<0>(result); ec) {
    output_failed_ = true;
    throw StreamFailure(Failure::io_error, "TLS handshake failed: " + ec.message());
  }
  traits_.is_secure = true;
  traits_.can_starttls = false;
}

asio::awaitable<void> TcpStream::accept_direct_tls() { co_await handshake(); }

asio::awaitable<void> TcpStream::start_tls() {
  // <proceed/> goes out in the clear first.
  co_await drain(std::chrono::steady_clock::now() + options_.tls_handshake_timeout);
  // RFC 6120 §5.4.3.3: anything the client sent after <starttls/> in the clear is discarded.
  restart();
  co_await handshake();
}

asio::awaitable<void> TcpStream::drain(std::chrono::steady_clock::time_point deadline) {
  if (!writing_) co_return;
  // A timer only while someone waits: an idle connection does not keep one for this.
  asio::steady_timer drained(executor(), deadline);
  drained_ = &drained;
  struct Unregister {
    asio::steady_timer*& waiter;
    ~Unregister() { waiter = nullptr; }
  } unregister{drained_};
  while (writing_ && std::chrono::steady_clock::now() < deadline) {
    co_await drained.async_wait(nothrow);
  }
}

void TcpStream::restart() {
  parser_.reset();
  quiet_ = false;
  events_.clear();
  next_event_ = 0;
  failure_.reset();
}

void TcpStream::start_idle_period(std::chrono::milliseconds idle_timeout) {
  idle_timeout_ = idle_timeout;
  last_activity_ = std::chrono::steady_clock::now();
  arm_watchdog();
}

TlsSocket::ReadResult TcpStream::read_now() {
  auto read = socket_.read_now(read_buffer(), std::exchange(readable_, false));
  // A read can leave TLS records to send (the answer to a KeyUpdate).
  if (socket_.has_unsent()) start_writer();
  return read;
}

TlsSocket::ReadResult TcpStream::read_unless_pointless() {
  bool asking = !readable_;
  if (asking && !socket_.has_input_waiting() && !worth_asking()) return {};
  auto read = read_now();
  if (asking) fruitless_asks_ = read.bytes == 0 && !read.error ? fruitless_asks_ + 1 : 0;
  return read;
}

bool TcpStream::read_would_ask() const {
  return readable_ || fruitless_asks_ == 0 || socket_.has_input_waiting();
}

bool TcpStream::worth_asking() { return fruitless_asks_ == 0 || ++skipped_asks_ % 8 == 0; }

void TcpStream::parse_read(std::size_t bytes) {
  yielded_since_read_ = false;
  quiet_ = false;
  last_activity_ = std::chrono::steady_clock::now();
  events_.clear();
  next_event_ = 0;
  try {
    parser_.feed(std::string_view(read_buffer().data(), bytes), events_);
  } catch (const xml::ParseFailure& parse_failure) {
    failure_.emplace(failure_for(parse_failure.error()), parse_failure.what());
  }
}

asio::awaitable<bool> TcpStream::park(std::chrono::milliseconds idle_timeout, std::function<void()> resume) {
  start_idle_period(idle_timeout);
  // Bytes that make no event (a whitespace keepalive, part of a stanza) do not end the attempt.
  auto wait_for = asio::socket_base::wait_read;
  while (true) {
    if (next_event_ < events_.size() || failure_ || interrupted_) co_return false;
    if (!yielded_since_read_ && read_would_ask()) {
      // As in receive(): the strand's other work runs between two reads of a busy peer.
      co_await asio::post(asio::use_awaitable);
      yielded_since_read_ = true;
      continue;
    }
    auto read = read_unless_pointless();
    if (read.error) failure_.emplace(Failure::io_error, read.error.message());
    else if (read.bytes > 0) parse_read(read.bytes);
    else if (quiet_) {
      wait_for = read.wait_for;
      break;
    } else {
      // The peer sent within the last moments and likely sends again soon: waiting here costs
      // less than a coroutine started for every stanza. Hibernation ends this wait and parks.
      arm_watchdog();  // for the end of the quiet period, which this read may have moved closer
      yielded_since_read_ = true;  // as any wait does
      reading_ = waiting_to_park_ = true;
      auto [ec] = co_await socket_.wait(read.wait_for, read_cancel_.slot());
      reading_ = waiting_to_park_ = false;
      if (failure_ || interrupted_) continue;
      if (timed_out_) failure_ = idle_timeout_failure();
      else if (quiet_) continue;
      else if (ec) failure_.emplace(Failure::io_error, ec.message());
      else readable_ = read.wait_for == asio::socket_base::wait_read;
    }
  }
  reading_ = yielded_since_read_ = true;
  socket_.async_wait(
      wait_for,
      asio::bind_cancellation_slot(
          read_cancel_.slot(), [self = shared_from_this(), wait_for,
                                resume = std::move(resume)](boost::system::error_code ec) {
            self->reading_ = false;
            // What receive() would have thrown after its wait, it throws once resumed (a failure
            // or an interrupt already set say so themselves).
            if (!self->failure_ && !self->interrupted_) {
              if (self->timed_out_) {
                self->failure_ = self->idle_timeout_failure();
              } else if (ec) {
                self->failure_.emplace(Failure::io_error, ec.message());
              } else {
                self->readable_ = wait_for == asio::socket_base::wait_read;
              }
            }
            resume();
          }));
  co_return true;
}

asio::awaitable<Inbound> TcpStream::receive(std::chrono::milliseconds idle_timeout) {
  start_idle_period(idle_timeout);
  while (next_event_ == events_.size()) {
    if (failure_) throw *failure_;
    if (interrupted_) {
      interrupted_ = false;
      throw StreamFailure(Failure::interrupted, "interrupted");
    }
    if (!yielded_since_read_ && read_would_ask()) {
      // Reads complete without suspending while the peer keeps sending: let the writer and the
      // strand's other work run between two reads.
      co_await asio::post(asio::use_awaitable);
      yielded_since_read_ = true;
      continue;
    }
    auto read = read_unless_pointless();
    if (read.bytes == 0 && !read.error) {
      reading_ = yielded_since_read_ = true;
      auto cancellation = read_cancel_.slot();
      auto [ec] = co_await socket_.wait(read.wait_for, cancellation);
      reading_ = false;
      if (failure_) throw *failure_;  // set by send() while we waited
      if (timed_out_) throw idle_timeout_failure();
      if (interrupted_) continue;
      if (ec) throw StreamFailure(Failure::io_error, ec.message());
      readable_ = read.wait_for == asio::socket_base::wait_read;
      continue;
    }
    if (read.error) throw StreamFailure(Failure::io_error, read.error.message());
    parse_read(read.bytes);
  }
  co_return to_inbound(std::move(events_[next_event_++]));
}

StreamFailure TcpStream::idle_timeout_failure() const {
  return StreamFailure(Failure::timeout,
                       "nothing received for " + std::to_string(idle_timeout_.count() / 1000) + " s");
}

void TcpStream::forgive_timeout() {
  timed_out_ = false;
  if (failure_ && failure_->failure() == Failure::timeout) failure_.reset();
}

void TcpStream::interrupt() {
  interrupted_ = true;
  if (reading_) read_cancel_.emit(asio::cancellation_type::terminal);
}

// One timer wait per idle period rather than one per read: when it fires early (bytes arrived
// meanwhile, or no read is pending) it re-arms for the rest of the period. A shorter timeout
// (negotiation done) replaces a pending wait. Before the idle timeout it fires once to hibernate.
void TcpStream::arm_watchdog() {
  auto deadline = last_activity_ + (quiet_ ? idle_timeout_ : std::min(idle_timeout_, options_.quiet_after));
  if (closed_ || (watchdog_armed_ && watchdog_.expiry() <= deadline)) return;
  watchdog_armed_ = true;
  watchdog_.expires_at(deadline);
  watchdog_.async_wait([self = shared_from_this(), generation = ++watchdog_generation_](
                           boost::system::error_code ec) {
    if (generation != self->watchdog_generation_) return;  // replaced by a later arm_watchdog()
    self->watchdog_armed_ = false;
    if (ec || self->closed_) return;
    auto now = std::chrono::steady_clock::now();
    if (self->reading_ && now >= self->last_activity_ + self->idle_timeout_) {
      self->timed_out_ = true;
      self->read_cancel_.emit(asio::cancellation_type::terminal);
      return;
    }
    if (!self->reading_) self->last_activity_ = now;  // busy on our side: not idle
    else if (now >= self->last_activity_ + self->options_.quiet_after) self->hibernate();
    self->arm_watchdog();
  });
}

// Called while receive() or park() waits for bytes, so every parsed event has been taken.
void TcpStream::hibernate() {
  quiet_ = true;
  if (waiting_to_park_) read_cancel_.emit(asio::cancellation_type::terminal);  // park() parks now
  if (!parser_.hibernate()) return;  // in the middle of an element: it keeps what it has
  std::vector<xml::ParseEvent>().swap(events_);
  next_event_ = 0;
  socket_.release_idle_state();
}

void TcpStream::send_header(const xml::Attributes& attributes) {
  queue("<?xml version='1.0'?>");
  queue(xml::open_tag("stream:stream", attributes));
}

void TcpStream::send(const xml::Element& element) {
  if (append(element)) start_writer();
}

void TcpStream::send_batch(std::span<const xml::Outbound> stanzas) {
  if (writing_ || !socket_.protects_records_itself()) {
    for (const auto& stanza : stanzas) {
      if (!append(stanza)) return;
    }
    start_writer();  // unless it runs: then it takes them with what it has
    return;
  }
  if (closed_ || output_failed_) return;
  // The writer is idle: the batch is written now, without another turn of the strand, from the
  // thread's buffer.
  struct Batch;
  ThreadBuffer<Batch> buffer;
  std::string& batch = buffer.get();
  for (const auto& stanza : stanzas) xml::serialize_to(batch, stanza, client_scope);
  if (batch.size() > options_.max_backlog_bytes) {
    fail_backlog();
    return;
  }
  write_now(batch);
}

void TcpStream::queue(std::string_view bytes) {
  if (closed_ || output_failed_) return;
  outgoing_ += bytes;
  if (outgoing_.size() > options_.max_backlog_bytes) fail_backlog();
  else start_writer();
}

template <typename Stanza>
bool TcpStream::append(const Stanza& stanza) {
  if (closed_ || output_failed_) return false;
  xml::serialize_to(outgoing_, stanza, client_scope);
  if (outgoing_.size() <= options_.max_backlog_bytes) return true;
  fail_backlog();
  return false;
}

void TcpStream::fail_backlog() {
  // The peer does not read: drop it rather than buffer without bound.
  failure_.emplace(Failure::backlog_full, "peer is not reading");
  output_failed_ = true;
  std::string().swap(outgoing_);
  socket_.close();
}

void TcpStream::write_now(std::string_view bytes) {
  boost::system::error_code error;
  socket_.write_now(bytes, error);
  if (error) fail_output(error);
  else if (socket_.has_unsent()) start_writer();  // the socket's buffer is full: wait for it
}

void TcpStream::fail_output(boost::system::error_code error) {
  outgoing_.clear();
  output_failed_ = true;
  if (!failure_) failure_.emplace(Failure::io_error, "write failed: " + error.message());
}

void TcpStream::start_writer() {
  if (writing_ || output_failed_) return;
  writing_ = true;
  if (socket_.protects_records_itself() && !socket_.has_unsent()) {
    // Everything queued in this turn of the strand goes out at its end, in one write; a writer
    // coroutine only for what the socket does not take then.
    with_home(executor(), [&](const auto& home) {
      asio::post(home, [self = shared_from_this()] { self->write_queued(); });
    });
    return;
  }
  asio::co_spawn(executor(), write_loop(shared_from_this()), asio::detached);
}

void TcpStream::write_queued() {
  writing_ = false;
  if (!output_failed_) {
    std::string queued;
    queued.swap(outgoing_);
    write_now(queued);
  }
  if (!writing_ && drained_) drained_->cancel();
}

asio::awaitable<void> TcpStream::write_loop([[maybe_unused]] std::shared_ptr<TcpStream> self) {
  // Everything queued in this turn of the strand goes out in one TLS record and one syscall.
  co_await asio::post(asio::use_awaitable);
  std::string in_flight;
  while (!outgoing_.empty() || socket_.has_unsent()) {
    in_flight.swap(outgoing_);
    outgoing_.clear();
    auto ec = co_await socket_.write_all(in_flight);
    in_flight.clear();
    if (ec) {
      fail_output(ec);
      break;
    }
  }
  std::string().swap(outgoing_);  // an idle connection keeps no buffer
  writing_ = false;
  if (drained_) drained_->cancel();
}

asio::awaitable<void> TcpStream::close() {
  if (closed_) co_return;
  socket_.close_notify_with_next_write();
  queue("</stream:stream>");
  closed_ = true;
  watchdog_.cancel();
  co_await drain(std::chrono::steady_clock::now() + options_.close_timeout);
  if (output_failed_) socket_.close();
  else socket_.shut_down();
}

}  // namespace tern::transport
