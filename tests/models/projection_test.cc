// The fleet-level projection engine (models/projection.h) against queueing theory, closed-form
// job durations, power and rent arithmetic, failure rates and determinism.
#include "models/projection.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "models/failures.h"
#include "tests/models/projection_test_support.h"

namespace capsim::models {
namespace {

using testing::BaseSpec;
using testing::ConstantAvatar;
using testing::ConstantServing;
using testing::ErlangB;
using testing::FixedTraining;
using testing::FixedTrainingRate;
using testing::HeldGpuSeconds;
using testing::kDaySeconds;
using testing::MustRun;
using testing::SumOf;

// The admitted fraction of days [first, days) of avatar workload `w`.
double Admitted(const ProjectionTrace& t, size_t w, int first) {
  double arr = 0, adm = 0;
  for (int d = first; d < t.days; ++d) {
    arr += t.workloads[w].arrivals[static_cast<size_t>(d)];
    adm += t.workloads[w].admitted[static_cast<size_t>(d)];
  }
  return arr > 0 ? adm / arr : NAN;
}

// Erlang's loss formula: an avatar with Poisson arrivals of offered load A = 20 erlangs (lambda
// = 1/30 per s, 600 s mean) on a pool of 8 GPUs at 2.5 sessions per GPU (c = 20 slots; the
// engine sizes the avatar to A / 2.5 = 8 GPUs, the whole pool) is an M/M/c/c loss system: the
// admitted fraction tends to 1 - B(20, 20) = 1 - 0.1588 as the sub-step shrinks. The engine's
// sub-steps are mean/20 (30 s); allowed: 10% of B relative, which also covers the sampling
// noise of 20 days (~55K arrivals).
TEST(ProjectionTest, AvatarLossSystemMatchesErlangB) {
  ProjectionSpec spec = BaseSpec(8, 20);
  const double mean = 600, a = 20;
  spec.avatars.push_back(ConstantAvatar("av", {"pool"}, a / mean * kDaySeconds, mean, 2.5));
  const ProjectionTrace t = MustRun(spec);
  for (int d = 0; d < t.days; ++d) EXPECT_EQ(t.workloads[0].peak_gpus[d], 8) << d;
  const double blocked = 1 - Admitted(t, 0, 1);
  const double expected = ErlangB(20, a);
  std::printf("Erlang B(20, 20): expected %.4f, measured %.4f\n", expected, blocked);
  EXPECT_NEAR(expected, 0.1588, 5e-4);  // the recursion against the tabulated value
  EXPECT_NEAR(blocked, expected, 0.10 * expected);
  // Carried load: mean concurrent sessions = A (1 - B) (Little's law on the admitted stream).
  double minutes = 0;
  for (int d = 1; d < t.days; ++d) minutes += t.workloads[0].minutes[static_cast<size_t>(d)];
  const double carried = minutes * 60 / (19 * kDaySeconds);
  std::printf("carried load: expected %.3f, measured %.3f erlangs\n", a * (1 - expected), carried);
  EXPECT_NEAR(carried, a * (1 - expected), 0.03 * a);
}

// A heavier overload, A = 30 erlangs on the same 20 slots: B(20, 30) = 0.3680.
TEST(ProjectionTest, AvatarOverloadMatchesErlangB) {
  ProjectionSpec spec = BaseSpec(8, 20);
  const double mean = 600, a = 30;
  spec.avatars.push_back(ConstantAvatar("av", {"pool"}, a / mean * kDaySeconds, mean, 2.5));
  const ProjectionTrace t = MustRun(spec);
  const double blocked = 1 - Admitted(t, 0, 1);
  std::printf("Erlang B(20, 30): expected %.4f, measured %.4f\n", ErlangB(20, a), blocked);
  EXPECT_NEAR(blocked, ErlangB(20, a), 0.10 * ErlangB(20, a));
}

// Little's law with ample capacity: A = 100 erlangs (lambda = 1/6 per s, 600 s) with 100%
// headroom (200 slots, B(200, 100) ~ 1e-20): mean concurrent sessions (avatar-minutes x 60 /
// seconds) = lambda x mean length within 1% (the time average's noise over 20 days is ~0.3%).
TEST(ProjectionTest, AvatarMeanSessionsFollowLittlesLaw) {
  ProjectionSpec spec = BaseSpec(1000, 20);
  const double mean = 600, a = 100;
  spec.avatars.push_back(ConstantAvatar("av", {"pool"}, a / mean * kDaySeconds, mean, 2.5));
  spec.avatars[0].headroom_fraction = 1.0;
  const ProjectionTrace t = MustRun(spec);
  EXPECT_GT(Admitted(t, 0, 0), 0.9999);
  const double concurrent = SumOf(t.workloads[0].minutes) * 60 / spec.horizon_s;
  std::printf("Little's law: lambda x mean = %.2f, measured %.2f\n", a, concurrent);
  EXPECT_NEAR(concurrent, a, 0.01 * a);
  // Arrivals: Poisson at lambda over the horizon.
  EXPECT_NEAR(SumOf(t.workloads[0].arrivals), a / mean * spec.horizon_s,
              4 * std::sqrt(a / mean * spec.horizon_s));
  // The GPUs it holds: (1 + headroom) x max(sessions now, A) / 2.5, rounded up: at least 80;
  // E[max(N, 100)] for N ~ Poisson(100) is ~104, so ~83.
  const double gpus = HeldGpuSeconds(t.workloads[0]) / spec.horizon_s;
  EXPECT_GE(gpus, 80);
  EXPECT_LE(gpus, 86);
}

// A gang training alone on a pool with a fixed efficiency: it holds its GPUs from t = 0, restarts
// (restart_s), then progresses at tokens/s per GPU x GPUs x interval / (interval + write): the
// finish is restart + tokens / (rate x gpus x pause), within one tick.
TEST(ProjectionTest, TrainingAloneFinishesOnSchedule) {
  ProjectionSpec spec = BaseSpec(64, 6);
  spec.jobs.push_back(FixedTraining("train", "pool", 64, 1e12));
  const ProjectionTrace t = MustRun(spec);
  const WorkloadTrace& w = t.workloads[0];
  const double pause = 1800.0 / 1860.0;
  const double expected = 600 + 1e12 / (FixedTrainingRate() * 64 * pause);
  std::printf("training alone: expected finish %.0f s, measured %.0f s\n", expected, w.finish_s);
  EXPECT_NEAR(w.finish_s, expected, spec.step_s);
  EXPECT_EQ(w.start_s, 0);
  EXPECT_EQ(w.kind, "training");
  EXPECT_DOUBLE_EQ(w.progress.back(), 1e12);
  EXPECT_DOUBLE_EQ(w.tokens_target, 1e12);
  EXPECT_EQ(w.resizes, 2);  // the start and the release after the finish
  // It held 64 GPUs until the tick it finished in, then none.
  EXPECT_NEAR(HeldGpuSeconds(w), 64 * std::ceil(expected / 900) * 900, 1e-6);
}

// The same training with an avatar of higher priority on the pool: the avatar's diurnal demand
// (peak 1.6 x mean, ~8-26 GPUs) takes GPUs from the elastic job; it finishes later, never
// earlier, and the shortfall is recorded.
TEST(ProjectionTest, TrainingWithAvatarsFinishesLater) {
  ProjectionSpec spec = BaseSpec(80, 10);
  spec.jobs.push_back(FixedTraining("train", "pool", 64, 1e12));
  spec.jobs[0].training.min_gpus = 32;
  const ProjectionTrace alone = MustRun(spec);
  spec.avatars.push_back(ConstantAvatar("av", {"pool"}, 40.0 / 600 * kDaySeconds, 600, 2.5));
  spec.avatars[0].peak_to_mean = 1.6;
  spec.avatars[0].headroom_fraction = 0.05;
  spec.avatars[0].load_time_s = 120;
  spec.order = {"av", "train"};
  for (uint64_t seed : {1, 2, 3}) {
    spec.seed = seed;
    const ProjectionTrace with = MustRun(spec);
    const WorkloadTrace& w = with.workloads[1];
    ASSERT_GT(w.finish_s, 0);
    std::printf("seed %d: finish alone %.0f s, with avatars %.0f s, resizes %d\n",
                static_cast<int>(seed), alone.workloads[0].finish_s, w.finish_s, w.resizes);
    EXPECT_GT(w.finish_s, alone.workloads[0].finish_s);
    EXPECT_GT(w.resizes, 1);
    EXPECT_GT(SumOf(w.shortfall_gpu_s), 0);
  }
}

// A job with a start date holds no GPUs before it; its finish moves by the start.
TEST(ProjectionTest, JobHoldsNothingBeforeItsStart) {
  ProjectionSpec spec = BaseSpec(64, 8);
  spec.jobs.push_back(FixedTraining("train", "pool", 64, 1e12));
  spec.jobs[0].start_s = 3 * kDaySeconds;
  const ProjectionTrace t = MustRun(spec);
  const WorkloadTrace& w = t.workloads[0];
  for (int d = 0; d < 3; ++d) {
    EXPECT_EQ(w.gpu_s[0][d], 0) << d;
    EXPECT_EQ(w.progress[d], 0) << d;
    EXPECT_EQ(w.shortfall_gpu_s[d], 0) << d;  // not runnable yet: no shortfall
  }
  EXPECT_EQ(w.start_s, 3 * kDaySeconds);
  const double pause = 1800.0 / 1860.0;
  EXPECT_NEAR(w.finish_s, 3 * kDaySeconds + 600 + 1e12 / (FixedTrainingRate() * 64 * pause),
              spec.step_s);
}

// Offline distillation runs as two jobs: the teacher pass (2 x 1e9 active FLOP/token of moe-10b
// at 40% MFU) then the student's training (6 x 1e9), each restarting (300 s) first; the student
// starts at the first tick after the teacher finishes.
TEST(ProjectionTest, OfflineDistillationRunsTeacherThenStudent) {
  ProjectionSpec spec = BaseSpec(64, 2);
  ProjectionJobSpec j;
  j.kind = ProjectionJobSpec::Kind::kDistillation;
  j.distillation = testing::TestDistillation(1e11);
  j.distillation.pool = "pool";
  j.distillation.max_gpus = 64;
  j.distillation.mode = DistillationSpec::Mode::kOffline;
  spec.jobs.push_back(j);
  const ProjectionTrace t = MustRun(spec);
  ASSERT_EQ(t.workloads.size(), 1u);  // both phases in one workload
  const WorkloadTrace& w = t.workloads[0];
  EXPECT_EQ(w.kind, "distillation");
  EXPECT_DOUBLE_EQ(w.tokens_target, 2e11);
  const double pause = 1800.0 / 1830.0;
  const double teacher = 300 + 1e11 / (989e12 * 0.4 / 2e9 * 64 * pause);
  const double student_start = std::ceil(teacher / spec.step_s) * spec.step_s;
  const double expected = student_start + 300 + 1e11 / (989e12 * 0.4 / 6e9 * 64 * pause);
  std::printf(
      "offline distillation: teacher done %.0f s, expected finish %.0f s, measured %.0f s\n",
      teacher, expected, w.finish_s);
  EXPECT_NEAR(w.finish_s, expected, spec.step_s);
  EXPECT_DOUBLE_EQ(w.progress.back(), 2e11);
  EXPECT_EQ(w.resizes, 4);  // each phase starts and releases its GPUs
}

// Power: a pool of 16 GPUs at a site with power for 8 (8 x 700 W x 1.3 = 7,280 W) until day 2.
// The job asks for 16: it runs on the 8 powered GPUs, the other 8 await power and draw nothing.
// Daily facility energy = IT W x PUE x 86,400 s, IT W = powered x (idle 90 W + host 0.3 x 700 W)
// + busy x (700 - 90) W.
TEST(ProjectionTest, GpusBeyondSitePowerWaitAndDrawNothing) {
  ProjectionSpec spec = BaseSpec(16, 4, 8 * 910.0);
  spec.sites[0].power.push_back({2 * kDaySeconds, 16 * 910.0});
  spec.jobs.push_back(FixedTraining("train", "pool", 16, 1e15));
  spec.jobs[0].training.min_gpus = 8;
  const ProjectionTrace t = MustRun(spec);
  const WorkloadTrace& w = t.workloads[0];
  EXPECT_NEAR(t.awaiting_power_gpu_s[0], 8 * kDaySeconds, 1e-6);
  EXPECT_NEAR(t.awaiting_power_gpu_s[1], 8 * kDaySeconds, 1e-6);
  EXPECT_EQ(t.awaiting_power_gpu_s[2], 0);
  EXPECT_NEAR(w.gpu_s[0][1], 8 * kDaySeconds, 1e-6);
  EXPECT_NEAR(w.gpu_s[0][3], 16 * kDaySeconds, 1e-6);
  const double pue = 1.2, busy_w = 90 + 210 + 610;  // = TDP x 1.3
  EXPECT_NEAR(t.sites[0].it_energy_j[1], 8 * busy_w * kDaySeconds, 1e-3);
  EXPECT_NEAR(t.sites[0].facility_energy_j[1], 8 * busy_w * pue * kDaySeconds, 1e-3);
  EXPECT_NEAR(t.sites[0].facility_energy_j[3], 16 * busy_w * pue * kDaySeconds, 1e-3);
  EXPECT_NEAR(t.sites[0].peak_facility_w[1], 8 * busy_w * pue, 1e-6);
  EXPECT_NEAR(t.sites[0].power_online_w[1], 8 * 910.0, 1e-9);
  EXPECT_NEAR(t.sites[0].power_online_w[2], 16 * 910.0, 1e-9);
  // Energy cost: facility J x $0.10/kWh.
  EXPECT_NEAR(t.ledger.At(Money::kEnergy, 1), 8 * busy_w * pue * kDaySeconds * 0.10 / 3.6e6, 1e-6);
  // The job's own energy is the same (it holds every powered GPU, busy).
  EXPECT_NEAR(w.energy_usd[1], t.ledger.At(Money::kEnergy, 1), 1e-6);
}

// Idle powered GPUs draw idle + host power: 16 GPUs x 300 W x PUE 1.2, all day.
TEST(ProjectionTest, IdleGpusDrawIdleAndHostPower) {
  ProjectionSpec spec = BaseSpec(16, 2);
  const ProjectionTrace t = MustRun(spec);
  EXPECT_NEAR(t.sites[0].facility_energy_j[0], 16 * 300 * 1.2 * kDaySeconds, 1e-3);
  EXPECT_NEAR(t.idle_gpu_s[0], 16 * kDaySeconds, 1e-6);
  EXPECT_EQ(t.owned_gpus[0], 16);
}

// Clouds: serving needs 20 GPUs (20,000 tokens/s at 1,000 per GPU); the owned pool has 8, so 12
// are asked for on demand (16: whole nodes of 8). They arrive after the 1-day lead time, cost
// $4.50 per GPU-hour from then on, and once a delivery on day 3 makes them unused they are
// returned after release_after (1 day).
TEST(ProjectionTest, OnDemandCloudGpusArriveAfterLeadTimeAndAreReleased) {
  ProjectionSpec spec = BaseSpec(8, 6);
  CloudSpec c = testing::TestCloud(0, 0, 64, 4.5);
  c.lead_time_s = kDaySeconds;
  c.release_after_s = kDaySeconds;
  spec.clouds.push_back(c);
  spec.deliveries.push_back({3 * kDaySeconds, "pool", 16, 0});
  spec.servings.push_back(ConstantServing("chat", {"pool", "cloud"}, 20000, 1000));
  const ProjectionTrace t = MustRun(spec);
  const WorkloadTrace& w = t.workloads[0];
  std::printf("on-demand GPUs by day: %g %g %g %g %g %g\n", t.rented_gpus[0], t.rented_gpus[1],
              t.rented_gpus[2], t.rented_gpus[3], t.rented_gpus[4], t.rented_gpus[5]);
  EXPECT_EQ(t.rented_gpus[0], 0);
  EXPECT_NEAR(t.rented_gpus[1], 16, 1e-9);
  EXPECT_NEAR(t.rented_gpus[2], 16, 1e-9);
  EXPECT_NEAR(t.rented_gpus[3], 16, 1e-9);
  EXPECT_EQ(t.rented_gpus[4], 0);
  const double day_rent = 16 * 24 * 4.5;
  EXPECT_EQ(t.ledger.At(Money::kRentOnDemand, 0), 0);
  EXPECT_NEAR(t.ledger.At(Money::kRentOnDemand, 1), day_rent, 1e-6);
  EXPECT_NEAR(t.ledger.Total(Money::kRentOnDemand), 3 * day_rent, 1e-6);
  // Served: 8 of 20 GPUs' worth on day 0, all from day 1.
  EXPECT_NEAR(w.served[0] / w.demanded[0], 0.4, 1e-9);
  EXPECT_NEAR(w.served[1] / w.demanded[1], 1.0, 1e-9);
  // It held 12 cloud GPUs while they were needed (days 1-2), none after the delivery.
  EXPECT_NEAR(w.gpu_s[1][1], 12 * kDaySeconds, 1e-6);
  EXPECT_EQ(w.gpu_s[1][4], 0);
}

// On demand only when owned capacity runs out: 8 GPUs of need on a 16-GPU pool rents nothing.
TEST(ProjectionTest, NoCloudGpusWhileOwnedCapacityLasts) {
  ProjectionSpec spec = BaseSpec(16, 3);
  CloudSpec c = testing::TestCloud(0, 0, 64, 4.5);
  spec.clouds.push_back(c);
  spec.servings.push_back(ConstantServing("chat", {"pool", "cloud"}, 8000, 1000));
  const ProjectionTrace t = MustRun(spec);
  EXPECT_EQ(SumOf(t.rented_gpus), 0);
  EXPECT_EQ(t.ledger.Total(Money::kRentOnDemand), 0);
  EXPECT_NEAR(t.workloads[0].gpu_s[0][1], 8 * kDaySeconds, 1e-6);
}

// Reserved GPUs are charged whether used or not: 8 reserved at $2/GPU-hour, nothing uses them.
TEST(ProjectionTest, ReservedCloudGpusAreChargedUnused) {
  ProjectionSpec spec = BaseSpec(16, 3);
  CloudSpec c = testing::TestCloud(8, 2);
  spec.clouds.push_back(c);
  spec.servings.push_back(ConstantServing("chat", {"pool", "cloud"}, 8000, 1000));
  const ProjectionTrace t = MustRun(spec);
  EXPECT_NEAR(t.ledger.Total(Money::kRentReserved), 8 * 2 * 24 * 3, 1e-6);
  EXPECT_NEAR(t.rented_gpus[1], 8, 1e-9);
  EXPECT_EQ(t.workloads[0].gpu_s[1][1], 0);
  // Idle: 8 owned + 8 reserved.
  EXPECT_NEAR(t.idle_gpu_s[1], 16 * kDaySeconds, 1e-6);
}

// Failures (models/failures.h): Llama 3's 19.7 interruptions per million GPU-hours, here x5, on a
// 4,096-GPU gang for 30 days. The count is Poisson with mean rate x the GPU-seconds the job ran
// (held, less restarting and down time); allowed: 4 standard deviations.
TEST(ProjectionTest, FailuresFollowTheLlama3Rate) {
  ProjectionSpec spec = BaseSpec(4096, 30);
  spec.jobs.push_back(FixedTraining("train", "pool", 4096, 1e18));
  spec.failures.enabled = true;
  spec.failures.rate_scale = 5;
  spec.failures.repair_s = 7200;
  spec.failures.spare_nodes = 4;
  spec.failures.swap_s = 900;
  const ProjectionTrace t = MustRun(spec);
  const WorkloadTrace& w = t.workloads[0];
  const double run_gpu_h = (HeldGpuSeconds(w) - w.restart_gpu_s) / 3600;
  const double expected = TotalFailureRatePerGpuHour(Llama3FailureCauses()) * 5 * run_gpu_h;
  std::printf("failures: expected %.1f (%.2f M GPU-h x %.2e x 5), measured %d\n", expected,
              run_gpu_h / 1e6, TotalFailureRatePerGpuHour(Llama3FailureCauses()), w.failures);
  EXPECT_NEAR(TotalFailureRatePerGpuHour(Llama3FailureCauses()), 19.7e-6, 0.2e-6);
  EXPECT_NEAR(w.failures, expected, 4 * std::sqrt(expected));
  // Each failure costs the swap (a spare is free) and a restart: GPUs held but not running.
  EXPECT_GT(w.restart_gpu_s, w.failures * 4096 * (900 + 600) * 0.9);
}

TEST(ProjectionTest, FailuresMakeAJobFinishLater) {
  ProjectionSpec spec = BaseSpec(1024, 10);
  spec.jobs.push_back(FixedTraining("train", "pool", 1024, 1e13));
  const ProjectionTrace clean = MustRun(spec);
  spec.failures.enabled = true;
  spec.failures.rate_scale = 5;
  spec.failures.repair_s = 7200;
  const ProjectionTrace failing = MustRun(spec);
  ASSERT_GT(clean.workloads[0].finish_s, 0);
  ASSERT_GT(failing.workloads[0].finish_s, 0);
  EXPECT_EQ(clean.workloads[0].failures, 0);
  EXPECT_GT(failing.workloads[0].failures, 0);
  std::printf("finish without failures %.0f s, with %d failures %.0f s\n",
              clean.workloads[0].finish_s, failing.workloads[0].failures,
              failing.workloads[0].finish_s);
  EXPECT_GT(failing.workloads[0].finish_s, clean.workloads[0].finish_s);
}

// Every number of two traces, compared exactly.
void ExpectSameTrace(const ProjectionTrace& a, const ProjectionTrace& b) {
  ASSERT_EQ(a.days, b.days);
  EXPECT_EQ(a.events, b.events);
  for (int k = 0; k < kMoneyKinds; ++k) {
    for (int d = 0; d < a.days; ++d) {
      ASSERT_EQ(a.ledger.At(static_cast<Money>(k), d), b.ledger.At(static_cast<Money>(k), d));
    }
  }
  EXPECT_EQ(a.slot_gpu_s, b.slot_gpu_s);
  EXPECT_EQ(a.idle_gpu_s, b.idle_gpu_s);
  EXPECT_EQ(a.awaiting_power_gpu_s, b.awaiting_power_gpu_s);
  EXPECT_EQ(a.restarting_gpu_s, b.restarting_gpu_s);
  EXPECT_EQ(a.owned_gpus, b.owned_gpus);
  EXPECT_EQ(a.rented_gpus, b.rented_gpus);
  ASSERT_EQ(a.workloads.size(), b.workloads.size());
  for (size_t w = 0; w < a.workloads.size(); ++w) {
    const WorkloadTrace &x = a.workloads[w], &y = b.workloads[w];
    EXPECT_EQ(x.gpu_s, y.gpu_s);
    EXPECT_EQ(x.energy_usd, y.energy_usd);
    EXPECT_EQ(x.minutes, y.minutes);
    EXPECT_EQ(x.arrivals, y.arrivals);
    EXPECT_EQ(x.admitted, y.admitted);
    EXPECT_EQ(x.peak_sessions, y.peak_sessions);
    EXPECT_EQ(x.peak_gpus, y.peak_gpus);
    EXPECT_EQ(x.demanded, y.demanded);
    EXPECT_EQ(x.served, y.served);
    EXPECT_EQ(x.progress, y.progress);
    EXPECT_EQ(x.shortfall_gpu_s, y.shortfall_gpu_s);
    EXPECT_EQ(x.finish_s, y.finish_s);
    EXPECT_EQ(x.failures, y.failures);
    EXPECT_EQ(x.resizes, y.resizes);
    EXPECT_EQ(x.last_rate, y.last_rate);
  }
  for (size_t s = 0; s < a.sites.size(); ++s) {
    EXPECT_EQ(a.sites[s].it_energy_j, b.sites[s].it_energy_j);
    EXPECT_EQ(a.sites[s].facility_energy_j, b.sites[s].facility_energy_j);
    EXPECT_EQ(a.sites[s].peak_facility_w, b.sites[s].peak_facility_w);
  }
}

// Everything random in one plan: diurnal avatars, serving, an elastic job with failures, clouds.
ProjectionSpec BusyPlan() {
  ProjectionSpec spec = BaseSpec(256, 6);
  CloudSpec c = testing::TestCloud(8, 2, 64, 4.5);
  c.lead_time_s = 6 * 3600;
  spec.clouds.push_back(c);
  spec.avatars.push_back(ConstantAvatar("av", {"pool", "cloud"}, 150000, 600, 2.5));
  spec.avatars[0].peak_to_mean = 1.6;
  spec.avatars[0].headroom_fraction = 0.05;
  spec.avatars[0].load_time_s = 120;
  spec.servings.push_back(ConstantServing("chat", {"pool"}, 20000, 1000));
  spec.jobs.push_back(FixedTraining("train", "pool", 192, 1e14));
  spec.jobs[0].training.min_gpus = 64;
  spec.failures.enabled = true;
  spec.failures.rate_scale = 50;
  spec.failures.repair_s = 3600;
  return spec;
}

TEST(ProjectionTest, SameSeedGivesIdenticalTraces) {
  const ProjectionSpec spec = BusyPlan();
  const ProjectionTrace a = MustRun(spec);
  const ProjectionTrace b = MustRun(spec);
  ExpectSameTrace(a, b);
  ProjectionSpec other = spec;
  other.seed = spec.seed + 1;
  const ProjectionTrace c = MustRun(other);
  EXPECT_NE(a.workloads[0].arrivals, c.workloads[0].arrivals);
  EXPECT_NE(a.workloads[0].minutes, c.workloads[0].minutes);
}

TEST(ProjectionTest, ErrorsNameWhatIsMissing) {
  ProjectionSpec spec = BaseSpec(8, 2);
  spec.avatars.push_back(ConstantAvatar("av", {"pool"}, 100, 600, 2.5));
  spec.avatars[0].sessions_per_gpu.clear();
  Result<ProjectionTrace> t = RunProjection(spec, {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().ToString().find("av"), std::string::npos);
  EXPECT_NE(t.status().ToString().find("H100-SXM"), std::string::npos);
  spec.avatars[0] = ConstantAvatar("av", {"nowhere"}, 100, 600, 2.5);
  t = RunProjection(spec, {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().ToString().find("nowhere"), std::string::npos);
}

TEST(ProjectionTest, RateForFindsTheGpu) {
  const std::vector<ServiceRate> rates = {{"H100-SXM", 2.5, "given"}, {"B200", 5, "x"}};
  EXPECT_EQ(RateFor(rates, "B200"), 5);
  EXPECT_EQ(RateFor(rates, "H100-SXM"), 2.5);
  EXPECT_EQ(RateFor(rates, "MI300X"), 0);
}

// The progress callback is called once a simulated day.
TEST(ProjectionTest, ProgressIsReportedDaily) {
  ProjectionSpec spec = BaseSpec(8, 5);
  int calls = 0;
  double last = 0;
  ProjectionOptions o;
  o.progress = [&](double t, uint64_t) {
    ++calls;
    last = t;
  };
  MustRun(spec, o);
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(last, 5 * kDaySeconds);
}

}  // namespace
}  // namespace capsim::models
