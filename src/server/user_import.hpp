// `tern user import`: creates many accounts and their rosters at once, fast enough for tens of
// thousands (credentials derived on every core, rows written in large transactions).
#pragma once
#include <string>
#include <vector>

#include "server/user_import_file.hpp"
#include "storage/database.hpp"

namespace tern::server {

struct ImportSummary {
  std::size_t created = 0;
  std::size_t roster_items = 0;
  std::vector<std::string> existing;  // accounts already there: left as they are, roster included
};

// Accounts that exist are skipped (and named in the summary); each batch of accounts is one
// transaction, so a failure leaves whole accounts behind, never half of one.
ImportSummary import_users(storage::Database& database, const std::vector<ImportedUser>& users);

}  // namespace tern::server
