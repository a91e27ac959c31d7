// Logging a client in, step by step as a real client does: TLS (STARTTLS or direct), SASL
// (SCRAM-SHA-1 or PLAIN), resource binding, the session IQ where a server still requires it,
// then optionally the roster and initial presence (RFC 6120, RFC 6121).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "client_connection.hpp"
#include "options.hpp"
#include "scram_client.hpp"

namespace tern::bench {

// What every workload shares: the run's options, the server's address, the TLS client context.
struct BenchContext {
  BenchContext(asio::io_context& io, const Options& options);

  asio::io_context& io;
  const Options& options;
  asio::ssl::context tls;
  asio::ip::tcp::endpoint endpoint;
  SaltedPasswordCache salted_passwords;
};

struct LoginSteps {
  bool roster = true;    // fetch the roster
  bool presence = true;  // send initial presence and wait for its reflection to this resource
};

struct Session {
  int index = 0;     // the account's number
  std::string jid;   // the full JID the server bound
  std::shared_ptr<ClientConnection> connection;
};

// Throws SessionFailure (also when the whole login takes longer than options.step_timeout()).
asio::awaitable<Session> log_in(BenchContext& context, int index, LoginSteps steps);

// Logs in accounts 1 .. count, options.concurrency at a time; throws SessionFailure saying how
// many could not.
asio::awaitable<std::vector<Session>> log_in_all(BenchContext& context, int count, LoginSteps steps);

// Skips other stanzas until the result (or error) of the IQ with this id; an error is a
// SessionFailure naming its condition.
asio::awaitable<xml::Element> await_iq_result(ClientConnection& connection, const std::string& id);

// A stanza's error condition, e.g. "service-unavailable" ("" when it has none).
std::string error_condition(const xml::Element& stanza);

}  // namespace tern::bench
