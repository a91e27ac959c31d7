#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "concurrency.hpp"
#include "server_usage.hpp"
#include "stanza_reader.hpp"
#include "workloads.hpp"

namespace tern::bench {

namespace {

constexpr std::string_view muc_user_ns = "http://jabber.org/protocol/muc#user";

bool has_status(const xml::Element& presence, std::string_view code) {
  const auto* x = presence.child("x", muc_user_ns);
  if (!x) return false;
  for (const auto* status : x->child_elements()) {
    if (status->name() == "status" && status->attribute_or("code") == code) return true;
  }
  return false;
}

// Room r (0-based) has the accounts r*O+1 .. r*O+O, nicknamed after their accounts. Every
// occupant receives every message, its own included (XEP-0045 §7.4), so each delivery is
// measured against the sender's clock in this process.
class MucRun : public std::enable_shared_from_this<MucRun> {
public:
  explicit MucRun(BenchContext& context) : context_(context), options_(context.options) {}

  asio::awaitable<Report> run() {
    int accounts = options_.rooms * options_.occupants;
    sessions_.resize(static_cast<std::size_t>(accounts));
    next_speaker_.assign(static_cast<std::size_t>(options_.rooms), 0);
    LoginSteps steps;
    steps.roster = false;
    auto log_in_one = [&](int index) -> asio::awaitable<void> {
      sessions_[static_cast<std::size_t>(index - 1)] = co_await log_in(context_, index, steps);
    };
    std::function<asio::awaitable<void>(int)> log_in_task = log_in_one;
    int failures = co_await run_concurrently(context_.io, 1, accounts, options_.concurrency, log_in_task);
    if (failures > 0) throw SessionFailure(std::to_string(failures) + " sessions could not log in");

    // The first occupant creates the room (and accepts the default configuration), then the
    // others join.
    auto create_one = [&](int room) -> asio::awaitable<void> { co_await join(room * options_.occupants, true); };
    std::function<asio::awaitable<void>(int)> create_task = create_one;
    failures = co_await run_concurrently(context_.io, 0, options_.rooms - 1, options_.concurrency, create_task);
    auto join_one = [&](int occupant) -> asio::awaitable<void> {
      if (occupant % options_.occupants != 0) co_await join(occupant, false);
    };
    std::function<asio::awaitable<void>(int)> join_task = join_one;
    failures += co_await run_concurrently(context_.io, 0, accounts - 1, options_.concurrency, join_task);
    if (failures > 0) throw SessionFailure(std::to_string(failures) + " occupants could not join");
    log_line(std::to_string(options_.rooms) + " rooms of " + std::to_string(options_.occupants) + " occupants");

    double started = now_seconds();
    measure_from_ = started + options_.warmup_s;
    measure_until_ = measure_from_ + options_.duration_s;
    if (options_.rate <= 0) {
      for (int room = 0; room < options_.rooms; ++room) {
        for (int k = 0; k < options_.window; ++k) speak_in(room);
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
  std::string room_jid(int room) const { return "benchroom" + std::to_string(room + 1) + "@" + options_.muc_service; }
  int room_of(int occupant) const { return occupant / options_.occupants; }
  std::string nick(int occupant) const { return options_.account(occupant + 1); }

  asio::awaitable<void> join(int occupant, bool creates) {
    auto& connection = *sessions_[static_cast<std::size_t>(occupant)].connection;
    std::string occupant_jid = room_jid(room_of(occupant)) + "/" + nick(occupant);
    std::string presence = "<presence to='" + occupant_jid +
                           "'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>";
    connection.arm_deadline(options_.step_timeout());
    co_await connection.write(presence);
    while (true) {
      auto stanza = co_await connection.next_element();
      if (stanza.name() != "presence" || stanza.attribute_or("from") != occupant_jid) continue;
      if (stanza.attribute_or("type") == "error") throw SessionFailure("join refused: " + error_condition(stanza));
      if (creates && has_status(stanza, "201")) {  // XEP-0045 §10.1.2: an instant room
        std::string configure = "<iq type='set' id='create' to='" + room_jid(room_of(occupant)) +
                                "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                                "<x xmlns='jabber:x:data' type='submit'/></query></iq>";
        co_await connection.write(configure);
        co_await await_iq_result(connection, "create");
      }
      break;
    }
    connection.disarm_deadline();
    auto on_stanza = [self = shared_from_this(), occupant](const xml::Element& stanza) { self->received(occupant, stanza); };
    auto on_end = [self = shared_from_this()](const std::string& why) {
      if (self->sending_ && ++self->errors_ <= 5) log_line("a session ended: " + why);
    };
    start_reading(context_.io, sessions_[static_cast<std::size_t>(occupant)].connection, on_stanza, on_end);
  }

  asio::awaitable<void> pace(double started, double until) {
    asio::steady_timer tick(context_.io);
    while (now_seconds() < until) {
      auto due = static_cast<long>(options_.rate * (now_seconds() - started));
      while (paced_ < due) {
        speak_in(next_room_);
        next_room_ = (next_room_ + 1) % options_.rooms;
        ++paced_;
      }
      tick.expires_after(std::chrono::milliseconds(1));
      co_await tick.async_wait(asio::use_awaitable);
    }
  }

  // The room's next occupant in turn sends "<its number> <send time>".
  void speak_in(int room) {
    auto& turn = next_speaker_[static_cast<std::size_t>(room)];
    int speaker = room * options_.occupants + turn;
    turn = (turn + 1) % options_.occupants;
    auto sent_at = std::chrono::steady_clock::now().time_since_epoch().count();
    std::string stanza = "<message to='" + room_jid(room) + "' type='groupchat' id='g" + std::to_string(++sequence_) +
                         "'><body>" + std::to_string(speaker) + " " + std::to_string(sent_at) + "</body></message>";
    sessions_[static_cast<std::size_t>(speaker)].connection->send(stanza);
  }

  void received(int occupant, const xml::Element& stanza) {
    if (stanza.name() != "message") return;
    if (stanza.attribute_or("type") == "error") {
      if (++errors_ <= 5) log_line("groupchat error: " + error_condition(stanza));
      return;
    }
    const auto* body = stanza.child("body");
    if (!body || stanza.attribute_or("type") != "groupchat") return;
    auto text = body->text();
    auto space = text.find(' ');
    if (space == std::string::npos) return;  // not ours (e.g. a room's own message)
    auto now = std::chrono::steady_clock::now();
    double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
    if (now_s >= measure_from_ && now_s < measure_until_) {
      auto sent_at = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(std::stoll(text.substr(space + 1))));
      latencies_ms_.push_back(std::chrono::duration<double, std::milli>(now - sent_at).count());
    }
    // Saturation: the sender's own copy frees a place in the room's window.
    if (options_.rate <= 0 && sending_ && std::stoi(text.substr(0, space)) == occupant) speak_in(room_of(occupant));
  }

  Report finish(const MeasuredInterval& interval) {
    sending_ = false;
    Report report;
    report.add("workload", std::string("muc"));
    report.add("rooms", static_cast<long>(options_.rooms));
    report.add("occupants", static_cast<long>(options_.occupants));
    report.add("rate", options_.rate);
    if (options_.rate <= 0) report.add("window", static_cast<long>(options_.window));
    auto deliveries = static_cast<long>(latencies_ms_.size());
    report.add("deliveries", deliveries);
    report.add("deliveries_per_s", static_cast<double>(deliveries) / interval.seconds());
    if (auto cpu = interval.server_cpu_seconds(); cpu && deliveries > 0) {
      report.add("server_cpu_s", *cpu);
      report.add("cpu_per_delivery_us", *cpu * 1e6 / static_cast<double>(deliveries));
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
  std::vector<int> next_speaker_;
  double measure_from_ = 0, measure_until_ = 0;
  bool sending_ = true;
  long sequence_ = 0;
  long paced_ = 0;
  int next_room_ = 0;
  long errors_ = 0;
  std::vector<double> latencies_ms_;
};

}  // namespace

asio::awaitable<Report> run_muc(BenchContext& context) {
  auto run = std::make_shared<MucRun>(context);
  co_return co_await run->run();
}

}  // namespace tern::bench
