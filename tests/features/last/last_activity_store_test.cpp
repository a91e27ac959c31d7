// Last activity in storage, on every backend.
#include "features/last/last_activity_store.hpp"

#include <gtest/gtest.h>

#include "features/accounts/account_store.hpp"
#include "support/database_test.hpp"
#include "support/run.hpp"

namespace tern::features::last {
namespace {

using testing::run;

class LastActivityStoreTest : public testing::DatabaseTest {
protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::migrate(database(), migrations());
    accounts_ = std::make_unique<accounts::AccountStore>(database(), 64);
    accounts_->create(juliet, "pw");
    store_ = std::make_unique<LastActivityStore>(database());
  }
  LastActivityStore& store() { return *store_; }
  std::unique_ptr<accounts::AccountStore> accounts_;
  std::unique_ptr<LastActivityStore> store_;
  xmpp::Jid juliet = *xmpp::Jid::parse("juliet@capulet.lit");
};

TEST_P(LastActivityStoreTest, EachLogoutReplacesTheLastOne) {
  EXPECT_FALSE(run(store().load(juliet)));
  run(store().save(juliet, {1000, "gone to the balcony"}));
  run(store().save(juliet, {2000, ""}));
  auto last = run(store().load(juliet));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->logged_out_at, 2000);
  EXPECT_EQ(last->status, "");
}

TEST_P(LastActivityStoreTest, NothingIsStoredForAnAccountThatDoesNotExist) {
  auto romeo = *xmpp::Jid::parse("romeo@montague.lit");
  run(store().save(romeo, {1000, "banished"}));
  EXPECT_FALSE(run(store().load(romeo)));
}

TEST_P(LastActivityStoreTest, TheRecordGoesWithItsAccount) {
  run(store().save(juliet, {1000, "asleep"}));
  EXPECT_TRUE(accounts_->remove(juliet));
  accounts_->create(juliet, "pw");
  EXPECT_FALSE(run(store().load(juliet)));
}

TERN_FOR_EACH_BACKEND(LastActivityStoreTest);

}  // namespace
}  // namespace tern::features::last
