// Routing a chat message between two local sessions through the pipeline (no features
// registered: the router's own cost) to a full JID and to a bare JID (RFC 6121 §8.5).
#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "counting_session.hpp"
#include "stanzas.hpp"
#include "xml/parse_element.hpp"
#include "xmpp/accounts.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/routing/router.hpp"

namespace tern::bench {
namespace {

namespace asio = boost::asio;

class TwoAccounts final : public xmpp::Accounts {
public:
  asio::awaitable<std::optional<xmpp::sasl::ScramCredentials>> credentials(xmpp::Jid, xmpp::sasl::ScramHash) override {
    co_return std::nullopt;
  }
  asio::awaitable<bool> exists(xmpp::Jid) override { co_return true; }
};

void route_repeatedly(benchmark::State& state, std::string_view to) {
  TwoAccounts accounts;
  xmpp::SessionRegistry registry;
  xmpp::Pipeline pipeline;
  xmpp::Router router({"capulet.lit", "montague.lit"}, registry, pipeline, accounts);
  auto juliet = std::make_shared<CountingSession>();
  auto balcony = *xmpp::Jid::parse("juliet@capulet.lit/balcony");
  registry.bind(balcony, juliet);
  registry.set_presence(balcony, juliet.get(), 0);
  auto message = xml::parse_element(chat_message, "jabber:client");
  message.set_attribute("from", "romeo@montague.lit/orchard");
  message.set_attribute("to", std::string(to));
  asio::io_context io;
  for (auto _ : state) {
    asio::co_spawn(io, router.route(message), asio::detached);
    io.run();
    io.restart();
  }
  if (juliet->delivered != static_cast<std::int64_t>(state.iterations())) state.SkipWithError("not delivered");
}

void RouteChatMessageToFullJid(benchmark::State& state) { route_repeatedly(state, "juliet@capulet.lit/balcony"); }
BENCHMARK(RouteChatMessageToFullJid);

void RouteChatMessageToBareJid(benchmark::State& state) { route_repeatedly(state, "juliet@capulet.lit"); }
BENCHMARK(RouteChatMessageToBareJid);

}  // namespace
}  // namespace tern::bench
