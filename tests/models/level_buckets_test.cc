// LevelBuckets: moves and the fullest / emptiest picks.
#include "models/level_buckets.h"

#include <gtest/gtest.h>

namespace capsim::models {
namespace {

TEST(LevelBucketsTest, PicksFullestAndEmptiestBelowALevel) {
  LevelBuckets b(4);
  for (int i = 0; i < 5; ++i) b.Insert(i, 0);
  EXPECT_EQ(b.CountAt(0), 5);
  b.SetLevel(2, 3);
  b.SetLevel(4, 4);
  EXPECT_EQ(b.HighestBelow(4), 2);  // 4 is full
  EXPECT_EQ(b.HighestBelow(5), 4);
  EXPECT_EQ(b.LowestBelow(4), 3);   // the last item at level 0
  b.Remove(3);
  EXPECT_FALSE(b.contains(3));
  EXPECT_EQ(b.LowestBelow(4), 1);
  EXPECT_EQ(b.level(2), 3);
  for (int i : {0, 1}) b.SetLevel(i, 4);
  b.SetLevel(2, 4);
  EXPECT_EQ(b.HighestBelow(4), -1);
  EXPECT_EQ(b.LowestBelow(4), -1);
  b.Insert(7, 1);  // ids need not be contiguous
  EXPECT_EQ(b.LowestBelow(4), 7);
}

}  // namespace
}  // namespace capsim::models
