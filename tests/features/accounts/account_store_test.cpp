// Accounts and SCRAM credentials in SQLite.
#include "features/accounts/account_store.hpp"

#include <gtest/gtest.h>

#include "support/database_test.hpp"
#include "support/run.hpp"

namespace tern::features::accounts {
namespace {

using testing::run;
using xmpp::sasl::ScramHash;

class AccountStoreTest : public testing::DatabaseTest {
protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::migrate(database(), migrations());
    store_ = std::make_unique<AccountStore>(database(), 64);  // the tests check storage, not PBKDF2
  }
  AccountStore& store() { return *store_; }
  std::unique_ptr<AccountStore> store_;
  xmpp::Jid juliet = *xmpp::Jid::parse("juliet@capulet.lit");
};

TEST_P(AccountStoreTest, CreatedAccountHasKeysForBothHashesAndNoPassword) {
  EXPECT_TRUE(store().create(juliet, "r0meo"));
  EXPECT_FALSE(store().create(juliet, "again"));
  EXPECT_TRUE(run(store().exists(juliet)));
  for (auto hash : {ScramHash::sha1, ScramHash::sha256}) {
    auto credentials = run(store().credentials(juliet, hash));
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->iterations, 64);
    EXPECT_TRUE(xmpp::sasl::verify_password(*credentials, "r0meo"));
    EXPECT_FALSE(xmpp::sasl::verify_password(*credentials, "romeo"));
  }
  auto stored = database().run_blocking([](storage::Connection& c) {
    return c.query("SELECT salt, stored_key, server_key FROM account_credentials");
  });
  for (const auto& row : stored) {
    for (std::size_t column = 0; column < 3; ++column) {
      EXPECT_EQ(row.text(column).find("r0meo"), std::string::npos);
    }
  }
}

TEST_P(AccountStoreTest, PasswordChangeReplacesTheKeys) {
  store().create(juliet, "old");
  EXPECT_TRUE(store().set_password(juliet, "new"));
  auto credentials = run(store().credentials(juliet, ScramHash::sha256));
  EXPECT_TRUE(xmpp::sasl::verify_password(*credentials, "new"));
  EXPECT_FALSE(xmpp::sasl::verify_password(*credentials, "old"));
  EXPECT_FALSE(store().set_password(*xmpp::Jid::parse("nobody@capulet.lit"), "x"));
}

TEST_P(AccountStoreTest, RemovedAccountIsGoneWithItsKeys) {
  store().create(juliet, "pw");
  EXPECT_TRUE(store().remove(juliet));
  EXPECT_FALSE(store().remove(juliet));
  EXPECT_FALSE(run(store().exists(juliet)));
  EXPECT_FALSE(run(store().credentials(juliet, ScramHash::sha1)));
}

TEST_P(AccountStoreTest, ListIsPerDomainAndSorted) {
  store().create(*xmpp::Jid::parse("nurse@capulet.lit"), "pw");
  store().create(juliet, "pw");
  store().create(*xmpp::Jid::parse("romeo@montague.lit"), "pw");
  auto listed = store().list("capulet.lit");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].bare_string(), "juliet@capulet.lit");
  EXPECT_EQ(listed[1].bare_string(), "nurse@capulet.lit");
}

TEST_P(AccountStoreTest, EmptyPasswordIsRefused) {
  EXPECT_THROW(store().create(juliet, ""), std::invalid_argument);
  EXPECT_FALSE(run(store().exists(juliet)));
}

TERN_FOR_EACH_BACKEND(AccountStoreTest);

}  // namespace
}  // namespace tern::features::accounts
