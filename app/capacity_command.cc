#include "app/capacity_command.h"

#include "app/avatar_capacity_command.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "config/quantity.h"
#include "config/scenario_loader.h"
#include "models/capacity_search.h"
#include "models/step_pricing.h"
#include "reports/result_writer.h"

namespace capsim::app {
namespace {

struct Options {
  std::string scenario, workload, output;
  std::vector<std::string> overrides;
  std::map<std::string, std::string> values;  // --flag value
};

// Flags taking a value, with the dimension their value is parsed in.
const std::map<std::string, config::Dimension>& Flags() {
  using config::Dimension;
  static const std::map<std::string, Dimension> flags = {
      {"--ttft-p99", Dimension::kTime},
      {"--tpot-p99", Dimension::kTime},
      {"--e2e-p99", Dimension::kTime},
      {"--max-rejected", Dimension::kFraction},
      {"--lo", Dimension::kRate},
      {"--hi", Dimension::kRate},
      {"--tolerance", Dimension::kRate},
      {"--load", Dimension::kRate},
      {"--max-replicas", Dimension::kCount},
      {"--warmup", Dimension::kTime},
      {"--duration", Dimension::kTime},
      {"--ttff-p99", Dimension::kTime},
      {"--max-frame-miss", Dimension::kFraction}};
  return flags;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void PrintPoints(const std::vector<models::CapacityPoint>& points, std::ostream& out) {
  out << "  load (req/s)  replicas  SLO   TTFT p99    TPOT p99    E2E p99     rejected\n";
  for (const models::CapacityPoint& p : points) {
    out << "  " << Fixed(p.load, 3)
        << std::string(p.load < 10    ? 8
                       : p.load < 100 ? 7
                                      : 6,
                       ' ')
        << p.replicas << "         " << (p.slo_met ? "met " : "miss") << "  "
        << Fixed(p.ttft_p99_s, 4) << " s    " << Fixed(p.tpot_p99_s, 4) << " s    "
        << Fixed(p.e2e_p99_s, 3) << " s    " << Fixed(100 * p.rejected_fraction, 2) << "%\n";
  }
}

}  // namespace

std::string CapacityUsage() {
  return "capsim capacity SCENARIO.yaml --workload NAME [--ttft-p99 T] [--tpot-p99 T] "
         "[--e2e-p99 T] [--max-rejected F] [--lo R] [--hi R] [--tolerance R] "
         "[--load R --max-replicas N] [--warmup T] [--duration T] [-o OUT.h5] "
         "[--set key.path=value]...\n"
         "       for an avatar workload: [--ttff-p99 T] [--max-frame-miss F] [--max-rejected F] "
         "[--lo R] [--hi R] [--tolerance R] [--warmup T] [--duration T]\n";
}

int RunCapacity(const std::vector<std::string>& args, Console& c) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--workload" && has_value) {
      o.workload = args[++i];
    } else if (a == "--set" && has_value) {
      o.overrides.push_back(args[++i]);
    } else if ((a == "-o" || a == "--output") && has_value) {
      o.output = args[++i];
    } else if (Flags().count(a) > 0 && has_value) {
      o.values[a] = args[++i];
    } else if (!a.empty() && a[0] != '-' && o.scenario.empty()) {
      o.scenario = a;
    } else {
      c.err << "capsim capacity: unexpected argument '" << a << "'\nusage: " << CapacityUsage();
      return 2;
    }
  }
  if (o.scenario.empty() || o.workload.empty()) {
    c.err << "usage: " << CapacityUsage();
    return 2;
  }
  std::map<std::string, double> v = {
      {"--lo", 0.1}, {"--hi", 1000}, {"--tolerance", 0.1}, {"--warmup", 30}, {"--duration", 120}};
  std::vector<std::string> problems;
  for (const auto& [flag, text] : o.values) {
    Result<double> q = config::ParseQuantity(text, Flags().at(flag));
    if (!q.ok()) {
      problems.push_back("capsim capacity: " + flag + " " + q.status().ToString());
    } else {
      v[flag] = q.value();
    }
  }
  if (!problems.empty()) {
    for (const std::string& p : problems) c.err << p << '\n';
    return 1;
  }
  Result<models::Scenario> loaded = config::LoadScenario(o.scenario, o.overrides);
  if (!loaded.ok()) {
    for (const std::string& p : loaded.status().problems()) c.err << p << '\n';
    return 1;
  }
  const models::Scenario& sc = loaded.value();
  if (o.output.size() > 0) {
    if (Status w = reports::CheckWritable(o.output); !w.ok()) {
      for (const std::string& p : w.problems()) c.err << p << '\n';
      return 1;
    }
  }
  for (const models::AvatarSpec& a : sc.avatars) {
    if (a.name != o.workload) continue;
    if (!a.replica) {
      c.err << o.scenario << ": avatar workload '" << a.name
            << "' has no replica: block; capacity searches need the replica-level pipeline\n";
      return 1;
    }
    std::map<std::string, double> given;
    for (const auto& [flag, text] : o.values) given[flag] = v[flag];
    return RunAvatarCapacity(sc, a, given, o.output, c);
  }
  const models::ServingSpec* serving = nullptr;
  for (const models::ServingSpec& s : sc.servings) {
    if (s.name == o.workload) serving = &s;
  }
  if (serving == nullptr) {
    c.err << o.scenario << ": no llm-serving or avatar workload named '" << o.workload << "'\n";
    return 1;
  }
  Result<models::PerfModel> perf = models::PerfModelFor(sc, sc.pools.front());
  if (!perf.ok()) {
    for (const std::string& p : perf.status().problems()) c.err << o.scenario << ": " << p << '\n';
    return 1;
  }
  if (serving->disaggregated) {
    c.err << o.scenario << ": llm-serving workload '" << serving->name
          << "' is disaggregated; capacity searches cover co-located replicas only (remove "
             "its disaggregation: block to search the co-located deployment)\n";
    return 1;
  }
  const models::ModelSpec& model = *sc.catalog.FindModel(serving->model);
  models::LlmLoadTest test;
  test.cluster = serving->cluster;
  test.lengths = serving->lengths;
  test.slo.ttft_p99_s = v.count("--ttft-p99") ? v["--ttft-p99"] : serving->cluster.ttft_bound_s;
  test.slo.tpot_p99_s = v.count("--tpot-p99") ? v["--tpot-p99"] : serving->cluster.tpot_bound_s;
  test.slo.e2e_p99_s = v.count("--e2e-p99") ? v["--e2e-p99"] : 0;
  test.slo.max_rejected_fraction = v.count("--max-rejected") ? v["--max-rejected"] : 0.01;
  test.warmup_s = v["--warmup"];
  test.duration_s = v["--duration"];
  test.seed = sc.seed;

  models::RunResult result;
  result.scenario_name = sc.name;
  result.scenario_text = sc.resolved_text;
  result.seed = sc.seed;
  std::vector<models::CapacityPoint> points;
  int status = 0;
  c.out << "capacity of '" << serving->name << "' (" << serving->model << ", tp "
        << test.cluster.par.tp << " x pp " << test.cluster.par.pp
        << ") under TTFT p99 <= " << test.slo.ttft_p99_s
        << " s, TPOT p99 <= " << test.slo.tpot_p99_s << " s; " << test.duration_s
        << " s measured after " << test.warmup_s << " s of warm-up\n";
  if (v.count("--load")) {
    const int max_replicas = v.count("--max-replicas") ? static_cast<int>(v["--max-replicas"]) : 64;
    auto make = [&](int replicas) {
      models::LlmLoadTest t = test;
      t.cluster.replicas = replicas;
      return models::LlmClusterEvaluator(model, perf.value(), t);
    };
    models::MinReplicasResult r = models::MinReplicas(make, v["--load"], max_replicas);
    points = r.points;
    PrintPoints(points, c.out);
    if (r.replicas == 0) {
      c.out << "no replica count up to " << max_replicas << " holds " << v["--load"] << " req/s\n";
      status = 1;
    } else {
      c.out << "fewest replicas: " << r.replicas << " ("
            << r.replicas * test.cluster.par.tp * test.cluster.par.pp << " GPUs) hold "
            << v["--load"] << " req/s\n";
    }
    result.summary.push_back({"capacity.min_replicas", static_cast<double>(r.replicas), "1",
                              "fewest replicas meeting the SLO at the load (0: none)"});
    result.summary.push_back({"capacity.load_per_s", v["--load"], "1/s", "offered load"});
  } else {
    models::CapacityEvaluator eval = models::LlmClusterEvaluator(model, perf.value(), test);
    models::MaxLoadResult r = models::MaxLoad(eval, v["--lo"], v["--hi"], v["--tolerance"], 40);
    points = r.points;
    PrintPoints(points, c.out);
    c.out << "outcome: " << models::CapacityOutcomeName(r.outcome) << "; largest load meeting the "
          << "SLO: " << Fixed(r.max_load, 3) << " req/s on " << test.cluster.replicas
          << " replicas\n";
    if (r.outcome != models::CapacityOutcome::kConverged) status = 1;
    result.summary.push_back(
        {"capacity.max_load_per_s", r.max_load, "1/s", "largest request rate meeting the SLO"});
    result.summary.push_back({"capacity.min_failing_load_per_s", r.min_failing_load, "1/s",
                              "smallest evaluated request rate missing the SLO"});
  }
  result.extra_tables.push_back({"capacity", models::PointsTable(points)});
  if (!o.output.empty()) {
    if (Status w = reports::WriteResultFile(result, o.output); !w.ok()) {
      for (const std::string& p : w.problems()) c.err << p << '\n';
      return 1;
    }
    c.out << "wrote " << o.output << '\n';
  }
  return status;
}

}  // namespace capsim::app
