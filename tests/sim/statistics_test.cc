#include "sim/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
}  // namespace capsim::sim
