#include "concurrency.hpp"
#include "message_load.hpp"
#include "stanza_reader.hpp"
#include "workloads.hpp"

namespace tern::bench {

namespace {

// Accounts 2i+1 and 2i+2 form pair i; each sends to the other's full JID, so every message has
// a sender in this process and its latency is measured on one clock.
class ChatRun : public std::enable_shared_from_this<ChatRun> {
public:
  explicit ChatRun(BenchContext& context) : context_(context), options_(context.options), load_(options_) {}

  asio::awaitable<Report> run() {
    LoginSteps steps;
    steps.roster = false;
    sessions_ = co_await log_in_all(context_, options_.pairs * 2, steps);
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
      // The readers outlive run(): they hold the run.
      auto on_stanza = [self = shared_from_this(), i](const xml::Element& stanza) { self->received(i, stanza); };
      auto on_end = [self = shared_from_this()](const std::string& why) {
        if (self->load_.sending() && ++self->errors_ <= 5) log_line("a session ended: " + why);
      };
      start_reading(context_.io, sessions_[i].connection, on_stanza, on_end);
    }
    log_line(std::to_string(options_.pairs) + " pairs online");

    std::function<void()> send_next = [this] {
      send_from(next_sender_);
      next_sender_ = (next_sender_ + 1) % sessions_.size();
    };
    std::function<void()> fill_windows = [this] {
      for (std::size_t i = 0; i < sessions_.size(); ++i) {
        for (int k = 0; k < options_.window; ++k) send_from(i);
      }
    };
    co_await load_.run(context_.io, std::move(send_next), std::move(fill_windows));

    Report report;
    report.add("workload", std::string("chat"));
    report.add("pairs", static_cast<long>(options_.pairs));
    load_.add_results(report, "delivered", "messages_per_s", "cpu_per_message_us");
    report.add("errors", errors_);
    for (auto& session : sessions_) session.connection->close_now();
    co_return report;
  }

private:
  void send_from(std::size_t sender) {
    const auto& peer = sessions_[sender ^ 1];
    std::string stanza = "<message to='" + peer.jid + "' type='chat' id='m" + std::to_string(++sequence_) +
                         "'><body>" + std::to_string(send_time()) + "</body></message>";
    sessions_[sender].connection->send(stanza);
  }

  void received(std::size_t receiver, const xml::Element& stanza) {
    if (stanza.name() != "message") return;
    if (stanza.attribute_or("type") == "error") {
      if (++errors_ <= 5) log_line("message error: " + error_condition(stanza));
      return;
    }
    const auto* body = stanza.child("body");
    if (!body) return;
    load_.delivered(std::stoll(body->text()));
    // Saturation: the delivery frees a place in the sender's window.
    if (load_.saturating() && load_.sending()) send_from(receiver ^ 1);
  }

  BenchContext& context_;
  const Options& options_;
  MessageLoad load_;
  std::vector<Session> sessions_;
  long sequence_ = 0;
  std::size_t next_sender_ = 0;
  long errors_ = 0;
};

}  // namespace

asio::awaitable<Report> run_chat(BenchContext& context) {
  auto run = std::make_shared<ChatRun>(context);
  co_return co_await run->run();
}

}  // namespace tern::bench
