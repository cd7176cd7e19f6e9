#ifndef CAPSIM_MODELS_PROJECTION_REPORT_H_
#define CAPSIM_MODELS_PROJECTION_REPORT_H_

#include "models/projection.h"
#include "models/projection_spec.h"
#include "models/result.h"

namespace capsim::models {

// The result of a projection (layout in scenarios/README.md, "Projections"): a daily timeseries
// (money by kind, MW by site, GPUs by workload and state, avatar admission, job progress against
// plan), the tables quarters, site_quarters, trainings, unit_costs, sensitivity and
// service_rates, and the summary. `baseline` is the same plan run without avatars (same seed):
// training delay and the capex that would keep training on schedule are measured against it.
RunResult BuildProjectionResult(const ProjectionSpec& spec, const ProjectionTrace& trace,
                                const ProjectionTrace& baseline);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PROJECTION_REPORT_H_
