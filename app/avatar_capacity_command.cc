#include "app/avatar_capacity_command.h"

#include <cstdio>
#include <limits>

#include "models/avatar_capacity.h"
#include "models/step_pricing.h"
#include "reports/result_writer.h"

namespace capsim::app {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

double Flag(const std::map<std::string, double>& flags, const char* name, double fallback) {
  auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

}  // namespace

int RunAvatarCapacity(const models::Scenario& sc, const models::AvatarSpec& avatar,
                      const std::map<std::string, double>& flags, const std::string& output,
                      Console& c) {
  Result<models::PerfModel> perf = models::PerfModelFor(sc, sc.pools.front());
  if (!perf.ok()) {
    for (const std::string& p : perf.status().problems())
      c.err << sc.source_path << ": " << p << '\n';
    return 1;
  }
  models::AvatarLoadTest test;
  test.spec = avatar;
  test.pool = sc.pools.front();
  test.policy = sc.policy;
  test.seed = sc.seed;
  test.slo.ttff_p99_s = Flag(flags, "--ttff-p99", avatar.slo_ttff_p99_s);
  test.slo.max_frame_miss_rate = Flag(flags, "--max-frame-miss", avatar.slo_frame_miss_rate);
  test.slo.max_rejected_fraction = Flag(flags, "--max-rejected", 0.01);
  test.warmup_s = Flag(flags, "--warmup", 1200);
  test.duration_s = Flag(flags, "--duration", 1800);
  const double lo = Flag(flags, "--lo", 0.1), hi = Flag(flags, "--hi", 100);
  const double tolerance = Flag(flags, "--tolerance", 0.1);
  c.out << "capacity of avatar workload '" << avatar.name << "' (" << avatar.tier << ", "
        << avatar.replica->face_model << ") on " << test.pool.nodes * test.pool.gpus_per_node << " "
        << test.pool.gpu << " under TTFF p99 <= " << test.slo.ttff_p99_s
        << " s, frame misses <= " << test.slo.max_frame_miss_rate
        << ", rejections <= " << test.slo.max_rejected_fraction << "; " << test.duration_s
        << " s measured after " << test.warmup_s << " s of warm-up\n";
  models::RunResult result;
  result.scenario_name = sc.name;
  result.scenario_text = sc.resolved_text;
  result.seed = sc.seed;
  const models::CapacityEvaluator eval =
      models::AvatarPipelineEvaluator(sc.catalog, perf.value(), test);
  models::MaxLoadResult r;
  const bool at_load = flags.count("--load") > 0;
  if (at_load) {
    // The GPUs a given load needs: face replicas grow into the pool as sessions arrive, so one
    // evaluation at the load says how many the pipeline held and whether the SLO held there.
    const models::CapacityPoint p = eval(flags.at("--load"));
    r.points.push_back(p);
    r.outcome =
        p.slo_met ? models::CapacityOutcome::kConverged : models::CapacityOutcome::kLowerBoundFails;
    r.max_load = p.slo_met ? p.load : std::numeric_limits<double>::quiet_NaN();
  } else {
    r = models::MaxLoad(eval, lo, hi, tolerance, 40);
  }
  c.out << "  load (sessions/s)  SLO   TTFF p99   frame misses  rejected  sessions  GPUs    "
           "sessions/GPU\n";
  const models::CapacityPoint* best = nullptr;
  for (const models::CapacityPoint& p : r.points) {
    c.out << "  " << Fixed(p.load, 3)
          << std::string(p.load < 10    ? 14
                         : p.load < 100 ? 13
                                        : 12,
                         ' ')
          << (p.slo_met ? "met " : "miss") << "  " << Fixed(p.ttff_p99_s, 3) << " s    "
          << Fixed(100 * p.frame_miss_rate, 4) << "%       " << Fixed(100 * p.rejected_fraction, 2)
          << "%     " << Fixed(p.mean_sessions, 0) << "    " << Fixed(p.gpus, 0) << "    "
          << Fixed(p.gpus > 0 ? p.mean_sessions / p.gpus : 0, 2) << "\n";
    if (p.slo_met && (best == nullptr || p.load > best->load)) best = &p;
  }
  if (at_load) {
    const models::CapacityPoint& p = r.points.front();
    c.out << "at " << Fixed(p.load, 3) << " sessions/s the pipeline held " << Fixed(p.gpus, 1)
          << " GPUs on average for " << Fixed(p.mean_sessions, 0) << " sessions; SLO "
          << (p.slo_met ? "met" : "missed") << '\n';
    result.summary.push_back({"capacity.load_per_s", p.load, "1/s", "offered session rate"});
    result.summary.push_back({"capacity.gpus", p.gpus, "GPU", "mean GPUs held at the load"});
  }
  c.out << "outcome: " << models::CapacityOutcomeName(r.outcome)
        << "; largest load meeting the SLO: " << Fixed(r.max_load, 3) << " sessions/s";
  const double per_gpu = best != nullptr && best->gpus > 0 ? best->mean_sessions / best->gpus : 0;
  if (best != nullptr) {
    c.out << " (" << Fixed(best->mean_sessions, 0) << " concurrent sessions on "
          << Fixed(best->gpus, 0) << " GPUs: " << Fixed(per_gpu, 2) << " sessions per GPU)";
  }
  c.out << '\n';
  result.summary.push_back({"capacity.max_load_per_s", r.max_load, "1/s",
                            "largest session arrival rate meeting the SLO"});
  result.summary.push_back({"capacity.min_failing_load_per_s", r.min_failing_load, "1/s",
                            "smallest evaluated arrival rate missing the SLO"});
  result.summary.push_back({"capacity.sessions_per_gpu", per_gpu, "1/GPU",
                            "mean sessions per GPU held at the largest passing rate"});
  result.extra_tables.push_back({"capacity", models::PointsTable(r.points)});
  if (!output.empty()) {
    if (Status w = reports::WriteResultFile(result, output); !w.ok()) {
      for (const std::string& p : w.problems()) c.err << p << '\n';
      return 1;
    }
    c.out << "wrote " << output << '\n';
  }
  return r.outcome == models::CapacityOutcome::kConverged ? 0 : 1;
}

}  // namespace capsim::app
