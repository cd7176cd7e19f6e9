#ifndef CAPSIM_MODELS_JOB_THROUGHPUT_H_
#define CAPSIM_MODELS_JOB_THROUGHPUT_H_

#include "models/catalog.h"

namespace capsim::models {

// Training FLOPs per token: forward 2N + backward 4N for N active parameters (the standard 6N
// estimate, workloads.md §7).
double TrainingFlopsPerToken(const ModelSpec& model);
// Online distillation FLOPs per token: teacher forward (2 N_teacher) + student training (6 N_student).
double DistillationFlopsPerToken(const ModelSpec& teacher, const ModelSpec& student);
// Tokens per GPU-second at `efficiency` (achieved / dense BF16 peak; 0 = the GPU's measured
// large-GEMM efficiency from the catalog) for a job needing `flops_per_token`.
double TokensPerGpuSecond(const GpuSpec& gpu, double flops_per_token, double efficiency);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_JOB_THROUGHPUT_H_
