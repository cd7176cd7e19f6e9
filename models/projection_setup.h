#ifndef CAPSIM_MODELS_PROJECTION_SETUP_H_
#define CAPSIM_MODELS_PROJECTION_SETUP_H_

#include <string>
#include <vector>

#include "models/batch_job.h"
#include "models/projection.h"
#include "models/projection_ledger.h"
#include "models/projection_spec.h"
#include "sim/status.h"

namespace capsim::models {

// What a projection knows before its first tick: capacity slots, the batch jobs priced on their
// pools, the priority ranks, and every cost fixed by the plan (capex on delivery, depreciation,
// maintenance, facility builds, leases, colocation, reserved rent), booked in advance.
struct ProjectionSetup {
  std::vector<ProjectionSlot> slots;    // owned pools, then clouds
  std::vector<const GpuSpec*> gpus;     // per slot
  DailyLedger ledger{0};                // the plan's fixed costs (energy and on-demand rent later)
  std::vector<DailyLedger> slot_fixed;  // per slot: its IT costs (pools), its rent (clouds)
  std::vector<DailyLedger> site_fixed;  // per site: facility depreciation and upkeep, lease, colo
  std::vector<JobParams> jobs;          // JobParams::pool indexes spec.pools
  struct Rank {
    enum Kind { kAvatar, kServing, kJob };
    Kind kind = kAvatar;
    int index = 0;     // into spec.avatars / spec.servings / spec.jobs
    int workload = 0;  // the workload trace it writes (avatars, then servings; jobs: unused)
  };
  std::vector<Rank> ranks;  // spec.order, highest first

  // The slot named `name` (a pool or a cloud), or -1.
  int SlotIndex(const std::string& name) const;
};

// All-in capex of one GPU of pool `p`: its server share, network, storage and installation, and
// for an owned site the facility build cost of its nameplate power.
double CapexPerGpu(const ProjectionSpec& spec, const GpuSpec& gpu, size_t p);

// Builds the setup of `spec`; errors name the unknown GPU, pool, model or profile.
Result<ProjectionSetup> BuildProjectionSetup(const ProjectionSpec& spec);

// Adds each site's fixed costs to its pools' slot_fixed, day by day, in proportion to the
// nameplate power of the GPUs each pool had delivered that day (costs of a site with no GPUs
// stay unallocated).
void DistributeSiteCosts(const ProjectionSpec& spec, const ProjectionSetup& setup,
                         ProjectionTrace* trace);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PROJECTION_SETUP_H_
