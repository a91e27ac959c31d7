#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "concurrency.hpp"
#include "server_usage.hpp"
#include "stanza_reader.hpp"
#include "workloads.hpp"

namespace tern::bench {

namespace {

// Accounts 2i+1 and 2i+2 form pair i; each sends to the other's full JID, so every message has
// a sender in this process and its latency is measured on one clock.
class ChatRun : public std::enable_shared_from_this<ChatRun> {
public:
  explicit ChatRun(BenchContext& context) : context_(context), options_(context.options) {}

  asio::awaitable<Report> run() {
    int accounts = options_.pairs * 2;
    sessions_.resize(static_cast<std::size_t>(accounts));
    LoginSteps steps;
    steps.roster = false;
    auto log_in_one = [&](int index) -> asio::awaitable<void> {
      sessions_[static_cast<std::size_t>(index - 1)] = co_await log_in(context_, index, steps);
    };
    std::function<asio::awaitable<void>(int)> task = log_in_one;
    int failures = co_await run_concurrently(context_.io, 1, accounts, options_.concurrency, task);
    if (failures > 0) throw SessionFailure(std::to_string(failures) + " sessions could not log in");
    for (int i = 0; i < accounts; ++i) {
      // The readers outlive run(): they hold the run.
      auto on_stanza = [self = shared_from_this(), i](const xml::Element& stanza) { self->received(i, stanza); };
      auto on_end = [self = shared_from_this()](const std::string& why) {
        if (self->sending_ && ++self->errors_ <= 5) log_line("a session ended: " + why);
      };
      start_reading(context_.io, sessions_[static_cast<std::size_t>(i)].connection, on_stanza, on_end);
    }
    log_line(std::to_string(options_.pairs) + " pairs online");

    double started = now_seconds();
    measure_from_ = started + options_.warmup_s;
    measure_until_ = measure_from_ + options_.duration_s;
    if (options_.rate <= 0) {
      for (int i = 0; i < accounts; ++i) {
        for (int k = 0; k < options_.window; ++k) send_from(i);
      }
      co_await sleep_for(std::chrono::milliseconds(static_cast<long>(options_.warmup_s * 1000)));
      MeasuredInterval interval(options_.server_pid);
      co_await sleep_for(std::chrono::milliseconds(static_cast<long>(options_.duration_s * 1000)));
      interval.stop();
      co_return finish(interval);
    }
    co_await pace(started, measure_from_);
    MeasuredInterval interval(options_.server_pid);
    co_await pace(started, measure_until_);
    interval.stop();
    co_return finish(interval);
  }

private:
  // Sends at options.rate in total, round-robin over the senders, until `until`.
  asio::awaitable<void> pace(double started, double until) {
    asio::steady_timer tick(context_.io);
    while (now_seconds() < until) {
      auto due = static_cast<long>(options_.rate * (now_seconds() - started));
      while (paced_ < due) {
        send_from(next_sender_);
        next_sender_ = (next_sender_ + 1) % static_cast<int>(sessions_.size());
        ++paced_;
      }
      tick.expires_after(std::chrono::milliseconds(1));
      co_await tick.async_wait(asio::use_awaitable);
    }
  }

  void send_from(int sender) {
    auto& session = sessions_[static_cast<std::size_t>(sender)];
    const auto& peer = sessions_[static_cast<std::size_t>(sender ^ 1)];
    auto sent_at = std::chrono::steady_clock::now().time_since_epoch().count();
    std::string stanza = "<message to='" + peer.jid + "' type='chat' id='m" + std::to_string(++sequence_) +
                         "'><body>" + std::to_string(sent_at) + "</body></message>";
    session.connection->send(stanza);
  }

  void received(int receiver, const xml::Element& stanza) {
    if (stanza.name() != "message") return;
    if (stanza.attribute_or("type") == "error") {
      if (++errors_ <= 5) log_line("message error: " + error_condition(stanza));
      return;
    }
    const auto* body = stanza.child("body");
    if (!body) return;
    auto now = std::chrono::steady_clock::now();
    double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
    if (now_s >= measure_from_ && now_s < measure_until_) {
      auto sent_at = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(std::stoll(body->text())));
      latencies_ms_.push_back(std::chrono::duration<double, std::milli>(now - sent_at).count());
    }
    // Saturation: the delivery frees a place in the sender's window.
    if (options_.rate <= 0 && sending_) send_from(receiver ^ 1);
  }

  Report finish(const MeasuredInterval& interval) {
    sending_ = false;
    Report report;
    report.add("workload", std::string("chat"));
    report.add("pairs", static_cast<long>(options_.pairs));
    report.add("rate", options_.rate);
    if (options_.rate <= 0) report.add("window", static_cast<long>(options_.window));
    auto delivered = static_cast<long>(latencies_ms_.size());
    report.add("delivered", delivered);
    report.add("messages_per_s", static_cast<double>(delivered) / interval.seconds());
    if (auto cpu = interval.server_cpu_seconds(); cpu && delivered > 0) {
      report.add("server_cpu_s", *cpu);
      report.add("cpu_per_message_us", *cpu * 1e6 / static_cast<double>(delivered));
    }
    report.add("latency_p50_ms", percentile(latencies_ms_, 50));
    report.add("latency_p99_ms", percentile(latencies_ms_, 99));
    report.add("errors", errors_);
    for (auto& session : sessions_) session.connection->close_now();
    return report;
  }

  BenchContext& context_;
  const Options& options_;
  std::vector<Session> sessions_;
  double measure_from_ = 0, measure_until_ = 0;
  bool sending_ = true;
  long sequence_ = 0;
  long paced_ = 0;
  int next_sender_ = 0;
  long errors_ = 0;
  std::vector<double> latencies_ms_;
};

}  // namespace

asio::awaitable<Report> run_chat(BenchContext& context) {
  auto run = std::make_shared<ChatRun>(context);
  co_return co_await run->run();
}

}  // namespace tern::bench
