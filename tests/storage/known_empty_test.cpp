// Keys known to hold nothing: what is kept, and what a write or a read that raced one leaves.
#include "storage/known_empty.hpp"

#include <gtest/gtest.h>

namespace tern::storage {
namespace {

TEST(KnownEmpty, AKeyFoundEmptyIsKnownUntilAWriteBegins) {
  KnownEmpty known;
  EXPECT_FALSE(known.contains("juliet@capulet.lit"));
  known.found_empty("juliet@capulet.lit", known.generation("juliet@capulet.lit"));
  EXPECT_TRUE(known.contains("juliet@capulet.lit"));
  EXPECT_FALSE(known.contains("romeo@montague.lit"));
  {
    auto writing = known.write("juliet@capulet.lit");
    EXPECT_FALSE(known.contains("juliet@capulet.lit"));
  }
  EXPECT_FALSE(known.contains("juliet@capulet.lit"));
}

TEST(KnownEmpty, AReadThatOverlappedAWriteIsNotKept) {
  KnownEmpty known;
  {
    // The read began after the write did and found nothing, as the write had not committed.
    auto writing = known.write("juliet@capulet.lit");
    auto generation = known.generation("juliet@capulet.lit");
    known.found_empty("juliet@capulet.lit", generation);  // finished before the commit
    EXPECT_TRUE(known.contains("juliet@capulet.lit"));
  }
  EXPECT_FALSE(known.contains("juliet@capulet.lit"));  // the commit forgot it again

  auto generation = known.generation("juliet@capulet.lit");  // a read begins
  { auto writing = known.write("juliet@capulet.lit"); }    // a write begins and commits
  known.found_empty("juliet@capulet.lit", generation);    // the read ends, having seen nothing
  EXPECT_FALSE(known.contains("juliet@capulet.lit"));
}

TEST(KnownEmpty, WritesOfOtherKeysLeaveMostReadsAlone) {
  KnownEmpty known;
  int kept = 0;
  for (int i = 0; i < 64; ++i) {
    auto key = "user" + std::to_string(i) + "@localhost";
    auto generation = known.generation(key);
    { auto writing = known.write("busy@localhost"); }
    known.found_empty(key, generation);
    kept += known.contains(key);
  }
  EXPECT_GE(kept, 56);  // only those that share the busy key's shard are lost
}

TEST(KnownEmpty, WhenFullAllIsForgotten) {
  KnownEmpty known(2);
  for (auto* key : {"a@localhost", "b@localhost"}) known.found_empty(key, known.generation(key));
  EXPECT_TRUE(known.contains("a@localhost"));
  known.found_empty("c@localhost", known.generation("c@localhost"));
  EXPECT_FALSE(known.contains("a@localhost"));
  EXPECT_FALSE(known.contains("b@localhost"));
  EXPECT_TRUE(known.contains("c@localhost"));
}

}  // namespace
}  // namespace tern::storage
