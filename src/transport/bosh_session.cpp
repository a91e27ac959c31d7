// A BOSH session as a Stream (XEP-0124 §7-§14, XEP-0206).
#include "transport/bosh_session.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <charconv>

#include "transport/framing_namespaces.hpp"
#include "transport/nothrow.hpp"
#include "xml/serializer.hpp"

namespace tern::transport {
namespace {

constexpr std::string_view xbosh_xmlns = "urn:xmpp:xbosh";

// An attribute in urn:xmpp:xbosh, whatever prefix the client bound to it (XEP-0206 §5).
std::string xbosh_attribute(const xml::Element& body, std::string_view name) {
  for (const auto& attribute : body.attributes()) {
    if (attribute.name.starts_with("xmlns:") && attribute.value == xbosh_xmlns) {
      return body.attribute_or(attribute.name.substr(6) + ":" + std::string(name));
    }
  }
  return {};
}

xml::Attributes stream_attributes(const BoshCreation& creation) {
  return {{"to", creation.to}, {"version", creation.route_version}, {"xml:lang", creation.lang}};
}

}  // namespace

std::optional<std::uint64_t> bosh_number(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string bosh_terminate(std::string_view condition) {
  xml::Element body("body", std::string(httpbind_xmlns));
  body.set_attribute("type", "terminate");
  if (!condition.empty()) body.set_attribute("condition", std::string(condition));
  return xml::serialize(body);
}

BoshSession::BoshSession(asio::any_io_executor strand, std::string sid, BoshCreation creation,
                         StreamTraits traits, BoshOptions options)
    : strand_(std::move(strand)),
      sid_(std::move(sid)),
      creation_(std::move(creation)),
      traits_(std::move(traits)),
      options_(options),
      wakeup_(strand_),
      last_request_(std::chrono::steady_clock::now()),
      next_rid_(creation_.rid),
      turn_(strand_) {
  traits_.can_starttls = false;
  // XEP-0206 §5: the session creation request opens the stream.
  inbound_.push_back(StreamOpened{"stream", std::string(streams_xmlns), "stream", "jabber:client",
                                  stream_attributes(creation_)});
}

asio::awaitable<std::string> BoshSession::request(xml::Element body) {
  last_request_ = std::chrono::steady_clock::now();
  auto rid = bosh_number(body.attribute_or("rid"));
  if (!rid) co_return bosh_terminate("bad-request");
  // §14.3: a repeated request gets the response it had; an unknown old one ends the session.
  if (*rid < next_rid_) {
    if (auto cached = answered_.find(*rid); cached != answered_.end()) co_return cached->second;
    co_return bosh_terminate("item-not-found");
  }
  if (ended_) {
    if (auto last = answered_.find(*rid); last != answered_.end()) co_return last->second;
    co_return bosh_terminate("");
  }
  // §14.3: at most 'requests' (hold + 1) ahead of the last one taken.
  if (*rid > next_rid_ + creation_.hold) {
    fail(Failure::io_error, "BOSH rid outside the window");
    co_return bosh_terminate("item-not-found");
  }
  // §14.2: payloads are taken in rid order; an early request waits for those before it. And
  // for the session to have read the payload before (it may read slowly: max_stanzas_per_second),
  // so that a client which sends faster waits for its answers instead of filling memory here.
  auto deadline = std::chrono::steady_clock::now() + creation_.wait;
  while (*rid > next_rid_ || !inbound_.empty()) {
    if (ended_ || std::chrono::steady_clock::now() >= deadline) co_return bosh_terminate("item-not-found");
    turn_.expires_at(deadline);
    co_await turn_.async_wait(nothrow);
  }
  paused_until_ = {};  // a request after a pause ends it
  take_payload(body);
  next_rid_ = *rid + 1;
  turn_.cancel();
  co_return co_await answer(*rid);
}

void BoshSession::take_payload(const xml::Element& body) {
  for (const auto* child : body.child_elements()) inbound_.push_back(*child);
  // XEP-0206 §5: a restart is a new stream header.
  if (xbosh_attribute(body, "restart") == "true") {
    inbound_.push_back(StreamOpened{"stream", std::string(streams_xmlns), "stream", "jabber:client",
                                    stream_attributes(creation_)});
  }
  if (body.attribute_or("type") == "terminate") inbound_.push_back(StreamClosed{});
  // §10: a pause (bounded by maxpause) answers every held request and defers inactivity.
  if (auto pause = bosh_number(body.attribute_or("pause"))) {
    auto seconds = std::min<std::uint64_t>(*pause, options_.max_pause.count());
    paused_until_ = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!held_.empty()) respond(*held_.front(), response_body(false, held_.front()->rid));
  }
  wakeup_.cancel();
}

asio::awaitable<std::string> BoshSession::answer(std::uint64_t rid) {
  auto held = std::make_shared<Held>(Held{rid, asio::steady_timer(strand_), std::nullopt});
  held_.push_back(held);
  // §11: no more than 'hold' requests wait; the oldest goes back (empty if need be).
  while (held_.size() > creation_.hold && created_) {
    respond(*held_.front(), response_body(false, held_.front()->rid));
  }
  schedule_flush();
  // §10: the request that asks for a pause is answered at once too.
  if (paused_until_ > std::chrono::steady_clock::now()) respond(*held, response_body(false, rid));
  if (!held->response) {
    held->timer.expires_after(creation_.wait);
    co_await held->timer.async_wait(nothrow);
  }
  if (!held->response) {
    // 'wait' has passed with nothing to say.
    std::erase(held_, held);
    respond(*held, response_body(false, held->rid));
  }
  last_request_ = std::chrono::steady_clock::now();
  co_return *held->response;
}

void BoshSession::respond(Held& held, std::string response) {
  std::erase_if(held_, [&](const std::shared_ptr<Held>& other) { return other.get() == &held; });
  remember(held.rid, response);
  held.response = std::move(response);
  held.timer.cancel();
}

void BoshSession::remember(std::uint64_t rid, const std::string& response) {
  answered_[rid] = response;
  while (answered_.size() > creation_.hold + 1) answered_.erase(answered_.begin());
}

void BoshSession::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  // Output sent in one turn of the strand goes out in one response.
  asio::post(strand_, [self = shared_from_this()] { self->flush(); });
}

