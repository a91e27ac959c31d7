// One BOSH session (XEP-0124 with XEP-0206) as a Stream: the payloads of the client's HTTP
// requests become the stream's input, in rid order; what the session sends is returned in the
// responses to requests the server holds (long polling) for up to 'wait' seconds.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport/stream.hpp"
#include "xml/element.hpp"

namespace tern::transport {

inline constexpr std::string_view httpbind_xmlns = "http://jabber.org/protocol/httpbind";

// A BOSH number attribute (rid, wait, hold, pause): decimal digits only.
std::optional<std::uint64_t> bosh_number(std::string_view text);
// <body type='terminate' condition='...'/> (XEP-0124 §17); no condition for a plain end.
std::string bosh_terminate(std::string_view condition);

struct BoshOptions {
  std::chrono::seconds max_wait{60};         // the longest a request is held
  std::chrono::seconds inactivity{60};       // no request held for this long ends the session
  std::chrono::seconds max_pause{120};       // XEP-0124 §10
  std::chrono::seconds polling{2};           // advertised shortest polling interval
  std::size_t max_backlog_bytes = 1024 * 1024;
};

// The attributes a session was created with (XEP-0124 §7.1, XEP-0206 §5).
struct BoshCreation {
  std::uint64_t rid = 0;
  std::chrono::seconds wait{60};
  unsigned hold = 1;
  bool acks = false;  // the client asked for ack attributes (§9.1)
  std::string to, lang = "en", route_version = "1.0";
};

class BoshSession final : public Stream, public std::enable_shared_from_this<BoshSession> {
public:
  BoshSession(asio::any_io_executor strand, std::string sid, BoshCreation creation,
              StreamTraits traits, BoshOptions options);
  const std::string& sid() const { return sid_; }

  // One HTTP request of this session (on the session's strand): the <body/> the client sent,
  // answered with the <body/> to return, after holding the request when there is nothing to say.
  asio::awaitable<std::string> request(xml::Element body);
  // The session has ended (its last response is out or it timed out): the registry forgets it.
  bool ended() const { return ended_; }

  asio::awaitable<Inbound> receive(std::chrono::milliseconds idle_timeout) override;
  void forgive_timeout() override;
  void interrupt() override;
  void send_header(const xml::Attributes& attributes) override;
  void send(const xml::Element& element) override;
  asio::awaitable<void> close() override;
  asio::awaitable<void> start_tls() override;
  void restart() override {}
  const StreamTraits& traits() const override { return traits_; }
  asio::any_io_executor executor() const override { return strand_; }

private:
  struct Held {
    std::uint64_t rid;
    asio::steady_timer timer;
    std::optional<std::string> response;
  };
  asio::awaitable<std::string> answer(std::uint64_t rid);
  void take_payload(const xml::Element& body);
  void schedule_flush();
  void flush();
  // The body for the held request `rid` (none: the session's last word), with all output so far.
  std::string response_body(bool terminate, std::optional<std::uint64_t> rid = std::nullopt);
  void respond(Held& held, std::string response);
  void remember(std::uint64_t rid, const std::string& response);
  void fail(Failure failure, const std::string& what);

  asio::any_io_executor strand_;
  std::string sid_;
  BoshCreation creation_;
  StreamTraits traits_;
  BoshOptions options_;
  std::optional<xml::Attributes> header_;  // for the session creation response
  bool created_ = false;                   // the creation response is out

  std::deque<Inbound> inbound_;
  bool interrupted_ = false;
  bool ended_ = false;
  bool closing_ = false;
  std::optional<StreamFailure> failure_;
  asio::steady_timer wakeup_;
  std::chrono::steady_clock::time_point last_request_;
  std::chrono::steady_clock::time_point paused_until_{};
  std::chrono::steady_clock::time_point timeout_forgiven_{};  // the idle timeout counts from here too

  std::uint64_t next_rid_;                 // the rid whose payload is taken next
  asio::steady_timer turn_;  // requests ahead of their turn, or of the session's reading, wait on it
  std::deque<std::shared_ptr<Held>> held_;
  std::map<std::uint64_t, std::string> answered_;  // recent responses, for repeated rids
  std::vector<xml::Element> output_;
  std::size_t output_bytes_ = 0;
  bool flush_scheduled_ = false;
};

}  // namespace tern::transport
