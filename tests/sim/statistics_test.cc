#include "sim/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "sim/random.h"

namespace capsim::sim {
namespace {

TEST(RunningStatsTest, EmptyIsNaN) {
  RunningStats s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_TRUE(std::isnan(s.mean()));
  EXPECT_TRUE(std::isnan(s.variance()));
  EXPECT_TRUE(std::isnan(s.min()));
  EXPECT_TRUE(std::isnan(s.max()));
  s.Add(4);
  EXPECT_EQ(s.mean(), 4);
  EXPECT_TRUE(std::isnan(s.variance()));
}

TEST(RunningStatsTest, MatchesTwoPass) {
  RandomStream r(1, 1);
  std::vector<double> x(50000);
  for (double& v : x) v = 1e6 + r.Normal(0, 3);  // a large offset: naive sums would lose digits
  RunningStats s;
  for (double v : x) s.Add(v);
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double m2 = 0;
  for (double v : x) m2 += (v - mean) * (v - mean);
  const double var = m2 / static_cast<double>(x.size() - 1);
  EXPECT_EQ(s.count(), x.size());
  EXPECT_NEAR(s.mean(), mean, 1e-9 * mean);
  EXPECT_NEAR(s.variance(), var, 1e-8 * var);
  EXPECT_NEAR(s.stddev(), std::sqrt(var), 1e-8);
  EXPECT_EQ(s.min(), *std::min_element(x.begin(), x.end()));
  EXPECT_EQ(s.max(), *std::max_element(x.begin(), x.end()));
  EXPECT_NEAR(s.sum(), mean * static_cast<double>(x.size()), 1e-6 * mean);
}

TEST(RunningStatsTest, MergeEqualsOnePass) {
  RandomStream r(2, 2);
  RunningStats all, a, b, c, empty;
  for (int i = 0; i < 30000; ++i) {
    const double v = r.Exponential(3.0);
    all.Add(v);
    (i < 1000 ? a : i < 12000 ? b : c).Add(v);
  }
  a.Merge(b);
  a.Merge(empty);
  a.Merge(c);
  empty.Merge(a);
  for (const RunningStats* m : {&a, &empty}) {
    EXPECT_EQ(m->count(), all.count());
    EXPECT_NEAR(m->mean(), all.mean(), 1e-12 * all.mean());
    EXPECT_NEAR(m->variance(), all.variance(), 1e-10 * all.variance());
    EXPECT_EQ(m->min(), all.min());
    EXPECT_EQ(m->max(), all.max());
  }
}

TEST(TimeWeightedTest, HandMadeSignal) {
  // 0 on [0,1), 4 on [1,3), 1 on [3,3.5), 6 on [3.5, 5]: integral 0 + 8 + 0.5 + 9 = 17.5.
  TimeWeighted w(Time::Zero(), 0);
  w.Set(Time::FromSeconds(1), 4);
  w.Add(Time::FromSeconds(3), -3);
  w.Set(Time::FromSeconds(3.5), 6);
  EXPECT_DOUBLE_EQ(w.Integral(Time::FromSeconds(5)), 17.5);
  EXPECT_DOUBLE_EQ(w.Mean(Time::FromSeconds(5)), 3.5);
  EXPECT_DOUBLE_EQ(w.Integral(Time::FromSeconds(3.5)), 8.5);
  EXPECT_EQ(w.value(), 6);
  EXPECT_EQ(w.max(), 6);
  // A start other than zero and a mean over an empty span.
  TimeWeighted v(Time::FromSeconds(10), 2);
  EXPECT_EQ(v.Mean(Time::FromSeconds(10)), 2);
  v.Set(Time::FromSeconds(12), 5);
  EXPECT_DOUBLE_EQ(v.Mean(Time::FromSeconds(14)), 3.5);
}

// Exact sorted-sample quantile at index floor(q (n - 1)).
double Exact(std::vector<double>& sorted, double q) {
  return sorted[static_cast<size_t>(std::floor(q * static_cast<double>(sorted.size() - 1)))];
}

TEST(QuantileSketchTest, WithinOnePercentOfExact) {
  RandomStream r(4, 4);
  LognormalParams p = LognormalFromMedianMean(0.2, 0.35);
  struct Case {
    const char* name;
    size_t n;
    std::function<double()> draw;
  };
  std::vector<Case> cases = {
      {"lognormal 1e5", 100000, [&] { return r.Lognormal(p.mu, p.sigma); }},
      {"lognormal 1e6", 1000000, [&] { return r.Lognormal(p.mu, p.sigma); }},
      {"exponential 1e5", 100000, [&] { return r.Exponential(1e-3); }},
      {"exponential 1e6", 1000000, [&] { return r.Exponential(50.0); }},
  };
  for (Case& c : cases) {
    QuantileSketch sketch;
    std::vector<double> x(c.n);
    for (double& v : x) {
      v = c.draw();
      sketch.Add(v);
    }
    std::sort(x.begin(), x.end());
    EXPECT_EQ(sketch.count(), c.n);
    for (double q : {0.5, 0.95, 0.99, 0.999}) {
      const double exact = Exact(x, q);
      EXPECT_NEAR(sketch.Quantile(q), exact, 0.01 * exact) << c.name << " q=" << q;
    }
    EXPECT_NEAR(sketch.Quantile(0), x.front(), 0.01 * x.front());
    EXPECT_NEAR(sketch.Quantile(1), x.back(), 0.01 * x.back());
  }
}

TEST(QuantileSketchTest, MergeMatchesSingleSketch) {
  RandomStream r(5, 5);
  QuantileSketch all, a, b;
  for (int i = 0; i < 100000; ++i) {
    const double v = r.Exponential(2.0) + (i % 2 ? 100.0 : 0.0);  // different bucket ranges
    all.Add(v);
    (i % 2 ? b : a).Add(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 1.0}) EXPECT_EQ(a.Quantile(q), all.Quantile(q)) << q;
}

TEST(QuantileSketchTest, ZerosAndEmpty) {
  QuantileSketch s;
  EXPECT_TRUE(std::isnan(s.Quantile(0.5)));
  for (int i = 0; i < 60; ++i) s.Add(0.0);
  for (int i = 1; i <= 40; ++i) s.Add(i);
  EXPECT_EQ(s.count(), 100u);
  EXPECT_EQ(s.Quantile(0.5), 0.0);           // rank 49: a zero
  EXPECT_EQ(s.Quantile(0.59), 0.0);          // rank 58
  EXPECT_NEAR(s.Quantile(0.7), 10.0, 0.05);  // rank 69: the 10th positive sample
  EXPECT_NEAR(s.Quantile(1.0), 40.0, 0.2);
  EXPECT_DOUBLE_EQ(s.relative_accuracy(), 0.005);
}

}  // namespace
// Student t quantiles against the printed tables (two-sided 95%: t(0.975, df)).
TEST(StudentTQuantileTest, MatchesTables) {
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.706, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 4), 2.776, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 9), 2.262, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 29), 2.045, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 1e6), 1.960, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.5, 7), 0.0, 1e-12);
}

