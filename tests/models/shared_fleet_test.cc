#include "models/shared_fleet.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "models/failures.h"
#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using testing::Metric;

RunOptions Seed(uint64_t seed) {
  RunOptions o;
  o.seed = seed;
  return o;
}

Scenario Shared() {
  Scenario s = testing::TestScenario(8);
  s.avatars.push_back(testing::TestAvatar(0.05));
  s.avatars[0].arrivals.kind = ArrivalSpec::Kind::kDiurnalPoisson;
  s.avatars[0].arrivals.peak_rate_per_s = 0.1;
  s.avatars[0].arrivals.peak_to_mean = 2.3;
  s.avatars[0].arrivals.peak_time_s = 3 * 3600;
  s.trainings.push_back(testing::TestTraining(32, 1e12));
  s.distillations.push_back(testing::TestDistillation(1e12));
  s.policy.order = {"avatar", "distill", "train"};
  return s;
}

TEST(SharedFleet, SameSeedGivesIdenticalResults) {
  Scenario s = Shared();
  Result<RunResult> a = RunScenario(s, Seed(3));
  Result<RunResult> b = RunScenario(s, Seed(3));
  Result<RunResult> c = RunScenario(s, Seed(4));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok() && c.ok());
  ASSERT_EQ(a.value().summary.size(), b.value().summary.size());
  for (size_t i = 0; i < a.value().summary.size(); ++i) {
    const SummaryMetric &x = a.value().summary[i], &y = b.value().summary[i];
    EXPECT_EQ(x.key, y.key);
    EXPECT_TRUE(x.value == y.value || (std::isnan(x.value) && std::isnan(y.value))) << x.key;
  }
  ASSERT_EQ(a.value().timeseries.series.size(), b.value().timeseries.series.size());
  for (size_t i = 0; i < a.value().timeseries.series.size(); ++i) {
    EXPECT_EQ(a.value().timeseries.series[i].values, b.value().timeseries.series[i].values);
  }
  EXPECT_EQ(a.value().job_events.numeric[0].values, b.value().job_events.numeric[0].values);
  EXPECT_NE(Metric(a.value(), "avatar.sessions_arrived"), Metric(c.value(), "avatar.sessions_arrived"));
}

TEST(SharedFleet, GpuHoursAddUpToThePool) {
  Result<RunResult> r = RunScenario(Shared(), Seed(1));
  ASSERT_TRUE(r.ok());
  const RunResult& v = r.value();
  const double total = Metric(v, "gpu_hours.total");
  EXPECT_DOUBLE_EQ(total, 64 * 6.0);
  EXPECT_NEAR(Metric(v, "gpu_hours.avatar") + Metric(v, "gpu_hours.training") +
                  Metric(v, "gpu_hours.distillation") + Metric(v, "gpu_hours.idle"),
              total, 1e-6 * total);
  // The jobs' state hours add up to what they held; the gpu_hours table (workload x state) adds
  // up to the pool.
  EXPECT_NEAR(Metric(v, "gpu_hours.training_running") + Metric(v, "gpu_hours.training_checkpointing") +
                  Metric(v, "gpu_hours.training_restarting") + Metric(v, "gpu_hours.training_failed"),
              Metric(v, "gpu_hours.training"), 1e-6 * total);
  double table_sum = 0;
  for (const auto& [name, t] : v.extra_tables) {
    if (name != "gpu_hours") continue;
    for (double h : t.numeric[0].values) table_sum += h;
  }
  EXPECT_NEAR(table_sum, total, 1e-6 * total);
  EXPECT_LE(Metric(v, "gpu_hours.stranded"), Metric(v, "gpu_hours.idle") + 1e-9);
  // The timeseries covers the horizon at the sampling interval.
  EXPECT_EQ(v.timeseries.time.values.size(), 6 * 3600 / 600 + 1u);
  EXPECT_EQ(v.timeseries.time.values.back(), 6 * 3600.0);
  for (const Column& c : v.timeseries.series) {
    EXPECT_EQ(c.values.size(), v.timeseries.time.values.size()) << c.name;
    EXPECT_FALSE(c.units.empty());
  }
}

TEST(SharedFleet, TrainingAloneHasNoDelay) {
  Scenario s = testing::TestScenario(8);
  s.trainings.push_back(testing::TestTraining(32, 1e12));
  Result<RunResult> r = RunScenario(s, Seed(1));
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(Metric(r.value(), "training.delay_s"), 0, 1e-6);
  EXPECT_EQ(Metric(r.value(), "training.preemptions"), 0);
}

