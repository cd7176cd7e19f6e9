#include "models/replications.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <set>

#include "sim/random.h"
#include "sim/statistics.h"

namespace capsim::models {
namespace {

// A stand-in run: two metrics drawn from the seed's stream (one normal, one that the odd
// replications leave out), a timeseries and a table that only replication 0's result keeps.
Result<RunResult> FakeRun(uint64_t seed, int index) {
  sim::RandomStream rng(seed, 7);
  RunResult r;
  r.seed = seed;
  r.summary.push_back({"x", rng.Normal(10, 2), "s", "a normal metric"});
  if (index % 2 == 0) r.summary.push_back({"even_only", static_cast<double>(index), "1", "even"});
  r.timeseries.time = {"time", "s", "time", {0, 1}};
  r.timeseries.series.push_back({"y", "1", "y", {static_cast<double>(index), 0}});
  return r;
}

TEST(ReplicationSeedTest, ZeroKeepsTheSeedOthersAreDistinctAndRepeatable) {
  EXPECT_EQ(ReplicationSeed(42, 0), 42u);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(ReplicationSeed(42, i));
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(ReplicationSeed(42, 5), ReplicationSeed(42, 5));
  EXPECT_NE(ReplicationSeed(42, 5), ReplicationSeed(43, 5));
}

TEST(RunReplicationsTest, OneReplicationIsThePlainRun) {
  Result<RunResult> r = RunReplications(1, 42, FakeRun);
  ASSERT_TRUE(r.ok());
  Result<RunResult> plain = FakeRun(42, 0);
  ASSERT_EQ(r.value().summary.size(), plain.value().summary.size());
  EXPECT_EQ(r.value().summary[0].value, plain.value().summary[0].value);
  EXPECT_TRUE(std::isnan(r.value().summary[0].half_width));
  EXPECT_EQ(r.value().summary[0].replications, 1);
  EXPECT_TRUE(r.value().replications.numeric.empty());
}

TEST(RunReplicationsTest, MeansHalfWidthsAndThePerReplicationTable) {
  constexpr int kReps = 8;
  Result<RunResult> r = RunReplications(kReps, 42, FakeRun);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RunResult& out = r.value();
  // The per-replication values, recomputed.
  std::vector<double> xs;
  for (int i = 0; i < kReps; ++i)
    xs.push_back(FakeRun(ReplicationSeed(42, i), i).value().summary[0].value);
  const sim::MeanInterval ci = sim::MeanConfidence(xs);
  ASSERT_EQ(out.summary[0].key, "x");
  EXPECT_DOUBLE_EQ(out.summary[0].value, ci.mean);
  EXPECT_DOUBLE_EQ(out.summary[0].half_width, ci.half_width);
  EXPECT_EQ(out.summary[0].replications, kReps);
  // A metric only the even replications report is averaged over them (0, 2, 4, 6 -> 3).
  ASSERT_EQ(out.summary[1].key, "even_only");
  EXPECT_DOUBLE_EQ(out.summary[1].value, 3);
  EXPECT_EQ(out.summary[1].replications, kReps / 2);
  // The table: replication, seed, then one column per metric.
  const Table& t = out.replications;
  ASSERT_EQ(t.numeric.size(), 4u);
  EXPECT_EQ(t.numeric[0].name, "replication");
  EXPECT_EQ(t.numeric[1].name, "seed");
  EXPECT_EQ(t.numeric[2].name, "x");
  EXPECT_EQ(t.numeric[2].units, "s");
  for (int i = 0; i < kReps; ++i) {
    EXPECT_EQ(t.numeric[0].values[static_cast<size_t>(i)], i);
    EXPECT_EQ(t.numeric[1].values[static_cast<size_t>(i)],
              static_cast<double>(ReplicationSeed(42, i)));
    EXPECT_EQ(t.numeric[2].values[static_cast<size_t>(i)], xs[static_cast<size_t>(i)]);
  }
  EXPECT_TRUE(std::isnan(t.numeric[3].values[1]));
  // Timeseries and tables are replication 0's; the seed is the run's.
  EXPECT_EQ(out.timeseries.series[0].values[0], 0);
  EXPECT_EQ(out.seed, 42u);
  // The half-width shrinks like 1/sqrt(K): 32 replications give a narrower interval than 8
  // (sd 2: about 2 x 2.04 / sqrt(32) = 0.72 against 2 x 2.36 / sqrt(8) = 1.67).
  Result<RunResult> more = RunReplications(32, 42, FakeRun);
  EXPECT_LT(more.value().summary[0].half_width, out.summary[0].half_width);
  EXPECT_NEAR(more.value().summary[0].value, 10, 4 * 2 / std::sqrt(32.0));
}

TEST(RunReplicationsTest, ParallelRunsAreDeterministic) {
  Result<RunResult> a = RunReplications(16, 7, FakeRun);
  Result<RunResult> b = RunReplications(16, 7, FakeRun);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.value().summary[0].value, b.value().summary[0].value);
  EXPECT_EQ(a.value().replications.numeric[2].values, b.value().replications.numeric[2].values);
}

TEST(RunReplicationsTest, AFailingReplicationFailsTheWholeAndIsNamed) {
  std::atomic<int> calls{0};
  Result<RunResult> r = RunReplications(4, 42, [&](uint64_t seed, int index) -> Result<RunResult> {
    ++calls;
    if (index == 2) return Status::Error("model reached an impossible state");
    return FakeRun(seed, index);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().problems()[0], "replication 2 (seed " +
                                          std::to_string(ReplicationSeed(42, 2)) +
                                          "): model reached an impossible state");
  EXPECT_EQ(calls.load(), 4);
}

// Sequential stopping on the normal metric (sd 2, mean 10): a 5% target (half-width <= 0.5)
// needs about (2.0 x 2 / 0.5)^2 = 64 replications, a 50% target stops at the minimum.
TEST(RunReplicationsUntilTest, StopsWhenTheChosenMetricIsPreciseEnough) {
  StoppingRule rule;
  rule.metrics = {"x"};
  rule.relative_half_width = 0.05;
  rule.min_replications = 4;
  rule.batch = 4;
  Result<StoppedRun> r = RunReplicationsUntil(200, 42, FakeRun, rule);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r.value().converged);
  const SummaryMetric& x = r.value().result.summary[0];
  EXPECT_LE(x.half_width, 0.05 * x.value);
  EXPECT_GE(x.replications, 40);
  EXPECT_LE(x.replications, 100);
  EXPECT_EQ((x.replications - 4) % 4, 0);  // whole batches after the minimum
  // Identical to a fixed run of the same number of replications.
  Result<RunResult> fixed = RunReplications(x.replications, 42, FakeRun);
  EXPECT_EQ(fixed.value().summary[0].value, x.value);
  EXPECT_EQ(fixed.value().summary[0].half_width, x.half_width);

  rule.relative_half_width = 0.5;
  EXPECT_EQ(RunReplicationsUntil(200, 42, FakeRun, rule).value().result.summary[0].replications, 4);
}

TEST(RunReplicationsUntilTest, CapUnmetMetricsAndUnknownNames) {
  StoppingRule rule;
  rule.metrics = {"x"};
  rule.relative_half_width = 0.001;  // needs ~250,000 replications
  Result<StoppedRun> r = RunReplicationsUntil(12, 42, FakeRun, rule);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().converged);
  EXPECT_EQ(r.value().unmet, std::vector<std::string>{"x"});
  EXPECT_EQ(r.value().result.summary[0].replications, 12);
  rule.metrics = {"nope"};
  Result<StoppedRun> bad = RunReplicationsUntil(12, 42, FakeRun, rule);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().problems()[0], "--precision: no summary metric 'nope'");
}

}  // namespace
}  // namespace capsim::models
