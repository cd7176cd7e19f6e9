#include "models/diurnal_arrivals.h"

#include <cassert>
#include <cmath>
#include <numbers>

namespace capsim::models {
namespace {

constexpr double kDay = 86400.0;

double PeakToMean(double k) { return std::exp(k) / std::cyl_bessel_i(0.0, k); }

}  // namespace

double ConcentrationForPeakToMean(double peak_to_mean) {
  assert(peak_to_mean >= 1);
  if (peak_to_mean <= 1) return 0;
  double lo = 0, hi = 1;
  while (PeakToMean(hi) < peak_to_mean) hi *= 2;  // exp(k)/I0(k) grows like sqrt(2 pi k)
  for (int i = 0; i < 200 && hi - lo > 1e-13; ++i) {
    double mid = 0.5 * (lo + hi);
    (PeakToMean(mid) < peak_to_mean ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

ArrivalProcess::ArrivalProcess(const ArrivalSpec& spec) : spec_(spec) {
  assert(spec.peak_rate_per_s > 0);
  if (spec.kind == ArrivalSpec::Kind::kPoisson) {
    mean_rate_ = spec.peak_rate_per_s;
    return;
  }
  k_ = ConcentrationForPeakToMean(spec.peak_to_mean);
  mean_rate_ = spec.peak_rate_per_s / spec.peak_to_mean;
  norm_ = 1.0 / std::cyl_bessel_i(0.0, k_);
}

double ArrivalProcess::Rate(double t) const {
  if (spec_.kind == ArrivalSpec::Kind::kPoisson) return mean_rate_;
  double phase = 2 * std::numbers::pi * (t - spec_.peak_time_s) / kDay;
  return mean_rate_ * std::exp(k_ * std::cos(phase)) * norm_;
}

double ArrivalProcess::Next(double t, sim::RandomStream& rng) const {
  const double peak = spec_.peak_rate_per_s;
  for (;;) {
    t += rng.Exponential(1.0 / peak);
    if (spec_.kind == ArrivalSpec::Kind::kPoisson) return t;
    if (rng.Uniform() * peak <= Rate(t)) return t;  // thinning (Lewis & Shedler)
  }
}

}  // namespace capsim::models
