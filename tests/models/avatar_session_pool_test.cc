#include "models/avatar_session_pool.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "models/avatar_service.h"
#include "tests/models/fleet_avatar_harness.h"
#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using sim::Time;

template <class Model>
using Harness = testing::FleetAvatarHarness<Model>;
using PoolHarness = Harness<AvatarSessionPool>;
using testing::CappedLognormalMean;

// Erlang B: the blocking probability of an M/G/c/c loss system offered `erlangs`, by the standard
// recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
double ErlangB(int c, double erlangs) {
  double b = 1;
  for (int k = 1; k <= c; ++k) b = erlangs * b / (k + erlangs * b);
  return b;
}

AvatarSpec Aggregate(AvatarSpec spec, double sessions_per_gpu = 0) {
  spec.aggregate = AvatarSpec::AggregateSpec{sessions_per_gpu};
  return spec;
}

TEST(AvatarSessionPool, MeanSessionShareEqualsAvatarService) {
  AvatarSpec spec = testing::TestAvatar(0.01);
  AvatarSpec idle = spec;
  idle.face_idle_share = 0.4;
  idle.encode = {0.02, 0.05};
  idle.user_speaking_mean_s = 5;
  for (const AvatarSpec& s : {spec, idle}) {
    Harness<AvatarService> service(s, 1);
    PoolHarness pool(Aggregate(s), 1);
    EXPECT_DOUBLE_EQ(MeanSessionShare(s), service.avatars.mean_share());
    EXPECT_DOUBLE_EQ(pool.avatars.mean_share(), service.avatars.mean_share());
  }
  EXPECT_NEAR(MeanSessionShare(spec), 0.4, 0.03);  // workloads.md §1, as AvatarService's test
}

