// JID preparation (RFC 7622 via stringprep): every routed stanza's 'to' is parsed.
#include <benchmark/benchmark.h>

#include "xmpp/jid.hpp"

namespace tern::bench {
namespace {

void ParseAsciiFullJid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(xmpp::Jid::parse("juliet@capulet.lit/balcony"));
}
BENCHMARK(ParseAsciiFullJid);

void ParseFullJidNeedingCaseFolding(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(xmpp::Jid::parse("Juliet@Capulet.LIT/Balcony"));
}
BENCHMARK(ParseFullJidNeedingCaseFolding);

void ParseNonAsciiFullJid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(xmpp::Jid::parse("jüliet@cäpulet.lit/Ballkon ☀"));
}
BENCHMARK(ParseNonAsciiFullJid);

}  // namespace
}  // namespace tern::bench
