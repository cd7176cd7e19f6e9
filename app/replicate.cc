#include "app/replicate.h"

namespace capsim::app {

int MaxReplications(const CliArgs& args) {
  if (args.precision && args.replications == 1) return 100;
  return args.replications;
}

Result<models::RunResult> Replicate(const CliArgs& args, uint64_t seed,
                                    const models::ReplicationRun& run, std::ostream& err) {
  if (!args.precision) return models::RunReplications(args.replications, seed, run);
  models::StoppingRule rule;
  rule.relative_half_width = *args.precision;
  rule.metrics = args.precision_metrics;
  Result<models::StoppedRun> r =
      models::RunReplicationsUntil(std::max(2, MaxReplications(args)), seed, run, rule);
  if (!r.ok()) return r.status();
  const int n = r.value().result.replications.numeric.empty()
                    ? 1
                    : static_cast<int>(r.value().result.replications.numeric[0].values.size());
  err << "replications: " << n;
  if (r.value().converged) {
    err << ", every chosen metric within " << *args.precision * 100 << "% (95% CI)\n";
  } else {
    err << " (the cap); still above " << *args.precision * 100 << "%:";
    for (const std::string& k : r.value().unmet) err << ' ' << k;
    err << '\n';
  }
  return std::move(r.value().result);
}

}  // namespace capsim::app
