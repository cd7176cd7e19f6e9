#ifndef CAPSIM_MODELS_SERVICE_RATES_H_
#define CAPSIM_MODELS_SERVICE_RATES_H_

#include <functional>
#include <string>

#include "models/projection_spec.h"
#include "models/scenario.h"
#include "sim/status.h"

namespace capsim::models {

// Service rates a projection runs at, computed once before it starts (and stored in its result
// as /tables/service_rates): sessions per GPU for avatars, tokens/s per GPU for LLM serving.

// Sessions per GPU of avatar tier `tier` on `gpu` when nothing better is known: the packing
// target 0.85 over the tier's session-average GPU share (workloads.md §1: the face share while
// the agent speaks, 7.5 s of a 15.5 s turn cycle, its idle share while listening, plus ASR 1/32
// and TTS 1/8 while active; H100-equivalents), scaled by the GPU's dense BF16 peak over the
// H100's. Requires a known tier.
double TierSessionsPerGpu(const AvatarTierSpec& tier, const GpuSpec& gpu);

// Sessions per GPU at the SLO from the replica-level pipeline (models/avatar_capacity.h):
// `avatar` (with its replica block) on `sc`'s first pool with the GPU replaced by `gpu`, bisected
// for the largest session rate meeting its TTFF p99 and frame-miss bounds with at most 1% of
// sessions turned away (600 s measured after 600 s of warm-up; bisected to 1/64 of the range,
// then to 5% of the load found); the rate is the mean concurrent
// sessions over the mean GPUs the pipeline held there. `sc` needs a profile for `gpu`.
Result<double> ReplicaSessionsPerGpu(const Scenario& sc, const AvatarSpec& avatar,
                                     const std::string& gpu);

// Output tokens/s per GPU of LLM serving of `model` on `gpu`, priced by the performance model:
// replicas of the smallest power-of-two tensor parallelism whose weights fill at most 60% of a
// GPU's memory; the largest decode batch (up to 512) whose iteration at the mean context meets a
// 50 ms time per output token (ESTIMATE, an interactive bound) and whose KV cache fits; each
// request of 1,155 prompt and 211 output tokens (the means of the Azure 2023 conversation
// trace, workloads.md §6) costs its prefill alone plus its share of decode iterations.
Result<double> ServingTokensPerGpu(const Catalog& catalog, const CalibrationProfile& profile,
                                   const ModelSpec& model, const GpuSpec& gpu);

// Sessions per GPU of a replica-level avatar for one GPU type (the app loads the scenario the
// avatar's service_rate names and calls ReplicaSessionsPerGpu).
using ReplicaRate =
    std::function<Result<double>(const ProjectionAvatarSpec& avatar, const std::string& gpu)>;

// Fills, for every avatar and serving workload of `spec` and every GPU type among the pools and
// clouds it lists, the rate it runs at, keeping given rates: avatars from `replica_rate` when the
// avatar names a service_rate scenario, else TierSessionsPerGpu; serving from
// ServingTokensPerGpu (a calibration profile for the GPU is then required). Each rate records
// its source. Errors name the workload and GPU.
Status ResolveServiceRates(ProjectionSpec* spec, const ReplicaRate& replica_rate);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_SERVICE_RATES_H_
