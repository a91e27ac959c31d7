// Parsing stanzas in an open stream: the cost per stanza, and what waking a hibernated parser
// adds (an idle connection's first stanza).
#include <benchmark/benchmark.h>

#include "stanzas.hpp"
#include "xml/parser.hpp"

namespace tern::bench {
namespace {

void ParseChatMessage(benchmark::State& state) {
  xml::Parser parser;
  std::vector<xml::ParseEvent> events;
  parser.feed(stream_header, events);
  for (auto _ : state) {
    events.clear();
    parser.feed(chat_message, events);
    benchmark::DoNotOptimize(events);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * chat_message.size()));
}
BENCHMARK(ParseChatMessage);

void ParseChatMessageAfterHibernation(benchmark::State& state) {
  xml::Parser parser;
  std::vector<xml::ParseEvent> events;
  parser.feed(stream_header, events);
  for (auto _ : state) {
    parser.hibernate();
    events.clear();
    parser.feed(chat_message, events);
    benchmark::DoNotOptimize(events);
  }
}
BENCHMARK(ParseChatMessageAfterHibernation);

}  // namespace
}  // namespace tern::bench
