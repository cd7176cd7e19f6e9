#include "models/capacity_search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tests/models/llm_test_support.h"
#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using testing::Llama8b;
using testing::Flat;
PerfModel Perf() { return testing::FlatPerfModel(); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// An evaluator that meets the SLO exactly up to `threshold` and counts its calls.
CapacityEvaluator Threshold(double threshold, int* calls) {
  return [threshold, calls](double load) {
    ++*calls;
    CapacityPoint p;
    p.load = load;
    p.ttft_p99_s = load / threshold;  // 1 at the threshold
    p.slo_met = load <= threshold;
    return p;
  };
}

TEST(MeetsSlo, ChecksOnlyPositiveBounds) {
  CapacityPoint p;
  p.ttft_p99_s = 1;
  p.tpot_p99_s = 0.05;
  p.e2e_p99_s = 10;
  p.rejected_fraction = 0.01;
  EXPECT_TRUE(MeetsSlo({}, p));
  EXPECT_TRUE(MeetsSlo({.ttft_p99_s = 0, .tpot_p99_s = -1, .e2e_p99_s = kNaN}, p));
  EXPECT_TRUE(MeetsSlo({1, 0.05, 10, 0.01}, p));
  EXPECT_FALSE(MeetsSlo({.ttft_p99_s = 0.99}, p));
  EXPECT_FALSE(MeetsSlo({.tpot_p99_s = 0.04}, p));
  EXPECT_FALSE(MeetsSlo({.e2e_p99_s = 9}, p));
  EXPECT_FALSE(MeetsSlo({.max_rejected_fraction = 0.005}, p));
  p.ttft_p99_s = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(MeetsSlo({.ttft_p99_s = 100}, p));
  p.ttft_p99_s = kNaN;
  EXPECT_FALSE(MeetsSlo({.ttft_p99_s = 100}, p));
}

TEST(MaxLoad, BisectionBracketsThresholdWithinTolerance) {
  int calls = 0;
  const MaxLoadResult r = MaxLoad(Threshold(37.3, &calls), 1, 100, 0.5, 50);
  EXPECT_EQ(r.outcome, CapacityOutcome::kConverged);
  EXPECT_LE(r.max_load, 37.3);
  EXPECT_GT(r.min_failing_load, 37.3);
  EXPECT_LE(r.min_failing_load - r.max_load, 0.5);
  // 2 endpoints + ceil(log2(99 / 0.5)) = 2 + 8 midpoints.
  EXPECT_LE(calls, 2 + static_cast<int>(std::ceil(std::log2(99 / 0.5))));
  EXPECT_EQ(static_cast<int>(r.points.size()), calls);
  EXPECT_EQ(r.points[0].load, 1);
  EXPECT_EQ(r.points[1].load, 100);
  EXPECT_EQ(r.points[2].load, 50.5);
  for (const CapacityPoint& p : r.points) EXPECT_EQ(p.slo_met, p.load <= 37.3);
}

TEST(MaxLoad, LowerBoundFailingIsReportedAfterOneEvaluation) {
  int calls = 0;
  const MaxLoadResult r = MaxLoad(Threshold(0.5, &calls), 1, 100, 0.5, 50);
  EXPECT_EQ(r.outcome, CapacityOutcome::kLowerBoundFails);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(std::isnan(r.max_load));
  EXPECT_EQ(r.min_failing_load, 1);
  EXPECT_EQ(CapacityOutcomeName(r.outcome), "lower_bound_fails");
}

TEST(MaxLoad, UpperBoundPassingIsReportedAfterTwoEvaluations) {
  int calls = 0;
  const MaxLoadResult r = MaxLoad(Threshold(1000, &calls), 1, 100, 0.5, 50);
  EXPECT_EQ(r.outcome, CapacityOutcome::kUpperBoundPasses);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(r.max_load, 100);
  EXPECT_TRUE(std::isnan(r.min_failing_load));
}

TEST(MaxLoad, ToleranceWiderThanBracketNeedsNoMidpoint) {
  int calls = 0;
  const MaxLoadResult r = MaxLoad(Threshold(5, &calls), 1, 10, 20, 50);
  EXPECT_EQ(r.outcome, CapacityOutcome::kConverged);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(r.max_load, 1);
  EXPECT_EQ(r.min_failing_load, 10);
}

TEST(MaxLoad, FinerToleranceTakesMoreEvaluations) {
  int coarse = 0, fine = 0;
  const MaxLoadResult a = MaxLoad(Threshold(37.3, &coarse), 0, 64, 1, 100);
  const MaxLoadResult b = MaxLoad(Threshold(37.3, &fine), 0, 64, 1.0 / 64, 100);
  EXPECT_EQ(coarse, 2 + 6);
  EXPECT_EQ(fine, 2 + 12);
  EXPECT_LE(b.min_failing_load - b.max_load, 1.0 / 64);
  EXPECT_LE(a.max_load, b.max_load);
  EXPECT_GE(a.min_failing_load, b.min_failing_load);
}

TEST(MaxLoad, BudgetExhaustionKeepsTheBracket) {
  int calls = 0;
  const MaxLoadResult r = MaxLoad(Threshold(37.3, &calls), 0, 64, 1e-6, 5);
  EXPECT_EQ(r.outcome, CapacityOutcome::kBudgetExhausted);
  EXPECT_EQ(calls, 5);
  EXPECT_LE(r.max_load, 37.3);
  EXPECT_GT(r.min_failing_load, 37.3);
  EXPECT_DOUBLE_EQ(r.min_failing_load - r.max_load, 64.0 / 8);
}

// Evaluators that pass when each of the `replicas` carries at most `per_replica` load.
std::function<CapacityEvaluator(int)> PerReplicaCapacity(double per_replica, int* calls) {
  return [per_replica, calls](int replicas) -> CapacityEvaluator {
    return [per_replica, calls, replicas](double load) {
      ++*calls;
      CapacityPoint p;
      p.load = load;
      p.slo_met = load <= per_replica * replicas;
      return p;
    };
  };
}

TEST(MinReplicas, DoublesThenBisects) {
  int calls = 0;
  const MinReplicasResult r = MinReplicas(PerReplicaCapacity(10, &calls), 53, 100);
  EXPECT_EQ(r.outcome, CapacityOutcome::kConverged);
  EXPECT_EQ(r.replicas, 6);
  std::vector<int> tried;
  for (const CapacityPoint& p : r.points) {
    tried.push_back(p.replicas);
    EXPECT_EQ(p.load, 53);
  }
  // 1, 2, 4 fail; 8 passes; bisection 6 passes, 5 fails.
  EXPECT_EQ(tried, (std::vector<int>{1, 2, 4, 8, 6, 5}));
  EXPECT_EQ(calls, 6);
}

TEST(MinReplicas, EdgeCases) {
  int calls = 0;
  EXPECT_EQ(MinReplicas(PerReplicaCapacity(10, &calls), 5, 8).replicas, 1);
  EXPECT_EQ(calls, 1);
  // The doubling is clamped to max_replicas.
  const MinReplicasResult clamped = MinReplicas(PerReplicaCapacity(10, &calls), 55, 6);
  EXPECT_EQ(clamped.replicas, 6);
  std::vector<int> tried;
  for (const CapacityPoint& p : clamped.points) tried.push_back(p.replicas);
  EXPECT_EQ(tried, (std::vector<int>{1, 2, 4, 6, 5}));
  const MinReplicasResult none = MinReplicas(PerReplicaCapacity(10, &calls), 75, 6);
  EXPECT_EQ(none.outcome, CapacityOutcome::kMaxReplicasFail);
  EXPECT_EQ(none.replicas, 0);
  EXPECT_EQ(none.points.back().replicas, 6);
  EXPECT_EQ(MinReplicas(PerReplicaCapacity(10, &calls), 1000, 1).outcome,
            CapacityOutcome::kMaxReplicasFail);
}

TEST(PointsTable, OneRowPerPoint) {
  CapacityPoint a{.load = 2, .replicas = 3, .slo_met = true, .ttft_p99_s = 0.5};
  CapacityPoint b{.load = 4, .replicas = 3, .slo_met = false, .rejected_fraction = 0.25};
  const Table t = PointsTable({a, b});
  ASSERT_GE(t.numeric.size(), 7u);
  const std::vector<std::string> names = {"load",    "slo_met",           "ttft_p99", "tpot_p99",
                                          "e2e_p99", "rejected_fraction", "replicas"};
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(t.numeric[i].name, names[i]);
    EXPECT_EQ(t.numeric[i].values.size(), 2u);
  }
  EXPECT_EQ(t.numeric[0].values, (std::vector<double>{2, 4}));
  EXPECT_EQ(t.numeric[1].values, (std::vector<double>{1, 0}));
  EXPECT_EQ(t.numeric[2].values[0], 0.5);
  EXPECT_EQ(t.numeric[5].values[1], 0.25);
  EXPECT_EQ(t.numeric[6].values, (std::vector<double>{3, 3}));
}

