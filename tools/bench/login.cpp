#include "login.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "concurrency.hpp"
#include "xml/serializer.hpp"
#include "xmpp/negotiation/base64.hpp"

namespace tern::bench {

namespace {

constexpr std::string_view streams_ns = "http://etherx.jabber.org/streams";
constexpr std::string_view tls_ns = "urn:ietf:params:xml:ns:xmpp-tls";
constexpr std::string_view sasl_ns = "urn:ietf:params:xml:ns:xmpp-sasl";
constexpr std::string_view bind_ns = "urn:ietf:params:xml:ns:xmpp-bind";
constexpr std::string_view session_ns = "urn:ietf:params:xml:ns:xmpp-session";

asio::ip::tcp::endpoint resolve(const Options& options) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  auto results = resolver.resolve(options.host, std::to_string(options.port));
  if (results.empty()) throw std::runtime_error("cannot resolve " + options.host);
  return results.begin()->endpoint();
}

asio::ssl::context client_tls() {
  asio::ssl::context tls(asio::ssl::context::tls_client);
  // Benchmarks run against self-signed certificates on loopback.
  tls.set_verify_mode(asio::ssl::verify_none);
  return tls;
}

// Opens a stream and returns the server's <stream:features/>.
asio::awaitable<xml::Element> open_stream(ClientConnection& connection, const std::string& domain) {
  std::string header =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
      " to='" + domain + "' version='1.0'>";
  co_await connection.write(header);
  auto opened = co_await connection.next_event();
  if (!std::holds_alternative<xml::RootOpened>(opened)) throw SessionFailure("no stream header from the server");
  auto features = co_await connection.next_element();
  if (!features.is("features", streams_ns)) throw SessionFailure("expected <stream:features/>, got <" + features.name() + "/>");
  co_return features;
}

bool offers_mechanism(const xml::Element& features, std::string_view name) {
  const auto* mechanisms = features.child("mechanisms", sasl_ns);
  if (!mechanisms) return false;
  for (const auto* mechanism : mechanisms->child_elements()) {
    if (mechanism->text() == name) return true;
  }
  return false;
}

std::string sasl_text(const xml::Element& element) {
  auto decoded = xmpp::sasl::base64_decode(element.text());
  if (!decoded) throw SessionFailure("bad base64 from the server in <" + element.name() + "/>");
  return *decoded;
}

asio::awaitable<xml::Element> next_sasl_element(ClientConnection& connection) {
  auto element = co_await connection.next_element();
  if (element.is("failure", sasl_ns)) {
    auto children = element.child_elements();
    throw SessionFailure("SASL failure: " + (children.empty() ? std::string("?") : children.front()->name()));
  }
  co_return element;
}

asio::awaitable<void> authenticate(BenchContext& context, ClientConnection& connection,
                                   const xml::Element& features, const std::string& user) {
  const auto& options = context.options;
  if (options.mechanism == Mechanism::plain) {
    if (!offers_mechanism(features, "PLAIN")) throw SessionFailure("the server does not offer PLAIN");
    std::string credentials = std::string(1, '\0') + user + std::string(1, '\0') + options.password;
    std::string auth = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
                       xmpp::sasl::base64_encode(credentials) + "</auth>";
    co_await connection.write(auth);
    auto outcome = co_await next_sasl_element(connection);
    if (!outcome.is("success", sasl_ns)) throw SessionFailure("unexpected <" + outcome.name() + "/> after PLAIN");
    co_return;
  }
  if (!offers_mechanism(features, "SCRAM-SHA-1")) throw SessionFailure("the server does not offer SCRAM-SHA-1");
  ScramClient scram(user, options.password, context.salted_passwords);
  std::string auth = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>" +
                     xmpp::sasl::base64_encode(scram.client_first()) + "</auth>";
  co_await connection.write(auth);
  auto challenge = co_await next_sasl_element(connection);
  if (!challenge.is("challenge", sasl_ns)) throw SessionFailure("expected a SCRAM challenge");
  auto client_final = scram.client_final(sasl_text(challenge));
  if (!client_final) throw SessionFailure("malformed SCRAM server-first-message");
  std::string response = "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
                         xmpp::sasl::base64_encode(*client_final) + "</response>";
  co_await connection.write(response);
  auto outcome = co_await next_sasl_element(connection);
  if (outcome.is("challenge", sasl_ns)) {  // server-final as a challenge (RFC 6120 §6.3.10 allows both)
    if (!scram.verify_server_final(sasl_text(outcome))) throw SessionFailure("wrong SCRAM server signature");
    co_await connection.write("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    outcome = co_await next_sasl_element(connection);
    if (!outcome.is("success", sasl_ns)) throw SessionFailure("expected SASL success");
    co_return;
  }
  if (!outcome.is("success", sasl_ns)) throw SessionFailure("expected SASL success");
  if (!scram.verify_server_final(sasl_text(outcome))) throw SessionFailure("wrong SCRAM server signature");
}

asio::awaitable<std::string> bind_resource(ClientConnection& connection, const std::string& resource) {
  std::string request = "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" +
                        resource + "</resource></bind></iq>";
  co_await connection.write(request);
  auto result = co_await await_iq_result(connection, "bind");
  const auto* bind = result.child("bind", bind_ns);
  const auto* jid = bind ? bind->child("jid") : nullptr;
  if (!jid) throw SessionFailure("bind result without a JID");
  co_return jid->text();
}

bool session_required(const xml::Element& features) {
  const auto* session = features.child("session", session_ns);
  return session && !session->child("optional");
}

}  // namespace

BenchContext::BenchContext(asio::io_context& io, const Options& options)
    : io(io), options(options), tls(client_tls()), endpoint(resolve(options)) {}

std::string error_condition(const xml::Element& stanza) {
  const auto* error = stanza.child("error");
  if (!error) return "";
  for (const auto* child : error->child_elements()) {
    if (child->xmlns() == "urn:ietf:params:xml:ns:xmpp-stanzas" && child->name() != "text") return child->name();
  }
  return "?";
}

asio::awaitable<xml::Element> await_iq_result(ClientConnection& connection, const std::string& id) {
  while (true) {
    auto element = co_await connection.next_element();
    if (element.name() != "iq" || element.attribute_or("id") != id) continue;
    auto type = element.attribute_or("type");
    if (type == "result") co_return element;
    if (type == "error") throw SessionFailure("IQ " + id + " failed: " + error_condition(element));
  }
}

asio::awaitable<Session> log_in(BenchContext& context, int index, LoginSteps steps) {
  const auto& options = context.options;
  Session session;
  session.index = index;
  session.connection = std::make_shared<ClientConnection>(context.io, context.tls);
  auto& connection = *session.connection;
  connection.arm_deadline(options.step_timeout());
  try {
    co_await connection.connect(context.endpoint);
    if (options.tls == TlsMode::direct) co_await connection.handshake();
    auto features = co_await open_stream(connection, options.domain);
    if (options.tls == TlsMode::starttls) {
      if (!features.child("starttls", tls_ns)) throw SessionFailure("the server does not offer STARTTLS");
      co_await connection.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
      auto proceed = co_await connection.next_element();
      if (!proceed.is("proceed", tls_ns)) throw SessionFailure("STARTTLS refused");
      co_await connection.handshake();
      connection.restart();
      features = co_await open_stream(connection, options.domain);
    }
    std::string user = options.account(index);
    co_await authenticate(context, connection, features, user);
    connection.restart();
    features = co_await open_stream(connection, options.domain);
    if (!features.child("bind", bind_ns)) throw SessionFailure("the server does not offer resource binding");
    session.jid = co_await bind_resource(connection, options.resource);
    if (session_required(features)) {
      co_await connection.write("<iq type='set' id='session'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
      co_await await_iq_result(connection, "session");
    }
    if (steps.roster) {
      co_await connection.write("<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>");
      co_await await_iq_result(connection, "roster");
    }
    if (steps.presence) {
      co_await connection.write("<presence/>");
      while (true) {
        auto element = co_await connection.next_element();
        if (element.name() == "presence" && element.attribute_or("from") == session.jid) break;
      }
    }
  } catch (const boost::system::system_error& error) {
    connection.close_now();
    throw SessionFailure(error.code().message());
  } catch (...) {
    connection.close_now();
    throw;
  }
  connection.disarm_deadline();
  co_return session;
}

asio::awaitable<std::vector<Session>> log_in_all(BenchContext& context, int count, LoginSteps steps) {
  std::vector<Session> sessions(static_cast<std::size_t>(count));
  auto log_in_one = [&](int index) -> asio::awaitable<void> {
    sessions[static_cast<std::size_t>(index - 1)] = co_await log_in(context, index, steps);
  };
  std::function<asio::awaitable<void>(int)> task = log_in_one;
  int failures = co_await run_concurrently(context.io, 1, count, context.options.concurrency, task);
  if (failures > 0) throw SessionFailure(std::to_string(failures) + " sessions could not log in");
  co_return sessions;
}

}  // namespace tern::bench
