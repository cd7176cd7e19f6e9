#ifndef CAPSIM_MODELS_AVATAR_WORKLOAD_H_
#define CAPSIM_MODELS_AVATAR_WORKLOAD_H_

#include <cstdint>
#include <vector>

#include "models/result.h"
#include "models/scenario.h"
#include "sim/statistics.h"

namespace capsim::models {

// What the run loop, the sampler and the report read of an avatar service, whichever fidelity
// simulates it: AvatarService (fleet level, GPU shares) or AvatarPipeline (replica level).
class AvatarWorkload {
 public:
  virtual ~AvatarWorkload() = default;

  // Schedules the first arrival and the service's timers.
  virtual void Start() = 0;
  // Integrates frame statistics and session time up to Now(); call once after the run.
  virtual void Finish() = 0;

  virtual const AvatarSpec& spec() const = 0;
  // Session arrival rate (1/s) at time t_s.
  virtual double ArrivalRate(double t_s) const = 0;
  virtual uint64_t sessions_arrived() const = 0;
  virtual uint64_t sessions_admitted() const = 0;
  virtual uint64_t rejected_by_limit() const = 0;
  // Rejected for want of capacity (any resource; see ExtraSummary for the reasons).
  virtual uint64_t rejected_by_capacity() const = 0;
  virtual uint64_t turns() const = 0;
  virtual int active_sessions() const = 0;
  virtual double PeakSessions() const = 0;
  virtual double MeanSessions() const = 0;
  // Time to first frame of each agent turn (from the end of the user's speech).
  virtual const sim::QuantileSketch& ttff() const = 0;
  virtual double frames() const = 0;
  virtual double missed_frames() const = 0;
  // Session-seconds served so far.
  virtual double session_seconds() const = 0;
  // GPUs busy with avatar work now, and its integral (GPU-seconds).
  virtual double demand() const = 0;
  virtual double DemandGpuSeconds() const = 0;
  // GPUs of the pool held by the service now.
  virtual int granted_gpus() const = 0;
  // Mean GPUs per session.
  virtual double mean_share() const = 0;
  // Metrics beyond the common ones, keys "avatar.*".
  virtual std::vector<SummaryMetric> ExtraSummary() const { return {}; }
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_AVATAR_WORKLOAD_H_
