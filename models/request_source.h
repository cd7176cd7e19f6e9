#ifndef CAPSIM_MODELS_REQUEST_SOURCE_H_
#define CAPSIM_MODELS_REQUEST_SOURCE_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "models/diurnal_arrivals.h"
#include "models/request.h"
#include "models/arrival_spec.h"
#include "sim/random.h"

namespace capsim::models {

// A token-length distribution fitted from its median and mean (mean >= median > 0); draws are
// rounded to the nearest integer and clamped to [1, max].
struct LognormalLength {
  double median = 0;
  double mean = 0;
  int64_t max = 0;
};

// How a synthetic source draws each request's input and output lengths.
struct LengthModel {
  enum class Kind { kLognormal, kEmpirical };
  Kind kind = Kind::kLognormal;
  // kLognormal. Defaults: the Azure LLM inference conversation trace 2023 (workloads.md §6,
  // FIRM): input mean 1,155 median 1,020; output mean 211 median 129. The caps are capsim's
  // choice (the trace's maxima are 14,050 and 1,000), high enough to leave the means intact.
  LognormalLength input{1020, 1155, 32768};
  LognormalLength output{129, 211, 4096};
  // kEmpirical: (input, output) pairs, e.g. from a trace; each request takes one pair drawn
  // uniformly (with replacement). Must not be empty; all values >= 1.
  std::vector<std::pair<int64_t, int64_t>> pairs;

  // Lognormal lengths with the given input and output distributions.
  static LengthModel Lognormal(LognormalLength input, LognormalLength output);
  // Lengths resampled uniformly from `pairs` (non-empty, all values >= 1).
  static LengthModel Empirical(std::vector<std::pair<int64_t, int64_t>> pairs);
  // The (input, output) pairs of `requests` as an empirical model (requests non-empty).
  static LengthModel FromRequests(const std::vector<Request>& requests);
};

// When a synthetic source stops: after `max_requests` requests or at the first arrival at or
// after `end_s`, whichever comes first. At least one of the two must be finite for a source
// that is drained to the end.
struct SourceLimits {
  double end_s = std::numeric_limits<double>::infinity();
  uint64_t max_requests = std::numeric_limits<uint64_t>::max();
};

// How a trace is replayed: the requests whose trace arrival lies in [start_s, end_s) are
// taken, at most `max_requests` of them, in trace order, and each arrives at
// (arrival_s - start_s) * time_scale (time_scale 0.5 replays twice as fast).
struct ReplayOptions {
  double time_scale = 1.0;
  double start_s = 0;
  double end_s = std::numeric_limits<double>::infinity();
  uint64_t max_requests = std::numeric_limits<uint64_t>::max();
};

// A stream of requests in arrival order (arrival times non-decreasing), with ids 0, 1, 2, ...
// Deterministic: one RandomStream (seed, stream) per source draws both the arrival gaps and
// the lengths, so the same arguments give the same sequence.
//
//   RequestSource src = RequestSource::Bursty(5.5, /*cv=*/2, LengthModel{}, {.end_s = 3600},
//                                             /*seed=*/42, /*stream=*/3);
//   while (std::optional<Request> r = src.Next()) Submit(*r);
class RequestSource {
 public:
  // Homogeneous Poisson arrivals with `rate_per_s` (> 0).
  static RequestSource Poisson(double rate_per_s, LengthModel lengths, SourceLimits limits,
                               uint64_t seed, uint64_t stream);
  // Poisson or diurnal non-homogeneous Poisson arrivals as described by `arrivals`
  // (see ArrivalProcess); t = 0 is midnight.
  static RequestSource Diurnal(const ArrivalSpec& arrivals, LengthModel lengths,
                               SourceLimits limits, uint64_t seed, uint64_t stream);
  // A renewal process with gamma inter-arrival times of mean 1 / rate_per_s (rate > 0) and
  // coefficient of variation `cv` (> 0): shape 1 / cv^2, scale mean / shape. cv 1 is Poisson;
  // cv > 1 is burstier.
  static RequestSource Bursty(double rate_per_s, double cv, LengthModel lengths,
                              SourceLimits limits, uint64_t seed, uint64_t stream);
  // `count` requests all arriving at t = 0 (offline throughput measurement).
  static RequestSource Offline(uint64_t count, LengthModel lengths, uint64_t seed, uint64_t stream);
  // The requests of a trace replayed as `options` says, in arrival order (stably sorted by
  // arrival_s); lengths and prefix blocks are kept, ids are renumbered from 0. No randomness.
  static RequestSource Replay(std::vector<Request> trace, const ReplayOptions& options);

  // The next request, or std::nullopt once the source is exhausted (and on every later call).
  std::optional<Request> Next();
  // Every remaining request (the source must be finite).
  std::vector<Request> Drain();
  // Number of requests returned so far.
  uint64_t emitted() const { return next_id_; }

 private:
  enum class Kind { kArrivalProcess, kGamma, kOffline, kReplay };
  RequestSource(Kind kind, LengthModel lengths, SourceLimits limits, uint64_t seed,
                uint64_t stream);
  // Draws (input, output) lengths from the length model.
  std::pair<int64_t, int64_t> DrawLengths();

  Kind kind_;
  LengthModel lengths_;
  SourceLimits limits_;
  sim::RandomStream rng_;
  std::optional<ArrivalProcess> process_;  // kArrivalProcess
  sim::LognormalParams input_params_{0, 0};
  sim::LognormalParams output_params_{0, 0};
  double gamma_shape_ = 1;  // kGamma
  double gamma_scale_ = 1;  // kGamma
  double t_ = 0;            // time of the last arrival
  uint64_t next_id_ = 0;
  bool done_ = false;
  std::vector<Request> trace_;  // kReplay: the selected requests, already rescaled
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_REQUEST_SOURCE_H_
