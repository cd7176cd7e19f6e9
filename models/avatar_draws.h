#ifndef CAPSIM_MODELS_AVATAR_DRAWS_H_
#define CAPSIM_MODELS_AVATAR_DRAWS_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/scenario.h"
#include "sim/random.h"

namespace capsim::models {

// Pieces both avatar fidelities share: RNG stream ids, session-table slots and the lognormal
// draws of a session.

// Stream ids within a workload: arrivals and each session draw from their own stream, so that a
// session's length and turns do not depend on what else happens in the run (common random
// numbers). Session i uses kSessionStreamBase + i.
inline constexpr uint64_t kArrivalStream = 0;
inline constexpr uint64_t kSessionStreamBase = 1;

// An index of `items` free for a new session: the last freed one, else a new default element.
template <class T>
uint32_t TakeFreeId(std::vector<T>& items, std::vector<uint32_t>& free_ids) {
  if (!free_ids.empty()) {
    const uint32_t id = free_ids.back();
    free_ids.pop_back();
    return id;
  }
  items.emplace_back();
  return static_cast<uint32_t>(items.size() - 1);
}

// A lognormal draw with the given mean and sigma (0 when mean <= 0).
inline double DrawLognormalMean(sim::RandomStream& rng, double mean, double sigma) {
  if (mean <= 0) return 0;
  const sim::LognormalParams p = sim::LognormalFromMeanSigma(mean, sigma);
  return rng.Lognormal(p.mu, p.sigma);
}

// A session length: lognormal by median and mean, capped at len.cap when that is > 0.
inline double DrawSessionLength(sim::RandomStream& rng, const LognormalSpec& len) {
  const sim::LognormalParams lp = sim::LognormalFromMedianMean(len.median, len.mean);
  const double length = rng.Lognormal(lp.mu, lp.sigma);
  return len.cap > 0 ? std::min(length, len.cap) : length;
}

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_AVATAR_DRAWS_H_
