// XEP-0078 Non-SASL Authentication, for clients that predate SASL: off by default, on secure
// streams only, and checked against the same stored SCRAM keys as SASL PLAIN. Digest
// authentication needs the clear password on the server, which Tern never keeps.

#include "xmpp/namespaces.hpp"
#include "xmpp/session/c2s_session.hpp"

namespace tern::xmpp {
namespace {

std::string field(const xml::Element& query, std::string_view name) {
  const xml::Element* element = query.child(name, ns::iq_auth);
  return element ? element->text() : std::string();
}

// §3.1: errors must not echo the credentials, so the reply carries no payload.
xml::Element credential_free_error(const xml::Element& iq, const StanzaError& error) {
  xml::Element bare_iq(iq.name(), iq.xmlns());
  for (const auto& attribute : iq.attributes()) bare_iq.set_attribute(attribute.name, attribute.value);
  return error_reply(bare_iq, error);
}

}  // namespace

asio::awaitable<void> C2SSession::iq_auth(const xml::Element& iq) {
  // §3.1 / §7: after a SASL attempt a client must not fall back to the weaker protocol.
  if (sasl_attempted_) {
    throw StreamErrorRaised{StreamError("policy-violation", "jabber:iq:auth after SASL")};
  }
  const xml::Element& query = *iq.child("query", ns::iq_auth);
  auto type = iq.attribute_or("type");
  if (!iq.attribute("id") || (type != "get" && type != "set")) {
    stream_->send(credential_free_error(iq, StanzaError::bad_request()));
    co_return;
  }
  if (type == "get") {
    // §3.1: the fields, the same for every username (nothing tells whether it exists).
    xml::Element result("iq", std::string(ns::client));
    result.set_attribute("id", iq.attribute_or("id"));
    result.set_attribute("type", "result");
    auto& fields = result.add_child("query", std::string(ns::iq_auth));
    fields.add_child("username", std::string(ns::iq_auth)).add_text(field(query, "username"));
    fields.add_child("password", std::string(ns::iq_auth));
    fields.add_child("resource", std::string(ns::iq_auth));
    stream_->send(result);
    co_return;
  }
  auto username = field(query, "username");
  auto password = field(query, "password");
  auto resource = field(query, "resource");
  if (username.empty() || password.empty() || resource.empty()) {
    // §3.1 (Example 7): a missing field is not-acceptable (406).
    stream_->send(credential_free_error(iq, StanzaError::not_acceptable("username, password and resource are required")));
    co_return;
  }
  auto account = Jid::make(username, domain_);
  std::optional<sasl::ScramCredentials> stored;
  if (account) stored = co_await stored_credentials(*account, sasl::ScramHash::sha256);
  auto full = account ? account->with_resource(resource) : std::nullopt;
  if (!stored || !full || !sasl::verify_password(*stored, password)) {
    co_await count_failed_attempt(true);
    stream_->send(credential_free_error(iq, StanzaError::not_authorized()));  // §3.1 (401)
    log_info("jabber:iq:auth failed");
    end_stream_if_attempts_exhausted();
    co_return;
  }
  // Authenticated and bound at once; there is no stream restart.
  claim(*full);
  log_info("authenticated with jabber:iq:auth");
  xml::Element result("iq", std::string(ns::client));
  result.set_attribute("id", iq.attribute_or("id"));
  result.set_attribute("type", "result");
  stream_->send(result);
}

}  // namespace tern::xmpp
