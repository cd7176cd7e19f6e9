#ifndef CAPSIM_CONFIG_POLICY_LOADER_H_
#define CAPSIM_CONFIG_POLICY_LOADER_H_

#include <string>
#include <vector>

#include "config/yaml_reader.h"
#include "models/scenario.h"

namespace capsim::config {

// Reads the scenario's `policy:` mapping and its optional `compare_policies:` map (name -> a
// policy mapping whose absent keys keep `policy:`'s values) into s->policy and
// s->compare_policies, reporting problems to top's diagnostics. `names` are the workload names
// in file order (the default priority order); `pool` (may be null) bounds node counts; the
// workloads must already be in `s` (windows name its training and distillation jobs).
//
//   policy: { kind: priority-preemption, order: [avatars, train, distill] }
//   compare_policies:
//     static: { kind: static-partition, avatar_nodes: 96 }
//     trough: { kind: time-of-day, windows: { distill: { start: 0 h, end: 8 h } } }
void ReadPolicies(const MapReader& top, const std::vector<std::string>& names,
                  const models::PoolSpec* pool, models::Scenario* s);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_POLICY_LOADER_H_
