#ifndef CAPSIM_MODELS_CAPACITY_SEARCH_H_
#define CAPSIM_MODELS_CAPACITY_SEARCH_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>
#include <vector>

#include "models/catalog.h"
#include "models/llm_cluster.h"
#include "models/perf_model.h"
#include "models/request_source.h"
#include "models/result.h"

namespace capsim::models {

// Service-level bounds a load test must meet. A bound that is <= 0 or NaN is not checked.
struct SloBounds {
  double ttft_p99_s = 0;             // p99 time to first token, seconds
  double tpot_p99_s = 0;             // p99 time per output token, seconds
  double e2e_p99_s = 0;              // p99 end-to-end latency, seconds
  double max_rejected_fraction = 0;  // share of offered requests rejected
  double ttff_p99_s = 0;             // avatars: p99 time to first frame, seconds
  double max_frame_miss_rate = 0;    // avatars: share of frames missing their deadline
};

// One evaluated operating point: the offered load, the measurements and the verdict.
// Latencies are +infinity when about 1% or more of the measured requests did not finish.
struct CapacityPoint {
  double load = 0;   // offered load (e.g. requests/s, sessions)
  int replicas = 0;  // serving units behind the load (0 when the evaluator does not say)
  bool slo_met = false;
  double ttft_p99_s = 0;
  double tpot_p99_s = 0;
  double e2e_p99_s = 0;
  double rejected_fraction = 0;    // rejected / offered in the measured window
  double unfinished_fraction = 0;  // neither completed nor rejected by the end of the run
  uint64_t requests = 0;           // offered requests in the measured window
  double ttff_p99_s = 0;           // avatars: p99 time to first frame
  double frame_miss_rate = 0;      // avatars: share of frames missing their deadline
  double mean_sessions = 0;        // avatars: mean concurrent sessions
  double gpus = 0;                 // avatars: mean GPUs held by the pipeline
};

// Whether `point`'s measurements meet every checked bound of `slo` (NaN measurements fail).
bool MeetsSlo(const SloBounds& slo, const CapacityPoint& point);

// Runs one load test at `load` and returns its point; must be deterministic in `load`.
using CapacityEvaluator = std::function<CapacityPoint(double load)>;

// How a search ended.
enum class CapacityOutcome {
  kConverged,         // the answer is bracketed within the tolerance (or found exactly)
  kLowerBoundFails,   // MaxLoad: `lo` already misses the SLO; no answer below it was sought
  kUpperBoundPasses,  // MaxLoad: `hi` still meets the SLO; the capacity is at least `hi`
  kBudgetExhausted,   // MaxLoad: max_evaluations ran out before the bracket was narrow enough
  kMaxReplicasFail,   // MinReplicas: even max_replicas misses the SLO
};

// A short lowercase name of `outcome` ("converged", "lower_bound_fails", ...).
std::string_view CapacityOutcomeName(CapacityOutcome outcome);

// The result of MaxLoad: the bracket [max_load, min_failing_load] and every evaluated point.
struct MaxLoadResult {
  CapacityOutcome outcome = CapacityOutcome::kConverged;
  // The largest evaluated load that met the SLO (NaN when none did, i.e. kLowerBoundFails).
  double max_load = std::numeric_limits<double>::quiet_NaN();
  // The smallest evaluated load that missed the SLO (NaN when none did, i.e. kUpperBoundPasses).
  double min_failing_load = std::numeric_limits<double>::quiet_NaN();
  std::vector<CapacityPoint> points;  // in evaluation order
};

// Bisects [lo, hi] (lo < hi, tolerance > 0, max_evaluations >= 2) for the largest load meeting
// the SLO, assuming slo_met is monotone (true below a threshold, false above): evaluates lo,
// then hi, then midpoints until min_failing_load - max_load <= tolerance; at most
// 2 + ceil(log2((hi - lo) / tolerance)) evaluations when the budget allows. When lo fails or hi
// passes it stops there and says so instead of extrapolating.
MaxLoadResult MaxLoad(const CapacityEvaluator& evaluator, double lo, double hi, double tolerance,
                      int max_evaluations);

// The result of MinReplicas and every evaluated point (point.replicas set to the count tried).
struct MinReplicasResult {
  CapacityOutcome outcome = CapacityOutcome::kConverged;
  int replicas = 0;  // the fewest replicas meeting the SLO (0 when kMaxReplicasFail)
  std::vector<CapacityPoint> points;  // in evaluation order
};

// The fewest replicas in [1, max_replicas] whose evaluator (make_evaluator(n)) meets the SLO at
// `load`, assuming more replicas never hurt: tries 1, 2, 4, ... (the last clamped to
// max_replicas) until one passes, then bisects the integers between the last failing count and
// the passing one. GPUs are replicas x the replica's tp x pp.
MinReplicasResult MinReplicas(const std::function<CapacityEvaluator(int replicas)>& make_evaluator,
                              double load, int max_replicas);

// The points as a table (one row each; columns load, slo_met, ttft_p99, tpot_p99, e2e_p99,
// rejected_fraction, replicas, then unfinished_fraction and requests) for the result file.
Table PointsTable(const std::vector<CapacityPoint>& points);

// A Poisson load test of an LlmCluster, as LlmClusterEvaluator runs it.
struct LlmLoadTest {
  ClusterConfig cluster;  // keep_records is forced on (the window's requests are picked out)
  LengthModel lengths;
  SloBounds slo;
  double warmup_s = 30;     // requests arriving before this are served but not measured
  double duration_s = 120;  // the measured window: arrivals in [warmup_s, warmup_s + duration_s)
  // After the last arrival the run continues this long; measured requests still unfinished then
  // count as infinitely slow (a p99 is +infinity once they are about 1% of the window).
  double drain_s = 60;
  uint64_t seed = 1;
  uint64_t stream = 0;
};

// An evaluator that runs `test` at each load (requests/s > 0) on a fresh Simulator and
// LlmCluster; `model` and `perf` must outlive it. Common random numbers: every load replays the
// same unit-rate Poisson stream (same lengths, request i at time t_i / load), so loads differ
// only in their time scale and slo_met is monotone in practice. Arrivals stop at the window's
// end; p99s are exact (lower-rank) quantiles over the window's completed requests plus its
// unfinished ones at +infinity; rejected requests count only in rejected_fraction.
CapacityEvaluator LlmClusterEvaluator(const ModelSpec& model, const PerfModel& perf,
                                      LlmLoadTest test);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_CAPACITY_SEARCH_H_
