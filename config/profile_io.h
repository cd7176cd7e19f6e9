#ifndef CAPSIM_CONFIG_PROFILE_IO_H_
#define CAPSIM_CONFIG_PROFILE_IO_H_

#include <string>

#include "models/calibration.h"
#include "sim/status.h"

namespace capsim::config {

// Calibration profiles as YAML (data/profiles/README.md describes the format in full):
//
//   gpu: H100-SXM                      # catalog GPU name
//   provenance: { kind: published, gpu_name: ..., driver: ..., cuda: ..., date: 2026-11-25,
//                 source: "hardware.md §2.1, §2.2, §2.4" }   # kind: measured | published
//   launch_overhead: 4 us              # per kernel launch
//   collective_latency: 1.829 us       # alpha of the alpha-beta collective model, per step
//   curves:
//     - { class: gemm, dtype: bf16, metric: compute, points: [
//           { size: 1099511627776, efficiency: 0.8069, measured: false, source: "..." } ] }
//     - { class: collective, collective: all_reduce, tier: scale_up, dtype: bf16,
//         metric: bus_bandwidth, points: [ ... ] }
//
// class: gemm | attention_prefill | attention_decode | memory | conv | collective;
// dtype: fp32 | bf16 | fp16 | fp8; metric: compute | memory | bus_bandwidth (collectives only);
// collective: all_reduce | all_gather | reduce_scatter | all_to_all; tier: scale_up | scale_out.
// size is FLOPs (compute) or bytes (memory, bus_bandwidth); efficiency is in (0, 1] (a bare
// number or a percentage); sizes must differ and are sorted on loading.

// Loads and validates the profile at `path` (including models::ValidateProfile); every problem
// is returned, one "FILE:LINE:COL: KEY.PATH: MESSAGE" line each.
Result<models::CalibrationProfile> LoadProfile(const std::string& path);

// The YAML text of `profile` in the format above (LoadProfile reads it back unchanged).
std::string ProfileToYaml(const models::CalibrationProfile& profile);

// Writes `profile` to `path` via a temporary file in the same folder renamed over `path`, so a
// failure never leaves a partial or clobbered file; errors name the path and the reason.
Status WriteProfile(const models::CalibrationProfile& profile, const std::string& path);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_PROFILE_IO_H_
