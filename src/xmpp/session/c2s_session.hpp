// A client-to-server session over any Stream: stream negotiation (RFC 6120 §4-§7: STARTTLS, SASL,
// resource binding), then the stanza loop that stamps and routes what the client sends and
// writes what is delivered to it. Everything here runs on the stream's strand.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "transport/stream.hpp"
#include "xmpp/accounts.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/negotiation/scram.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"
#include "xmpp/session/stanza_allowance.hpp"
#include "xmpp/stream_error.hpp"

namespace tern::xmpp {

namespace asio = boost::asio;

struct C2SOptions {
  std::vector<std::string> domains;  // prepared domainparts; the first is the default
  bool require_tls = true;           // STARTTLS before SASL (RFC 6120 §5.3.1 <required/>)
  std::chrono::milliseconds negotiation_timeout{60'000};  // until a resource is bound
  std::chrono::milliseconds idle_timeout{600'000};        // silence once bound: then a ping
  std::chrono::milliseconds ping_reply_timeout{60'000};    // then: <connection-timeout/>
  int max_auth_attempts = 5;                               // RFC 6120 §6.4.5: 2 to 5
  std::chrono::milliseconds auth_failure_delay{1'000};
  std::string fake_salt_secret;  // SCRAM salts for unknown users (no account enumeration)
  bool legacy_iq_auth = false;   // XEP-0078 (obsolete) for old clients, on secure streams only
  unsigned max_stanzas_per_second = 5000;  // read from one client once bound; 0: no limit
};

struct C2SServices {
  SessionRegistry& registry;
  Router& router;
  Pipeline& pipeline;
  Accounts& accounts;
};

// Thrown inside the session to end the stream with this error (caught in run()).
struct StreamErrorRaised {
  StreamError error;
};

class C2SSession final : public SessionLink, public std::enable_shared_from_this<C2SSession> {
public:
  C2SSession(std::shared_ptr<transport::Stream> stream, C2SServices services,
             const C2SOptions& options);
  // Serves the stream until it ends, or until it idles on a stream that can park: then the
  // session lives on in the stream's wait and serves again when the client sends. `self` is this
  // session, which the coroutine keeps alive.
  asio::awaitable<void> run(std::shared_ptr<C2SSession> self);

  void deliver(xml::Outbound stanza) override;
  void terminate(StreamError error) override;

private:
  enum class Stage : unsigned char { tls, authentication, binding, bound };

  // The stanza loop, after negotiation or resumed from a park, and the end of the session.
  asio::awaitable<void> serve(std::shared_ptr<C2SSession> self, bool negotiate_first);
  void resume();
  // What other sessions hand this one, in their order: a stanza to send, or the end of the stream.
  using Delivery = std::variant<xml::Outbound, StreamError>;
  void hand_over(Delivery delivery);
  static bool is_broadcast(const Delivery& delivery);
  // On the strand: what hand_over() gathered, the stanzas going out as one batch.
  void take_deliveries();
  // The stream's next event (not a coroutine: one frame less for each idle session to keep).
  asio::awaitable<transport::Inbound> next();
  asio::awaitable<xml::Element> next_element();
  asio::awaitable<void> open_stream();
  xml::Element stream_features() const;
  asio::awaitable<void> negotiate();
  asio::awaitable<void> start_tls();
  asio::awaitable<void> authenticate(const xml::Element& auth);
  asio::awaitable<std::optional<Jid>> scram_exchange(sasl::ScramHash hash, std::string initial);
  asio::awaitable<std::optional<Jid>> plain_exchange(const std::string& message);
  asio::awaitable<std::optional<sasl::ScramCredentials>> stored_credentials(Jid account,
                                                                            sasl::ScramHash hash);
  std::optional<Jid> authorized_account(std::string_view username, std::string_view authzid,
                                        sasl::SaslCondition& failure) const;
  asio::awaitable<void> fail_authentication(sasl::SaslCondition condition);
  // A failed attempt, by SASL or jabber:iq:auth: counted, and answered after a pause that makes
  // password guessing slow (none for a client that aborted its own exchange).
  asio::awaitable<void> count_failed_attempt(bool pause);
  // After the failure's answer: the stream ends once the attempts reach max_auth_attempts.
  void end_stream_if_attempts_exhausted() const;
  asio::awaitable<std::string> sasl_response(const std::string& challenge);
  asio::awaitable<void> unauthenticated_iq(xml::Element iq);
  asio::awaitable<void> iq_auth(const xml::Element& iq);
  void bind(const xml::Element& iq);
  void claim(const Jid& full);
  asio::awaitable<void> handle_stanza(xml::Element stanza);
  // Waits before the next stanza is read, the client having sent more than its allowance.
  asio::awaitable<void> slow_down(StanzaAllowance::Clock::duration pause);
  asio::awaitable<void> own_presence(xml::Element presence);
  asio::awaitable<void> end();
  // How long the client may send nothing before receive() fails with a timeout.
  std::chrono::milliseconds silence_allowed() const;
  void ask_if_still_there();
  void log_info(std::string_view message) const;

  std::shared_ptr<transport::Stream> stream_;
  C2SServices services_;
  const C2SOptions& options_;
  std::string id_;  // this connection, in logs
  // The small members together, so that a session takes no more of tcmalloc's size classes.
  Stage stage_ = Stage::tls;
  bool header_sent_ = false;
  bool available_ = false;
  bool sasl_attempted_ = false;
  bool slowed_down_ = false;  // logged once
  bool pinged_ = false;       // after a silence, until the client sends a stanza
  std::uint8_t auth_failures_ = 0;  // the stream ends at max_auth_attempts (at most 5)
  std::string domain_;  // the served domain the client asked for
  std::string lang_;    // the stream's xml:lang
  Jid jid_;             // the account after SASL, the full JID after binding
  StanzaAllowance allowance_;
  std::optional<StreamError> pending_error_;  // set by terminate() from another session
  // For take_deliveries(), which the first of them posted.
  std::mutex deliveries_mutex_;
  std::vector<Delivery> deliveries_;
};

}  // namespace tern::xmpp
