#include "models/policy_comparison.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace capsim::models {
namespace {

// The metrics compared across policies: summary key, column name, units, label.
struct Compared {
  const char* key;
  const char* column;
  const char* units;
  const char* long_name;
  bool in_summary;
};
const Compared kCompared[] = {
    {"training.delay_s", "training_delay", "s", "training delay vs running alone", true},
    {"training.delay_cost_usd", "training_delay_cost", "USD",
     "value of the training delay (its GPUs' cost per hour)", true},
    {"training.tokens", "training_tokens", "1", "training tokens processed", false},
    {"distillation.tokens", "distillation_tokens", "1", "distillation tokens processed", true},
    {"distillation.throughput_lost_fraction", "distillation_lost_fraction", "1",
     "share of the distillation throughput lost to sharing", false},
    {"avatar.ttff_p99_s", "avatar_ttff_p99", "s", "avatar time to first frame p99", false},
    {"avatar.sessions_rejected", "avatar_rejected", "1", "avatar sessions rejected", true},
    {"avatar.slo_met", "avatar_slo_met", "1", "avatar SLOs met (1 = yes)", true},
    {"training.preemptions", "training_preemptions", "1", "training preemptions", false},
    {"distillation.preemptions", "distillation_preemptions", "1", "distillation preemptions",
     false},
    {"training.lost_gpu_hours", "training_lost_gpu_hours", "GPU h", "training GPU-hours lost",
     false},
    {"gpu_hours.idle", "idle_gpu_hours", "GPU h", "GPU-hours idle", false},
};

double Find(const RunResult& r, const char* key) {
  for (const SummaryMetric& m : r.summary) {
    if (m.key == key) return m.value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

Result<RunResult> RunScenarioWithPolicies(const Scenario& scenario, const RunOptions& options) {
  Result<RunResult> main = RunScenario(scenario, options);
  if (!main.ok() || scenario.compare_policies.empty()) return main;
  RunResult result = std::move(main).value();
  std::vector<RunResult> runs;
  std::vector<std::string> names = {scenario.policy.name};
  RunOptions quiet = options;
  quiet.progress = nullptr;
  for (const PolicySpec& p : scenario.compare_policies) {
    Scenario variant = scenario;
    variant.policy = p;
    variant.compare_policies.clear();
    Result<RunResult> r = RunScenario(variant, quiet);
    if (!r.ok()) {
      return Status::Error("policy '" + p.name + "': " + r.status().ToString());
    }
    runs.push_back(std::move(r).value());
    names.push_back(p.name);
  }
  Table table;
  table.text.push_back({"policy", "policy name", names});
  for (const Compared& c : kCompared) {
    Column col{c.column, c.units, c.long_name, {Find(result, c.key)}};
    for (const RunResult& r : runs) col.values.push_back(Find(r, c.key));
    bool any = false;
    for (double v : col.values) any = any || !std::isnan(v);
    if (any) table.numeric.push_back(std::move(col));
  }
  // The headline comparison in the summary, policy by policy (the main policy's own values are
  // its unprefixed metrics as well).
  for (size_t i = 0; i < names.size(); ++i) {
    const RunResult& r = i == 0 ? result : runs[i - 1];
    for (const Compared& c : kCompared) {
      const double v = Find(r, c.key);
      if (!c.in_summary || std::isnan(v)) continue;
      result.summary.push_back({"policy." + names[i] + "." + c.column, v, c.units,
                                std::string(c.long_name) + " under policy " + names[i]});
    }
  }
  result.extra_tables.emplace_back("policies", std::move(table));
  return result;
}

}  // namespace capsim::models
