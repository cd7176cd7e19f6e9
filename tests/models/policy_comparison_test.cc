// Each sharing policy's characteristic behaviour under the same diurnal avatar load and random
// numbers, and the comparison table RunScenarioWithPolicies builds from them.
#include "models/policy_comparison.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using testing::Metric;

const Column& Series(const RunResult& r, const std::string& name) {
  for (const Column& c : r.timeseries.series) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no series " << name;
  static const Column kNone;
  return kNone;
}

const Table& NamedTable(const RunResult& r, const std::string& name) {
  for (const auto& [n, t] : r.extra_tables) {
    if (n == name) return t;
  }
  ADD_FAILURE() << "no table " << name;
  static const Table kNone;
  return kNone;
}

const Column& NumericColumn(const Table& t, const std::string& name) {
  for (const Column& c : t.numeric) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no column " << name;
  static const Column kNone;
  return kNone;
}

// 11 nodes for 6 h: a diurnal avatar service peaking at 3 h at 4-6 nodes, a training job of 4-6
// nodes (elastic where the policy allows) and a 1-2 node distillation job below it. Strict
// priority with preemption, training as a gang of its maximum.
Scenario Contention() {
  Scenario s = testing::TestScenario(11);
  s.avatars.push_back(testing::TestAvatar(0.05));
  ArrivalSpec& a = s.avatars[0].arrivals;
  a.kind = ArrivalSpec::Kind::kDiurnalPoisson;
  a.peak_rate_per_s = 0.05;
  a.peak_to_mean = 2.3;
  a.peak_time_s = 3 * 3600;
  s.trainings.push_back(testing::TestTraining(48, 1e13));
  s.trainings[0].min_gpus = 32;
  s.distillations.push_back(testing::TestDistillation(1e13));
  s.policy.name = "strict";
  s.policy.order = {"avatar", "train", "distill"};
  s.policy.elastic = false;
  s.sample_interval_s = 300;
  return s;
}

