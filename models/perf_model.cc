#include "models/perf_model.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace capsim::models {
namespace {

constexpr OpClass kAllClasses[] = {
    OpClass::kGemm, OpClass::kAttentionPrefill, OpClass::kAttentionDecode, OpClass::kMemory,
    OpClass::kConv, OpClass::kCollective};
constexpr DType kAllDTypes[] = {DType::kFP32, DType::kBF16, DType::kFP16, DType::kFP8};
constexpr CollectiveKind kAllKinds[] = {CollectiveKind::kAllReduce, CollectiveKind::kAllGather,
                                        CollectiveKind::kReduceScatter, CollectiveKind::kAllToAll};
constexpr LinkTier kAllTiers[] = {LinkTier::kScaleUp, LinkTier::kScaleOut};

int Index(OpClass c, DType t) { return static_cast<int>(c) * 4 + static_cast<int>(t); }
int Index(CollectiveKind k, LinkTier l, DType t) {
  return (static_cast<int>(k) * 2 + static_cast<int>(l)) * 4 + static_cast<int>(t);
}

int16_t IndexOf(const CalibrationProfile& p, const EfficiencyCurve* c) {
  return c == nullptr ? int16_t{-1} : static_cast<int16_t>(c - p.curves.data());
}

// The first curve of class `c` and metric `m` of any dtype (for collectives also `kind`, `tier`).
const EfficiencyCurve* FindAnyDType(const CalibrationProfile& p, OpClass c, CurveMetric m,
                                    CollectiveKind kind = CollectiveKind::kAllReduce,
                                    LinkTier tier = LinkTier::kScaleUp) {
  for (DType t : {DType::kBF16, DType::kFP16, DType::kFP8, DType::kFP32}) {
    if (const EfficiencyCurve* curve = p.Find(c, t, m, kind, tier)) return curve;
  }
  return nullptr;
}

const EfficiencyCurve* ComputeCurve(const CalibrationProfile& p, OpClass c, DType t) {
  const CurveMetric m = CurveMetric::kCompute;
  if (const EfficiencyCurve* x = p.Find(c, t, m)) return x;
  if (const EfficiencyCurve* x = p.Find(OpClass::kGemm, t, m)) return x;
  if (const EfficiencyCurve* x = p.Find(c, DType::kBF16, m)) return x;
  return p.Find(OpClass::kGemm, DType::kBF16, m);
}

const EfficiencyCurve* MemoryCurve(const CalibrationProfile& p, OpClass c, DType t) {
  const CurveMetric m = CurveMetric::kMemory;
  if (const EfficiencyCurve* x = p.Find(c, t, m)) return x;
  if (const EfficiencyCurve* x = p.Find(c, DType::kBF16, m)) return x;
  if (const EfficiencyCurve* x = p.Find(OpClass::kMemory, t, m)) return x;
  return FindAnyDType(p, OpClass::kMemory, m);
}

const EfficiencyCurve* BusCurveOnTier(const CalibrationProfile& p, CollectiveKind k, LinkTier l,
                                      DType t) {
  const OpClass c = OpClass::kCollective;
  const CurveMetric m = CurveMetric::kBusBandwidth;
  for (CollectiveKind kind : {k, CollectiveKind::kAllReduce}) {
    if (const EfficiencyCurve* x = p.Find(c, t, m, kind, l)) return x;
    if (const EfficiencyCurve* x = p.Find(c, DType::kBF16, m, kind, l)) return x;
    if (const EfficiencyCurve* x = FindAnyDType(p, c, m, kind, l)) return x;
  }
  return nullptr;
}

const EfficiencyCurve* BusCurve(const CalibrationProfile& p, CollectiveKind k, LinkTier l,
                                DType t) {
  if (const EfficiencyCurve* x = BusCurveOnTier(p, k, l, t)) return x;
  const LinkTier other = l == LinkTier::kScaleUp ? LinkTier::kScaleOut : LinkTier::kScaleUp;
  return BusCurveOnTier(p, k, other, t);
}

bool SameKey(const EfficiencyCurve& a, const EfficiencyCurve& b) {
  if (a.op_class != b.op_class || a.dtype != b.dtype || a.metric != b.metric) return false;
  return a.op_class != OpClass::kCollective || (a.collective == b.collective && a.tier == b.tier);
}

}  // namespace