// A short load test of `replicas` replicas with moderate lengths and a latency SLO.
LlmLoadTest SmallTest(int replicas) {
  LlmLoadTest t;
  t.cluster.replicas = replicas;
  t.lengths = LengthModel::Lognormal({500, 700, 8000}, {100, 150, 1000});
  t.slo = {.ttft_p99_s = 0.5, .tpot_p99_s = 0.05, .e2e_p99_s = 0, .max_rejected_fraction = 0.01};
  t.warmup_s = 10;
  t.duration_s = 40;
  t.drain_s = 20;
  t.seed = 5;
  return t;
}

class LlmCapacity : public ::testing::Test {
 protected:
  ModelSpec model_ = Llama8b();
  PerfModel perf_ = Perf();
};

TEST_F(LlmCapacity, EvaluatorIsDeterministicAndUsesCommonRandomNumbers) {
  const CapacityEvaluator eval = LlmClusterEvaluator(model_, perf_, SmallTest(1));
  const CapacityPoint a = eval(5), b = eval(5);
  EXPECT_EQ(a.ttft_p99_s, b.ttft_p99_s);
  EXPECT_EQ(a.e2e_p99_s, b.e2e_p99_s);
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.replicas, 1);
  EXPECT_GT(a.requests, 150u);  // ~5/s over 40 s
  // The same unit-rate stream: twice the load offers about twice the requests in the window.
  const CapacityPoint c = eval(10);
  EXPECT_NEAR(static_cast<double>(c.requests), 2.0 * static_cast<double>(a.requests),
              0.1 * static_cast<double>(c.requests));
  EXPECT_LE(a.e2e_p99_s, c.e2e_p99_s);
}

