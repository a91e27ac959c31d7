#include "concurrency.hpp"
#include "server_usage.hpp"
#include "stanza_reader.hpp"
#include "workloads.hpp"

namespace tern::bench {

namespace {

// Every account is online (roster fetched, no presence yet); then all send initial presence at
// once. Each pair of contacts costs the server two deliveries of available presence (the
// broadcast to the contact already online, and the probe answered for the one coming online),
// plus one reflection to each resource: with mutual rosters of K contacts, N*(K+1) in all.
class PresenceRun : public std::enable_shared_from_this<PresenceRun> {
public:
  explicit PresenceRun(BenchContext& context) : context_(context), options_(context.options) {}

  asio::awaitable<Report> run() {
    LoginSteps steps;
    steps.presence = false;
    sessions_ = co_await log_in_all(context_, options_.sessions, steps);
    for (auto& session : sessions_) {
      auto on_stanza = [self = shared_from_this()](const xml::Element& stanza) { self->received(stanza); };
      auto on_end = [self = shared_from_this()](const std::string& why) {
        if (!self->finished_ && ++self->errors_ <= 5) log_line("a session ended: " + why);
      };
      start_reading(context_.io, session.connection, on_stanza, on_end);
    }
    log_line(std::to_string(options_.sessions) + " accounts online, sending initial presence");

    long expected = options_.contacts > 0 ? static_cast<long>(options_.sessions) * (options_.contacts + 1) : 0;
    MeasuredInterval interval(options_.server_pid);
    double started = now_seconds();
    last_delivery_ = started;
    for (auto& session : sessions_) session.connection->send("<presence/>");
    // Done when the expected number arrived, or nothing more came for five seconds (a server may
    // work through the whole burst before it writes anything).
    while (now_seconds() - last_delivery_ < 5 && (expected == 0 || deliveries_ < expected) &&
           now_seconds() - started < options_.step_timeout_s) {
      co_await sleep_for(std::chrono::milliseconds(50));
    }
    interval.stop();
    finished_ = true;

    Report report;
    report.add("workload", std::string("presence"));
    report.add("accounts", static_cast<long>(options_.sessions));
    report.add("contacts", static_cast<long>(options_.contacts));
    report.add("deliveries", deliveries_);
    report.add("presence_stanzas", stanzas_);
    if (expected > 0) report.add("expected_deliveries", expected);
    double busy = last_delivery_ - started;
    report.add("seconds", busy);
    if (busy > 0) report.add("deliveries_per_s", static_cast<double>(deliveries_) / busy);
    if (auto cpu = interval.server_cpu_seconds(); cpu && deliveries_ > 0) {
      report.add("server_cpu_s", *cpu);
      report.add("cpu_per_delivery_us", *cpu * 1e6 / static_cast<double>(deliveries_));
    }
    report.add("errors", errors_);
    for (auto& session : sessions_) session.connection->close_now();
    co_return report;
  }

private:
  void received(const xml::Element& stanza) {
    if (stanza.name() != "presence") return;
    if (stanza.attribute_or("type") == "error") {
      if (++errors_ <= 5) log_line("presence error: " + error_condition(stanza));
      return;
    }
    ++stanzas_;
    last_delivery_ = now_seconds();
    // Available presence only: some servers also answer probes for contacts not yet online with
    // unavailable presence, which is extra work rather than a delivery the workload asks for.
    if (!stanza.attribute("type")) ++deliveries_;
  }

  BenchContext& context_;
  const Options& options_;
  std::vector<Session> sessions_;
  long deliveries_ = 0;  // available presence
  long stanzas_ = 0;     // every presence stanza
  double last_delivery_ = 0;
  bool finished_ = false;
  long errors_ = 0;
};

}  // namespace

asio::awaitable<Report> run_presence(BenchContext& context) {
  auto run = std::make_shared<PresenceRun>(context);
  co_return co_await run->run();
}

}  // namespace tern::bench
