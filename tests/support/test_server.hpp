// The real pipeline, features, routing and sessions with SQLite in memory and LoopbackStreams in
// place of sockets: tests log clients in and exchange XML with the server, without a network.
#pragma once
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "features/accounts/account_store.hpp"
#include "server/config.hpp"
#include "storage/database.hpp"
#include "support/loopback_stream.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"
#include "xmpp/session/c2s_session.hpp"

namespace tern::testing {

class TestServer;

// One connected client. Every call runs the server until the answer is there (or fails the test
// after a few seconds).
class TestClient {
public:
  TestClient(TestServer& server, std::shared_ptr<LoopbackStream> stream);
  void send(std::string_view xml);
  xml::Element receive();
  // True when nothing more arrives while the server runs for 200 ms.
  bool receives_nothing();
  // Everything that arrives while the server runs for 200 ms.
  std::vector<xml::Element> receive_all();
  // The client's closing tag.
  void send_close();
  bool is_closed();
  LoopbackStream& stream() { return *stream_; }

private:
  TestServer& server_;
  std::shared_ptr<LoopbackStream> stream_;
};

class TestServer {
public:
  explicit TestServer(std::vector<std::string> domains = {"localhost"}, server::Config config = {});
  ~TestServer();

  void create_account(std::string_view bare_jid, std::string_view password = "password");
  // A new connection, with the stream header sent and the features read.
  TestClient connect(std::string_view domain);
  // Connected, authenticated with PLAIN and bound to the full JID's resource.
  TestClient bind(std::string_view full_jid, std::string_view password = "password");
  // Bound and available (priority 0); its own presence, reflected, is consumed; whatever else
  // arrived meanwhile (other resources' presence, subscription requests) stays to be received.
  TestClient login(std::string_view full_jid, std::string_view password = "password");

  // Runs handlers until `done()` or `limit` has passed; false on timeout.
  template <typename Done>
  bool run_until(Done done, std::chrono::milliseconds limit = std::chrono::seconds(5));

  boost::asio::io_context io;
  xmpp::SessionRegistry registry;

private:
  server::Config config_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<features::accounts::AccountStore> accounts_;
  xmpp::Pipeline pipeline_;
  std::unique_ptr<xmpp::Router> router_;
  xmpp::C2SOptions options_;
};

template <typename Done>
bool TestServer::run_until(Done done, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace tern::testing
