// One XMPP stream, whatever carries it: TCP (plain, STARTTLS, direct TLS) today, WebSocket
// (RFC 7395) and BOSH (XEP-0124/0206) sessions later. The xmpp layer sees nothing else.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>

#include "transport/connection_refusal.hpp"
#include "xml/element.hpp"
#include "xml/fan_out.hpp"

namespace tern::transport {

namespace asio = boost::asio;

struct StreamOpened {  // <stream:stream>
  std::string name;    // the root's local name and namespace, checked by the xmpp layer
  std::string xmlns;
  std::string prefix;
  std::string content_xmlns;  // the default namespace the root declares (jabber:client)
  xml::Attributes attributes;
};
struct StreamClosed {};  // </stream:stream>
using Inbound = std::variant<StreamOpened, xml::Element, StreamClosed>;

enum class Failure {
  io_error,              // the peer went away or the connection broke
  timeout,               // nothing at all (not even whitespace) arrived within the idle timeout
  interrupted,           // interrupt() was called while receive() waited
  not_well_formed,
  restricted_xml,
  unsupported_encoding,
  too_large,             // a stanza over limits.max_stanza_bytes (or too deep / too many attributes)
  backlog_full,          // the peer does not read what we send
};

class StreamFailure : public std::runtime_error {
public:
  StreamFailure(Failure failure, const std::string& what)
      : std::runtime_error(what), failure_(failure) {}
  Failure failure() const { return failure_; }

private:
  Failure failure_;
};

struct StreamTraits {
  bool is_secure = false;     // TLS here (or, later, at a trusted proxy in front of us)
  bool can_starttls = false;  // plain TCP before negotiation only
  // Set when the listener's connection limits left no place for this connection: the session
  // then only tells the peer so and closes.
  std::optional<ConnectionRefusal> refusal;
  std::string peer_address;
};

class Stream {
public:
  virtual ~Stream() = default;
  // The next thing the peer sent; throws StreamFailure (I/O, bad XML, a limit, or idle_timeout
  // passing without a single byte from the peer).
  virtual asio::awaitable<Inbound> receive(std::chrono::milliseconds idle_timeout) = 0;
  // Instead of a receive() that would have to wait: when nothing the peer sent is waiting, arranges
  // for `resume` to run on the strand once something is (or once receive() would fail), and
  // returns true, so that an idle connection keeps no coroutine waiting. It may wait itself first
  // while the peer was active a moment ago. False: call receive().
  virtual asio::awaitable<bool> park(std::chrono::milliseconds, std::function<void()>) { co_return false; }
  // After receive() threw Failure::timeout: the next receive() or park() waits a new idle period
  // instead of failing at once (the session has asked the quiet peer whether it is still there).
  virtual void forgive_timeout() {}
  // Makes a pending (or the next) receive() throw StreamFailure(interrupted). Strand only.
  virtual void interrupt() = 0;
  // Queue output, never wait; the transport frames it. Past the backlog limit the stream fails
  // its next receive() with backlog_full.
  virtual void send_header(const xml::Attributes& attributes) = 0;
  virtual void send(const xml::Element& element) = 0;
  // send() for each, for a batch known to be complete (stanzas other sessions routed here): the
  // transport may send at once what it can without waiting, rather than after the strand's
  // other work.
  virtual void send_batch(std::span<const xml::Outbound> stanzas) {
    for (const auto& stanza : stanzas) {
      if (const auto* element = std::get_if<xml::SharedElement>(&stanza)) send(**element);
      else send(xml::addressed_element(stanza));
    }
  }
  // Flush, send the closing framing, wait a bounded time for the peer's, close.
  virtual asio::awaitable<void> close() = 0;
  // Only when traits().can_starttls: TLS handshake on the connection (throws StreamFailure).
  virtual asio::awaitable<void> start_tls() = 0;
  // A new XML document after STARTTLS or SASL success; input not yet parsed is dropped.
  virtual void restart() = 0;
  virtual const StreamTraits& traits() const = 0;
  // The strand all of this runs on.
  virtual asio::any_io_executor executor() const = 0;
};

}  // namespace tern::transport
