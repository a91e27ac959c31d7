// A client-to-server session: stream set-up, negotiation order, and the stanza loop.
#include "xmpp/session/c2s_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>

#include "transport/home_executor.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/random_id.hpp"
#include "xmpp/stanza_error.hpp"

namespace tern::xmpp {
namespace {

std::atomic<std::uint64_t> next_session_number{1};

// What a transport failure means to the peer (RFC 6120 §4.9.3); nothing for a vanished peer.
std::optional<StreamError> stream_error_for(const transport::StreamFailure& failure) {
  using transport::Failure;
  switch (failure.failure()) {
    case Failure::not_well_formed: return StreamError("not-well-formed", failure.what());
    case Failure::restricted_xml: return StreamError("restricted-xml", failure.what());
    case Failure::unsupported_encoding: return StreamError("unsupported-encoding");
    case Failure::too_large: return StreamError("policy-violation", failure.what());
    case Failure::timeout: return StreamError("connection-timeout", failure.what());
    case Failure::io_error:
    case Failure::backlog_full:
    case Failure::interrupted: break;
  }
  return std::nullopt;
}

bool is_stanza(const xml::Element& element) {
  return element.xmlns() == ns::client &&
         (element.name() == "message" || element.name() == "presence" || element.name() == "iq");
}

// RFC 6121 §4.7.2.3: an integer from -128 to +127; absent means 0.
std::optional<int> presence_priority(const xml::Element& presence) {
  const xml::Element* element = presence.child("priority", ns::client);
  if (!element) return 0;
  auto text = element->text();
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < -128 || value > 127) {
    return std::nullopt;
  }
  return value;
}

// A handler posted from a handler runs once the loop has polled the sockets again (the poll is
// queued ahead of it); each further post waits for one more poll.
template <typename Executor, typename Handler>
void post_after_polls(const Executor& executor, int polls, Handler handler) {
  if (polls <= 1) {
    asio::post(executor, std::move(handler));
    return;
  }
  asio::post(executor, [executor, polls, handler = std::move(handler)]() mutable {
    post_after_polls(executor, polls - 1, std::move(handler));
  });
}

// RFC 6120 §4.9.3: the listener's limits left this connection no place.
StreamError refusal_error(transport::ConnectionRefusal refusal) {
  if (refusal == transport::ConnectionRefusal::address_full) {
    return StreamError("policy-violation", "too many connections from your address");
  }
  if (refusal == transport::ConnectionRefusal::address_too_fast) {
    return StreamError("policy-violation", "too many new connections from your address; try again later");
  }
  return StreamError("resource-constraint", "the server has as many connections as it takes; try again later");
}

}  // namespace

C2SSession::C2SSession(std::shared_ptr<transport::Stream> stream, C2SServices services,
                       const C2SOptions& options)
    : stream_(std::move(stream)),
      services_(services),
      options_(options),
      id_("c2s#" + std::to_string(next_session_number++)) {}

void C2SSession::log_info(std::string_view message) const {
  spdlog::info("{} {} {}: {}", id_, stream_->traits().peer_address,
               jid_.empty() ? std::string("-") : jid_.full(), message);
}

void C2SSession::deliver(xml::Outbound stanza) { hand_over(std::move(stanza)); }

void C2SSession::terminate(StreamError error) { hand_over(std::move(error)); }

void C2SSession::hand_over(Delivery delivery) {
  bool broadcast = is_broadcast(delivery);
  {
    std::lock_guard lock(deliveries_mutex_);
    deliveries_.push_back(std::move(delivery));
    if (deliveries_.size() > 1) return;  // take_deliveries() is posted and takes this one too
  }
  // A room's broadcast reaches all its occupants at once, and a busy room's next messages are
  // often in the next polls of the sockets: taking a broadcast after three polls instead of one
  // lets them reach each occupant in one write instead of one write each.
  int polls = broadcast ? 3 : 1;
  transport::with_home(stream_->executor(), [&](const auto& home) {
    post_after_polls(home, polls, [self = shared_from_this()] { self->take_deliveries(); });
  });
}