void BoshSession::flush() {
  flush_scheduled_ = false;
  if (held_.empty() || !header_) return;  // the creation response waits for the stream header
  if (output_.empty() && created_) return;
  respond(*held_.front(), response_body(false, held_.front()->rid));
}

std::string BoshSession::response_body(bool terminate, std::optional<std::uint64_t> rid) {
  xml::Element body("body", std::string(httpbind_xmlns));
  // §9.2: when acks were asked for, a response to an older request tells which is the latest
  // request received in order.
  if (creation_.acks && rid && created_ && *rid + 1 < next_rid_) {
    body.set_attribute("ack", std::to_string(next_rid_ - 1));
  }
  if (!created_ && header_) {
    // XEP-0124 §7.1 and XEP-0206 §5: the session creation response.
    created_ = true;
    body.set_attribute("sid", sid_);
    body.set_attribute("wait", std::to_string(creation_.wait.count()));
    body.set_attribute("requests", std::to_string(creation_.hold + 1));
    body.set_attribute("hold", std::to_string(creation_.hold));
    body.set_attribute("inactivity", std::to_string(options_.inactivity.count()));
    body.set_attribute("polling", std::to_string(options_.polling.count()));
    body.set_attribute("maxpause", std::to_string(options_.max_pause.count()));
    body.set_attribute("ver", "1.11");
    if (auto* from = xml::find_attribute(*header_, "from")) body.set_attribute("from", *from);
    if (auto* id = xml::find_attribute(*header_, "id")) body.set_attribute("authid", *id);
    body.set_attribute("xmlns:xmpp", std::string(xbosh_xmlns));
    body.set_attribute("xmpp:version", "1.0");
    body.set_attribute("xmpp:restartlogic", "true");
    if (creation_.acks) body.set_attribute("ack", std::to_string(creation_.rid));
  }
  bool stream_error = false;
  bool stream_elements = false;
  for (const auto& element : output_) {
    stream_elements = stream_elements || element.xmlns() == streams_xmlns;
    stream_error = stream_error || element.is("error", streams_xmlns);
  }
  if (stream_elements) body.set_attribute("xmlns:stream", std::string(streams_xmlns));
  if (terminate) {
    body.set_attribute("type", "terminate");
    // XEP-0206 §6: a stream error travels inside the terminating body.
    if (stream_error) body.set_attribute("condition", "remote-stream-error");
  }
  for (auto& element : output_) body.add_child(std::move(element));
  output_.clear();
  output_bytes_ = 0;
  return xml::serialize(body, {"", {{"stream", streams_xmlns}}});
}

