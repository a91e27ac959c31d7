// When each account last went offline, and the status it left with (XEP-0012 §4).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "storage/database.hpp"
#include "xmpp/jid.hpp"

namespace tern::features::last {

struct LastActivity {
  std::int64_t logged_out_at;  // seconds since the epoch
  std::string status;
};

// Logouts are written in batches: one write transaction per logout was, with its WAL frames and
// locks, the largest storage cost of a login. A logout is seen by load() at once and reaches
// storage after the batch delay, with the others of that time in one transaction; a crash loses
// at most that much of them, and what waits when the store goes (at shutdown) is written then.
class LastActivityStore {
public:
  static constexpr std::chrono::milliseconds default_batch_delay{250};

  explicit LastActivityStore(storage::Database& db,
                             std::chrono::milliseconds batch_delay = default_batch_delay);
  ~LastActivityStore();  // writes what still waits, on the calling thread
  LastActivityStore(const LastActivityStore&) = delete;
  LastActivityStore& operator=(const LastActivityStore&) = delete;

  // Returns at once; the first logout of a batch starts the delay on the caller's executor.
  boost::asio::awaitable<void> save(xmpp::Jid account, LastActivity activity);
  boost::asio::awaitable<std::optional<LastActivity>> load(xmpp::Jid account);
  // The account is being deleted: what waits for it is dropped, and the logouts of its ending
  // sessions are not recorded, so that an account made again under its name cannot show them.
  void forget(const xmpp::Jid& account);

private:
  struct Batches;
  static boost::asio::awaitable<void> write_batch(std::shared_ptr<Batches> batches, storage::Database& db);

  storage::Database& db_;
  std::chrono::milliseconds batch_delay_;
  std::shared_ptr<Batches> batches_;  // shared with a pending write, which may outlive the store
};

}  // namespace tern::features::last