// Failures at 2,000x the Llama 3 rates (19.7 per million GPU-hours) on a 32-GPU job: an MTBF of
// 1e6 / (19.7 x 2000 x 32) h = 2,855 s, and interruptions reported by cause.
TEST(SharedFleet, FailuresInterruptTrainingAndAreReported) {
  Scenario s = testing::TestScenario(8);
  s.trainings.push_back(testing::TestTraining(32, 1e12));
  s.failures.enabled = true;
  s.failures.rate_scale = 2000;
  s.failures.repair_s = 300;
  Result<RunResult> r = RunScenario(s, Seed(1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RunResult& v = r.value();
  const double mtbf = 3600 / (TotalFailureRatePerGpuHour(Llama3FailureCauses()) * 2000 * 32);
  EXPECT_NEAR(Metric(v, "training.mtbf_s"), mtbf, 1e-6 * mtbf);
  EXPECT_NEAR(Metric(v, "training.checkpoint_interval_daly_s"), DalyCheckpointInterval(60, mtbf), 1e-6);
  const double n = Metric(v, "failures.interruptions");
  EXPECT_GT(n, 0.5 * s.horizon_s / mtbf);  // ~7.6 expected in 6 h
  EXPECT_LT(n, 2.0 * s.horizon_s / mtbf);
  double by_cause = 0;
  for (const FailureCause& c : Llama3FailureCauses()) by_cause += Metric(v, "failures." + std::string(c.name));
  EXPECT_EQ(by_cause, n);
  const double effective = Metric(v, "training.effective_time_fraction");
  EXPECT_GT(effective, 0.5);
  EXPECT_LT(effective, 1800.0 / 1860);
  EXPECT_GT(Metric(v, "training.lost_gpu_hours"), 0);
  EXPECT_EQ(Metric(v, "training.preemptions"), 0);  // failures are not preemptions
  // Without failures none of this is reported, and the job runs undisturbed.
  s.failures.enabled = false;
  Result<RunResult> quiet = RunScenario(s, Seed(1));
  ASSERT_TRUE(quiet.ok());
  for (const SummaryMetric& m : quiet.value().summary) EXPECT_NE(m.key.rfind("failures.", 0), 0u) << m.key;
  EXPECT_GT(Metric(quiet.value(), "training.tokens"), Metric(v, "training.tokens"));
}

// Hot spares: with one spare, the first failure is down for the 5 min swap; failures while the
// spare is out (repair 1 day) wait the whole repair. Every failure is one or the other, and the
// GPU-hours held in the failed state are 32 GPUs x (swaps x swap + waits x repair), less any
// repair still running at the end.
TEST(SharedFleet, HotSparesShortenTheDownTime) {
  Scenario s = testing::TestScenario(8);
  s.trainings.push_back(testing::TestTraining(32, 1e12));
  s.horizon_s = 3 * 86400;
  s.failures.enabled = true;
  s.failures.rate_scale = 2000;  // MTBF ~45 min at 32 GPUs
  s.failures.repair_s = 86400;
  s.failures.spare_nodes = 1;
  s.failures.swap_s = 300;
  Result<RunResult> r = RunScenario(s, Seed(2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RunResult& v = r.value();
  const double swaps = Metric(v, "failures.spare_swaps");
  const double waits = Metric(v, "failures.repair_waits");
  EXPECT_EQ(swaps + waits, Metric(v, "failures.interruptions"));
  EXPECT_GE(swaps, 1);
  EXPECT_GE(waits, 1);
  const double failed_h = Metric(v, "gpu_hours.training_failed");
  EXPECT_LE(failed_h, 32 * (swaps * 300 + waits * 86400) / 3600 + 1e-6);
  EXPECT_GE(failed_h, 32 * swaps * 300 / 3600 - 1e-6);
  // Without spares every failure waits the repair: less progress in the same time.
  s.failures.spare_nodes = 0;
  Result<RunResult> none = RunScenario(s, Seed(2));
  ASSERT_TRUE(none.ok());
  EXPECT_LT(Metric(none.value(), "training.tokens"), Metric(v, "training.tokens"));
}

// Under the same diurnal avatar load and random numbers, training that may shrink to half its
// GPUs (elastic data parallelism) loses less than a gang that is stopped whole.
TEST(SharedFleet, ElasticTrainingYieldsLessThanAGang) {
  auto run = [](int min_gpus) {
    Scenario s = Shared();
    s.distillations.clear();
    s.policy.order = {"avatar", "train"};
    s.avatars[0].arrivals.peak_rate_per_s = 0.08;  // peak ~50 sessions: the avatars need training's nodes
    s.trainings[0].min_gpus = min_gpus;
    Result<RunResult> r = RunScenario(s, Seed(1));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : RunResult{};
  };
  const RunResult gang = run(0), elastic = run(16);
  std::printf("gang %.3g tokens, delay %.0f s; elastic %.3g tokens, delay %.0f s\n",
              Metric(gang, "training.tokens"), Metric(gang, "training.delay_s"),
              Metric(elastic, "training.tokens"), Metric(elastic, "training.delay_s"));
  EXPECT_GT(Metric(gang, "training.preemptions"), 0);
  EXPECT_GT(Metric(elastic, "training.tokens"), Metric(gang, "training.tokens"));
  EXPECT_LT(Metric(elastic, "training.delay_s"), Metric(gang, "training.delay_s"));
  // The avatars see the same load either way.
  EXPECT_EQ(Metric(elastic, "avatar.sessions_arrived"), Metric(gang, "avatar.sessions_arrived"));
}

TEST(SharedFleet, AvatarPressureDelaysLowPriorityTraining) {
  Scenario s = Shared();
  s.avatars[0].arrivals.peak_rate_per_s = 0.15;  // peak ~90 sessions: needs training's GPUs
  Result<RunResult> r = RunScenario(s, Seed(1));
  ASSERT_TRUE(r.ok());
  EXPECT_GT(Metric(r.value(), "training.preemptions"), 0);
  EXPECT_GT(Metric(r.value(), "training.delay_s"), 600);  // at least one restart's worth
  // Distillation alone on the idle pool does at least as much as beside the avatars.
  const double alone = Metric(r.value(), "distillation.tokens_alone");
  EXPECT_GE(alone, Metric(r.value(), "distillation.tokens"));
  EXPECT_NEAR(Metric(r.value(), "distillation.throughput_lost_fraction"),
              1 - Metric(r.value(), "distillation.tokens") / alone, 1e-12);
  // The delay is consistent with the tokens it did not do: alone it runs at full rate.
  const double rate = 1e15 * 0.5 / 6e9 * 32;  // tokens/s alone
  const double tokens = Metric(r.value(), "training.tokens");
  EXPECT_LT(tokens, rate * 6 * 3600);
}

TEST(SharedFleet, TimeAloneMatchesTheJobArithmetic) {
  Scenario s = testing::TestScenario(8);
  s.trainings.push_back(testing::TestTraining(32, 1e12));
  const double rate = 1e15 * 0.5 / 6e9 * 32;  // 2.67e6 tokens/s
  // 1 hour of work: restart 600 s, checkpoints every 1800 s of running (60 s each): 2 pauses
  // before the end... the second checkpoint falls exactly at the end, so only one counts.
  const double t = TimeAloneToReach(s, s.trainings[0], rate * 3600);
  EXPECT_NEAR(t, 600 + 3600 + 60, 1e-3);
  EXPECT_EQ(TimeAloneToReach(s, s.trainings[0], 0), 0);
}

// Offline distillation runs as two jobs: the teacher pass storing logits, then the student
// reading them; the student starts only once the teacher has finished. At 40% of the 1 PFLOP/s
// test GPU the teacher (2 x 1e9 active FLOPs per token) makes 2e5 tokens per GPU-second and the
// student (6 x 1e9) 6.67e4.
TEST(SharedFleet, OfflineDistillationRunsTheTeacherPassBeforeTheStudent) {
  Scenario s = testing::TestScenario(4);
  DistillationSpec d = testing::TestDistillation(3.2e9);
  d.mode = DistillationSpec::Mode::kOffline;
  s.distillations.push_back(d);
  s.policy.order = {"distill"};
  Result<RunResult> r = RunScenario(s, Seed(1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RunResult& res = r.value();
  EXPECT_NEAR(Metric(res, "distillation.teacher_tokens_per_gpu_s"), 2e5, 1);
  EXPECT_NEAR(Metric(res, "distillation.student_tokens_per_gpu_s"), 1e15 * 0.4 / 6e9, 1);
  EXPECT_DOUBLE_EQ(Metric(res, "distillation.teacher_tokens"), 3.2e9);
  EXPECT_DOUBLE_EQ(Metric(res, "distillation.tokens"), 3.2e9);  // the student's, not doubled
  // Busy time is tokens / (rate x 16 GPUs): teacher 1,000 s, student 3,000 s; the rest of the
  // held time is one 300 s start each plus checkpoints, so the share sits near 1300 / 4600.
  const double share = Metric(res, "distillation.teacher_share");
  EXPECT_GT(share, 0.2);
  EXPECT_LT(share, 0.3);
  // The student's first event comes after the teacher's "finished".
  const Table& e = res.job_events;
  double teacher_done = -1, student_start = -1;
  for (size_t i = 0; i < e.numeric[0].values.size(); ++i) {
    const std::string& job = e.text[0].values[i];
    const std::string& ev = e.text[1].values[i];
    if (job == "distill.teacher" && ev == "finished") teacher_done = e.numeric[0].values[i];
    if (job == "distill.student" && student_start < 0) student_start = e.numeric[0].values[i];
  }
  ASSERT_GT(teacher_done, 0);
  EXPECT_GE(student_start, teacher_done);
  ASSERT_EQ(res.jobs.text.size(), 4u);  // name, kind, workload, phase
  EXPECT_EQ(res.jobs.text[2].values, (std::vector<std::string>{"distill", "distill"}));
  EXPECT_EQ(res.jobs.text[3].values, (std::vector<std::string>{"teacher", "student"}));
}

// Two pools of different GPU types: the avatars in pool "edge" (a GPU of half the FLOPs and
// price), the training in the first pool. Each workload holds GPUs only in its own pool, so the
// avatar load never touches the training; the pools' costs add up to the run's, and the job's
// rate is that of its pool's GPU.
TEST(SharedFleet, WorkloadsRunInTheirOwnPools) {
  Scenario s = Shared();
  s.distillations.clear();
  s.policy.order = {"avatar", "train"};
  GpuSpec edge = testing::TestGpu();
  edge.name = "EDGE-GPU";
  edge.bf16_flops = 0.5e15;
  edge.list_price_usd = 12000;
  s.catalog.gpus.push_back(edge);
  PoolSpec p = s.pools[0];
  p.name = "edge";
  p.gpu = "EDGE-GPU";
  p.nodes = 6;
  s.pools.push_back(p);
  s.avatars[0].pool = "edge";
  s.pools[0].nodes = 4;  // training's 32 GPUs fill the first pool
  Result<RunResult> r = RunScenario(s, Seed(1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RunResult& v = r.value();
  EXPECT_DOUBLE_EQ(Metric(v, "gpu_hours.total"), (4 + 6) * 8 * 6.0);
  EXPECT_DOUBLE_EQ(Metric(v, "pool.edge.gpus"), 48);
  EXPECT_DOUBLE_EQ(Metric(v, "pool.pool.gpus"), 32);
  EXPECT_NEAR(Metric(v, "pool.pool.cost_usd") + Metric(v, "pool.edge.cost_usd"),
              Metric(v, "cost.total_usd"), 1e-9 * Metric(v, "cost.total_usd"));
  EXPECT_LT(Metric(v, "pool.edge.cost_usd") / 48, Metric(v, "pool.pool.cost_usd") / 32);
  // The avatars take nodes only in their pool; the training is never preempted.
  EXPECT_GT(Metric(v, "gpu_hours.avatar"), 0);
  for (const Column& c : v.timeseries.series) {
    if (c.name != "avatar_gpus") continue;
    for (double g : c.values) EXPECT_LE(g, 48);
  }
  EXPECT_EQ(Metric(v, "training.preemptions"), 0);
  EXPECT_NEAR(Metric(v, "training.delay_s"), 0, 1e-6);
  // The training rate is the first pool's GPU: 1e15 x 0.5 / 6e9 tokens per GPU-second.
  for (const Column& c : v.jobs.numeric) {
    if (c.name == "tokens_per_gpu_second") {
      EXPECT_NEAR(c.values[0], 1e15 * 0.5 / 6e9, 1e-6);
    }
  }
}

TEST(SharedFleet, UnknownCatalogEntriesAreErrors) {
  Scenario s = Shared();
  s.trainings[0].model = "no-such-model";
  Result<RunResult> r = RunScenario(s, Seed(1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("no-such-model"), std::string::npos);
  s = Shared();
  s.pools[0].gpu = "H1000";
  EXPECT_FALSE(RunScenario(s, Seed(1)).ok());
  s = Shared();
  s.trainings[0].pool = "elsewhere";
  r = RunScenario(s, Seed(1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("names unknown pool 'elsewhere'"), std::string::npos);
}

}  // namespace
}  // namespace capsim::models
