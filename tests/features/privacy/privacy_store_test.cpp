// Privacy lists in SQLite and MySQL: what is written comes back, and goes with the account.
#include "features/privacy/privacy_store.hpp"

#include <gtest/gtest.h>

#include "features/accounts/account_store.hpp"
#include "support/database_test.hpp"
#include "support/run.hpp"

namespace tern::features::privacy {
namespace {

using testing::run;

class PrivacyStoreTest : public testing::DatabaseTest {
protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::migrate(database(), migrations());
    accounts_ = std::make_unique<accounts::AccountStore>(database(), 64);
    accounts_->create(juliet, "r0meo");
    store_ = std::make_unique<PrivacyStore>(database());
  }

  std::optional<xmpp::StanzaError> modify(std::function<std::optional<xmpp::StanzaError>(PrivacySettings&)> edit) {
    auto published = [](const PrivacySettings&, const std::optional<xmpp::StanzaError>&, storage::Connection&) {};
    return run(store_->modify(juliet, std::move(edit), published));
  }
  PrivacySettings stored() {
    auto loaded = [](const PrivacySettings& settings, storage::Connection&) { return settings; };
    return run(store_->read(juliet, loaded));
  }

  std::unique_ptr<accounts::AccountStore> accounts_;
  std::unique_ptr<PrivacyStore> store_;
  xmpp::Jid juliet = *xmpp::Jid::parse("juliet@capulet.lit");
  PrivacyList special{"special",
                      {PrivacyItem{PrivacyItem::Type::jid, "romeo@example.net", true, 6, messages | iqs},
                       PrivacyItem{PrivacyItem::Type::group, "Friends", false, 7, presence_out},
                       PrivacyItem{PrivacyItem::Type::fall_through, "", false, 42, all_kinds}}};
};

TEST_P(PrivacyStoreTest, ListsAndTheDefaultComeBackAsWritten) {
  EXPECT_FALSE(modify([&](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    settings.put(special);
    settings.put(PrivacyList{"public", {PrivacyItem{PrivacyItem::Type::subscription, "none", false, 1, all_kinds}}});
    settings.default_list = "public";
    return std::nullopt;
  }));
  auto settings = stored();
  ASSERT_EQ(settings.lists.size(), 2u);
  EXPECT_EQ(settings.lists[0].name, "public");
  EXPECT_EQ(settings.lists[1], special);
  EXPECT_EQ(settings.default_list, "public");
}

TEST_P(PrivacyStoreTest, AnAccountReadWithoutListsIsKnownToHaveNoneUntilAChange) {
  EXPECT_FALSE(store_->has_none(juliet));
  EXPECT_TRUE(stored().lists.empty());
  EXPECT_TRUE(store_->has_none(juliet));
  modify([&](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    settings.put(special);
    return std::nullopt;
  });
  EXPECT_FALSE(store_->has_none(juliet));
  EXPECT_EQ(stored().lists.size(), 1u);
  EXPECT_FALSE(store_->has_none(juliet));
}

TEST_P(PrivacyStoreTest, ARefusedEditChangesNothing) {
  modify([&](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    settings.put(special);
    return std::nullopt;
  });
  auto error = modify([](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    if (settings.find("other")) return std::nullopt;
    return xmpp::StanzaError::item_not_found();
  });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->condition(), "item-not-found");
  EXPECT_EQ(stored().lists, std::vector<PrivacyList>{special});
}

TEST_P(PrivacyStoreTest, RemovingTheDefaultListUnsetsIt) {
  modify([&](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    settings.put(special);
    settings.default_list = "special";
    return std::nullopt;
  });
  modify([](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    settings.remove("special");
    return std::nullopt;
  });
  auto settings = stored();
  EXPECT_TRUE(settings.lists.empty());
  EXPECT_FALSE(settings.default_list);
}

TEST_P(PrivacyStoreTest, DeletingTheAccountDeletesItsLists) {
  modify([&](PrivacySettings& settings) -> std::optional<xmpp::StanzaError> {
    settings.put(special);
    settings.default_list = "special";
    return std::nullopt;
  });
  ASSERT_TRUE(accounts_->remove(juliet));
  auto rows = database().run_blocking([](storage::Connection& c) {
    return c.query("SELECT (SELECT COUNT(*) FROM privacy_lists) + (SELECT COUNT(*) FROM privacy_items)");
  });
  EXPECT_EQ(rows.at(0).integer(0), 0);
}

TERN_FOR_EACH_BACKEND(PrivacyStoreTest);

}  // namespace
}  // namespace tern::features::privacy
