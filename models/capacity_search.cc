#include "models/capacity_search.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <utility>

#include "sim/simulator.h"
#include "sim/time.h"

namespace capsim::models {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Whether `bound` is checked (> 0; NaN is not).
bool Checked(double bound) { return bound > 0; }

// Whether `value` is within a checked `bound` (NaN values fail); true for unchecked bounds.
bool Within(double value, double bound) { return !Checked(bound) || value <= bound; }

// The lower-rank 0.99 quantile of `samples` plus `censored` samples at +infinity (the sample of
// rank floor(0.99 (n - 1)) in sorted order); 0 when there are none.
double P99(std::vector<double> samples, uint64_t censored) {
  const uint64_t n = samples.size() + censored;
  if (n == 0) return 0;
  const uint64_t rank = static_cast<uint64_t>(std::floor(0.99 * static_cast<double>(n - 1)));
  if (rank >= samples.size()) return kInf;
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(rank),
                   samples.end());
  return samples[rank];
}

// Runs `test` at `load` requests/s (see LlmClusterEvaluator).
CapacityPoint RunLoadTest(const ModelSpec& model, const PerfModel& perf, const LlmLoadTest& test,
                          double load) {
  assert(load > 0 && test.duration_s > 0 && test.warmup_s >= 0 && test.drain_s >= 0);
  const double window_start_s = test.warmup_s;
  const double window_end_s = test.warmup_s + test.duration_s;

  // The same unit-rate stream at every load, compressed in time by 1 / load.
  std::vector<Request> trace =
      RequestSource::Poisson(1.0, test.lengths, {.end_s = window_end_s * load}, test.seed,
                             test.stream)
          .Drain();
  for (Request& r : trace) r.arrival_s /= load;
  std::vector<bool> measured(trace.size());
  for (size_t i = 0; i < trace.size(); ++i) {
    measured[i] = trace[i].arrival_s >= window_start_s && trace[i].arrival_s < window_end_s;
  }
  std::vector<std::pair<int64_t, int64_t>> lengths(trace.size());
  for (size_t i = 0; i < trace.size(); ++i) {
    lengths[i] = {trace[i].input_tokens, trace[i].output_tokens};
  }

  sim::Simulator sim;
  ClusterConfig config = test.cluster;
  config.keep_records = true;
  config.autoscale.reset();  // a capacity point is a fixed replica count
  // Replay renumbers ids 0, 1, ... in trace order, so a record's id indexes `measured`.
  LlmCluster cluster(sim, model, perf, config, RequestSource::Replay(std::move(trace), {}));
  cluster.Start();
  sim.RunUntil(sim::Time::FromSeconds(window_end_s + test.drain_s));

  // A replica rejects at Submit what cannot fit its whole cache; the replicas are identical.
  const KvCache& kv = cluster.replica(0).kv_cache();
  uint64_t offered = 0, rejected = 0;
  for (size_t i = 0; i < measured.size(); ++i) {
    if (!measured[i]) continue;
    ++offered;
    if (kv.BlocksForTokens(lengths[i].first + lengths[i].second - 1) > kv.total_blocks()) {
      ++rejected;
    }
  }
  std::vector<double> ttft, tpot, e2e;
  for (const ClusterRecord& c : cluster.records()) {
    if (c.record.id >= measured.size() || !measured[c.record.id]) continue;
    ttft.push_back(c.record.ttft_s());
    tpot.push_back(c.record.tpot_s());
    e2e.push_back(c.record.e2e_s());
  }
  const uint64_t unfinished = offered - rejected - ttft.size();

  CapacityPoint p;
  p.load = load;
  p.replicas = config.replicas;
  p.requests = offered;
  const double den = offered > 0 ? static_cast<double>(offered) : 1.0;
  p.rejected_fraction = static_cast<double>(rejected) / den;
  p.unfinished_fraction = static_cast<double>(unfinished) / den;
  p.ttft_p99_s = P99(std::move(ttft), unfinished);
  p.tpot_p99_s = P99(std::move(tpot), unfinished);
  p.e2e_p99_s = P99(std::move(e2e), unfinished);
  p.slo_met = MeetsSlo(test.slo, p);
  return p;
}

Column NumericColumn(const char* name, const char* units, const char* long_name, size_t rows) {
  Column c{name, units, long_name, {}};
  c.values.reserve(rows);
  return c;
}

}  // namespace

bool MeetsSlo(const SloBounds& slo, const CapacityPoint& point) {
  return Within(point.ttft_p99_s, slo.ttft_p99_s) && Within(point.tpot_p99_s, slo.tpot_p99_s) &&
         Within(point.e2e_p99_s, slo.e2e_p99_s) &&
         Within(point.rejected_fraction, slo.max_rejected_fraction) &&
         Within(point.ttff_p99_s, slo.ttff_p99_s) &&
         Within(point.frame_miss_rate, slo.max_frame_miss_rate);
}

std::string_view CapacityOutcomeName(CapacityOutcome outcome) {
  switch (outcome) {
    case CapacityOutcome::kConverged:
      return "converged";
    case CapacityOutcome::kLowerBoundFails:
      return "lower_bound_fails";
    case CapacityOutcome::kUpperBoundPasses:
      return "upper_bound_passes";
    case CapacityOutcome::kBudgetExhausted:
      return "budget_exhausted";
    case CapacityOutcome::kMaxReplicasFail:
      return "max_replicas_fail";
  }
  return "unknown";
}

