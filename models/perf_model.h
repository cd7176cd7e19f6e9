#ifndef CAPSIM_MODELS_PERF_MODEL_H_
#define CAPSIM_MODELS_PERF_MODEL_H_

#include <array>
#include <cstdint>
#include <vector>

#include "models/calibration.h"
#include "models/catalog.h"
#include "models/operation.h"
#include "sim/status.h"

namespace capsim::models {

// Link bandwidths available to one GPU, bytes/s in one direction. Until GpuSpec carries them
// (scale-up link bandwidth and node NIC bandwidth), callers pass them here.
struct LinkBandwidths {
  double scale_up_bytes_per_s = 0;   // NVLink / xGMI (PCIe for GPUs without a scale-up link)
  double scale_out_bytes_per_s = 0;  // the node's fabric NIC bandwidth per GPU
};

// The price of one instance of an operation, with where the number came from.
struct OpCost {
  double time_s = 0;      // max(compute_s, memory_s, overhead_s), or network_s + overhead_s
  double compute_s = 0;   // flops / (peak(dtype) x compute efficiency)
  double memory_s = 0;    // bytes / (memory bandwidth x memory efficiency)
  double network_s = 0;   // collectives: algorithm bytes / (link bandwidth x bus efficiency)
  double overhead_s = 0;  // kernel launch overhead (a floor), or alpha x steps (collectives)
  const char* bound = "latency";  // "compute" | "memory" | "network" | "latency"
  // Efficiency of the binding resource (for "latency": of the resource that would bind without
  // the overhead); 0 when the operation does no work.
  double efficiency = 0;
  // The curve and its nearest calibration point behind `efficiency` (nullptr when no work);
  // they point into the PerfModel's profile and live as long as the model.
  const EfficiencyCurve* curve = nullptr;
  const EfficiencyPoint* point = nullptr;
};

// The dense compute peak of `gpu` for `t`, FLOP/s: bf16_flops for bf16 and fp16, fp8_flops for
// fp8 (bf16_flops when the GPU has no fp8 figure), bf16_flops / 2 for fp32 (no TF32 here).
double DatasheetPeakFlops(const GpuSpec& gpu, DType t);

// Checks that `profile` is usable by a PerfModel: every curve has points with sizes > 0 strictly
// increasing and efficiencies in (0, 1], its metric fits its class, no curve appears twice, and
// the required curves exist (gemm bf16 compute, a memory-class memory curve, an all_reduce
// bus_bandwidth curve); one problem line per fault, prefixed "profile GPU: ".
Status ValidateProfile(const CalibrationProfile& profile);

// The op-level performance model of one GPU type: a roofline whose ceilings are the datasheet
// peaks derated by the calibration profile's efficiency curves, plus an alpha-beta model for
// collectives.
//
// time = max(flops / (peak(dtype) x eff_compute(flops)), bytes / (memory bandwidth x
// eff_memory(bytes)), launch_overhead_s). The launch overhead is a floor, not an addition:
// kernels launched back to back pipeline their launches behind the running kernel, and the
// efficiency figures (benchmarks run back to back) already include the gaps between kernels; an
// additive overhead would count them twice and miss the figures the profile was fitted to (e.g.
// the 1024^3 FP8 GEMM at 274 TFLOP/s takes 7.8 us, of which 4 us is not launch). The regime
// flips where flops / bytes crosses peak x eff_compute / (bandwidth x eff_memory).
//
// Compute peak by dtype: bf16 and fp16 use GpuSpec::bf16_flops, fp8 uses fp8_flops (bf16_flops
// when the GPU has no fp8 figure), fp32 uses bf16_flops / 2 (there is no TF32 mode here).
//
// Curve lookup with fallbacks (the curve used is returned in OpCost::curve, so a fallback is
// always visible); Create resolves them once:
//   compute (class C, dtype T): (C, T) -> (gemm, T) -> (C, bf16) -> (gemm, bf16)
//   memory  (class C, dtype T): (C, T) -> (C, bf16) -> (memory, T) -> (memory, bf16)
//                               -> memory class of any dtype
//   bus bandwidth (kind K, tier L, dtype T): (K, L, T) -> (K, L, bf16) -> (K, L, any dtype)
//       -> all_reduce on L (T, bf16, any) -> the same on the other tier. NCCL's bus bandwidth is
//       defined so that it is comparable across collectives, which is why all_reduce stands in.
//
// Collectives (alpha-beta): time = collective_latency_s x steps + algorithm bytes /
// (link bandwidth of the tier x efficiency(bytes)), where `bytes` is NCCL's "size" (the
// all-reduce buffer, the gathered output of all-gather, the input of reduce-scatter, the send
// buffer of all-to-all). Ring all-reduce: 2(n-1)/n x bytes in 2(n-1) steps; all-gather,
// reduce-scatter and all-to-all: (n-1)/n x bytes in n-1 steps; n = op.ranks; one rank costs
// nothing.
//
//   Result<PerfModel> m = PerfModel::Create(gpu, {450e9, 50e9}, profile);
//   OpCost c = m.value().Price(Gemm("qkv", 4096, 6144, 8192, DType::kBF16));
class PerfModel {
 public:
  // A model of `gpu` with `links` and `profile`; fails when the profile does not validate
  // (ValidateProfile), names another GPU, or a peak/bandwidth figure is not positive.
  static Result<PerfModel> Create(const GpuSpec& gpu, LinkBandwidths links,
                                  CalibrationProfile profile);

  PerfModel(const PerfModel&) = default;
  PerfModel(PerfModel&&) = default;
  PerfModel& operator=(const PerfModel&) = default;
  PerfModel& operator=(PerfModel&&) = default;

  // The cost of one instance of `op` (op.repeat is ignored); allocation-free.
  OpCost Price(const Operation& op) const;
  // The time of a step: the sum of Price(op).time_s x op.repeat.
  double StepTime(const std::vector<Operation>& ops) const;
  // The dense compute peak used for `t` (see the class comment), FLOP/s.
  double PeakFlops(DType t) const;

  const CalibrationProfile& profile() const { return profile_; }
  const GpuSpec& gpu() const { return gpu_; }
  const LinkBandwidths& links() const { return links_; }

 private:
  static constexpr int kClasses = 6, kDTypes = 4, kKinds = 4, kTiers = 2;
  PerfModel() = default;
  OpCost PriceCollective(const Operation& op) const;

  GpuSpec gpu_;
  LinkBandwidths links_;
  CalibrationProfile profile_;
  // Indices into profile_.curves (indices, not pointers, so that copies stay valid).
  std::array<int16_t, kClasses * kDTypes> compute_curve_{};
  std::array<int16_t, kClasses * kDTypes> memory_curve_{};
  std::array<int16_t, kKinds * kTiers * kDTypes> bus_curve_{};
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PERF_MODEL_H_