void BoshSession::fail(Failure failure, const std::string& what) {
  if (!failure_) failure_.emplace(failure, what);
  ended_ = true;
  wakeup_.cancel();
  turn_.cancel();
}

asio::awaitable<Inbound> BoshSession::receive(std::chrono::milliseconds idle_timeout) {
  while (true) {
    if (!inbound_.empty()) {
      auto next = std::move(inbound_.front());
      inbound_.pop_front();
      if (inbound_.empty()) turn_.cancel();  // the next request's payload may come in
      co_return next;
    }
    if (interrupted_) {
      interrupted_ = false;
      throw StreamFailure(Failure::interrupted, "interrupted");
    }
    if (failure_) throw *failure_;
    auto now = std::chrono::steady_clock::now();
    auto deadline = std::max(last_request_, timeout_forgiven_) + idle_timeout;
    // §7.1 'inactivity': with no request held the client must come back within it.
    if (held_.empty()) {
      deadline = std::min(deadline, std::max(last_request_, paused_until_) + options_.inactivity);
    }
    if (now >= deadline) {
      throw StreamFailure(held_.empty() ? Failure::io_error : Failure::timeout,
                          held_.empty() ? "the BOSH client stopped polling" : "nothing received");
    }
    wakeup_.expires_at(deadline);
    co_await wakeup_.async_wait(nothrow);
  }
}

void BoshSession::forgive_timeout() { timeout_forgiven_ = std::chrono::steady_clock::now(); }

void BoshSession::interrupt() {
  interrupted_ = true;
  wakeup_.cancel();
}

void BoshSession::send_header(const xml::Attributes& attributes) {
  if (!header_) header_ = attributes;
  schedule_flush();
}

void BoshSession::send(const xml::Element& element) {
  if (closing_) return;
  output_bytes_ += element.children().size() * 64 + 256;  // a cheap bound, not a serialization
  if (output_bytes_ > options_.max_backlog_bytes) {
    fail(Failure::backlog_full, "the BOSH client does not collect what it is sent");
    return;
  }
  output_.push_back(element);
  schedule_flush();
}

// The end of the session: a held request carries the terminating body; without one, the next
// request gets it.
asio::awaitable<void> BoshSession::close() {
  if (closing_) co_return;
  closing_ = true;
  auto last = response_body(true);
  if (!held_.empty()) {
    respond(*held_.front(), last);
    while (!held_.empty()) respond(*held_.front(), bosh_terminate(""));
  } else {
    answered_[next_rid_] = last;  // what the client's next request gets
  }
  ended_ = true;
  if (!failure_) failure_.emplace(Failure::io_error, "closed");
  wakeup_.cancel();
  turn_.cancel();
}

asio::awaitable<void> BoshSession::start_tls() {
  throw StreamFailure(Failure::io_error, "STARTTLS is not part of BOSH");
  co_return;
}

}  // namespace tern::transport
