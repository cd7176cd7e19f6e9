#ifndef CAPSIM_MODELS_ARRIVAL_SPEC_H_
#define CAPSIM_MODELS_ARRIVAL_SPEC_H_

namespace capsim::models {

// How sessions or requests arrive: a Poisson process, or a non-homogeneous Poisson process with
// one diurnal peak (see ArrivalProcess in models/diurnal_arrivals.h).
struct ArrivalSpec {
  enum class Kind { kPoisson, kDiurnalPoisson };
  Kind kind = Kind::kDiurnalPoisson;
  double peak_rate_per_s = 0;       // the rate itself for kPoisson
  double peak_to_mean = 1.0;        // diurnal only: peak rate / daily mean rate (> 1)
  double peak_time_s = 20 * 3600;   // diurnal only: time of day of the peak
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_ARRIVAL_SPEC_H_
