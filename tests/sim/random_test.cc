#include "sim/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

namespace capsim::sim {
namespace {

constexpr int kN = 100000;
// Kolmogorov-Smirnov critical value at the 1% level for n samples (asymptotic).
double KsCritical(size_t n) { return 1.628 / std::sqrt(static_cast<double>(n)); }

// The KS statistic of `x` against the continuous CDF `cdf`.
double KsStatistic(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

double Mean(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double Variance(const std::vector<double>& x) {
  const double m = Mean(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return s / static_cast<double>(x.size() - 1);
}

double Correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = Mean(a), mb = Mean(b);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

std::vector<double> Draw(size_t n, const std::function<double()>& f) {
  std::vector<double> x(n);
  for (double& v : x) v = f();
  return x;
}

TEST(RandomStreamTest, SameKeySameSequence) {
  RandomStream a(42, 7), b(42, 7);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.NextU64(), b.NextU64());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Exponential(2.0), b.Exponential(2.0));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.StandardNormal(), b.StandardNormal());
  EXPECT_EQ(a.seed(), 42u);
  EXPECT_EQ(a.stream(), 7u);
  EXPECT_EQ(a.blocks_used(), b.blocks_used());
  EXPECT_GT(a.blocks_used(), 0u);
}

TEST(RandomStreamTest, StreamsAndSeedsDifferAndAreUncorrelated) {
  RandomStream base(42, 7), other_stream(42, 8), other_seed(43, 7);
  std::vector<double> x = Draw(kN, [&] { return base.Uniform(); });
  std::vector<double> y = Draw(kN, [&] { return other_stream.Uniform(); });
  std::vector<double> z = Draw(kN, [&] { return other_seed.Uniform(); });
  int equal_y = 0, equal_z = 0;
  for (int i = 0; i < kN; ++i) {
    equal_y += x[i] == y[i];
    equal_z += x[i] == z[i];
  }
  EXPECT_EQ(equal_y, 0);
  EXPECT_EQ(equal_z, 0);
  const double rxy = Correlation(x, y), rxz = Correlation(x, z), ryz = Correlation(y, z);
  std::cout << "stream correlations: " << rxy << " " << rxz << " " << ryz << "\n";
  EXPECT_LT(std::fabs(rxy), 0.01);
  EXPECT_LT(std::fabs(rxz), 0.01);
  EXPECT_LT(std::fabs(ryz), 0.01);
  // Successive draws of one stream are uncorrelated too (lag 1).
  std::vector<double> x0(x.begin(), x.end() - 1), x1(x.begin() + 1, x.end());
  EXPECT_LT(std::fabs(Correlation(x0, x1)), 0.01);
}

TEST(RandomStreamTest, UniformRangeAndMoments) {
  RandomStream r(1, 1);
  std::vector<double> x = Draw(kN, [&] { return r.Uniform(); });
  EXPECT_GE(*std::min_element(x.begin(), x.end()), 0.0);
  EXPECT_LT(*std::max_element(x.begin(), x.end()), 1.0);
  EXPECT_LT(KsStatistic(x, [](double v) { return v; }), KsCritical(x.size()));
  for (int i = 0; i < 10000; ++i) {
    const double u = r.UniformOpenLow();
    ASSERT_GT(u, 0.0);
    ASSERT_LE(u, 1.0);
    const double w = r.Uniform(-3.0, 5.0);
    ASSERT_GE(w, -3.0);
    ASSERT_LT(w, 5.0);
  }
  int heads = 0;
  for (int i = 0; i < kN; ++i) heads += r.Bernoulli(0.3);
  EXPECT_NEAR(heads / static_cast<double>(kN), 0.3, 0.005);
}

TEST(RandomStreamTest, ExponentialMomentsAndCdf) {
  for (uint64_t seed : {1, 2, 3}) {
    RandomStream r(seed, 11);
    const double mean = 2.5;
    std::vector<double> x = Draw(kN, [&] { return r.Exponential(mean); });
    EXPECT_NEAR(Mean(x), mean, 0.02 * mean);
    EXPECT_NEAR(Variance(x), mean * mean, 0.04 * mean * mean);
    const double d = KsStatistic(x, [&](double v) { return 1 - std::exp(-v / mean); });
    EXPECT_LT(d, KsCritical(x.size())) << "seed " << seed;
    // The CDF at several points, including the tail beyond the ziggurat's base (x > 7.7 mean).
    for (double q : {0.1, 0.5, 1.0, 2.0, 4.0}) {
      const double p = std::count_if(x.begin(), x.end(), [&](double v) { return v <= q * mean; }) /
                       static_cast<double>(kN);
      EXPECT_NEAR(p, 1 - std::exp(-q), 0.005) << q;
    }
  }
  RandomStream r(9, 9);
  int tail = 0;
  const int n = 2000000;
  for (int i = 0; i < n; ++i) tail += r.Exponential(1.0) > 8.0;
  EXPECT_NEAR(tail / static_cast<double>(n), std::exp(-8.0), 0.2 * std::exp(-8.0));
}

TEST(RandomStreamTest, NormalMomentsAndCdf) {
  RandomStream r(5, 2);
  std::vector<double> x = Draw(kN, [&] { return r.Normal(3.0, 2.0); });
  EXPECT_NEAR(Mean(x), 3.0, 0.03);
  EXPECT_NEAR(Variance(x), 4.0, 0.08);
  const double d =
      KsStatistic(x, [](double v) { return 0.5 * std::erfc(-(v - 3.0) / (2.0 * std::sqrt(2.0))); });
  EXPECT_LT(d, KsCritical(x.size()));
}

TEST(RandomStreamTest, LognormalFromMedianMean) {
  const double median = 6.0, mean = 10.0;  // e.g. session length in minutes
  LognormalParams p = LognormalFromMedianMean(median, mean);
  EXPECT_NEAR(std::exp(p.mu), median, 1e-12);
  EXPECT_NEAR(std::exp(p.mu + 0.5 * p.sigma * p.sigma), mean, 1e-12);
  RandomStream r(8, 4);
  const size_t n = 400000;
  std::vector<double> x = Draw(n, [&] { return r.Lognormal(p.mu, p.sigma); });
  EXPECT_NEAR(Mean(x), mean, 0.02 * mean);
  std::vector<double> sorted = x;
  std::nth_element(sorted.begin(), sorted.begin() + n / 2, sorted.end());
  EXPECT_NEAR(sorted[n / 2], median, 0.01 * median);
  std::vector<double> logs(x.size());
  for (size_t i = 0; i < x.size(); ++i) logs[i] = std::log(x[i]);
  const double d = KsStatistic(
      logs, [&](double v) { return 0.5 * std::erfc(-(v - p.mu) / (p.sigma * std::sqrt(2.0))); });
  EXPECT_LT(d, KsCritical(logs.size()));

  LognormalParams q = LognormalFromMeanSigma(4.0, 0.5);
  EXPECT_NEAR(std::exp(q.mu + 0.5 * q.sigma * q.sigma), 4.0, 1e-12);
  EXPECT_EQ(q.sigma, 0.5);
}

TEST(RandomStreamTest, GammaMoments) {
  RandomStream r(6, 6);
  for (double shape : {0.5, 1.0, 2.5, 9.0}) {
    const double scale = 1.5;
    std::vector<double> x = Draw(kN, [&] { return r.Gamma(shape, scale); });
    EXPECT_NEAR(Mean(x), shape * scale, 0.02 * shape * scale) << shape;
    EXPECT_NEAR(Variance(x), shape * scale * scale, 0.05 * shape * scale * scale) << shape;
    EXPECT_GT(*std::min_element(x.begin(), x.end()), 0.0);
  }
}

TEST(RandomStreamTest, UniformIntIsUnbiased) {
  RandomStream r(3, 3);
  const uint64_t k = 7;
  std::vector<int> counts(k);
  for (int i = 0; i < 7 * kN / 5; ++i) {
    const uint64_t v = r.UniformInt(k);
    ASSERT_LT(v, k);
    ++counts[v];
  }
  const double expected = 7.0 * kN / 5 / k;
  double chi2 = 0;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 16.81);  // chi-square, 6 degrees of freedom, 1% level

