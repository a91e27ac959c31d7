// Last activity in storage, on every backend.
#include "features/last/last_activity_store.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "features/accounts/account_store.hpp"
#include "support/database_test.hpp"
#include "support/run.hpp"

namespace tern::features::last {
namespace {

using testing::run;
using std::chrono::milliseconds;

class LastActivityStoreTest : public testing::DatabaseTest {
protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::migrate(database(), migrations());
    accounts_ = std::make_unique<accounts::AccountStore>(database(), 64);
    accounts_->create(juliet, "pw");
    store_ = std::make_unique<LastActivityStore>(database(), milliseconds(1));
  }
  void TearDown() override {
    store_.reset();  // writes what waits while the database is there
    DatabaseTest::TearDown();
  }
  LastActivityStore& store() { return *store_; }
  // run(save()) returns once its batch is written: the private io_context runs until the batch
  // delay is over and the write is done.
  void save(const xmpp::Jid& account, LastActivity activity) { run(store().save(account, std::move(activity))); }
  // What storage holds, read by a store with nothing waiting.
  std::optional<LastActivity> stored(const xmpp::Jid& account) {
    LastActivityStore reader(database());
    return run(reader.load(account));
  }
  std::unique_ptr<accounts::AccountStore> accounts_;
  std::unique_ptr<LastActivityStore> store_;
  xmpp::Jid juliet = *xmpp::Jid::parse("juliet@capulet.lit");
};

TEST_P(LastActivityStoreTest, EachLogoutReplacesTheLastOne) {
  EXPECT_FALSE(run(store().load(juliet)));
  save(juliet, {1000, "gone to the balcony"});
  save(juliet, {2000, ""});
  auto last = stored(juliet);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->logged_out_at, 2000);
  EXPECT_EQ(last->status, "");
}

TEST_P(LastActivityStoreTest, ALogoutIsSeenAtOnceAndStoredAfterTheBatchDelay) {
  boost::asio::io_context io;
  boost::asio::co_spawn(io, store().save(juliet, {1000, "asleep"}), boost::asio::detached);
  io.poll();  // saved, the batch's timer started
  auto seen = run(store().load(juliet));
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->status, "asleep");
  EXPECT_FALSE(stored(juliet));
  io.run();  // the delay is over: the batch is written
  auto last = stored(juliet);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->logged_out_at, 1000);
  EXPECT_EQ(last->status, "asleep");
}

TEST_P(LastActivityStoreTest, WhatWaitsIsWrittenWhenTheStoreGoes) {
  boost::asio::io_context io;  // never run on: as at shutdown, the timer does not fire
  boost::asio::co_spawn(io, store().save(juliet, {1000, "banished"}), boost::asio::detached);
  io.poll();
  EXPECT_FALSE(stored(juliet));
  store_.reset();
  auto last = stored(juliet);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, "banished");
}

TEST_P(LastActivityStoreTest, NothingIsStoredForAnAccountThatDoesNotExist) {
  auto romeo = *xmpp::Jid::parse("romeo@montague.lit");
  save(romeo, {1000, "banished"});
  EXPECT_FALSE(run(store().load(romeo)));
}

TEST_P(LastActivityStoreTest, TheRecordGoesWithItsAccount) {
  save(juliet, {1000, "asleep"});
  EXPECT_TRUE(accounts_->remove(juliet));
  accounts_->create(juliet, "pw");
  EXPECT_FALSE(run(store().load(juliet)));
}

TEST_P(LastActivityStoreTest, ADeletedAccountsEndingSessionsLeaveNoRecord) {
  boost::asio::io_context io;
  boost::asio::co_spawn(io, store().save(juliet, {1000, "waiting"}), boost::asio::detached);
  io.poll();
  store().forget(juliet);  // the account is being deleted
  EXPECT_FALSE(run(store().load(juliet)));
  save(juliet, {1001, "kicked out"});  // its sessions end
  EXPECT_FALSE(run(store().load(juliet)));
  io.run();
  EXPECT_FALSE(stored(juliet));
}

TERN_FOR_EACH_BACKEND(LastActivityStoreTest);

}  // namespace
}  // namespace tern::features::last