bool C2SSession::is_broadcast(const Delivery& delivery) {
  const auto* stanza = std::get_if<xml::Outbound>(&delivery);
  return stanza && std::holds_alternative<xml::Addressed>(*stanza);
}

void C2SSession::take_deliveries() {
  std::vector<Delivery> deliveries;
  {
    std::lock_guard lock(deliveries_mutex_);
    deliveries.swap(deliveries_);
  }
  std::vector<xml::Outbound> stanzas;
  for (auto& delivery : deliveries) {
    if (pending_error_) return;
    if (auto* stanza = std::get_if<xml::Outbound>(&delivery)) {
      if (stage_ == Stage::bound) stanzas.push_back(std::move(*stanza));
      continue;
    }
    // What was handed over before the end still goes out (a result the end follows).
    if (!stanzas.empty()) stream_->send_batch(stanzas);
    stanzas.clear();
    pending_error_ = std::move(std::get<StreamError>(delivery));
    stream_->interrupt();
  }
  if (!pending_error_ && !stanzas.empty()) stream_->send_batch(stanzas);
}

asio::awaitable<void> C2SSession::run(std::shared_ptr<C2SSession> self) {
  services_.registry.connected(shared_from_this());
  log_info("connected");
  return serve(std::move(self), true);
}

void C2SSession::resume() {
  asio::co_spawn(stream_->executor(), serve(shared_from_this(), false), asio::detached);
}

asio::awaitable<void> C2SSession::serve([[maybe_unused]] std::shared_ptr<C2SSession> self,
                                        bool negotiate_first) {
  std::optional<StreamError> error;
  std::string ended = "closed by the client";
  try {
    if (negotiate_first) {
      if (auto refusal = stream_->traits().refusal) throw StreamErrorRaised{refusal_error(*refusal)};
      co_await negotiate();
    }
    // Named: g++ 12 destroys a lambda written inside a co_await expression twice.
    std::function<void()> resume_on_input = [self] { self->resume(); };
    // Ends when the client closes the stream (next_element() throws) or on a stream error.
    while (true) {
      auto parked = co_await stream_->park(silence_allowed(), resume_on_input);
      if (parked) co_return;
      std::optional<xml::Element> stanza;
      try {
        stanza = co_await next_element();
      } catch (const transport::StreamFailure& failure) {
        if (failure.failure() != transport::Failure::timeout) throw;
        ask_if_still_there();
      }
      if (!stanza) continue;
      pinged_ = false;
      co_await handle_stanza(std::move(*stanza));
      auto pause = allowance_.take(options_.max_stanzas_per_second, StanzaAllowance::Clock::now());
      if (pause > StanzaAllowance::Clock::duration::zero()) co_await slow_down(pause);
    }
  } catch (const StreamErrorRaised& raised) {
    error = raised.error;
  } catch (const transport::StreamFailure& failure) {
    error = stream_error_for(failure);
    if (failure.failure() == transport::Failure::interrupted && pending_error_) error = pending_error_;
    ended = failure.what();
  } catch (const std::exception& failure) {
    // A bug or an exhausted resource: this stream ends, the server and its other sessions go on.
    spdlog::error("{}: {}", id_, failure.what());
    error = StreamError("internal-server-error");
  }
  if (error) {
    if (!header_sent_) {
      // RFC 6120 §4.9.1.2: the error still follows a response header.
      stream_->send_header({{"from", options_.domains.front()},
                            {"id", random_id()},
                            {"version", "1.0"},
                            {"xml:lang", "en"},
                            {"xmlns", std::string(ns::client)},
                            {"xmlns:stream", std::string(ns::streams)}});
    }
    stream_->send(error->element());
    ended = "stream error <" + error->condition() + "/>" +
            (error->text().empty() ? "" : " (" + error->text() + ")");
  }
  co_await end();
  log_info(ended);
  co_await stream_->close();
  services_.registry.disconnected(shared_from_this());
}

