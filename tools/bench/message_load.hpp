// The measured phase that chat and muc share: warm-up, then the measured seconds, either at a
// fixed total rate (a 1 ms pacer asks the workload for the next message in turn) or at
// saturation (the workload fills its windows once and sends again on each delivery that frees a
// place). Deliveries are recorded with their latency while the measured window lasts.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "options.hpp"
#include "report.hpp"
#include "server_usage.hpp"

namespace tern::bench {

namespace asio = boost::asio;

class MessageLoad {
public:
  explicit MessageLoad(const Options& options) : options_(options) {}

  asio::awaitable<void> run(asio::io_context& io, std::function<void()> send_next,
                            std::function<void()> fill_windows);
  bool saturating() const { return options_.rate <= 0; }
  bool sending() const { return sending_; }

  // A message sent at `sent_at` (steady clock ticks, as its body carries them) arrived now.
  void delivered(std::int64_t sent_at);

  // `count_key` deliveries, `rate_key` per second, server CPU per delivery (`cpu_key`, in µs),
  // latency p50 and p99.
  void add_results(Report& report, const std::string& count_key, const std::string& rate_key,
                   const std::string& cpu_key);

private:
  asio::awaitable<void> pace(asio::io_context& io, const std::function<void()>& send_next, double until);

  const Options& options_;
  bool sending_ = true;
  double started_ = 0, measure_from_ = 0, measure_until_ = 0;
  long paced_ = 0;
  std::optional<MeasuredInterval> interval_;
  std::vector<double> latencies_ms_;
};

// The current time as message bodies carry it.
std::int64_t send_time();

}  // namespace tern::bench
