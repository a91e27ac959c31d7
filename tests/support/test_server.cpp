// The real server stack over LoopbackStreams and SQLite in memory.
#include "support/test_server.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include "server/feature_list.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite_connection.hpp"
#include "support/xml.hpp"
#include "xmpp/negotiation/base64.hpp"

namespace tern::testing {
namespace {

boost::asio::awaitable<void> run_session(std::shared_ptr<xmpp::C2SSession> session) {
  co_await session->run(session);
}

}  // namespace

TestClient::TestClient(TestServer& server, std::shared_ptr<LoopbackStream> stream)
    : server_(server), stream_(std::move(stream)) {}

void TestClient::send(std::string_view xml) { stream_->push(parse_xml(xml)); }

xml::Element TestClient::receive() {
  if (!server_.run_until([&] { return !stream_->sent.empty(); })) {
    ADD_FAILURE() << "the server sent nothing";
    return xml::Element("nothing");
  }
  auto element = std::move(stream_->sent.front());
  stream_->sent.pop_front();
  return element;
}

bool TestClient::receives_nothing() {
  server_.run_until([] { return false; }, std::chrono::milliseconds(200));
  return stream_->sent.empty();
}

std::vector<xml::Element> TestClient::receive_all() {
  server_.run_until([] { return false; }, std::chrono::milliseconds(200));
  std::vector<xml::Element> all(std::make_move_iterator(stream_->sent.begin()),
                                std::make_move_iterator(stream_->sent.end()));
  stream_->sent.clear();
  return all;
}

void TestClient::send_close() { stream_->push(transport::StreamClosed{}); }

bool TestClient::is_closed() {
  return server_.run_until([&] { return stream_->closed; });
}

TestServer::TestServer(std::vector<std::string> domains, server::Config config)
    : config_(std::move(config)),
      database_(std::make_unique<storage::Database>(
          [] { return std::make_unique<storage::SqliteConnection>(":memory:"); }, 1)),
      accounts_(std::make_unique<features::accounts::AccountStore>(*database_, 64)) {
  storage::migrate(*database_, storage::sqlite_migrations());
  config_.domains = domains;
  router_ = std::make_unique<xmpp::Router>(domains, registry, pipeline_, *accounts_);
  server::add_features(pipeline_, {*database_, *accounts_, registry, *router_, config_,
                                   [this] { return io.get_executor(); }});
  options_.domains = std::move(domains);
  options_.auth_failure_delay = std::chrono::milliseconds(0);
  options_.fake_salt_secret = "test secret";
  options_.legacy_iq_auth = config_.legacy_iq_auth;
}

TestServer::~TestServer() {
  registry.shut_down();
  run_until([&] { return registry.connection_count() == 0; });
}

void TestServer::create_account(std::string_view bare_jid, std::string_view password) {
  accounts_->create(*xmpp::Jid::parse(bare_jid), password);
}

TestClient TestServer::connect(std::string_view domain) {
  auto stream = std::make_shared<LoopbackStream>(io);
  auto session = std::make_shared<xmpp::C2SSession>(
      stream, xmpp::C2SServices{registry, *router_, pipeline_, *accounts_}, options_);
  boost::asio::co_spawn(stream->executor(), run_session(session), boost::asio::detached);
  TestClient client(*this, stream);
  stream->push(transport::StreamOpened{"stream", "http://etherx.jabber.org/streams", "stream",
                                       "jabber:client", {{"to", std::string(domain)}, {"version", "1.0"}}});
  client.receive();  // <stream:features/>
  return client;
}

TestClient TestServer::bind(std::string_view full_jid, std::string_view password) {
  auto jid = *xmpp::Jid::parse(full_jid);
  auto client = connect(jid.domainpart());
  std::string plain = std::string(1, '\0') + jid.localpart() + '\0' + std::string(password);
  client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
              xmpp::sasl::base64_encode(plain) + "</auth>");
  EXPECT_EQ(client.receive().name(), "success");
  client.stream().push(transport::StreamOpened{"stream", "http://etherx.jabber.org/streams", "stream",
                                               "jabber:client", {{"to", jid.domainpart()}, {"version", "1.0"}}});
  client.receive();  // <stream:features/> with <bind/>
  client.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" +
              jid.resource() + "</resource></bind></iq>");
  EXPECT_EQ(client.receive().attribute_or("type"), "result");
  return client;
}

TestClient TestServer::login(std::string_view full_jid, std::string_view password) {
  auto client = bind(full_jid, password);
  client.send("<presence/>");
  // RFC 6121 §4.2.2: its own presence comes back.
  auto& sent = client.stream().sent;
  bool reflected = run_until([&] {
    return std::any_of(sent.begin(), sent.end(), [&](const xml::Element& stanza) {
      return stanza.name() == "presence" && stanza.attribute_or("from") == full_jid &&
             !stanza.attribute("type");
    });
  });
  EXPECT_TRUE(reflected) << full_jid << " did not get its own presence back";
  std::erase_if(sent, [&](const xml::Element& stanza) {
    return stanza.name() == "presence" && stanza.attribute_or("from") == full_jid &&
           !stanza.attribute("type");
  });
  return client;
}

}  // namespace tern::testing
