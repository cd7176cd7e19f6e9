#ifndef CAPSIM_CONFIG_WORKLOAD_LOADER_H_
#define CAPSIM_CONFIG_WORKLOAD_LOADER_H_

#include <string>
#include <vector>

#include "config/yaml_reader.h"
#include "models/scenario.h"

namespace capsim::config {

// What the workload readers check references and sizes against.
struct WorkloadContext {
  const models::Catalog* catalog = nullptr;  // nullptr when the catalog did not load
  const models::PoolSpec* pool = nullptr;    // nullptr when the fleet has no valid pool
  std::string scenario_path;                 // files named in workloads are relative to it
};

// Reads the required `workloads` list of the scenario mapping `top` into the avatars, trainings
// and distillations of `*scenario`, reporting every problem to top's Diagnostics; returns the
// workload names in file order (for policy.order).
std::vector<std::string> ReadWorkloads(const MapReader& top, const WorkloadContext& context,
                                       models::Scenario* scenario);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_WORKLOAD_LOADER_H_
