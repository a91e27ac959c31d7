#include <boost/asio/co_spawn.hpp>

#include "concurrency.hpp"
#include "server_usage.hpp"
#include "stanza_reader.hpp"
#include "workloads.hpp"

namespace tern::bench {

asio::awaitable<Report> run_idle(BenchContext& context) {
  const auto& options = context.options;
  auto before = read_server_usage(options.server_pid);
  std::vector<Session> sessions(static_cast<std::size_t>(options.sessions));
  // Counted by the readers, which can end after this coroutine (when the sessions are closed).
  auto dropped = std::make_shared<long>(0);
  LoginSteps steps;
  double login_started = now_seconds();
  auto log_in_one = [&](int index) -> asio::awaitable<void> {
    auto session = co_await log_in(context, index, steps);
    auto on_end = [dropped](const std::string&) { ++*dropped; };
    start_reading(context.io, session.connection, [](const xml::Element&) {}, on_end);
    sessions[static_cast<std::size_t>(index - 1)] = std::move(session);
  };
  std::function<asio::awaitable<void>(int)> task = log_in_one;
  int failures = co_await run_concurrently(context.io, 1, options.sessions, options.concurrency, task);
  double login_seconds = now_seconds() - login_started;
  log_line(std::to_string(options.sessions - failures) + " sessions online in " + std::to_string(login_seconds) + " s");

  // Let the server finish what the logins set off (presence, caches) before reading its memory.
  co_await sleep_for(std::chrono::seconds(2));
  auto after = read_server_usage(options.server_pid);
  co_await sleep_for(std::chrono::milliseconds(static_cast<long>(options.duration_s * 1000)));
  long online = options.sessions - failures - *dropped;

  Report report;
  report.add("workload", std::string("idle"));
  report.add("sessions", online);
  report.add("login_seconds", login_seconds);
  if (before && after && online > 0) {
    report.add("server_rss_kib_before", before->rss_kib);
    report.add("server_rss_kib_after", after->rss_kib);
    report.add("server_pss_kib_after", after->pss_kib);
    report.add("rss_per_session_kib", static_cast<double>(after->rss_kib - before->rss_kib) / static_cast<double>(online));
    report.add("pss_per_session_kib", static_cast<double>(after->pss_kib - before->pss_kib) / static_cast<double>(online));
  }
  report.add("errors", static_cast<long>(failures) + *dropped);
  for (auto& session : sessions) {
    if (session.connection) session.connection->close_now();
  }
  co_return report;
}

}  // namespace tern::bench
