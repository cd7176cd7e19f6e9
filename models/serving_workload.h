#ifndef CAPSIM_MODELS_SERVING_WORKLOAD_H_
#define CAPSIM_MODELS_SERVING_WORKLOAD_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/result.h"

namespace capsim::models {

// What the run loop, the sampler and the report read of an LLM serving deployment, whichever
// layout serves it: LlmCluster (co-located replicas) or DisaggregatedCluster (prefill and decode
// pools).
class ServingWorkload {
 public:
  virtual ~ServingWorkload() = default;

  // Schedules the first arrival (at its arrival time, or Now() if that has passed); call once.
  virtual void Start() = 0;
  // Requests taken from the source and neither completed nor rejected yet.
  virtual uint64_t in_flight() const = 0;
  // GPU-seconds spent in iterations so far: each replica's summed iteration time x its GPUs
  // (an iteration keeps all of a replica's GPUs busy).
  virtual double BusyGpuSeconds() const = 0;
  // Headline numbers under keys "<prefix>.<name>", each with units and long_name.
  virtual std::vector<SummaryMetric> Summary(std::string_view prefix) const = 0;
  // One row per completed request, in completion order (empty when records are not kept).
  virtual Table RequestsTable() const = 0;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_SERVING_WORKLOAD_H_
