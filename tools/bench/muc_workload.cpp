#include "concurrency.hpp"
#include "message_load.hpp"
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
  explicit MucRun(BenchContext& context) : context_(context), options_(context.options), load_(options_) {}

  asio::awaitable<Report> run() {
    int accounts = options_.rooms * options_.occupants;
    next_speaker_.assign(static_cast<std::size_t>(options_.rooms), 0);
    LoginSteps steps;
    steps.roster = false;
    sessions_ = co_await log_in_all(context_, accounts, steps);

    // The first occupant creates the room (and accepts the default configuration), then the
    // others join.
    auto create_one = [&](int room) -> asio::awaitable<void> { co_await join(room * options_.occupants, true); };
    std::function<asio::awaitable<void>(int)> create_task = create_one;
    int failures = co_await run_concurrently(context_.io, 0, options_.rooms - 1, options_.concurrency, create_task);
    auto join_one = [&](int occupant) -> asio::awaitable<void> {
      if (occupant % options_.occupants != 0) co_await join(occupant, false);
    };
    std::function<asio::awaitable<void>(int)> join_task = join_one;
    failures += co_await run_concurrently(context_.io, 0, accounts - 1, options_.concurrency, join_task);
    if (failures > 0) throw SessionFailure(std::to_string(failures) + " occupants could not join");
    log_line(std::to_string(options_.rooms) + " rooms of " + std::to_string(options_.occupants) + " occupants");

    std::function<void()> send_next = [this] {
      speak_in(next_room_);
      next_room_ = (next_room_ + 1) % options_.rooms;
    };
    std::function<void()> fill_windows = [this] {
      for (int room = 0; room < options_.rooms; ++room) {
        for (int k = 0; k < options_.window; ++k) speak_in(room);
      }
    };
    co_await load_.run(context_.io, std::move(send_next), std::move(fill_windows));

    Report report;
    report.add("workload", std::string("muc"));
    report.add("rooms", static_cast<long>(options_.rooms));
    report.add("occupants", static_cast<long>(options_.occupants));
    load_.add_results(report, "deliveries", "deliveries_per_s", "cpu_per_delivery_us");
    report.add("errors", errors_);
    for (auto& session : sessions_) session.connection->close_now();
    co_return report;
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
      if (self->load_.sending() && ++self->errors_ <= 5) log_line("a session ended: " + why);
    };
    start_reading(context_.io, sessions_[static_cast<std::size_t>(occupant)].connection, on_stanza, on_end);
  }

  // The room's next occupant in turn sends "<its number> <send time>".
  void speak_in(int room) {
    auto& turn = next_speaker_[static_cast<std::size_t>(room)];
    int speaker = room * options_.occupants + turn;
    turn = (turn + 1) % options_.occupants;
    std::string stanza = "<message to='" + room_jid(room) + "' type='groupchat' id='g" + std::to_string(++sequence_) +
                         "'><body>" + std::to_string(speaker) + " " + std::to_string(send_time()) + "</body></message>";
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
    load_.delivered(std::stoll(text.substr(space + 1)));
    // Saturation: the sender's own copy frees a place in the room's window.
    if (load_.saturating() && load_.sending() && std::stoi(text.substr(0, space)) == occupant) {
      speak_in(room_of(occupant));
    }
  }

  BenchContext& context_;
  const Options& options_;
  MessageLoad load_;
  std::vector<Session> sessions_;
  std::vector<int> next_speaker_;
  long sequence_ = 0;
  int next_room_ = 0;
  long errors_ = 0;
};

}  // namespace

asio::awaitable<Report> run_muc(BenchContext& context) {
  auto run = std::make_shared<MucRun>(context);
  co_return co_await run->run();
}

}  // namespace tern::bench