TEST(MeanConfidenceTest, MeanAndHalfWidthByHand) {
  // 1..5: mean 3, s = sqrt(2.5), half-width t(0.975, 4) x s / sqrt(5) = 2.776 x 0.7071 = 1.963.
  const MeanInterval m = MeanConfidence({1, 2, 3, 4, 5});
  EXPECT_EQ(m.n, 5);
  EXPECT_DOUBLE_EQ(m.mean, 3);
  EXPECT_NEAR(m.half_width, StudentTQuantile(0.975, 4) * std::sqrt(2.5) / std::sqrt(5.0), 1e-12);
  EXPECT_NEAR(m.half_width, 1.963, 1e-3);
  // Non-finite values are left out; one value has no interval; none has no mean.
  const MeanInterval one = MeanConfidence({4, std::nan(""), INFINITY});
  EXPECT_EQ(one.n, 1);
  EXPECT_DOUBLE_EQ(one.mean, 4);
  EXPECT_TRUE(std::isnan(one.half_width));
  EXPECT_TRUE(std::isnan(MeanConfidence({}).mean));
  // A 99% interval is wider than a 95% one.
  EXPECT_GT(MeanConfidence({1, 2, 3, 4, 5}, 0.99).half_width, m.half_width);
}

// Mean wait in queue of one M/M/c run: FCFS with the servers' next-free times kept sorted
// (Kiefer-Wolfowitz), `warmup` customers discarded, then the mean over `customers`.
double MmcMeanWait(int c, double lambda, double mu, int warmup, int customers, uint64_t seed) {
  RandomStream rng(seed, 0);
  std::vector<double> free_at(static_cast<size_t>(c), 0.0);
  double t = 0, sum = 0;
  for (int i = 0; i < warmup + customers; ++i) {
    t += rng.Exponential(1 / lambda);
    auto first = std::min_element(free_at.begin(), free_at.end());
    const double start = std::max(t, *first);
    if (i >= warmup) sum += start - t;
    *first = start + rng.Exponential(1 / mu);
  }
  return sum / customers;
}

// Erlang C: the mean wait in queue of M/M/c, P(wait) / (c mu - lambda).
double ErlangCWait(int c, double lambda, double mu) {
  const double a = lambda / mu, rho = a / c;
  double term = 1, sum = 1;  // sum_{k<c} a^k / k!
  for (int k = 1; k < c; ++k) {
    term *= a / k;
    sum += term;
  }
  const double last = term * a / c / (1 - rho);  // a^c / c! / (1 - rho)
  return last / (sum + last) / (c * mu - lambda);
}

// Coverage of the replication interval: on M/M/3 at 70% load, 200 independent 95% intervals,
// each from 10 replications of 20,000 customers after 2,000 of warm-up, must cover Erlang C's
// mean wait 90-99% of the time (the nominal 95%, with room for the runs' small start-up bias
// and the binomial spread of 200 trials, sd 1.5%).
TEST(MeanConfidenceTest, CoversTheErlangCWaitOfMmc) {
  constexpr int kServers = 3;
  constexpr double kLambda = 2.1, kMu = 1.0;
  const double truth = ErlangCWait(kServers, kLambda, kMu);
  // By hand: sum_{k<3} a^k/k! = 5.305, a^3/3!/(1 - 0.7) = 5.145, P(wait) = 0.4923, / 0.9.
  EXPECT_NEAR(truth, 0.4923 / (3 - 2.1), 1e-3);
  int covered = 0;
  constexpr int kIntervals = 200;
  for (int i = 0; i < kIntervals; ++i) {
    std::vector<double> means;
    for (int r = 0; r < 10; ++r) {
      means.push_back(MmcMeanWait(kServers, kLambda, kMu, 2000, 20000, 1000 * i + r + 1));
    }
    const MeanInterval m = MeanConfidence(means);
    if (std::fabs(m.mean - truth) <= m.half_width) ++covered;
  }
  const double coverage = static_cast<double>(covered) / kIntervals;
  EXPECT_GE(coverage, 0.90);
  EXPECT_LE(coverage, 0.99);
  std::printf("M/M/3 at 70%%: 95%% intervals covered Erlang C's wait %.1f%% of %d times\n",
              100 * coverage, kIntervals);
}

}  // namespace capsim::sim
