// Writing a stanza as a client stream carries it (default namespace jabber:client in scope).
#include <benchmark/benchmark.h>

#include "stanzas.hpp"
#include "xml/parse_element.hpp"
#include "xml/serializer.hpp"

namespace tern::bench {
namespace {

void SerializeChatMessage(benchmark::State& state) {
  auto message = xml::parse_element(chat_message, "jabber:client");
  const xml::Scope scope{"jabber:client", {{"stream", "http://etherx.jabber.org/streams"}}};
  std::string out;
  for (auto _ : state) {
    out.clear();
    xml::serialize_to(out, message, scope);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(SerializeChatMessage);

}  // namespace
}  // namespace tern::bench
