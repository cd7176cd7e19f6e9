#ifndef CAPSIM_MODELS_REPLICATIONS_H_
#define CAPSIM_MODELS_REPLICATIONS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/result.h"
#include "sim/status.h"

namespace capsim::models {

// The seed of replication `index` of a run seeded `seed`: index 0 keeps `seed` (one replication
// is the plain run), the others a SplitMix64 mix of (seed, index), so every replication draws
// from its own random streams and the same (seed, index) always gives the same seed.
uint64_t ReplicationSeed(uint64_t seed, int index);

// One replication: the whole run with the given seed.
using ReplicationRun = std::function<Result<RunResult>(uint64_t seed, int index)>;

// Runs replications 0..k-1 (k >= 1) of `run` in parallel (oneTBB; `run` must be safe to call
// concurrently) and combines them: the result is replication 0's (timeseries and tables), its
// summary metrics replaced by their means over the replications with the half-width of the 95%
// Student-t interval (SummaryMetric::half_width, ::replications; metrics a replication lacks or
// leaves non-finite are averaged over the others), and RunResult::replications holding every
// replication's value of every metric. k = 1 returns the plain run unchanged. The first failing
// replication's error, prefixed "replication I (seed S): ", fails the whole.
Result<RunResult> RunReplications(int k, uint64_t seed, const ReplicationRun& run);

// Sequential stopping: replicate until every chosen metric's 95% half-width is at most
// `relative_half_width` of its mean's magnitude (a metric whose mean is 0 needs a half-width of
// 0), checked after each batch of `batch` replications, with at least `min_replications`.
struct StoppingRule {
  double relative_half_width = 0.05;
  std::vector<std::string> metrics;  // summary keys; empty = every metric with finite values
  int min_replications = 4;
  int batch = 4;
};

// What a sequentially stopped run did.
struct StoppedRun {
  RunResult result;                // as RunReplications over the replications run
  bool converged = false;          // every chosen metric met the target (else max_replications ran)
  std::vector<std::string> unmet;  // the chosen metrics still above the target
};

// RunReplications with sequential stopping, up to `max_replications`; the result is identical
// to RunReplications(n, seed, run) for the n it stopped at. Errors as RunReplications, or when
// a chosen metric is not in the summary.
Result<StoppedRun> RunReplicationsUntil(int max_replications, uint64_t seed,
                                        const ReplicationRun& run, const StoppingRule& rule);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_REPLICATIONS_H_
