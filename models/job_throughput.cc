#include "models/job_throughput.h"

#include <cassert>

namespace capsim::models {

double TrainingFlopsPerToken(const ModelSpec& model) { return 6.0 * model.active_params; }

double DistillationFlopsPerToken(const ModelSpec& teacher, const ModelSpec& student) {
  return 2.0 * teacher.active_params + 6.0 * student.active_params;
}

double TokensPerGpuSecond(const GpuSpec& gpu, double flops_per_token, double efficiency) {
  assert(flops_per_token > 0);
  const double eff = efficiency > 0 ? efficiency : gpu.bf16_gemm_efficiency;
  return gpu.bf16_flops * eff / flops_per_token;
}

}  // namespace capsim::models