  // A range of 3 * 2^62: a biased (modulo) reduction would skew the halves far from 2/3 : 1/3.
  const uint64_t big = 3ull << 62;
  int low = 0;
  for (int i = 0; i < kN; ++i) low += r.UniformInt(big) < (1ull << 63);
  EXPECT_NEAR(low / static_cast<double>(kN), 2.0 / 3.0, 0.006);
  EXPECT_EQ(r.UniformInt(1), 0u);
}

}  // namespace
// Poisson: mean and variance both equal the parameter, on both algorithms (inversion below 10,
// PTRS above), and P(0) = exp(-mean) for a small mean.
TEST(RandomStreamTest, PoissonMomentsOnBothAlgorithms) {
  for (double mean : {0.3, 4.0, 12.0, 250.0, 1e6}) {
    RandomStream rng(5, 9);
    constexpr int kN = 200000;
    double sum = 0, sum2 = 0;
    int zeros = 0;
    for (int i = 0; i < kN; ++i) {
      const double k = static_cast<double>(rng.Poisson(mean));
      sum += k;
      sum2 += k * k;
      zeros += k == 0 ? 1 : 0;
    }
    const double m = sum / kN;
    const double var = sum2 / kN - m * m;
    // Standard error of the mean is sqrt(mean / kN); allow 5 of them.
    EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / kN)) << mean;
    EXPECT_NEAR(var / mean, 1.0, 0.02) << mean;
    if (mean < 1) {
      EXPECT_NEAR(zeros / double{kN}, std::exp(-mean), 0.005);
    }
  }
  RandomStream rng(1, 1);
  EXPECT_EQ(rng.Poisson(0), 0u);
}

// Binomial: mean n p and variance n p (1 - p) in each regime (trials, geometric skips, normal),
// never above n, and the p > 0.5 reflection.
TEST(RandomStreamTest, BinomialMomentsInEachRegime) {
  struct Case {
    uint64_t n;
    double p;
  };
  for (Case c : {Case{10, 0.3}, Case{1000, 0.01}, Case{100000, 0.6}, Case{5000000, 0.39}}) {
    RandomStream rng(3, 4);
    constexpr int kN = 100000;
    double sum = 0, sum2 = 0;
    uint64_t most = 0;
    for (int i = 0; i < kN; ++i) {
      const uint64_t k = rng.Binomial(c.n, c.p);
      most = std::max(most, k);
      sum += static_cast<double>(k);
      sum2 += static_cast<double>(k) * static_cast<double>(k);
    }
    const double nd = static_cast<double>(c.n);
    const double m = sum / kN;
    const double var = sum2 / kN - m * m;
    const double want_var = nd * c.p * (1 - c.p);
    EXPECT_NEAR(m, nd * c.p, 5 * std::sqrt(want_var / kN)) << c.n << " " << c.p;
    EXPECT_NEAR(var / want_var, 1.0, 0.03) << c.n << " " << c.p;
    EXPECT_LE(most, c.n);
  }
  RandomStream rng(1, 1);
  EXPECT_EQ(rng.Binomial(0, 0.5), 0u);
  EXPECT_EQ(rng.Binomial(7, 0.0), 0u);
  EXPECT_EQ(rng.Binomial(7, 1.0), 7u);
}

}  // namespace capsim::sim
