#ifndef CAPSIM_MODELS_CALIBRATION_H_
#define CAPSIM_MODELS_CALIBRATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "models/operation.h"

namespace capsim::models {

// What an efficiency curve measures.
enum class CurveMetric {
  kCompute,       // achieved FLOP/s / dense datasheet peak of the dtype
  kMemory,        // achieved bytes/s / datasheet memory bandwidth
  kBusBandwidth,  // collective bus bandwidth / datasheet link bandwidth of the tier
};
// "compute", "memory" or "bus_bandwidth" (the profile YAML spelling).
std::string_view CurveMetricName(CurveMetric m);
// "scale_up" or "scale_out" (the profile YAML spelling of a link tier).
std::string_view LinkTierName(LinkTier t);

// One calibration point: at problem `size` (FLOPs for compute curves, bytes for memory and
// bus-bandwidth curves) the operation reached `efficiency` (0, 1] of the datasheet figure.
struct EfficiencyPoint {
  double size = 0;
  double efficiency = 0;
  bool measured = false;  // from a benchmark run (true) or a published figure (false)
  std::string source;     // benchmark name + file, or the reference document and section
};

// Efficiency as a function of problem size for one (op class, dtype, metric, collective).
struct EfficiencyCurve {
  OpClass op_class = OpClass::kGemm;
  DType dtype = DType::kBF16;
  CurveMetric metric = CurveMetric::kCompute;
  CollectiveKind collective = CollectiveKind::kAllReduce;  // kCollective curves only
  LinkTier tier = LinkTier::kScaleUp;                      // kCollective curves only
  std::vector<EfficiencyPoint> points;                     // sorted by size

  // Efficiency at `size`: piecewise linear in log(size) between points, the end values beyond
  // them, always in (0, 1]; also returns the nearest point used (for explanations).
  double At(double size, const EfficiencyPoint** nearest = nullptr) const;
  // "gemm bf16 compute" or "collective all_reduce scale_up bf16 bus_bandwidth", for messages.
  std::string Label() const;
};

// Where a profile came from.
struct ProfileProvenance {
  std::string kind;      // "measured" | "published"
  std::string gpu_name;  // as the benchmark context reported it, e.g. "NVIDIA H100 80GB HBM3"
  std::string driver;
  std::string cuda;
  std::string date;
  std::string source;  // benchmark JSON file names + SHA-256, or reference documents
};

// The efficiency curves of one GPU type, fitted by `capsim calibrate` or written from
// published figures.
struct CalibrationProfile {
  std::string gpu;  // catalog GPU name, e.g. "H100-SXM"
  ProfileProvenance provenance;
  double launch_overhead_s = 4e-6;      // per kernel launch
  double collective_latency_s = 10e-6;  // alpha of the alpha-beta collective model, per step
  std::vector<EfficiencyCurve> curves;

  // The curve for (op class, dtype, metric) — for collectives also (kind, tier) — or nullptr.
  const EfficiencyCurve* Find(OpClass c, DType t, CurveMetric m,
                              CollectiveKind kind = CollectiveKind::kAllReduce,
                              LinkTier tier = LinkTier::kScaleUp) const;
};

// The profile for GPU type `gpu` in `profiles`, or nullptr.
inline const CalibrationProfile* FindProfile(const std::vector<CalibrationProfile>& profiles,
                                             const std::string& gpu) {
  for (const CalibrationProfile& p : profiles) {
    if (p.gpu == gpu) return &p;
  }
  return nullptr;
}

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_CALIBRATION_H_
