#include "models/replications.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <tbb/parallel_for.h>

#include "sim/statistics.h"

namespace capsim::models {

uint64_t ReplicationSeed(uint64_t seed, int index) {
  if (index == 0) return seed;
  // SplitMix64 (Steele, Lea and Flood 2014) of the seed advanced by the index.
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(index) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

using Runs = std::vector<std::optional<Result<RunResult>>>;

// Runs replications [from, to) into runs[from, to), in parallel.
void RunRange(int from, int to, uint64_t seed, const ReplicationRun& run, Runs* runs) {
  runs->resize(static_cast<size_t>(to));
  tbb::parallel_for(from, to, [&](int i) {
    (*runs)[static_cast<size_t>(i)].emplace(run(ReplicationSeed(seed, i), i));
  });
}

// The first failed replication of runs[0, k) as an error, or OK.
Status FirstFailure(const Runs& runs, int k, uint64_t seed) {
  for (int i = 0; i < k; ++i) {
    const Result<RunResult>& r = *runs[static_cast<size_t>(i)];
    if (r.ok()) continue;
    std::vector<std::string> problems;
    for (const std::string& p : r.status().problems()) {
      problems.push_back("replication " + std::to_string(i) + " (seed " +
                         std::to_string(ReplicationSeed(seed, i)) + "): " + p);
    }
    return Status::Errors(std::move(problems));
  }
  return Status::Ok();
}

// Replication 0's result with every metric combined over runs[0, k) (all succeeded, k >= 2).
RunResult Combine(const Runs& runs, int k, uint64_t seed) {
  RunResult out = runs[0]->value();
  out.seed = seed;
  Table& table = out.replications;
  table = Table{};
  Column index{"replication", "1", "replication index", {}};
  Column seeds{"seed", "1", "the replication's seed", {}};
  for (int i = 0; i < k; ++i) {
    index.values.push_back(i);
    seeds.values.push_back(static_cast<double>(ReplicationSeed(seed, i)));
  }
  table.numeric.push_back(std::move(index));
  table.numeric.push_back(std::move(seeds));
  for (SummaryMetric& m : out.summary) {
    std::vector<double> values;
    for (int i = 0; i < k; ++i) {
      double v = std::numeric_limits<double>::quiet_NaN();
      for (const SummaryMetric& o : runs[static_cast<size_t>(i)]->value().summary) {
        if (o.key == m.key) v = o.value;
      }
      values.push_back(v);
    }
    const sim::MeanInterval ci = sim::MeanConfidence(values);
    table.numeric.push_back({m.key, m.units, m.long_name, values});
    m.value = ci.mean;
    m.half_width = ci.half_width;
    m.replications = ci.n;
  }
  return out;
}

}  // namespace

Result<RunResult> RunReplications(int k, uint64_t seed, const ReplicationRun& run) {
  assert(k >= 1);
  if (k == 1) return run(seed, 0);
  Runs runs;
  RunRange(0, k, seed, run, &runs);
  if (Status s = FirstFailure(runs, k, seed); !s.ok()) return s;
  return Combine(runs, k, seed);
}

Result<StoppedRun> RunReplicationsUntil(int max_replications, uint64_t seed,
                                        const ReplicationRun& run, const StoppingRule& rule) {
  assert(max_replications >= 2 && rule.batch >= 1 && rule.relative_half_width > 0);
  Runs runs;
  int done = 0;
  int next = std::min(max_replications, std::max(2, rule.min_replications));
  for (;;) {
    RunRange(done, next, seed, run, &runs);
    done = next;
    if (Status s = FirstFailure(runs, done, seed); !s.ok()) return s;
    StoppedRun out;
    out.result = Combine(runs, done, seed);
    bool all = true;
    for (const std::string& key : rule.metrics) {
      bool found = false;
      for (const SummaryMetric& m : out.result.summary) found = found || m.key == key;
      if (!found) return Status::Error("--precision: no summary metric '" + key + "'");
    }
    for (const SummaryMetric& m : out.result.summary) {
      const bool chosen = rule.metrics.empty() ? std::isfinite(m.value)
                                               : std::find(rule.metrics.begin(), rule.metrics.end(),
                                                           m.key) != rule.metrics.end();
      if (!chosen) continue;
      const bool met = std::isfinite(m.half_width) &&
                       m.half_width <= rule.relative_half_width * std::fabs(m.value);
      if (!met) {
        all = false;
        out.unmet.push_back(m.key);
      }
    }
    out.converged = all;
    if (all || done >= max_replications) return out;
    next = std::min(max_replications, done + rule.batch);
  }
}

}  // namespace capsim::models
