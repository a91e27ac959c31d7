// The server's side of one SCRAM-SHA-1 authentication with stored keys, as every login makes it:
// the exchange of RFC 5802 §5.
#include <benchmark/benchmark.h>

#include "xmpp/negotiation/base64.hpp"
#include "xmpp/negotiation/scram.hpp"

namespace tern::bench {
namespace {

void ScramSha1ExchangeWithStoredKeys(benchmark::State& state) {
  using namespace xmpp::sasl;
  const auto credentials =
      derive_scram_credentials(ScramHash::sha1, "pencil", *base64_decode("QSXCR+Q6sek8bf92"), 4096);
  for (auto _ : state) {
    ScramServer server(ScramHash::sha1, "server secret", "3rfcNHYJY1ZVvWVs7j");
    benchmark::DoNotOptimize(server.receive_client_first("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"));
    benchmark::DoNotOptimize(server.server_first(credentials));
    auto final = server.receive_client_final(
        "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
    if (!std::holds_alternative<std::string>(final)) state.SkipWithError("the proof was refused");
    benchmark::DoNotOptimize(final);
  }
}
BENCHMARK(ScramSha1ExchangeWithStoredKeys);

}  // namespace
}  // namespace tern::bench