asio::awaitable<void> C2SSession::slow_down(StanzaAllowance::Clock::duration pause) {
  if (!slowed_down_) {
    slowed_down_ = true;
    log_info(fmt::format("sends more than {} stanzas a second (limits.max_stanzas_per_second): its stanzas are "
                         "read no faster",
                         options_.max_stanzas_per_second));
  }
  asio::steady_timer timer(stream_->executor(), pause);
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<void> C2SSession::end() {
  if (stage_ != Stage::bound) co_return;
  if (available_) {
    // RFC 6121 §4.5.2: a stream that ends without unavailable presence gets one from the server.
    xml::Element unavailable("presence", std::string(ns::client));
    unavailable.set_attribute("from", jid_.full());
    unavailable.set_attribute("type", "unavailable");
    available_ = false;
    services_.registry.set_presence(jid_, this, std::nullopt);
    AvailabilityChange change{AvailabilityChange::Kind::became_unavailable, jid_, unavailable};
    co_await services_.pipeline.availability_changed(change);
  }
  services_.registry.unbind(jid_, this);
  if (auto* privacy = services_.pipeline.privacy()) privacy->session_ended(jid_);
}

asio::awaitable<transport::Inbound> C2SSession::next() {
  if (pending_error_) throw StreamErrorRaised{*pending_error_};
  return stream_->receive(silence_allowed());
}

std::chrono::milliseconds C2SSession::silence_allowed() const {
  if (stage_ != Stage::bound) return options_.negotiation_timeout;
  return pinged_ ? options_.ping_reply_timeout : options_.idle_timeout;
}

// RFC 6120 §4.6.3: a silent client may only be idle, so it is asked (XEP-0199 §4.2) before its
// stream ends. Anything it sends then shows it is there: the answer, an error from a client
// without XEP-0199, any other stanza, whitespace.
void C2SSession::ask_if_still_there() {
  if (pinged_) {
    throw transport::StreamFailure(
        transport::Failure::timeout,
        fmt::format("silent for {} s, and for {} s after a ping",
                    std::chrono::duration_cast<std::chrono::seconds>(options_.idle_timeout).count(),
                    std::chrono::duration_cast<std::chrono::seconds>(options_.ping_reply_timeout).count()));
  }
  pinged_ = true;
  stream_->forgive_timeout();
  xml::Element ping("iq", std::string(ns::client));
  ping.set_attribute("from", domain_);
  ping.set_attribute("to", jid_.full());
  ping.set_attribute("type", "get");
  ping.set_attribute("id", "idle-" + random_id(6));
  ping.add_child("ping", std::string(ns::ping));
  stream_->send(ping);
}

asio::awaitable<xml::Element> C2SSession::next_element() {
  auto inbound = co_await next();
  auto* element = std::get_if<xml::Element>(&inbound);
  // A closing tag ends the session quietly; a second header cannot occur in one document.
  if (!element) throw transport::StreamFailure(transport::Failure::io_error, "closed by the client");
  if (element->xmlns() == ns::streams) {
    // §4.9: the client's own stream error ends the stream; it is not answered with another.
    if (element->name() == "error") {
      auto conditions = element->child_elements();
      throw transport::StreamFailure(
          transport::Failure::io_error,
          "the client sent a stream error" +
              (conditions.empty() ? std::string() : " <" + conditions.front()->name() + "/>"));
    }
    throw StreamErrorRaised{StreamError("bad-format", "unexpected <stream:" + element->name() + "/>")};
  }
  co_return std::move(*element);
}

asio::awaitable<void> C2SSession::open_stream() {
  auto inbound = co_await next();
  auto* opened = std::get_if<transport::StreamOpened>(&inbound);
  if (!opened) throw StreamErrorRaised{StreamError("not-well-formed")};
  const std::string* to = xml::find_attribute(opened->attributes, "to");
  const std::string* lang = xml::find_attribute(opened->attributes, "xml:lang");
  const std::string* version = xml::find_attribute(opened->attributes, "version");
  auto to_jid = to ? Jid::parse(*to) : std::nullopt;
  bool served = to_jid && to_jid->is_domain() && services_.router.serves(to_jid->domainpart());
  domain_ = served ? to_jid->domainpart() : options_.domains.front();
  lang_ = lang && !lang->empty() ? *lang : "en";

  // RFC 6120 §4.7: a fresh id on every header, from = the served domain, to = the client's from.
  xml::Attributes response{{"from", domain_}, {"id", random_id()}};
  if (auto* from = xml::find_attribute(opened->attributes, "from")) response.push_back({"to", *from});
  response.push_back({"version", "1.0"});
  response.push_back({"xml:lang", lang_});
  response.push_back({"xmlns", std::string(ns::client)});
  response.push_back({"xmlns:stream", std::string(ns::streams)});
  stream_->send_header(response);
  header_sent_ = true;

  if (opened->xmlns != ns::streams || opened->name != "stream") {
    throw StreamErrorRaised{StreamError("invalid-namespace", "expected <stream:stream>")};
  }
  if (opened->prefix != "stream") {
    throw StreamErrorRaised{StreamError("bad-namespace-prefix", "the stream prefix must be 'stream'")};
  }
  if (opened->content_xmlns != ns::client) {
    throw StreamErrorRaised{StreamError("invalid-namespace", "the content namespace must be jabber:client")};
  }
  // After SASL the restarted stream must stay with the domain the account belongs to.
  if (!served || (!jid_.empty() && domain_ != jid_.domainpart())) {
    throw StreamErrorRaised{StreamError("host-unknown")};
  }
  // §4.7.5: no version means 0.9, which has no stream features; only major version 1 is spoken.
  if (!version || !(version->starts_with("1.") || *version == "1")) {
    throw StreamErrorRaised{StreamError("unsupported-version", "XMPP 1.0 is required")};
  }
  stream_->send(stream_features());
}

xml::Element C2SSession::stream_features() const {
  xml::Element features("features", std::string(ns::streams));
  switch (stage_) {
    case Stage::tls: {
      auto& starttls = features.add_child("starttls", std::string(ns::tls));
      if (options_.require_tls) {
        starttls.add_child("required", std::string(ns::tls));
        break;  // §5.3.1: only STARTTLS until it is done
      }
      [[fallthrough]];
    }
    case Stage::authentication: {
      auto& mechanisms = features.add_child("mechanisms", std::string(ns::sasl));
      mechanisms.add_child("mechanism", std::string(ns::sasl)).add_text("SCRAM-SHA-256");
      mechanisms.add_child("mechanism", std::string(ns::sasl)).add_text("SCRAM-SHA-1");
      // RFC 6120 §6.4.1 / §13.9.4: no clear-text password on an unencrypted stream.
      if (stream_->traits().is_secure) {
        mechanisms.add_child("mechanism", std::string(ns::sasl)).add_text("PLAIN");
        // Registration and XEP-0078 send a password too: offered on a secure stream only.
        for (const auto& feature : services_.pipeline.stream_features(Negotiation::unauthenticated)) {
          features.add_child(feature);
        }
        if (options_.legacy_iq_auth) features.add_child("auth", std::string(ns::iq_auth_feature));
      }
      break;
    }
    case Stage::binding: {
      features.add_child("bind", std::string(ns::bind));
      // RFC 6121 Appendix E: the RFC 3921 session step is kept as a no-op for old clients.
      features.add_child("session", std::string(ns::session)).add_child("optional", std::string(ns::session));
      for (const auto& feature : services_.pipeline.stream_features(Negotiation::authenticated)) {
        features.add_child(feature);
      }
      break;
    }
    case Stage::bound: break;
  }
  return features;
}

asio::awaitable<void> C2SSession::negotiate() {
  if (stream_->traits().is_secure || !stream_->traits().can_starttls) stage_ = Stage::authentication;
  co_await open_stream();
  while (stage_ != Stage::bound) {
    auto element = co_await next_element();
    if (element.is("starttls", ns::tls)) {
      if (stage_ != Stage::tls && !(stage_ == Stage::authentication && stream_->traits().can_starttls)) {
        stream_->send(xml::Element("failure", std::string(ns::tls)));  // §5.4.2.2
        throw transport::StreamFailure(transport::Failure::io_error, "STARTTLS not available");
      }
      co_await start_tls();
    } else if (element.is("auth", ns::sasl) && stage_ != Stage::binding) {
      co_await authenticate(element);
    } else if (stage_ == Stage::binding && element.is("iq", ns::client) &&
               element.child("bind", ns::bind) && element.attribute_or("type") == "set") {
      bind(element);
    } else if (stage_ == Stage::authentication && stream_->traits().is_secure &&
               options_.legacy_iq_auth && element.is("iq", ns::client) &&
               element.child("query", ns::iq_auth)) {
      co_await iq_auth(element);
    } else if (stage_ == Stage::authentication && stream_->traits().is_secure &&
               element.is("iq", ns::client) &&
               services_.pipeline.handles(element, Target::unauthenticated)) {
      co_await unauthenticated_iq(std::move(element));
    } else if (stage_ == Stage::tls && options_.require_tls) {
      // §5.3.1: STARTTLS is mandatory-to-negotiate here.
      throw StreamErrorRaised{StreamError("policy-violation", "STARTTLS is required")};
    } else {
      // §7.1 (CORE-13): nothing is processed before authentication and binding.
      throw StreamErrorRaised{StreamError("not-authorized")};
    }
  }
}

asio::awaitable<void> C2SSession::start_tls() {
  stream_->send(xml::Element("proceed", std::string(ns::tls)));
  co_await stream_->start_tls();  // §5.4.3.2: a failed handshake closes without more XML
  stage_ = Stage::authentication;
  log_info("TLS established");
  co_await open_stream();
}

// XEP-0077 §3.1: an unregistered client may register before it authenticates. The answer
// goes back on this stream only: the client has no address yet.
asio::awaitable<void> C2SSession::unauthenticated_iq(xml::Element iq) {
  if (!iq.attribute("id")) {
    stream_->send(error_reply(iq, StanzaError::bad_request("an IQ needs an id")));
    co_return;
  }
  iq.set_attribute("xml:lang", lang_);
  auto reply = co_await services_.pipeline.handle_iq(iq, Jid(), *Jid::parse(domain_),
                                                     Target::unauthenticated);
  stream_->send(reply);
}

void C2SSession::bind(const xml::Element& iq) {
  const xml::Element* requested = iq.child("bind", ns::bind)->child("resource", ns::bind);
  std::string resource = requested ? requested->text() : std::string();
  if (resource.empty()) resource = random_id(8);  // §7.6: server-generated
  auto full = jid_.with_resource(resource);
  if (!full || !iq.attribute("id")) {
    stream_->send(error_reply(iq, StanzaError::bad_request("not an acceptable resourcepart")));
    return;
  }
  claim(*full);
  xml::Element result("iq", std::string(ns::client));
  result.set_attribute("id", iq.attribute_or("id"));
  result.set_attribute("type", "result");
  result.add_child("bind", std::string(ns::bind)).add_child("jid", std::string(ns::bind)).add_text(jid_.full());
  stream_->send(result);
}

void C2SSession::claim(const Jid& full) {
  jid_ = full;
  stage_ = Stage::bound;
  if (auto replaced = services_.registry.bind(jid_, shared_from_this())) {
    // RFC 6120 §7.7.2.2 (XEP-0078 §3.1 alike): this server's policy is to override the older
    // session.
    replaced->terminate(StreamError("conflict", "replaced by a new session for the same resource"));
  }
  log_info("bound");
}

asio::awaitable<void> C2SSession::handle_stanza(xml::Element stanza) {
  if (!is_stanza(stanza)) {
    throw StreamErrorRaised{StreamError("unsupported-stanza-type")};  // §4.9.3.24
  }
  // §8.1.2.1: the server stamps 'from'; a client may only claim its own JIDs.
  if (const std::string* from = stanza.attribute("from")) {
    auto claimed = Jid::parse(*from);
    if (!claimed || (*claimed != jid_ && *claimed != jid_.bare())) {
      throw StreamErrorRaised{StreamError("invalid-from")};
    }
  }
  stanza.set_attribute("from", jid_.full());
  if (!stanza.attribute("xml:lang")) stanza.set_attribute("xml:lang", lang_);  // §8.1.5

  auto type = stanza.attribute_or("type");
  if (stanza.name() == "iq") {
    bool request = type == "get" || type == "set";
    if (!stanza.attribute("id") || !(request || type == "result" || type == "error")) {
      stream_->send(error_reply(stanza, StanzaError::bad_request("an IQ needs an id and a valid type")));
      co_return;
    }
    // §8.2.3: a request carries exactly one payload element.
    if (request && stanza.child_elements().size() != 1) {
      stream_->send(error_reply(stanza, StanzaError::bad_request("an IQ request carries exactly one child element")));
      co_return;
    }
    // RFC 3921 §3: addressed to the server (or, as many clients do, to nobody); a no-op now.
    const std::string* to = stanza.attribute("to");
    if (request && stanza.child("session", ns::session) &&
        (!to || *to == domain_ || *to == jid_.bare_string())) {
      xml::Element result("iq", std::string(ns::client));
      result.set_attribute("id", stanza.attribute_or("id"));
      if (to) result.set_attribute("from", *to);
      result.set_attribute("type", "result");
      stream_->send(result);
      co_return;
    }
  } else if (stanza.name() == "message") {
    // RFC 6121 §5.2.2: an unknown type is processed as "normal".
  } else if (!(type.empty() || type == "unavailable" || type == "subscribe" ||
               type == "subscribed" || type == "unsubscribe" || type == "unsubscribed" ||
               type == "probe" || type == "error")) {
    stream_->send(error_reply(stanza, StanzaError::bad_request("unknown presence type")));
    co_return;
  } else if (const xml::Element* show = stanza.child("show", ns::client)) {
    // RFC 6121 §4.7.2.1: away, chat, dnd or xa.
    auto value = show->text();
    if (value != "away" && value != "chat" && value != "dnd" && value != "xa") {
      stream_->send(error_reply(stanza, StanzaError::bad_request("<show/> must be away, chat, dnd or xa")));
      co_return;
    }
  }
  std::optional<Jid> recipient;
  if (const std::string* to = stanza.attribute("to")) {
    recipient = Jid::parse(*to);
    if (!recipient) {
      if (type != "error") stream_->send(error_reply(stanza, StanzaError::jid_malformed()));
      co_return;
    }
    // XEP-0016 §2.14, XEP-0191 §3.3: what the user's own rules block is answered, not routed.
    auto verdict = co_await services_.router.sender_verdict(jid_, stanza, *recipient);
    if (verdict != Verdict::allow) {
      if (type != "error") stream_->send(blocked_reply(stanza, verdict));
      co_return;
    }
  }
  if (stanza.name() != "iq" &&
      co_await services_.pipeline.process(xmpp::Stage::outbound, stanza) == Handled::yes) {
    co_return;
  }
  if (stanza.name() == "presence" && !recipient) {
    co_await own_presence(std::move(stanza));
    co_return;
  }
  if (recipient) {
    co_await services_.router.route(std::move(stanza), jid_, *recipient, SenderPrivacy::skip);
  } else {
    co_await services_.router.route(std::move(stanza), SenderPrivacy::skip);
  }
}

// RFC 6121 §4.2-§4.5: presence without 'to' sets this resource's availability; features
// broadcast it.
asio::awaitable<void> C2SSession::own_presence(xml::Element presence) {
  auto type = presence.attribute_or("type");
  if (type == "unavailable") {
    if (!available_) co_return;
    available_ = false;
    services_.registry.set_presence(jid_, this, std::nullopt);
    AvailabilityChange change{AvailabilityChange::Kind::became_unavailable, jid_, presence};
    co_await services_.pipeline.availability_changed(change);
    co_return;
  }
  if (!type.empty()) co_return;  // probes and subscriptions need a 'to'
  auto priority = presence_priority(presence);
  if (!priority) {
    stream_->send(error_reply(presence, StanzaError::bad_request("priority must be an integer from -128 to 127")));
    co_return;
  }
  auto kind = available_ ? AvailabilityChange::Kind::updated
                         : AvailabilityChange::Kind::became_available;
  available_ = true;
  services_.registry.set_presence(jid_, this, priority,
                                  std::make_shared<const xml::Element>(presence));
  AvailabilityChange change{kind, jid_, presence};
  co_await services_.pipeline.availability_changed(change);
}

}  // namespace tern::xmpp
