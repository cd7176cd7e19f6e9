#include "models/run_report.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

TEST(RunReport, JobTablesAndSummaryCarryUnitsAndEqualColumns) {
  Scenario s = testing::TestScenario(4);
  s.horizon_s = 3600;
  sim::Simulator sim;
  JobEventLog log;
  FleetScheduler sched(sim, 4, 0, true);
  JobParams p;
  p.name = "train";
  p.kind = "training";
  p.min_gpus = p.max_gpus = 16;
  p.tokens_target = 1e12;
  p.tokens_per_gpu_second = 1000;
  BatchJob job(sim, p, &log);
  sched.AddJob(&job, 1);
  sched.Reallocate();
  sim.RunUntil(sim::Time::FromSeconds(3600));
  RunReportInputs in;
  in.scenario = &s;
  in.pools.push_back({&s.pools[0], &s.sites[0], &s.catalog.gpus[0], &sched, 0});
  in.jobs = {&job};
  in.training_delay_s = {0};
  in.pools[0].busy_gpu_seconds = job.BusyGpuSeconds();
  RunResult r = BuildRunReport(in, log);
  std::set<std::string> keys;
  for (const SummaryMetric& m : r.summary) {
    EXPECT_FALSE(m.units.empty()) << m.key;
    EXPECT_FALSE(m.long_name.empty()) << m.key;
    EXPECT_TRUE(keys.insert(m.key).second) << "duplicate " << m.key;
  }
  EXPECT_TRUE(keys.count("training.delay_s"));
  EXPECT_TRUE(keys.count("cost.total_usd"));
  EXPECT_FALSE(keys.count("avatar.ttff_p99_s"));  // no avatar service in this run
  ASSERT_EQ(r.jobs.text[0].values.size(), 1u);
  for (const Column& c : r.jobs.numeric) EXPECT_EQ(c.values.size(), 1u) << c.name;
  EXPECT_EQ(r.job_events.text[0].values.size(), log.event.size());
  // 16 GPUs held for the hour; training GPU-hours = 16, idle = 16.
  for (const SummaryMetric& m : r.summary) {
    if (m.key == "gpu_hours.training" || m.key == "gpu_hours.idle") {
      EXPECT_NEAR(m.value, 16, 1e-9) << m.key;
    }
  }
}

}  // namespace
}  // namespace capsim::models
