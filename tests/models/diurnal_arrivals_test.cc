#include "models/diurnal_arrivals.h"

#include <gtest/gtest.h>

#include <cmath>

namespace capsim::models {
namespace {

ArrivalSpec Diurnal(double peak, double ratio) {
  ArrivalSpec a;
  a.kind = ArrivalSpec::Kind::kDiurnalPoisson;
  a.peak_rate_per_s = peak;
  a.peak_to_mean = ratio;
  a.peak_time_s = 20 * 3600;
  return a;
}

TEST(DiurnalArrivals, ConcentrationReproducesPeakToMean) {
  for (double ratio : {1.0, 1.3, 2.3, 5.0}) {
    const double k = ConcentrationForPeakToMean(ratio);
    EXPECT_NEAR(std::exp(k) / std::cyl_bessel_i(0.0, k), ratio, 1e-9) << ratio;
  }
}

TEST(DiurnalArrivals, ProfileHasItsPeakMeanAndTrough) {
  // workloads.md §5 (ESTIMATE): peak/mean ~2.3 and trough/mean 0.1-0.3.
  ArrivalProcess p(Diurnal(2.3, 2.3));
  EXPECT_NEAR(p.Rate(20 * 3600), 2.3, 1e-9);
  EXPECT_NEAR(p.MeanRate(), 1.0, 1e-12);
  double integral = 0;
  const int n = 86400;
  for (int i = 0; i < n; ++i) integral += p.Rate(i + 0.5);
  EXPECT_NEAR(integral / n, 1.0, 1e-6);
  const double trough = p.Rate(8 * 3600);
  EXPECT_GT(trough, 0.1);
  EXPECT_LT(trough, 0.3);
}

TEST(DiurnalArrivals, ThinnedCountsMatchTheIntegratedRate) {
  ArrivalProcess p(Diurnal(2.0, 2.3));
  sim::RandomStream rng(3, 1);
  // Count arrivals by hour over 20 days; compare each hour's mean with the integral of the rate.
  std::vector<double> counts(24, 0);
  const int days = 20;
  for (double t = p.Next(0, rng); t < days * 86400.0; t = p.Next(t, rng)) {
    counts[static_cast<int>(std::fmod(t, 86400.0) / 3600)] += 1;
  }
  for (int h = 0; h < 24; ++h) {
    double expected = 0;
    for (int s = 0; s < 3600; ++s) expected += p.Rate(h * 3600 + s + 0.5);
    expected *= days;
    // Poisson: standard deviation sqrt(expected); allow 4 of them.
    EXPECT_NEAR(counts[h], expected, 4 * std::sqrt(expected)) << "hour " << h;
  }
}

TEST(DiurnalArrivals, PoissonIsHomogeneous) {
  ArrivalSpec a;
  a.kind = ArrivalSpec::Kind::kPoisson;
  a.peak_rate_per_s = 5;
  ArrivalProcess p(a);
  EXPECT_DOUBLE_EQ(p.Rate(0), 5);
  EXPECT_DOUBLE_EQ(p.Rate(12345), 5);
  sim::RandomStream rng(1, 1);
  int n = 0;
  for (double t = p.Next(0, rng); t < 20000; t = p.Next(t, rng)) ++n;
  EXPECT_NEAR(n, 100000, 4 * std::sqrt(100000.0));
}

}  // namespace
}  // namespace capsim::models
