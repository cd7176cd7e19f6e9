#ifndef CAPSIM_MODELS_AVATAR_CAPACITY_H_
#define CAPSIM_MODELS_AVATAR_CAPACITY_H_

#include <cstdint>

#include "models/capacity_search.h"
#include "models/catalog.h"
#include "models/perf_model.h"
#include "models/scenario.h"

namespace capsim::models {

// A load test of the replica-level avatar pipeline alone on its pool: Poisson session arrivals
// at the tested rate, statistics over `duration_s` after `warmup_s`.
struct AvatarLoadTest {
  AvatarSpec spec;      // spec.replica set
  PoolSpec pool;        // the whole pool is the avatars' (face nodes grow into it)
  PolicySpec policy;
  SloBounds slo;        // ttff_p99_s, max_frame_miss_rate, max_rejected_fraction are used
  double warmup_s = 1200;
  double duration_s = 1800;
  uint64_t seed = 1;
};

// Evaluates `test` at a load of `load` sessions/s. The arrival stream is one unit-rate stream
// scaled by 1/load and session i always draws from stream i, so points share their random
// numbers (common random numbers). The point carries TTFF p99, the frame-miss rate, the share of
// arrivals rejected, the mean concurrent sessions and the mean GPUs the pipeline held in the
// measured window; an invalid test gives a point that misses the SLO with NaN measurements.
// `catalog` and `perf` must outlive the evaluator.
CapacityEvaluator AvatarPipelineEvaluator(const Catalog& catalog, const PerfModel& perf,
                                          AvatarLoadTest test);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_AVATAR_CAPACITY_H_
