// Routing a chat message between two local sessions with the privacy feature installed: the
// sender's and the recipient's rules decided from the in-memory directory for every message,
// with no lists, and with a ten-item default list that the message falls through.
#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "features/accounts/account_store.hpp"
#include "features/privacy/privacy_feature.hpp"
#include "counting_session.hpp"
#include "stanzas.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite_connection.hpp"
#include "xml/parse_element.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/routing/router.hpp"

namespace tern::bench {
namespace {

namespace asio = boost::asio;

void add_default_list(storage::Database& db) {
  db.transact_blocking([](storage::Connection& connection) {
    connection.execute("INSERT INTO privacy_lists (domain, username, name, is_default) VALUES (?, ?, ?, 1)",
                       {std::string("capulet.lit"), std::string("juliet"), std::string("strangers")});
    for (std::int64_t order = 1; order <= 10; ++order) {
      connection.execute(
          "INSERT INTO privacy_items (domain, username, list_name, item_order, item_type, value, allows, kinds)"
          " VALUES (?, ?, ?, ?, 'jid', ?, 0, 0)",
          {std::string("capulet.lit"), std::string("juliet"), std::string("strangers"), order,
           "tybalt" + std::to_string(order) + "@verona.lit"});
    }
  });
}

void route_with_privacy(benchmark::State& state, bool with_list) {
  storage::Database db([] { return std::make_unique<storage::SqliteConnection>(":memory:"); }, 1);
  storage::migrate(db, storage::sqlite_migrations());
  features::accounts::AccountStore accounts(db, 64);
  auto romeo = *xmpp::Jid::parse("romeo@montague.lit/orchard");
  auto juliet = *xmpp::Jid::parse("juliet@capulet.lit/balcony");
  accounts.create(romeo.bare(), "secret");
  accounts.create(juliet.bare(), "secret");
  if (with_list) add_default_list(db);

  xmpp::SessionRegistry registry;
  xmpp::Pipeline pipeline;
  xmpp::Router router({"capulet.lit", "montague.lit"}, registry, pipeline, accounts);
  features::roster::RosterStore roster(db);
  pipeline.add<features::privacy::PrivacyFeature>(db, roster, registry, router, features::privacy::PrivacyOptions{});
  auto sender = std::make_shared<CountingSession>();
  auto recipient = std::make_shared<CountingSession>();
  registry.bind(romeo, sender);
  registry.bind(juliet, recipient);
  registry.set_presence(juliet, recipient.get(), 0);

  auto message = xml::parse_element(chat_message, "jabber:client");
  message.set_attribute("from", romeo.full());
  message.set_attribute("to", juliet.full());
  asio::io_context io;
  // The first message loads both accounts' rules into the directory; the others find them there.
  asio::co_spawn(io, router.route(message), asio::detached);
  io.run();
  io.restart();
  for (auto _ : state) {
    asio::co_spawn(io, router.route(message), asio::detached);
    io.run();
    io.restart();
  }
  if (recipient->delivered != static_cast<std::int64_t>(state.iterations()) + 1) state.SkipWithError("not delivered");
}

void RouteChatMessageWithoutPrivacyLists(benchmark::State& state) { route_with_privacy(state, false); }
BENCHMARK(RouteChatMessageWithoutPrivacyLists);

void RouteChatMessagePastATenItemDefaultList(benchmark::State& state) { route_with_privacy(state, true); }
BENCHMARK(RouteChatMessagePastATenItemDefaultList);

}  // namespace
}  // namespace tern::bench
