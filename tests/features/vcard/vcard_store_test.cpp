// vCards in storage, on every backend.
#include "features/vcard/vcard_store.hpp"

#include <gtest/gtest.h>

#include "features/accounts/account_store.hpp"
#include "support/database_test.hpp"
#include "support/run.hpp"
#include "support/xml.hpp"
#include "xml/serializer.hpp"

namespace tern::features::vcard {
namespace {

using testing::run;

class VCardStoreTest : public testing::DatabaseTest {
protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::migrate(database(), migrations());
    accounts_ = std::make_unique<accounts::AccountStore>(database(), 64);
    accounts_->create(juliet, "pw");
    store_ = std::make_unique<VCardStore>(database());
  }
  VCardStore& store() { return *store_; }
  static std::string text(std::string_view vcard) { return xml::serialize(testing::parse_xml(vcard)); }
  std::unique_ptr<accounts::AccountStore> accounts_;
  std::unique_ptr<VCardStore> store_;
  xmpp::Jid juliet = *xmpp::Jid::parse("juliet@capulet.lit");
};

TEST_P(VCardStoreTest, SaveReplacesThePreviousCard) {
  EXPECT_FALSE(run(store().load(juliet)));
  EXPECT_EQ(run(store().photo_hash(juliet)), "");
  run(store().save(juliet, text("<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>"), "aa"));
  auto card = "<vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN>\n  <X xmlns='urn:x'>é</X></vCard>";
  run(store().save(juliet, text(card), "bb"));
  auto loaded = run(store().load(juliet));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(xml::serialize(*loaded), text(card));
  EXPECT_EQ(run(store().photo_hash(juliet)), "bb");
  run(store().remove(juliet));
  EXPECT_FALSE(run(store().load(juliet)));
}

TEST_P(VCardStoreTest, NothingIsStoredForAnAccountThatDoesNotExist) {
  auto romeo = *xmpp::Jid::parse("romeo@montague.lit");
  run(store().save(romeo, text("<vCard xmlns='vcard-temp'><FN>Romeo</FN></vCard>"), ""));
  EXPECT_FALSE(run(store().load(romeo)));
}

TEST_P(VCardStoreTest, TheCardGoesWithItsAccount) {
  run(store().save(juliet, text("<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>"), "aa"));
  EXPECT_TRUE(accounts_->remove(juliet));
  accounts_->create(juliet, "pw");
  EXPECT_FALSE(run(store().load(juliet)));
  EXPECT_EQ(run(store().photo_hash(juliet)), "");
}

TERN_FOR_EACH_BACKEND(VCardStoreTest);

}  // namespace
}  // namespace tern::features::vcard
