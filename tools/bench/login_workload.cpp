#include "concurrency.hpp"
#include "server_usage.hpp"
#include "workloads.hpp"

namespace tern::bench {

asio::awaitable<Report> run_login(BenchContext& context) {
  const auto& options = context.options;
  int accounts = options.accounts > 0 ? options.accounts : std::min(options.sessions, 1000);
  LoginSteps steps;
  auto close_timeout = options.step_timeout();

  // One login per account first, unmeasured: the generator's SCRAM cache then holds every
  // salted password, so the measured logins cost the generator little.
  auto warm_up_one = [&](int index) -> asio::awaitable<void> {
    auto session = co_await log_in(context, index, steps);
    co_await session.connection->close_stream(close_timeout);
  };
  std::function<asio::awaitable<void>(int)> warm_up = warm_up_one;
  int warmup_failures = co_await run_concurrently(context.io, 1, accounts, options.concurrency, warm_up);
  log_line("warm-up: " + std::to_string(accounts) + " accounts logged in once");

  std::vector<double> latencies_ms;
  latencies_ms.reserve(static_cast<std::size_t>(options.sessions));
  auto measure_one = [&](int number) -> asio::awaitable<void> {
    double started = now_seconds();
    auto session = co_await log_in(context, number % accounts + 1, steps);
    latencies_ms.push_back((now_seconds() - started) * 1000);
    co_await session.connection->close_stream(close_timeout);
  };
  std::function<asio::awaitable<void>(int)> measure = measure_one;
  MeasuredInterval interval(options.server_pid);
  int failures = co_await run_concurrently(context.io, 0, options.sessions - 1, options.concurrency, measure);
  interval.stop();

  Report report;
  report.add("workload", std::string("login"));
  long logins = static_cast<long>(latencies_ms.size());
  report.add("logins", logins);
  report.add("concurrency", static_cast<long>(options.concurrency));
  report.add("logins_per_s", static_cast<double>(logins) / interval.seconds());
  if (auto cpu = interval.server_cpu_seconds(); cpu && logins > 0) {
    report.add("server_cpu_s", *cpu);
    report.add("cpu_per_login_ms", *cpu * 1000 / static_cast<double>(logins));
  }
  report.add("login_p50_ms", percentile(latencies_ms, 50));
  report.add("login_p99_ms", percentile(latencies_ms, 99));
  report.add("errors", static_cast<long>(failures + warmup_failures));
  co_return report;
}

}  // namespace tern::bench
