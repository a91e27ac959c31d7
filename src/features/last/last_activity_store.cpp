// Last activity over storage, written in batches.
#include "features/last/last_activity_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tern::features::last {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct LastActivityStore::Batches {
  struct Logout {
    xmpp::Jid account;
    LastActivity activity;
  };
  using Logouts = std::unordered_map<std::string, Logout>;  // by bare JID
  // Deleted accounts, for as long as their sessions may still be ending.
  static constexpr std::chrono::seconds forgotten_for{5};

  std::mutex mutex;
  Logouts waiting;
  std::vector<std::shared_ptr<const Logouts>> writing;  // seen by load() until committed
  std::unordered_map<std::string, Clock::time_point> forgotten;
  bool scheduled = false;

  bool is_forgotten(const std::string& account) const {
    auto found = forgotten.find(account);
    return found != forgotten.end() && Clock::now() - found->second <= forgotten_for;
  }

  std::optional<LastActivity> find(const std::string& account) {
    std::lock_guard lock(mutex);
    if (is_forgotten(account)) return std::nullopt;
    if (auto found = waiting.find(account); found != waiting.end()) return found->second.activity;
    for (auto batch = writing.rbegin(); batch != writing.rend(); ++batch) {
      if (auto found = (*batch)->find(account); found != (*batch)->end()) return found->second.activity;
    }
    return std::nullopt;
  }

  // What waits, as the next batch (null when nothing does).
  std::shared_ptr<const Logouts> take() {
    std::lock_guard lock(mutex);
    scheduled = false;
    auto now = Clock::now();
    std::erase_if(forgotten, [now](const auto& entry) { return now - entry.second > forgotten_for; });
    if (waiting.empty()) return nullptr;
    auto batch = std::make_shared<const Logouts>(std::exchange(waiting, {}));
    writing.push_back(batch);
    return batch;
  }

  void written(const std::shared_ptr<const Logouts>& batch) {
    std::lock_guard lock(mutex);
    std::erase(writing, batch);
  }

  static void write(storage::Connection& connection, const Logouts& batch) {
    // REPLACE is an atomic delete-and-insert in SQLite and MySQL alike; the SELECT stores nothing
    // for an account deleted meanwhile.
    for (const auto& [key, logout] : batch) {
      connection.execute(
          "REPLACE INTO last_activity (domain, username, logged_out_at, status)"
          " SELECT domain, username, ?, ? FROM accounts WHERE domain = ? AND username = ?",
          {logout.activity.logged_out_at, logout.activity.status, logout.account.domainpart(),
           logout.account.localpart()});
    }
  }
};

namespace {

void log_failure(std::size_t logouts, const std::exception& error) {
  spdlog::error("last activity: {} logouts not stored: {}", logouts, error.what());
}

}  // namespace

asio::awaitable<void> LastActivityStore::write_batch(std::shared_ptr<Batches> batches, storage::Database& db) {
  auto batch = batches->take();
  if (!batch) co_return;
  auto write = [batch](storage::Connection& connection) { Batches::write(connection, *batch); };
  try {
    co_await db.transact(std::move(write));
  } catch (const std::exception& error) {
    log_failure(batch->size(), error);
  }
  batches->written(batch);
}

LastActivityStore::LastActivityStore(storage::Database& db, std::chrono::milliseconds batch_delay)
    : db_(db), batch_delay_(batch_delay), batches_(std::make_shared<Batches>()) {}

LastActivityStore::~LastActivityStore() {
  auto batch = batches_->take();
  if (!batch) return;
  try {
    db_.transact_blocking([&batch](storage::Connection& connection) { Batches::write(connection, *batch); });
  } catch (const std::exception& error) {
    log_failure(batch->size(), error);
  }
}

asio::awaitable<void> LastActivityStore::save(xmpp::Jid account, LastActivity activity) {
  bool starts_batch = false;
  {
    std::lock_guard lock(batches_->mutex);
    auto key = account.bare_string();
    if (batches_->is_forgotten(key)) co_return;
    batches_->waiting.insert_or_assign(std::move(key), Batches::Logout{account.bare(), std::move(activity)});
    starts_batch = !std::exchange(batches_->scheduled, true);
  }
  if (!starts_batch) co_return;
  // When the io_context stops first (shutdown), the timer's handler is dropped and the store's
  // destructor writes the batch instead.
  auto executor = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(executor, batch_delay_);
  timer->async_wait([timer, executor, batches = batches_, &db = db_](boost::system::error_code) {
    asio::co_spawn(executor, write_batch(batches, db), asio::detached);
  });
}

asio::awaitable<std::optional<LastActivity>> LastActivityStore::load(xmpp::Jid account) {
  if (auto waiting = batches_->find(account.bare_string())) co_return waiting;
  auto read = [account = std::move(account)](storage::Connection& connection) -> std::optional<LastActivity> {
    auto rows = connection.query(
        "SELECT logged_out_at, status FROM last_activity WHERE domain = ? AND username = ?",
        {account.domainpart(), account.localpart()});
    if (rows.empty()) return std::nullopt;
    return LastActivity{rows.front().integer(0), rows.front().text(1)};
  };
  co_return co_await db_.run(std::move(read));
}

void LastActivityStore::forget(const xmpp::Jid& account) {
  std::lock_guard lock(batches_->mutex);
  auto key = account.bare_string();
  batches_->waiting.erase(key);
  batches_->forgotten.insert_or_assign(std::move(key), Clock::now());
}

}  // namespace tern::features::last