TEST_F(LlmCapacity, OverloadIsCensoredNotSurvivorBiased) {
  const CapacityPoint p = LlmClusterEvaluator(model_, perf_, SmallTest(1))(400);
  EXPECT_FALSE(p.slo_met);
  EXPECT_GT(p.unfinished_fraction, 0.01);
  EXPECT_TRUE(std::isinf(p.ttft_p99_s));
}

TEST_F(LlmCapacity, MaxLoadMeetsSloAndTwentyPercentMoreDoesNot) {
  const LlmLoadTest test = SmallTest(2);
  const CapacityEvaluator eval = LlmClusterEvaluator(model_, perf_, test);
  const MaxLoadResult r = MaxLoad(eval, 1, 200, 1, 20);
  ASSERT_EQ(r.outcome, CapacityOutcome::kConverged) << CapacityOutcomeName(r.outcome);
  for (const CapacityPoint& p : r.points) {
    SCOPED_TRACE(p.load);
    EXPECT_EQ(p.slo_met, MeetsSlo(test.slo, p));
  }
  // Monotone over the evaluated points: every passing load is below every failing one.
  for (const CapacityPoint& p : r.points) EXPECT_EQ(p.slo_met, p.load <= r.max_load);
  EXPECT_TRUE(eval(r.max_load).slo_met);
  EXPECT_FALSE(eval(1.2 * r.max_load).slo_met);

  // Two replicas are the fewest that hold this load.
  const MinReplicasResult m = MinReplicas(
      [&](int n) {
        LlmLoadTest t = test;
        t.cluster.replicas = n;
        return LlmClusterEvaluator(model_, perf_, t);
      },
      r.max_load, 16);
  EXPECT_EQ(m.outcome, CapacityOutcome::kConverged);
  EXPECT_EQ(m.replicas, 2);

  const Table t = PointsTable(r.points);
  EXPECT_EQ(t.numeric[0].values.size(), r.points.size());
}

TEST_F(LlmCapacity, WholeSearchIsDeterministic) {
  auto search = [&] {
    return MaxLoad(LlmClusterEvaluator(model_, perf_, SmallTest(1)), 1, 100, 2, 12);
  };
  const MaxLoadResult a = search(), b = search();
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.max_load, b.max_load);
  EXPECT_EQ(a.min_failing_load, b.min_failing_load);
  ASSERT_EQ(a.points.size(), b.points.size());
  for (size_t i = 0; i < a.points.size(); ++i) {
    EXPECT_EQ(a.points[i].load, b.points[i].load);
    EXPECT_EQ(a.points[i].slo_met, b.points[i].slo_met);
    EXPECT_EQ(a.points[i].ttft_p99_s, b.points[i].ttft_p99_s);
    EXPECT_EQ(a.points[i].tpot_p99_s, b.points[i].tpot_p99_s);
    EXPECT_EQ(a.points[i].e2e_p99_s, b.points[i].e2e_p99_s);
  }
}

}  // namespace
}  // namespace capsim::models