MaxLoadResult MaxLoad(const CapacityEvaluator& evaluator, double lo, double hi, double tolerance,
                      int max_evaluations) {
  assert(lo < hi && tolerance > 0 && max_evaluations >= 2);
  MaxLoadResult result;
  auto evaluate = [&](double load) {
    result.points.push_back(evaluator(load));
    result.points.back().load = load;
    return result.points.back().slo_met;
  };
  if (!evaluate(lo)) {
    result.outcome = CapacityOutcome::kLowerBoundFails;
    result.min_failing_load = lo;
    return result;
  }
  result.max_load = lo;
  if (evaluate(hi)) {
    result.outcome = CapacityOutcome::kUpperBoundPasses;
    result.max_load = hi;
    return result;
  }
  result.min_failing_load = hi;
  while (result.min_failing_load - result.max_load > tolerance) {
    if (static_cast<int>(result.points.size()) >= max_evaluations) {
      result.outcome = CapacityOutcome::kBudgetExhausted;
      return result;
    }
    const double mid = 0.5 * (result.max_load + result.min_failing_load);
    if (evaluate(mid)) {
      result.max_load = mid;
    } else {
      result.min_failing_load = mid;
    }
  }
  result.outcome = CapacityOutcome::kConverged;
  return result;
}

MinReplicasResult MinReplicas(const std::function<CapacityEvaluator(int replicas)>& make_evaluator,
                              double load, int max_replicas) {
  assert(max_replicas >= 1);
  MinReplicasResult result;
  auto evaluate = [&](int replicas) {
    result.points.push_back(make_evaluator(replicas)(load));
    result.points.back().load = load;
    result.points.back().replicas = replicas;
    return result.points.back().slo_met;
  };
  int failing = 0;  // the largest count known to fail (0: none tried)
  int passing = 0;  // the smallest count known to pass (0: none yet)
  for (int n = 1;; n = n > max_replicas / 2 ? max_replicas : 2 * n) {
    if (evaluate(n)) {
      passing = n;
      break;
    }
    failing = n;
    if (n == max_replicas) {
      result.outcome = CapacityOutcome::kMaxReplicasFail;
      return result;
    }
  }
  while (passing - failing > 1) {
    const int mid = failing + (passing - failing) / 2;
    if (evaluate(mid)) {
      passing = mid;
    } else {
      failing = mid;
    }
  }
  result.outcome = CapacityOutcome::kConverged;
  result.replicas = passing;
  return result;
}

Table PointsTable(const std::vector<CapacityPoint>& points) {
  const size_t n = points.size();
  Column load = NumericColumn("load", "1/s", "offered load", n);
  Column slo = NumericColumn("slo_met", "1", "SLO met (1) or missed (0)", n);
  Column ttft = NumericColumn("ttft_p99", "s", "p99 time to first token", n);
  Column tpot = NumericColumn("tpot_p99", "s", "p99 time per output token", n);
  Column e2e = NumericColumn("e2e_p99", "s", "p99 end-to-end latency", n);
  Column rejected = NumericColumn("rejected_fraction", "1", "share of requests rejected", n);
  Column replicas = NumericColumn("replicas", "1", "replicas", n);
  Column unfinished =
      NumericColumn("unfinished_fraction", "1", "share of requests unfinished at the end", n);
  Column requests = NumericColumn("requests", "1", "requests in the measured window", n);
  Column ttff = NumericColumn("ttff_p99", "s", "p99 time to first frame (avatars)", n);
  Column miss = NumericColumn("frame_miss_rate", "1", "share of frames missing the deadline", n);
  Column sessions = NumericColumn("mean_sessions", "1", "mean concurrent sessions (avatars)", n);
  Column gpus = NumericColumn("gpus", "GPU", "mean GPUs held by the avatar pipeline", n);
  for (const CapacityPoint& p : points) {
    load.values.push_back(p.load);
    slo.values.push_back(p.slo_met ? 1.0 : 0.0);
    ttft.values.push_back(p.ttft_p99_s);
    tpot.values.push_back(p.tpot_p99_s);
    e2e.values.push_back(p.e2e_p99_s);
    rejected.values.push_back(p.rejected_fraction);
    replicas.values.push_back(static_cast<double>(p.replicas));
    unfinished.values.push_back(p.unfinished_fraction);
    requests.values.push_back(static_cast<double>(p.requests));
    ttff.values.push_back(p.ttff_p99_s);
    miss.values.push_back(p.frame_miss_rate);
    sessions.values.push_back(p.mean_sessions);
    gpus.values.push_back(p.gpus);
  }
  Table t;
  t.numeric = {std::move(load),     std::move(slo),      std::move(ttft),     std::move(tpot),
               std::move(e2e),      std::move(rejected), std::move(replicas), std::move(unfinished),
               std::move(requests), std::move(ttff),     std::move(miss),     std::move(sessions),
               std::move(gpus)};
  return t;
}

CapacityEvaluator LlmClusterEvaluator(const ModelSpec& model, const PerfModel& perf,
                                      LlmLoadTest test) {
  test.cluster.keep_records = true;
  return [&model, &perf, test = std::move(test)](double load) {
    return RunLoadTest(model, perf, test, load);
  };
}

}  // namespace capsim::models
