// AvatarPipelineEvaluator: points are deterministic, meet the SLO at low load, and miss it
// (rejections) once the pool's face replicas are full; MaxLoad brackets the capacity.
#include "models/avatar_capacity.h"

#include <gtest/gtest.h>

#include "tests/models/avatar_test_support.h"

namespace capsim::models {
namespace {

using testing::FlatPerfModel;
using testing::TestAvatar;
using testing::TestAvatarCatalog;
using testing::TestReplicaSpec;

AvatarLoadTest SmallTest() {
  AvatarLoadTest t;
  t.spec = TestAvatar(1.0);
  t.spec.replica = TestReplicaSpec();
  t.spec.replica->asr.gpus = 2;  // 32 ASR and 32 TTS streams: the face replicas bind first
  t.spec.replica->tts.gpus = 4;
  t.pool.name = "pool";
  t.pool.gpu = "TEST-GPU";
  t.pool.nodes = 3;  // a stage node and two face nodes: 16 replicas x 6 sessions
  t.pool.gpus_per_node = 8;
  t.slo.ttff_p99_s = 2;
  t.slo.max_rejected_fraction = 0.01;
  t.warmup_s = 1200;
  t.duration_s = 1800;
  return t;
}

TEST(AvatarCapacityTest, PointsAreDeterministicAndBoundedByThePool) {
  const Catalog catalog = TestAvatarCatalog();
  const PerfModel perf = FlatPerfModel();
  const CapacityEvaluator eval = AvatarPipelineEvaluator(catalog, perf, SmallTest());
  const CapacityPoint low = eval(0.05);
  EXPECT_TRUE(low.slo_met) << low.ttff_p99_s << " " << low.rejected_fraction << " "
                           << low.frame_miss_rate;
  EXPECT_EQ(low.rejected_fraction, 0);
  EXPECT_GT(low.mean_sessions, 10);
  EXPECT_GT(low.gpus, 8);
  const CapacityPoint again = eval(0.05);
  EXPECT_EQ(again.ttff_p99_s, low.ttff_p99_s);
  EXPECT_EQ(again.mean_sessions, low.mean_sessions);
  // Far past 96 sessions (x 10 min mean = 0.16/s): rejections.
  const CapacityPoint high = eval(1.0);
  EXPECT_FALSE(high.slo_met);
  EXPECT_GT(high.rejected_fraction, 0.5);
  EXPECT_LE(high.mean_sessions, 96.0 + 1e-9);

  const MaxLoadResult r = MaxLoad(eval, 0.02, 1.0, 0.01, 20);
  ASSERT_EQ(r.outcome, CapacityOutcome::kConverged);
  // Little's law bounds it: 96 sessions / 600 s mean length = 0.16/s; lognormal lengths make
  // rejections pass 1% somewhat earlier.
  EXPECT_GT(r.max_load, 0.06);
  EXPECT_LT(r.max_load, 0.16);
}

TEST(AvatarCapacityTest, InvalidTestsMissTheSlo) {
  const Catalog catalog = TestAvatarCatalog();
  const PerfModel perf = FlatPerfModel();
  AvatarLoadTest t = SmallTest();
  t.spec.replica->face_model = "nope";
  const CapacityPoint p = AvatarPipelineEvaluator(catalog, perf, t)(0.1);
  EXPECT_FALSE(p.slo_met);
  EXPECT_FALSE(AvatarPipelineEvaluator(catalog, perf, SmallTest())(0).slo_met);
}

}  // namespace
}  // namespace capsim::models