RunResult RunAll(const Scenario& s) {
  RunOptions o;
  o.seed = 5;
  Result<RunResult> r = RunScenarioWithPolicies(s, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : RunResult{};
}

TEST(PolicyComparison, ElasticTrainingFinishesMoreThanStrictPreemption) {
  Scenario s = Contention();
  PolicySpec elastic = s.policy;
  elastic.name = "elastic";
  elastic.elastic = true;
  s.compare_policies = {elastic};
  const RunResult r = RunAll(s);
  const double strict_delay = Metric(r, "policy.strict.training_delay");
  const double elastic_delay = Metric(r, "policy.elastic.training_delay");
  std::printf("training delay: strict %.0f s, elastic %.0f s\n", strict_delay, elastic_delay);
  EXPECT_GT(Metric(r, "training.preemptions"), 0);  // the strict run stops the gang
  EXPECT_LT(elastic_delay, strict_delay);
  const Table& t = NamedTable(r, "policies");
  ASSERT_EQ(t.text.size(), 1u);
  EXPECT_EQ(t.text[0].values, (std::vector<std::string>{"strict", "elastic"}));
  const Column& tokens = NumericColumn(t, "training_tokens");
  ASSERT_EQ(tokens.values.size(), 2u);
  EXPECT_GT(tokens.values[1], tokens.values[0]);
  // The main policy's row is the main run's own summary.
  EXPECT_EQ(tokens.values[0], Metric(r, "training.tokens"));
  EXPECT_EQ(NumericColumn(t, "training_delay").values[0], Metric(r, "training.delay_s"));
  // The delay is valued at the pool's cost per GPU-hour times the training job's GPUs.
  const double per_gpu_hour = Metric(r, "cost.total_usd") / Metric(r, "gpu_hours.total");
  EXPECT_NEAR(Metric(r, "training.delay_cost_usd"), strict_delay / 3600 * 48 * per_gpu_hour,
              1e-6 * strict_delay);
}

TEST(PolicyComparison, StaticPartitionKeepsAvatarsAndTrainingApart) {
  Scenario s = Contention();
  s.policy.kind = PolicySpec::Kind::kStaticPartition;
  s.policy.avatar_partition_nodes = 3;
  s.policy.elastic = true;
  const RunResult r = RunAll(s);
  // Avatars never hold more than their partition; nobody is preempted; sessions beyond the
  // partition are turned away instead.
  for (double g : Series(r, "avatar_gpus").values) EXPECT_LE(g, 3 * 8);
  EXPECT_EQ(Metric(r, "training.preemptions"), 0);
  EXPECT_EQ(Metric(r, "distillation.preemptions"), 0);
  EXPECT_GT(Metric(r, "avatar.rejected_by_capacity"), 0);
  // Training gets the 7 other nodes: 6 (its maximum) from the start, all run long.
  for (double g : Series(r, "training_gpus").values) EXPECT_EQ(g, 48);
}

TEST(PolicyComparison, TimeOfDayRunsDistillationOnlyInItsWindow) {
  Scenario s = Contention();
  s.horizon_s = 30 * 3600;
  s.avatars[0].arrivals.peak_rate_per_s = 0.02;  // room for distillation beside the others
  s.policy.kind = PolicySpec::Kind::kTimeOfDay;
  s.policy.windows = {{"distill", 3600, 3 * 3600}};
  const RunResult r = RunAll(s);
  const Column& t = r.timeseries.time;
  const Column& held = Series(r, "distillation_gpus");
  int inside = 0;
  for (size_t i = 0; i < t.values.size(); ++i) {
    const double h = std::fmod(t.values[i] / 3600, 24);
    if (h < 1 || h > 3) {
      EXPECT_EQ(held.values[i], 0) << "at " << t.values[i] / 3600 << " h";
    }
    inside += h > 1.25 && h < 2.75 && held.values[i] > 0 ? 1 : 0;
  }
  EXPECT_GT(inside, 10);  // both days' windows
  // A planned stop at each close (3 h and 27 h); a checkpoint is written first, so at the end
  // (after the second stop) every token done is committed.
  const Column& stops = NumericColumn(r.jobs, "stops");
  const Column& committed = NumericColumn(r.jobs, "tokens_committed");
  const Column& done = NumericColumn(r.jobs, "tokens_done");
  ASSERT_EQ(stops.values.size(), 2u);
  EXPECT_EQ(stops.values[1], 2);
  EXPECT_EQ(committed.values[1], done.values[1]);
  EXPECT_GT(done.values[1], 0);
}

TEST(PolicyComparison, SameSeedSameTable) {
  Scenario s = Contention();
  PolicySpec elastic = s.policy;
  elastic.name = "elastic";
  elastic.elastic = true;
  s.compare_policies = {elastic};
  const RunResult a = RunAll(s), b = RunAll(s);
  const Table &ta = NamedTable(a, "policies"), &tb = NamedTable(b, "policies");
  ASSERT_EQ(ta.numeric.size(), tb.numeric.size());
  for (size_t i = 0; i < ta.numeric.size(); ++i) {
    for (size_t k = 0; k < ta.numeric[i].values.size(); ++k) {
      const double x = ta.numeric[i].values[k], y = tb.numeric[i].values[k];
      EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << ta.numeric[i].name;
    }
  }
  // The avatar load is the same under every policy (common random numbers).
  EXPECT_EQ(NumericColumn(ta, "avatar_rejected").values.size(), 2u);
}

TEST(PolicyComparison, AVariantThatCannotRunNamesItsPolicy) {
  Scenario s = Contention();
  PolicySpec big = s.policy;
  big.name = "too-big";
  big.kind = PolicySpec::Kind::kStaticPartition;
  big.avatar_partition_nodes = 12;  // more than the pool's 11 nodes
  s.compare_policies = {big};
  Result<RunResult> r = RunScenarioWithPolicies(s, RunOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("policy 'too-big'"), std::string::npos)
      << r.status().ToString();
}

TEST(PolicyComparison, NoVariantsNoTable) {
  const RunResult r = RunAll(Contention());
  for (const auto& [name, t] : r.extra_tables) EXPECT_NE(name, "policies");
}

}  // namespace
}  // namespace capsim::models
