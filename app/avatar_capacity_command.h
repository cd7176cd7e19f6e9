#ifndef CAPSIM_APP_AVATAR_CAPACITY_COMMAND_H_
#define CAPSIM_APP_AVATAR_CAPACITY_COMMAND_H_

#include <map>
#include <string>

#include "app/commands.h"
#include "models/scenario.h"

namespace capsim::app {

// `capsim capacity` for a replica-level avatar workload: the largest session arrival rate the
// scenario's pool holds (stage pools fixed, face replicas growing into the rest of the pool) with
// TTFF p99 <= --ttff-p99 (default: the workload's slo.ttff_p99), frame-miss rate <=
// --max-frame-miss (default: slo.frame_miss_rate) and rejections <= --max-rejected (default 1%),
// measured over --duration after --warmup; then sessions per GPU at that rate. With --load R, one
// evaluation at R instead: the GPUs the pipeline held for it and whether the SLO held. `flags`
// holds the parsed flag values (SI units) the user gave. Prints every point; with `output`
// non-empty, writes them to /tables/capacity. Returns the exit status (0 converged, 1 otherwise).
int RunAvatarCapacity(const models::Scenario& scenario, const models::AvatarSpec& avatar,
                      const std::map<std::string, double>& flags, const std::string& output,
                      Console& console);

}  // namespace capsim::app

#endif  // CAPSIM_APP_AVATAR_CAPACITY_COMMAND_H_
