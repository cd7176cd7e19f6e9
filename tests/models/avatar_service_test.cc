#include "models/avatar_service.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/models/fleet_avatar_harness.h"
#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using sim::Time;

using Harness = testing::FleetAvatarHarness<AvatarService>;

TEST(AvatarService, LittlesLawOnConcurrentSessions) {
  // Poisson arrivals, ample GPUs: mean concurrency = rate x mean (capped) session length.
  AvatarSpec spec = testing::TestAvatar(0.2);
  Harness h(spec, 64);
  const double days = 3;
  h.RunFor(days * 86400);
  EXPECT_EQ(h.avatars.sessions_admitted(), h.avatars.sessions_arrived());
  const double mean_len = testing::CappedLognormalMean(360, 600, 3600);
  EXPECT_NEAR(h.avatars.MeanSessions(), 0.2 * mean_len, 0.04 * 0.2 * mean_len);
  // Session-seconds served are the same integral.
  EXPECT_NEAR(h.avatars.session_seconds(), h.avatars.MeanSessions() * days * 86400, 1.0);
}

TEST(AvatarService, UncontendedTurnLatencyIsTheSumOfStageLatencies) {
  AvatarSpec spec = testing::TestAvatar(0.05);
  spec.latency_sigma = 0;  // deterministic stages
  Harness h(spec, 16);
  h.RunFor(6 * 3600);
  ASSERT_GT(h.avatars.turns(), 1000u);
  const double sum = 0.06 + 0.1 + 0.25 + 0.15 + 0.2 + 0.02 + 0.05;
  // Sessions get a GPU each (peak share 0.825 <= 1): no stretch; sketch error <= 0.5%.
  EXPECT_NEAR(h.avatars.ttff().Quantile(0.5), sum, 0.005 * sum);
  EXPECT_NEAR(h.avatars.ttff().Quantile(0.99), sum, 0.005 * sum);
  EXPECT_EQ(h.avatars.turns_within_slo(), h.avatars.turns());
}

TEST(AvatarService, MeanShareMatchesWorkloadsReference) {
  // workloads.md §1: tier L averages about 0.4 GPU per session, 0.85 while speaking.
  AvatarSpec spec = testing::TestAvatar(0.01);
  Harness h(spec, 1);
  EXPECT_NEAR(h.avatars.mean_share(), 0.4, 0.03);
  EXPECT_NEAR(h.avatars.peak_share(), 0.825, 1e-12);
}

TEST(AvatarService, PeakPackingAvoidsFrameMissesAndOverbookingCausesThem) {
  AvatarSpec spec = testing::TestAvatar(0.5);
  Harness safe(spec, 8);
  safe.RunFor(4 * 3600);
  EXPECT_LT(safe.avatars.missed_frames() / safe.avatars.frames(), 1e-3);

  spec.peak_load_limit = 2.0;  // two tier-L sessions per GPU
  spec.gpu_load_target = 1.0;
  Harness packed(spec, 8);
  packed.RunFor(4 * 3600);
  const double miss = packed.avatars.missed_frames() / packed.avatars.frames();
  // When both sessions on a GPU speak (about 0.45^2 of the time) the GPU is 1.65x overloaded
  // and nearly every frame of both streams is late: roughly 0.45 of frames miss.
  EXPECT_GT(miss, 0.2);
  EXPECT_LT(miss, 0.7);
  // Overload also stretches GPU-stage latencies.
  EXPECT_GT(packed.avatars.ttff().Quantile(0.99), safe.avatars.ttff().Quantile(0.99));
}

TEST(AvatarService, CapacityAndAdmissionLimitsReject) {
  AvatarSpec spec = testing::TestAvatar(1.0);  // ~600 concurrent wanted
  Harness small(spec, 1);                      // 8 GPUs: at most 8 sessions
  small.RunFor(3600);
  EXPECT_LE(small.avatars.PeakSessions(), 8);
  EXPECT_GT(small.avatars.rejected_by_capacity(), 0u);
  EXPECT_EQ(small.avatars.sessions_arrived(),
            small.avatars.sessions_admitted() + small.avatars.rejected_by_capacity());

  spec.max_sessions = 3;
  Harness limited(spec, 4);
  limited.RunFor(3600);
  EXPECT_LE(limited.avatars.PeakSessions(), 3);
  EXPECT_GT(limited.avatars.rejected_by_limit(), 0u);
}

TEST(AvatarService, MultiGpuStreamsTakeWholeGpus) {
  AvatarSpec spec = testing::TestAvatar(0.01);
  spec.face = {0.9, 3.0};  // video-diffusion-class: 3 GPUs while speaking
  spec.face_idle_share = 3.0;
  Harness h(spec, 4);
  h.RunFor(4 * 3600);
  ASSERT_GT(h.avatars.sessions_admitted(), 10u);
  // 32 GPUs, 4 per session (peak 3.125 over a limit of 1): at most 8 at once.
  EXPECT_LE(h.avatars.PeakSessions(), 8);
  EXPECT_GT(h.avatars.frames(), 0);
}

TEST(AvatarService, PoolGrowsWithLoadAndGivesNodesBack) {
  AvatarSpec spec = testing::TestAvatar(0.1);
  Harness h(spec, 64);
  h.sim.RunUntil(Time::FromSeconds(4 * 3600));
  const int busy = h.avatars.granted_gpus();
  EXPECT_GE(busy, h.avatars.active_sessions());
  // Headroom: at most the sessions' GPUs plus 1 node of headroom plus what is draining.
  EXPECT_LE(busy, h.avatars.active_sessions() + 8 + 12 + 8 * h.avatars.draining_nodes());
  EXPECT_EQ(h.sched.avatar_nodes() * 8, busy);
}

TEST(AvatarService, SameSeedSameRun) {
  AvatarSpec spec = testing::TestAvatar(0.3);
  Harness a(spec, 4, 5), b(spec, 4, 5), c(spec, 4, 6);
  a.RunFor(7200);
  b.RunFor(7200);
  c.RunFor(7200);
  EXPECT_EQ(a.avatars.sessions_arrived(), b.avatars.sessions_arrived());
  EXPECT_EQ(a.avatars.turns(), b.avatars.turns());
  EXPECT_EQ(a.avatars.ttff().Quantile(0.99), b.avatars.ttff().Quantile(0.99));
  EXPECT_EQ(a.sim.events_handled(), b.sim.events_handled());
  EXPECT_NE(a.sim.events_handled(), c.sim.events_handled());
}

}  // namespace
}  // namespace capsim::models