Status ValidateProfile(const CalibrationProfile& profile) {
  std::vector<std::string> problems;
  const std::string prefix = "profile " + (profile.gpu.empty() ? "?" : profile.gpu) + ": ";
  if (!(profile.launch_overhead_s >= 0)) problems.push_back(prefix + "negative launch overhead");
  if (!(profile.collective_latency_s >= 0)) {
    problems.push_back(prefix + "negative collective latency");
  }
  for (size_t i = 0; i < profile.curves.size(); ++i) {
    const EfficiencyCurve& c = profile.curves[i];
    const std::string where = prefix + "curve " + c.Label() + ": ";
    const bool collective = c.op_class == OpClass::kCollective;
    if (collective != (c.metric == CurveMetric::kBusBandwidth)) {
      problems.push_back(where + (collective ? "collective curves measure bus_bandwidth"
                                             : "only collective curves measure bus_bandwidth"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (SameKey(profile.curves[j], c)) {
        problems.push_back(where + "appears twice");
        break;
      }
    }
    if (c.points.empty()) problems.push_back(where + "has no points");
    for (size_t j = 0; j < c.points.size(); ++j) {
      const EfficiencyPoint& p = c.points[j];
      const std::string at = where + "point " + std::to_string(j) + ": ";
      if (!(p.size > 0)) problems.push_back(at + "size must be positive");
      if (!(p.efficiency > 0 && p.efficiency <= 1)) {
        problems.push_back(at + "efficiency must be in (0, 1], got " +
                           std::to_string(p.efficiency));
      }
      if (j > 0 && !(p.size > c.points[j - 1].size)) {
        problems.push_back(at + "sizes must be strictly increasing");
      }
    }
  }
  if (profile.Find(OpClass::kGemm, DType::kBF16, CurveMetric::kCompute) == nullptr) {
    problems.push_back(prefix + "missing required curve gemm bf16 compute");
  }
  if (FindAnyDType(profile, OpClass::kMemory, CurveMetric::kMemory) == nullptr) {
    problems.push_back(prefix + "missing required curve memory (any dtype) memory");
  }
  if (BusCurve(profile, CollectiveKind::kAllReduce, LinkTier::kScaleUp, DType::kBF16) == nullptr) {
    problems.push_back(prefix + "missing required curve collective all_reduce (any tier) " +
                       "bus_bandwidth");
  }
  if (problems.empty()) return Status::Ok();
  return Status::Errors(std::move(problems));
}

Result<PerfModel> PerfModel::Create(const GpuSpec& gpu, LinkBandwidths links,
                                    CalibrationProfile profile) {
  std::vector<std::string> problems;
  if (Status s = ValidateProfile(profile); !s.ok()) problems = s.problems();
  if (profile.gpu != gpu.name) {
    problems.push_back("profile " + profile.gpu + ": is for GPU '" + profile.gpu + "', not '" +
                       gpu.name + "'");
  }
  if (!(gpu.bf16_flops > 0)) problems.push_back("GPU " + gpu.name + ": bf16 peak not positive");
  if (!(gpu.memory_bandwidth > 0)) {
    problems.push_back("GPU " + gpu.name + ": memory bandwidth not positive");
  }
  if (!(links.scale_up_bytes_per_s > 0) || !(links.scale_out_bytes_per_s > 0)) {
    problems.push_back("GPU " + gpu.name + ": scale-up and scale-out link bandwidths must be " +
                       "positive");
  }
  if (!problems.empty()) return Status::Errors(std::move(problems));

  PerfModel model;
  model.gpu_ = gpu;
  model.links_ = links;
  model.profile_ = std::move(profile);
  const CalibrationProfile& p = model.profile_;
  for (OpClass c : kAllClasses) {
    for (DType t : kAllDTypes) {
      model.compute_curve_[Index(c, t)] = IndexOf(p, ComputeCurve(p, c, t));
      model.memory_curve_[Index(c, t)] = IndexOf(p, MemoryCurve(p, c, t));
    }
  }
  for (CollectiveKind k : kAllKinds) {
    for (LinkTier l : kAllTiers) {
      for (DType t : kAllDTypes)
        model.bus_curve_[Index(k, l, t)] = IndexOf(p, BusCurve(p, k, l, t));
    }
  }
  return model;
}

double DatasheetPeakFlops(const GpuSpec& gpu, DType t) {
  switch (t) {
    case DType::kFP32:
      return gpu.bf16_flops / 2;
    case DType::kBF16:
    case DType::kFP16:
      return gpu.bf16_flops;
    case DType::kFP8:
      return gpu.fp8_flops > 0 ? gpu.fp8_flops : gpu.bf16_flops;
  }
  return gpu.bf16_flops;
}

double PerfModel::PeakFlops(DType t) const { return DatasheetPeakFlops(gpu_, t); }

OpCost PerfModel::Price(const Operation& op) const {
  if (op.op_class == OpClass::kCollective) return PriceCollective(op);
  OpCost cost;
  const EfficiencyCurve* compute_curve =
      &profile_.curves[compute_curve_[Index(op.op_class, op.dtype)]];
  const EfficiencyCurve* memory_curve =
      &profile_.curves[memory_curve_[Index(op.op_class, op.dtype)]];
  const EfficiencyPoint* compute_point = nullptr;
  const EfficiencyPoint* memory_point = nullptr;
  double compute_eff = 0, memory_eff = 0;
  if (op.flops > 0) {
    compute_eff = compute_curve->At(op.flops, &compute_point);
    cost.compute_s = op.flops / (PeakFlops(op.dtype) * compute_eff);
  }
  if (op.bytes > 0) {
    memory_eff = memory_curve->At(op.bytes, &memory_point);
    cost.memory_s = op.bytes / (gpu_.memory_bandwidth * memory_eff);
  }
  cost.overhead_s = profile_.launch_overhead_s;
  const double work_s = std::max(cost.compute_s, cost.memory_s);
  cost.time_s = std::max(work_s, cost.overhead_s);  // launches pipeline behind running kernels
  const bool compute_binds = cost.compute_s >= cost.memory_s;
  if (work_s > 0) {
    cost.efficiency = compute_binds ? compute_eff : memory_eff;
    cost.curve = compute_binds ? compute_curve : memory_curve;
    cost.point = compute_binds ? compute_point : memory_point;
  }
  if (work_s > 0 && work_s >= cost.overhead_s) cost.bound = compute_binds ? "compute" : "memory";
  return cost;
}

OpCost PerfModel::PriceCollective(const Operation& op) const {
  OpCost cost;
  cost.bound = "network";
  if (op.ranks <= 1 || !(op.bytes > 0)) return cost;
  const double n = static_cast<double>(op.ranks);
  const bool all_reduce = op.collective == CollectiveKind::kAllReduce;
  const double algorithm_bytes = (all_reduce ? 2 * (n - 1) / n : (n - 1) / n) * op.bytes;
  const double steps = all_reduce ? 2 * (n - 1) : n - 1;
  const double link =
      op.tier == LinkTier::kScaleUp ? links_.scale_up_bytes_per_s : links_.scale_out_bytes_per_s;
  cost.curve = &profile_.curves[bus_curve_[Index(op.collective, op.tier, op.dtype)]];
  cost.efficiency = cost.curve->At(op.bytes, &cost.point);
  cost.network_s = algorithm_bytes / (link * cost.efficiency);
  cost.overhead_s = profile_.collective_latency_s * steps;
  cost.time_s = cost.network_s + cost.overhead_s;
  if (cost.overhead_s > cost.network_s) cost.bound = "latency";
  return cost;
}

double PerfModel::StepTime(const std::vector<Operation>& ops) const {
  double total = 0;
  for (const Operation& op : ops) total += Price(op).time_s * op.repeat;
  return total;
}

}  // namespace capsim::models