TEST(AvatarSessionPool, SlotsPerNodeFromTheSpecOrTheLoadTarget) {
  AvatarSpec spec = testing::TestAvatar(0.01);
  PoolHarness derived(Aggregate(spec), 1);
  const double spg = spec.gpu_load_target / MeanSessionShare(spec);
  EXPECT_DOUBLE_EQ(derived.avatars.sessions_per_gpu(), spg);
  EXPECT_EQ(derived.avatars.slots_per_node(), static_cast<int64_t>(std::floor(8 * spg)));
  PoolHarness given(Aggregate(spec, 2.7), 1);
  EXPECT_DOUBLE_EQ(given.avatars.sessions_per_gpu(), 2.7);
  EXPECT_EQ(given.avatars.slots_per_node(), 21);  // floor(8 x 2.7)
  bool found = false;
  for (const SummaryMetric& m : given.avatars.ExtraSummary()) {
    if (m.key == "avatar.sessions_per_gpu") {
      EXPECT_DOUBLE_EQ(m.value, 2.7);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(AvatarSessionPool, LittlesLawOnConcurrentSessions) {
  // Poisson arrivals, ample GPUs: mean concurrency = rate x mean (capped) session length.
  const double rate = 0.2;
  AvatarSpec spec = Aggregate(testing::TestAvatar(rate));
  PoolHarness h(spec, 64);
  const double days = 10;
  h.RunFor(days * 86400);
  EXPECT_EQ(h.avatars.sessions_admitted(), h.avatars.sessions_arrived());
  const double expected = rate * CappedLognormalMean(360, 600, 3600);
  // About 173k sessions; the standard error of the time average, (lambda E[S^2] / T)^0.5, is
  // about 0.4% of the mean (0.38% measured over 20 seeds), so 1.5% is about 4 standard errors.
  EXPECT_NEAR(h.avatars.MeanSessions(), expected, 0.015 * expected);
  // Session time, demand and frames all follow from the session-count integral.
  const double horizon = days * 86400;
  EXPECT_NEAR(h.avatars.session_seconds(), h.avatars.MeanSessions() * horizon,
              1e-9 * h.avatars.session_seconds());
  EXPECT_DOUBLE_EQ(h.avatars.DemandGpuSeconds(),
                   h.avatars.mean_share() * h.avatars.session_seconds());
  EXPECT_DOUBLE_EQ(h.avatars.demand(), h.avatars.active_sessions() * h.avatars.mean_share());
  const double cycle = 8 + (0.06 + 0.1 + 0.25 + 0.15 + 0.2 + 0.02 + 0.05) + 7.5;
  EXPECT_NEAR(h.avatars.frames(), h.avatars.session_seconds() * 25 * 7.5 / cycle,
              1e-9 * h.avatars.frames());
  EXPECT_EQ(h.avatars.missed_frames(), 0);
  EXPECT_EQ(h.avatars.turns(), h.avatars.sessions_admitted());
  std::printf("Little: mean sessions %.3f, rate x E[S] %.3f (%+.3f%%), %llu sessions\n",
              h.avatars.MeanSessions(), expected, 100 * (h.avatars.MeanSessions() / expected - 1),
              static_cast<unsigned long long>(h.avatars.sessions_arrived()));
}

TEST(AvatarSessionPool, IdleRenderingCountsEveryFrame) {
  AvatarSpec spec = Aggregate(testing::TestAvatar(0.05));
  spec.face_idle_share = 0.3;
  PoolHarness h(spec, 8);
  h.RunFor(4 * 3600);
  ASSERT_GT(h.avatars.session_seconds(), 0);
  EXPECT_NEAR(h.avatars.frames(), h.avatars.session_seconds() * 25, 1e-9 * h.avatars.frames());
}

TEST(AvatarSessionPool, TtffIsTheSumOfStageLatenciesOncePerSession) {
  AvatarSpec spec = Aggregate(testing::TestAvatar(0.05));
  spec.latency_sigma = 0;  // deterministic stages
  PoolHarness h(spec, 16);
  h.RunFor(6 * 3600);
  ASSERT_GT(h.avatars.turns(), 500u);
  EXPECT_EQ(h.avatars.turns(), h.avatars.sessions_admitted());
  const double sum = 0.06 + 0.1 + 0.25 + 0.15 + 0.2 + 0.02 + 0.05;
  EXPECT_NEAR(h.avatars.ttff().Quantile(0.01), sum, 0.005 * sum);  // sketch error <= 0.5%
  EXPECT_NEAR(h.avatars.ttff().Quantile(0.99), sum, 0.005 * sum);

  spec.latency_sigma = 0.3;
  PoolHarness spread(spec, 16);
  spread.RunFor(6 * 3600);
  // Each stage is lognormal with its mean: the median of the sum sits a little below the sum.
  EXPECT_NEAR(spread.avatars.ttff().Quantile(0.5), sum, 0.1 * sum);
  EXPECT_GT(spread.avatars.ttff().Quantile(0.99), 1.2 * sum);
}

// With capacity below the offered load the pool is an M/G/c/c loss system (nodes are granted the
// moment a slot is needed): the rejected fraction is Erlang B, whatever the length distribution.
void ExpectErlangB(const LognormalSpec& length, double mean_length, const char* label) {
  const int nodes = 2;
  const double spg = 2;
  const int c = static_cast<int>(nodes * 8 * spg);  // 32 slots
  const double erlangs = 32;                        // offered load: B about 0.13
  AvatarSpec spec = Aggregate(testing::TestAvatar(erlangs / mean_length), spg);
  spec.session_length = length;
  PoolHarness h(spec, nodes);
  h.RunFor(200 * 86400.0);
  ASSERT_EQ(h.avatars.slots(), c);
  EXPECT_LE(h.avatars.PeakSessions(), c);
  EXPECT_EQ(h.avatars.rejected_by_limit(), 0u);
  EXPECT_EQ(h.avatars.sessions_arrived(),
            h.avatars.sessions_admitted() + h.avatars.rejected_by_capacity());
  const double blocked = static_cast<double>(h.avatars.rejected_by_capacity()) /
                         static_cast<double>(h.avatars.sessions_arrived());
  const double b = ErlangB(c, erlangs);
  // About 950k arrivals. Blocking comes in bursts, so the estimate's spread is about twice the
  // binomial one: its standard deviation over 20 seeds was 0.0007 (mean 0.1287 against B =
  // 0.1286). 0.003 absolute (2.3% of B) is over 4 standard deviations.
  EXPECT_NEAR(blocked, b, 0.003) << label;
  // Carried load = offered x (1 - B) (Little's law on the admitted sessions).
  EXPECT_NEAR(h.avatars.MeanSessions(), erlangs * (1 - b), 0.02 * erlangs * (1 - b)) << label;
  std::printf(
      "Erlang B (%s): c=%d a=%.0f: rejected %.5f, B %.5f (%+.2f%%); carried %.3f vs %.3f; "
      "%llu arrivals\n",
      label, c, erlangs, blocked, b, 100 * (blocked / b - 1), h.avatars.MeanSessions(),
      erlangs * (1 - b), static_cast<unsigned long long>(h.avatars.sessions_arrived()));
}

TEST(AvatarSessionPool, RejectedFractionIsErlangB) {
  ExpectErlangB({360, 600, 3600}, CappedLognormalMean(360, 600, 3600), "capped lognormal");
  ExpectErlangB({600, 600, 0}, 600, "deterministic");
}

TEST(AvatarSessionPool, PoolGrowsWithLoadAndGivesNodesBack) {
  // A strong diurnal cycle: about 570 sessions at the noon peak, almost none at midnight.
  AvatarSpec spec = Aggregate(testing::TestAvatar(1.0));
  spec.arrivals.kind = ArrivalSpec::Kind::kDiurnalPoisson;
  spec.arrivals.peak_to_mean = 5;
  spec.arrivals.peak_time_s = 12 * 3600;
  PoolHarness h(spec, 64);
  const int64_t per_node = h.avatars.slots_per_node();
  const int headroom = h.scenario.policy.headroom_nodes;
  auto nodes_for = [&](int64_t sessions) {
    return static_cast<int>((sessions + per_node - 1) / per_node);
  };
  h.sim.RunUntil(Time::FromSeconds(12 * 3600));
  const int peak = h.avatars.granted_gpus();
  const int active = h.avatars.active_sessions();
  EXPECT_GT(active, 300);
  EXPECT_EQ(h.sched.avatar_nodes() * 8, peak);
  EXPECT_GE(h.avatars.free_slots(), 0);
  EXPECT_GE(peak / 8, nodes_for(active) + headroom);
  EXPECT_LE(peak / 8, nodes_for(active) + headroom + 2);

  h.sim.RunUntil(Time::FromSeconds(24 * 3600));
  const int night = h.avatars.granted_gpus();
  EXPECT_EQ(h.sched.avatar_nodes() * 8, night);
  EXPECT_LE(night / 8, nodes_for(h.avatars.active_sessions()) + headroom + 2);
  EXPECT_LT(night, peak / 8);
  EXPECT_GE(h.avatars.MeanGrantedGpus(), h.avatars.MeanSessions() / h.avatars.sessions_per_gpu());
  std::printf("pool: %d GPUs for %d sessions at noon, %d GPUs for %d at midnight\n", peak, active,
              night, h.avatars.active_sessions());
}

// A scale-up delay: a granted node serves only after load_time. With one node at the start
// loading for 10 min, every session in the first 10 min finds no ready slot and is turned away;
// afterwards sessions are admitted, and the pool never asks for more nodes than the load and
// headroom need while nodes load.
TEST(AvatarSessionPool, NewNodesServeAfterTheirLoadTime) {
  AvatarSpec spec = Aggregate(testing::TestAvatar(0.05));  // ~30 concurrent at 10 min each
  spec.aggregate->load_time_s = 600;
  PoolHarness h(spec, 8);
  h.sim.RunUntil(Time::FromSeconds(599));
  EXPECT_GT(h.avatars.sessions_arrived(), 0u);
  EXPECT_EQ(h.avatars.sessions_admitted(), 0u);
  EXPECT_EQ(h.avatars.rejected_by_capacity(), h.avatars.sessions_arrived());
  EXPECT_GE(h.avatars.loading_nodes(), 1);
  EXPECT_LE(h.sched.avatar_nodes(), 1 + h.scenario.policy.headroom_nodes);
  h.RunFor(3 * 3600);
  EXPECT_GT(h.avatars.sessions_admitted(), 0u);
  EXPECT_EQ(h.avatars.loading_nodes(), 0);
  // Without the delay the same arrivals are all admitted.
  spec.aggregate->load_time_s = 0;
  PoolHarness now(spec, 8);
  now.RunFor(3 * 3600);
  EXPECT_EQ(now.avatars.rejected_by_capacity(), 0u);
  EXPECT_EQ(now.avatars.sessions_arrived(), h.avatars.sessions_arrived());
}

TEST(AvatarSessionPool, AdmissionLimitAndCapacityReject) {
  AvatarSpec spec = Aggregate(testing::TestAvatar(1.0));  // ~570 concurrent wanted
  spec.max_sessions = 3;
  PoolHarness limited(spec, 4);
  limited.RunFor(3600);
  EXPECT_LE(limited.avatars.PeakSessions(), 3);
  EXPECT_GT(limited.avatars.rejected_by_limit(), 0u);
  EXPECT_EQ(limited.avatars.rejected_by_capacity(), 0u);
  EXPECT_EQ(limited.avatars.sessions_arrived(),
            limited.avatars.sessions_admitted() + limited.avatars.rejected_by_limit());

  spec.max_sessions = 100000;
  PoolHarness small(spec, 1);  // one node of slots
  small.RunFor(3600);
  EXPECT_EQ(small.avatars.PeakSessions(), static_cast<double>(small.avatars.slots_per_node()));
  EXPECT_GT(small.avatars.rejected_by_capacity(), 0u);
  EXPECT_EQ(small.avatars.sessions_arrived(),
            small.avatars.sessions_admitted() + small.avatars.rejected_by_capacity());
}

TEST(AvatarSessionPool, LessThanASlotPerNodeTakesNoNodes) {
  AvatarSpec spec = Aggregate(testing::TestAvatar(0.1), 0.1);  // 0.8 sessions per node
  PoolHarness h(spec, 4);
  h.RunFor(3600);
  EXPECT_EQ(h.avatars.slots_per_node(), 0);
  EXPECT_EQ(h.avatars.granted_gpus(), 0);
  EXPECT_EQ(h.sched.avatar_nodes(), 0);
  EXPECT_GT(h.avatars.sessions_arrived(), 0u);
  EXPECT_EQ(h.avatars.rejected_by_capacity(), h.avatars.sessions_arrived());
}

TEST(AvatarSessionPool, SameSeedSameRun) {
  AvatarSpec spec = Aggregate(testing::TestAvatar(0.3));
  PoolHarness a(spec, 4, 5), b(spec, 4, 5), c(spec, 4, 6);
  a.RunFor(7200);
  b.RunFor(7200);
  c.RunFor(7200);
  EXPECT_EQ(a.avatars.sessions_arrived(), b.avatars.sessions_arrived());
  EXPECT_EQ(a.avatars.sessions_admitted(), b.avatars.sessions_admitted());
  EXPECT_EQ(a.avatars.rejected_by_capacity(), b.avatars.rejected_by_capacity());
  EXPECT_EQ(a.avatars.session_seconds(), b.avatars.session_seconds());
  EXPECT_EQ(a.avatars.ttff().Quantile(0.99), b.avatars.ttff().Quantile(0.99));
  EXPECT_EQ(a.sim.events_handled(), b.sim.events_handled());
  EXPECT_NE(a.sim.events_handled(), c.sim.events_handled());
}

TEST(AvatarSessionPool, SameArrivalsAndLengthsAsAvatarService) {
  AvatarSpec poisson = testing::TestAvatar(0.3);
  AvatarSpec diurnal = poisson;
  diurnal.arrivals.kind = ArrivalSpec::Kind::kDiurnalPoisson;
  diurnal.arrivals.peak_to_mean = 2.3;
  for (const AvatarSpec& spec : {poisson, diurnal}) {
    Harness<AvatarService> service(spec, 64, 3);
    PoolHarness pool(Aggregate(spec), 64, 3);
    service.RunFor(6 * 3600);
    pool.RunFor(6 * 3600);
    EXPECT_GT(pool.avatars.sessions_arrived(), 1000u);
    EXPECT_EQ(pool.avatars.sessions_arrived(), service.avatars.sessions_arrived());
    // Both admit every session and draw its length first from its own stream: the same lengths,
    // so the same session time (up to the nanosecond rounding of event times).
    ASSERT_EQ(service.avatars.sessions_admitted(), service.avatars.sessions_arrived());
    ASSERT_EQ(pool.avatars.sessions_admitted(), pool.avatars.sessions_arrived());
    EXPECT_NEAR(pool.avatars.session_seconds(), service.avatars.session_seconds(), 1e-3);
    // Far fewer events: two per session instead of one per phase.
    EXPECT_LT(pool.sim.events_handled() * 10, service.sim.events_handled());
  }
}

}  // namespace
}  // namespace capsim::models
