// SASL authentication of a c2s session (RFC 6120 §6): SCRAM-SHA-256, SCRAM-SHA-1 (RFC 5802,
// RFC 7677) and PLAIN over TLS (RFC 4616), all checked against stored SCRAM keys.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "xmpp/namespaces.hpp"
#include "xmpp/negotiation/base64.hpp"
#include "xmpp/negotiation/plain.hpp"
#include "xmpp/session/c2s_session.hpp"

namespace tern::xmpp {
namespace {

using sasl::SaslCondition;

// Raised inside one exchange; the exchange ends with <failure/> and the client may retry.
struct SaslFailure {
  SaslCondition condition;
};

xml::Element sasl_element(std::string name, const std::string& data) {
  xml::Element element(std::move(name), std::string(ns::sasl));
  // §6.4.2: empty data is sent as "=" where the element must carry something.
  if (!data.empty()) element.add_text(sasl::base64_encode(data));
  return element;
}

}  // namespace

std::optional<Jid> C2SSession::authorized_account(std::string_view username,
                                                  std::string_view authzid,
                                                  SaslCondition& failure) const {
  auto account = Jid::make(username, domain_);
  if (!account) {
    failure = SaslCondition::not_authorized;
    return std::nullopt;
  }
  // §6.3.8: an authorization identity other than the account itself is not granted.
  if (!authzid.empty()) {
    auto requested = Jid::parse(authzid);
    if (!requested || *requested != *account) {
      failure = SaslCondition::invalid_authzid;
      return std::nullopt;
    }
  }
  return account;
}

asio::awaitable<std::string> C2SSession::sasl_response(const std::string& challenge) {
  stream_->send(sasl_element("challenge", challenge));
  auto element = co_await next_element();
  if (element.is("abort", ns::sasl)) throw SaslFailure{SaslCondition::aborted};  // §6.4.4
  if (!element.is("response", ns::sasl)) throw SaslFailure{SaslCondition::malformed_request};
  auto text = element.text();
  if (text == "=") co_return std::string();
  auto decoded = sasl::base64_decode(text);
  if (!decoded) throw SaslFailure{SaslCondition::incorrect_encoding};
  co_return *decoded;
}

asio::awaitable<std::optional<sasl::ScramCredentials>> C2SSession::stored_credentials(
    Jid account, sasl::ScramHash hash) {
  std::optional<std::string> failure;
  try {
    co_return co_await services_.accounts.credentials(account, hash);
  } catch (const std::exception& error) {
    failure = error.what();
  }
  // RFC 6120 §6.5.11: the client may try again later.
  log_info("cannot read credentials: " + *failure);
  throw SaslFailure{SaslCondition::temporary_auth_failure};
}

asio::awaitable<std::optional<Jid>> C2SSession::scram_exchange(sasl::ScramHash hash,
                                                               std::string initial) {
  sasl::ScramServer scram(hash, options_.fake_salt_secret);
  auto first = scram.receive_client_first(initial);
  if (auto* condition = std::get_if<SaslCondition>(&first)) throw SaslFailure{*condition};
  SaslCondition failure{};
  auto account = authorized_account(std::get<std::string>(first), scram.authzid(), failure);
  if (!account && failure == SaslCondition::invalid_authzid) throw SaslFailure{failure};
  std::optional<sasl::ScramCredentials> stored;
  if (account) stored = co_await stored_credentials(*account, hash);
  // An unknown user goes through the whole exchange with a made-up salt (no enumeration).
  auto final_message = co_await sasl_response(scram.server_first(stored));
  auto verdict = scram.receive_client_final(final_message);
  if (auto* condition = std::get_if<SaslCondition>(&verdict)) throw SaslFailure{*condition};
  if (!stored) throw SaslFailure{SaslCondition::not_authorized};
  stream_->send(sasl_element("success", std::get<std::string>(verdict)));
  co_return account;
}

asio::awaitable<std::optional<Jid>> C2SSession::plain_exchange(const std::string& message) {
  auto plain = sasl::parse_plain(message);
  if (!plain) throw SaslFailure{SaslCondition::malformed_request};
  SaslCondition failure{};
  auto account = authorized_account(plain->authcid, plain->authzid, failure);
  if (!account) throw SaslFailure{failure};
  auto stored = co_await stored_credentials(*account, sasl::ScramHash::sha256);
  if (!stored || !sasl::verify_password(*stored, plain->password)) {
    throw SaslFailure{SaslCondition::not_authorized};
  }
  stream_->send(xml::Element("success", std::string(ns::sasl)));
  co_return account;
}

asio::awaitable<void> C2SSession::authenticate(const xml::Element& auth) {
  sasl_attempted_ = true;
  std::optional<SaslCondition> failure;
  std::optional<Jid> account;
  try {
    auto mechanism = auth.attribute_or("mechanism");
    bool secure = stream_->traits().is_secure;
    if (!secure && options_.require_tls) throw SaslFailure{SaslCondition::encryption_required};
    std::optional<sasl::ScramHash> scram;
    if (mechanism == "SCRAM-SHA-256") scram = sasl::ScramHash::sha256;
    if (mechanism == "SCRAM-SHA-1") scram = sasl::ScramHash::sha1;
    if (!scram && mechanism != "PLAIN") throw SaslFailure{SaslCondition::invalid_mechanism};
    if (!scram && !secure) throw SaslFailure{SaslCondition::encryption_required};  // §13.9.4
    // §6.4.2: "=" is an empty initial response; no text at all means none was sent.
    auto text = auth.text();
    std::string initial;
    if (text.empty()) {
      initial = co_await sasl_response("");
    } else if (text != "=") {
      auto decoded = sasl::base64_decode(text);
      if (!decoded) throw SaslFailure{SaslCondition::incorrect_encoding};
      initial = *decoded;
    }
    if (scram) {
      account = co_await scram_exchange(*scram, std::move(initial));
    } else {
      account = co_await plain_exchange(initial);
    }
  } catch (const SaslFailure& raised) {
    failure = raised.condition;
  }
  if (failure) {
    co_await fail_authentication(*failure);
    co_return;
  }
  jid_ = *account;
  stage_ = Stage::binding;
  log_info("authenticated with " + auth.attribute_or("mechanism"));
  stream_->restart();
  co_await open_stream();
}

asio::awaitable<void> C2SSession::fail_authentication(SaslCondition condition) {
  co_await count_failed_attempt(condition != SaslCondition::aborted);
  xml::Element failure("failure", std::string(ns::sasl));
  failure.add_child(std::string(sasl::condition_name(condition)), std::string(ns::sasl));
  stream_->send(failure);
  log_info("authentication failed: " + std::string(sasl::condition_name(condition)));
  end_stream_if_attempts_exhausted();
}

asio::awaitable<void> C2SSession::count_failed_attempt(bool pause) {
  ++auth_failures_;
  if (!pause) co_return;
  asio::steady_timer delay(stream_->executor(), options_.auth_failure_delay);
  co_await delay.async_wait(asio::as_tuple(asio::use_awaitable));
}

void C2SSession::end_stream_if_attempts_exhausted() const {
  if (auth_failures_ >= options_.max_auth_attempts) {
    throw StreamErrorRaised{StreamError("policy-violation", "too many authentication attempts")};
  }
}

}  // namespace tern::xmpp
