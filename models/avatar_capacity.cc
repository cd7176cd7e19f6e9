#include "models/avatar_capacity.h"

#include <limits>
#include <memory>

#include "models/avatar_pipeline.h"
#include "models/fleet_scheduler.h"
#include "sim/simulator.h"

namespace capsim::models {

CapacityEvaluator AvatarPipelineEvaluator(const Catalog& catalog, const PerfModel& perf,
                                          AvatarLoadTest test) {
  return [&catalog, &perf, test](double load) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    CapacityPoint p;
    p.load = load;
    p.ttff_p99_s = p.frame_miss_rate = p.rejected_fraction = kNaN;
    AvatarSpec spec = test.spec;
    spec.arrivals = ArrivalSpec{};
    spec.arrivals.kind = ArrivalSpec::Kind::kPoisson;
    spec.arrivals.peak_rate_per_s = load;
    sim::Simulator sim;
    FleetScheduler scheduler(sim, test.pool.nodes, /*avatar_rank=*/0, /*preemption=*/true, 0);
    Result<std::unique_ptr<AvatarPipeline>> made = AvatarPipeline::Create(
        sim, spec, test.pool, test.policy, scheduler, catalog, perf, test.seed, 0);
    if (!(load > 0) || !made.ok()) return p;
    AvatarPipeline& a = *made.value();
    a.Start();
    sim.RunUntil(sim::Time::FromSeconds(test.warmup_s));
    a.AdvanceFrames();
    a.ResetLatencies();
    const double frames0 = a.frames(), missed0 = a.missed_frames();
    const uint64_t arrived0 = a.sessions_arrived();
    const uint64_t rejected0 = a.rejected_by_capacity() + a.rejected_by_limit();
    const double active0 = a.ActiveSessionSeconds();
    const double gpus0 = a.HeldGpuSeconds().total();
    sim.RunUntil(sim::Time::FromSeconds(test.warmup_s + test.duration_s));
    a.AdvanceFrames();
    const double frames = a.frames() - frames0;
    const uint64_t arrived = a.sessions_arrived() - arrived0;
    const uint64_t rejected = a.rejected_by_capacity() + a.rejected_by_limit() - rejected0;
    p.requests = arrived;
    p.ttff_p99_s = a.turns() > 0 ? a.ttff().Quantile(0.99) : std::numeric_limits<double>::infinity();
    p.frame_miss_rate = frames > 0 ? (a.missed_frames() - missed0) / frames : 0;
    p.rejected_fraction = arrived > 0 ? static_cast<double>(rejected) / arrived : 0;
    p.mean_sessions = (a.ActiveSessionSeconds() - active0) / test.duration_s;
    p.gpus = (a.HeldGpuSeconds().total() - gpus0) / test.duration_s;
    p.slo_met = MeetsSlo(test.slo, p);
    return p;
  };
}

}  // namespace capsim::models
