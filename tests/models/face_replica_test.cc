// FaceBatchTable: batch times priced from the face op list, the deadline-miss probability and
// where it crosses the frame interval, and the replica's capacities.
#include "models/face_replica.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/face_ops.h"
#include "tests/models/avatar_test_support.h"

namespace capsim::models {
namespace {

using testing::FlatPerfModel;
using testing::TestFace;
using testing::TestGpu;
using testing::TestReplicaSpec;

TEST(FaceBatchTableTest, BatchTimesComeFromTheOpList) {
  const PerfModel perf = FlatPerfModel();
  Result<FaceBatchTable> t = FaceBatchTable::Create(TestFace(), perf, TestGpu(), TestReplicaSpec(), 25, 0.1);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_DOUBLE_EQ(t.value().frame_interval_s(), 0.04);
  for (int n = 1; n <= 8; ++n) {
    EXPECT_DOUBLE_EQ(t.value().BatchTime(n), perf.StepTime(FaceFrameOps(TestFace(), n))) << n;
  }
  // 4 TFLOP per frame at the 80% GEMM-class efficiency of 1 PFLOP/s: 5 ms a frame.
  EXPECT_NEAR(t.value().BatchTime(1), 0.005, 0.0002);
  EXPECT_NEAR(t.value().BatchTime(6), 6 * t.value().BatchTime(1), 1e-4);
}

TEST(FaceBatchTableTest, MissRateRisesWhereTheBatchCrossesTheFrameInterval) {
  const PerfModel perf = FlatPerfModel();
  Result<FaceBatchTable> r = FaceBatchTable::Create(TestFace(), perf, TestGpu(), TestReplicaSpec(), 25, 0.1);
  ASSERT_TRUE(r.ok());
  const FaceBatchTable& t = r.value();
  // The crossing predicted by the perf model: the smallest n with T(n) >= 40 ms.
  int crossing = 0;
  for (int n = 1; n <= t.max_batch(); ++n) {
    if (t.BatchTime(n) >= t.frame_interval_s()) {
      crossing = n;
      break;
    }
  }
  ASSERT_EQ(crossing, 8);  // 8 x 5 ms
  double previous = 0;
  for (int n = 1; n <= t.max_batch(); ++n) {
    EXPECT_GE(t.MissProbability(n), previous) << n;
    previous = t.MissProbability(n);
  }
  EXPECT_LT(t.MissProbability(crossing - 3), 1e-4);  // 25 ms of a 40 ms interval
  EXPECT_GT(t.MissProbability(crossing - 1), 0.05);  // 35 ms: jitter (CV 0.1) pushes some over
  EXPECT_LT(t.MissProbability(crossing - 1), 0.5);
  EXPECT_EQ(t.MissProbability(crossing), 1.0);
  EXPECT_EQ(t.MissProbability(crossing + 5), 1.0);
  // Lognormal tail by hand at n = 7: P(X > 40/35), X mean 1, CV 0.1.
  const double sigma = std::sqrt(std::log1p(0.01)), mu = -sigma * sigma / 2;
  const double x = t.frame_interval_s() / t.BatchTime(7);
  EXPECT_NEAR(t.MissProbability(7), 0.5 * std::erfc((std::log(x) - mu) / (sigma * std::sqrt(2.0))), 1e-12);
}

TEST(FaceBatchTableTest, CapacitiesFollowBudgetOvercommitAndMemory) {
  const PerfModel perf = FlatPerfModel();
  AvatarReplicaSpec spec = TestReplicaSpec();
  Result<FaceBatchTable> t = FaceBatchTable::Create(TestFace(), perf, TestGpu(), spec, 25, 0.1);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().render_capacity(), 6);  // 6 x 5 ms <= 0.8 x 40 ms < 7 x 5 ms
  EXPECT_EQ(t.value().session_capacity(), 6);
  spec.overcommit = 2.2;
  t = FaceBatchTable::Create(TestFace(), perf, TestGpu(), spec, 25, 0.1);
  EXPECT_EQ(t.value().session_capacity(), 13);
  // Memory: (0.9 x 80 GB - 2 GB of FP16 weights) / 10 GB per stream = 7 streams.
  spec.stream_vram_bytes = 10e9;
  t = FaceBatchTable::Create(TestFace(), perf, TestGpu(), spec, 25, 0.1);
  EXPECT_EQ(t.value().memory_capacity(), 7);
  EXPECT_EQ(t.value().session_capacity(), 7);
  // Two GPUs per replica halve the batch time: 12 streams fit the budget.
  spec = TestReplicaSpec();
  spec.gpus_per_replica = 2;
  t = FaceBatchTable::Create(TestFace(), perf, TestGpu(), spec, 25, 0.1);
  EXPECT_EQ(t.value().render_capacity(), 12);
}

TEST(FaceBatchTableTest, ErrorsNameTheProblem) {
  const PerfModel perf = FlatPerfModel();
  FaceModelSpec heavy = TestFace();
  heavy.flops_per_frame = 40e12;  // 50 ms a frame: over a 32 ms budget
  Result<FaceBatchTable> t = FaceBatchTable::Create(heavy, perf, TestGpu(), TestReplicaSpec(), 25, 0.1);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().ToString().find("over the budget of 32"), std::string::npos) << t.status().ToString();
  EXPECT_NE(t.status().ToString().find("gpus_per_replica"), std::string::npos);
  FaceModelSpec empty = TestFace();
  empty.flops_per_frame = 0;
  t = FaceBatchTable::Create(empty, perf, TestGpu(), TestReplicaSpec(), 25, 0.1);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().ToString().find("neither layers nor flops_per_frame"), std::string::npos);
  t = FaceBatchTable::Create(TestFace(), perf, TestGpu(), TestReplicaSpec(), 0, 0.1);
  EXPECT_FALSE(t.ok());
  AvatarReplicaSpec fat = TestReplicaSpec();
  fat.stream_vram_bytes = 100e9;
  t = FaceBatchTable::Create(TestFace(), perf, TestGpu(), fat, 25, 0.1);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().ToString().find("no memory for a stream"), std::string::npos);
}

TEST(FaceReplicaStateTest, AdvanceIntegratesFramesAndMisses) {
  const PerfModel perf = FlatPerfModel();
  Result<FaceBatchTable> t = FaceBatchTable::Create(TestFace(), perf, TestGpu(), TestReplicaSpec(), 25, 0.1);
  ASSERT_TRUE(t.ok());
  FaceReplicaState r;
  double frames = 0, missed = 0;
  r.rendering = 7;
  r.Advance(10.0, t.value(), &frames, &missed);
  EXPECT_DOUBLE_EQ(frames, 7 * 10.0 * 25);
  EXPECT_NEAR(missed, frames * t.value().MissProbability(7), 1e-9);
  r.rendering = 0;
  r.Advance(20.0, t.value(), &frames, &missed);
  EXPECT_DOUBLE_EQ(frames, 1750);
}

}  // namespace
}  // namespace capsim::models
