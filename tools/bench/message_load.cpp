#include "message_load.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "concurrency.hpp"

namespace tern::bench {

std::int64_t send_time() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

asio::awaitable<void> MessageLoad::run(asio::io_context& io, std::function<void()> send_next,
                                       std::function<void()> fill_windows) {
  started_ = now_seconds();
  measure_from_ = started_ + options_.warmup_s;
  measure_until_ = measure_from_ + options_.duration_s;
  if (saturating()) {
    fill_windows();
    co_await sleep_for(std::chrono::milliseconds(static_cast<long>(options_.warmup_s * 1000)));
    interval_.emplace(options_.server_pid);
    co_await sleep_for(std::chrono::milliseconds(static_cast<long>(options_.duration_s * 1000)));
  } else {
    co_await pace(io, send_next, measure_from_);
    interval_.emplace(options_.server_pid);
    co_await pace(io, send_next, measure_until_);
  }
  interval_->stop();
  sending_ = false;
}

asio::awaitable<void> MessageLoad::pace(asio::io_context& io, const std::function<void()>& send_next,
                                        double until) {
  asio::steady_timer tick(io);
  while (now_seconds() < until) {
    auto due = static_cast<long>(options_.rate * (now_seconds() - started_));
    for (; paced_ < due; ++paced_) send_next();
    tick.expires_after(std::chrono::milliseconds(1));
    co_await tick.async_wait(asio::use_awaitable);
  }
}

void MessageLoad::delivered(std::int64_t sent_at) {
  auto now = std::chrono::steady_clock::now();
  double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  if (now_s < measure_from_ || now_s >= measure_until_) return;
  auto sent = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(sent_at));
  latencies_ms_.push_back(std::chrono::duration<double, std::milli>(now - sent).count());
}

void MessageLoad::add_results(Report& report, const std::string& count_key, const std::string& rate_key,
                              const std::string& cpu_key) {
  report.add("rate", options_.rate);
  if (saturating()) report.add("window", static_cast<long>(options_.window));
  auto deliveries = static_cast<long>(latencies_ms_.size());
  report.add(count_key, deliveries);
  report.add(rate_key, static_cast<double>(deliveries) / interval_->seconds());
  if (auto cpu = interval_->server_cpu_seconds(); cpu && deliveries > 0) {
    report.add("server_cpu_s", *cpu);
    report.add(cpu_key, *cpu * 1e6 / static_cast<double>(deliveries));
  }
  report.add("latency_p50_ms", percentile(latencies_ms_, 50));
  report.add("latency_p99_ms", percentile(latencies_ms_, 99));
}

}  // namespace tern::bench
