// StreamPool: least-loaded placement, the linear latency curve and capacity.
#include "models/stream_pool.h"

#include <gtest/gtest.h>

namespace capsim::models {
namespace {

// Cartesia Sonic on an H100 (workloads.md §4, FIRM): first audio 95 ms alone, 280 ms at 8 streams.
const StreamPoolSpec kTts{2, 8, 0.095, 0.280};

TEST(StreamPoolTest, LatencyFollowsThePublishedCurve) {
  StreamPool p(kTts);
  EXPECT_DOUBLE_EQ(p.Latency(1), 0.095);
  EXPECT_DOUBLE_EQ(p.Latency(8), 0.280);
  EXPECT_NEAR(p.Latency(4), 0.095 + 3.0 / 7 * 0.185, 1e-12);
}

TEST(StreamPoolTest, SpreadsOverGpusAndFillsUp) {
  StreamPool p(kTts);
  auto a = p.TryAcquire();
  auto b = p.TryAcquire();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->gpu, b->gpu);  // least loaded first
  EXPECT_DOUBLE_EQ(b->latency_s, 0.095);
  for (int i = 2; i < 16; ++i) ASSERT_TRUE(p.TryAcquire()) << i;
  EXPECT_EQ(p.in_use(), 16);
  EXPECT_FALSE(p.TryAcquire());
  p.Release(a->gpu);
  auto c = p.TryAcquire();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->gpu, a->gpu);
  EXPECT_DOUBLE_EQ(c->latency_s, 0.280);  // the 8th stream on that GPU
  EXPECT_EQ(p.capacity(), 16);
}

}  // namespace
}  // namespace capsim::models
