#include "models/calibration.h"

#include <algorithm>
#include <cmath>

namespace capsim::models {

std::string_view CurveMetricName(CurveMetric m) {
  switch (m) {
    case CurveMetric::kCompute:
      return "compute";
    case CurveMetric::kMemory:
      return "memory";
    case CurveMetric::kBusBandwidth:
      return "bus_bandwidth";
  }
  return "?";
}

std::string_view LinkTierName(LinkTier t) {
  switch (t) {
    case LinkTier::kScaleUp:
      return "scale_up";
    case LinkTier::kScaleOut:
      return "scale_out";
  }
  return "?";
}

std::string EfficiencyCurve::Label() const {
  std::string out(OpClassName(op_class));
  if (op_class == OpClass::kCollective) {
    out.append(" ").append(CollectiveName(collective)).append(" ").append(LinkTierName(tier));
  }
  out.append(" ").append(DTypeName(dtype)).append(" ").append(CurveMetricName(metric));
  return out;
}

double EfficiencyCurve::At(double size, const EfficiencyPoint** nearest) const {
  if (points.empty()) {  // a validated profile never has one; see perf_model.h ValidateProfile
    if (nearest != nullptr) *nearest = nullptr;
    return 1.0;
  }
  const EfficiencyPoint* lo = &points.front();
  const EfficiencyPoint* hi = &points.back();
  double efficiency;
  const EfficiencyPoint* closest;
  if (!(size > lo->size)) {  // also size <= 0 and NaN: the first point
    efficiency = lo->efficiency;
    closest = lo;
  } else if (size >= hi->size) {
    efficiency = hi->efficiency;
    closest = hi;
  } else {
    const auto it = std::upper_bound(points.begin(), points.end(), size,
                                     [](double s, const EfficiencyPoint& p) { return s < p.size; });
    hi = &*it;
    lo = &*(it - 1);
    const double t = std::log(size / lo->size) / std::log(hi->size / lo->size);
    efficiency = lo->efficiency + t * (hi->efficiency - lo->efficiency);
    closest = t < 0.5 ? lo : hi;
  }
  if (nearest != nullptr) *nearest = closest;
  // Never above the datasheet figure, never zero (a validated profile holds (0, 1] already).
  return std::clamp(efficiency, 1e-9, 1.0);
}

const EfficiencyCurve* CalibrationProfile::Find(OpClass c, DType t, CurveMetric m,
                                                CollectiveKind kind, LinkTier tier) const {
  for (const EfficiencyCurve& curve : curves) {
    if (curve.op_class != c || curve.dtype != t || curve.metric != m) continue;
    if (c == OpClass::kCollective && (curve.collective != kind || curve.tier != tier)) continue;
    return &curve;
  }
  return nullptr;
}

}  // namespace capsim::models
