#ifndef CAPSIM_CONFIG_SERVING_LOADER_H_
#define CAPSIM_CONFIG_SERVING_LOADER_H_

#include <string>
#include <vector>

#include "config/workload_loader.h"
#include "config/yaml_reader.h"
#include "models/scenario.h"

namespace capsim::config {

// The keys of an `llm-serving` workload item.
const std::vector<std::string>& ServingKeys();

// Reads an `llm-serving` workload item (keys in scenarios/README.md) into `*s`, loading its trace
// (relative to the scenario file `scenario_path`) when arrivals come from one; every problem goes
// to item's Diagnostics with its key path. With `disaggregation` it sets s->disaggregated (the
// `engine` and `slo` keys then apply to both pools) and leaves s->cluster's replicas, parallelism
// and routing at their defaults.
void ReadServing(const MapReader& item, const WorkloadContext& ctx,
                 const std::string& scenario_path, models::ServingSpec* s);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_SERVING_LOADER_H_
