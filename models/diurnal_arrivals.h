#ifndef CAPSIM_MODELS_DIURNAL_ARRIVALS_H_
#define CAPSIM_MODELS_DIURNAL_ARRIVALS_H_

#include "models/arrival_spec.h"
#include "sim/random.h"

namespace capsim::models {

// Session starts as a (possibly) non-homogeneous Poisson process. The diurnal profile is
// rate(t) = mean * exp(k cos(2 pi (t - peak_time) / day)) / I0(k): smooth, one peak a day, and
// with k solved from the peak-to-mean ratio its trough-to-mean ratio follows (peak/mean 2.3
// gives trough/mean 0.23, inside workloads.md §5's 0.1-0.3). Sampled exactly by thinning.
//
//   ArrivalProcess arrivals(spec.arrivals);
//   double t = arrivals.Next(0.0, rng);  // seconds of the first arrival
class ArrivalProcess {
 public:
  explicit ArrivalProcess(const ArrivalSpec& spec);

  // The arrival rate (1/s) at `t` seconds since the start of the run (midnight).
  double Rate(double t) const;
  // The daily mean rate (1/s).
  double MeanRate() const { return mean_rate_; }
  // The time (s) of the first arrival after `t`.
  double Next(double t, sim::RandomStream& rng) const;
  // The concentration k of the profile (0 for a homogeneous process).
  double concentration() const { return k_; }

 private:
  ArrivalSpec spec_;
  double k_ = 0;
  double mean_rate_ = 0;
  double norm_ = 1;  // 1 / I0(k)
};

// The concentration k with exp(k) / I0(k) == peak_to_mean (>= 1).
double ConcentrationForPeakToMean(double peak_to_mean);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_DIURNAL_ARRIVALS_H_
