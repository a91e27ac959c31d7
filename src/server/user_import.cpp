#include "server/user_import.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "features/accounts/account_store.hpp"
#include "features/roster/roster_store.hpp"

namespace tern::server {

namespace {

using Credentials = std::vector<xmpp::sasl::ScramCredentials>;

constexpr std::size_t batch_size = 1000;  // accounts per transaction

// PBKDF2 dominates an import: it runs on every core, each thread taking the next account.
std::vector<Credentials> derive_all(const features::accounts::AccountStore& accounts,
                                    const std::vector<ImportedUser>& users, std::size_t first, std::size_t count) {
  std::vector<Credentials> derived(count);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        derived[i] = accounts.derive_credentials(users[first + i].password);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::jthread> threads;
  auto cores = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 1; t < cores; ++t) threads.emplace_back(work);
  work();
  threads.clear();
  if (failure) std::rethrow_exception(failure);
  return derived;
}

}  // namespace

ImportSummary import_users(storage::Database& database, const std::vector<ImportedUser>& all_users) {
  features::accounts::AccountStore accounts(database);
  ImportSummary summary;
  // No PBKDF2 for accounts that are there already (a second run of the same file is quick).
  std::set<std::string> domains, present;
  for (const auto& user : all_users) domains.insert(user.account.domainpart());
  for (const auto& domain : domains) {
    for (const auto& jid : accounts.list(domain)) present.insert(jid.bare_string());
  }
  std::vector<ImportedUser> users;
  for (const auto& user : all_users) {
    if (present.contains(user.account.bare_string())) summary.existing.push_back(user.account.bare_string());
    else users.push_back(user);
  }
  for (std::size_t first = 0; first < users.size(); first += batch_size) {
    auto count = std::min(batch_size, users.size() - first);
    auto credentials = derive_all(accounts, users, first, count);
    // Counted only once committed (the database may run a batch again on a new connection).
    auto batch = database.transact_blocking([&](storage::Connection& connection) {
      ImportSummary counted;
      for (std::size_t i = 0; i < count; ++i) {
        const auto& user = users[first + i];
        if (!features::accounts::AccountStore::insert_in(connection, user.account, credentials[i])) {
          counted.existing.push_back(user.account.bare_string());
          continue;
        }
        features::roster::RosterStore::insert_in(connection, user.account, user.roster);
        ++counted.created;
        counted.roster_items += user.roster.size();
      }
      return counted;
    });
    summary.created += batch.created;
    summary.roster_items += batch.roster_items;
    summary.existing.insert(summary.existing.end(), batch.existing.begin(), batch.existing.end());
  }
  return summary;
}

}  // namespace tern::server
