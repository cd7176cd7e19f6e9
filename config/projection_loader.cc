#include "config/projection_loader.h"

#include <cmath>
#include <optional>
#include <set>

#include "config/loader_parts.h"
#include "config/overrides.h"
#include "config/projection_parts.h"
#include "config/suggest.h"
#include "config/yaml_reader.h"
#include "models/calendar.h"

namespace capsim::config {
namespace {

const std::vector<std::string> kTopKeys = {"name",       "seed",    "catalog",   "calibration",
                                           "projection", "fleet",   "workloads", "policy",
                                           "failures",   "finance", "compare"};
constexpr double kDay = 86400;
constexpr double kYear = 365.25 * kDay;
constexpr double kMaxHorizonS = 30 * kYear;
// Scale-out network and storage capex per GPU when finance does not give them. ESTIMATE,
// derived: an H100 cluster all in (without buildings) is about $50,000 per GPU (hardware.md §3),
// of which the server is about $33,750 ($270K DGX H100 / 8, hardware.md §3,
// facilities-and-finance.md §5), leaving about $16,000 for network and storage, split 3:1 (an
// assumption).
constexpr double kDefaultNetworkUsdPerGpu = 12000;
constexpr double kDefaultStorageUsdPerGpu = 4000;

// projection: { start (date), horizon (<= 30 years), step (divides a day), sensitivity_swing }.
void ReadProjectionBlock(const MapReader& top, ProjectionContext* ctx,
                         models::ProjectionSpec* spec) {
  const MapReader r =
      top.GetMap("projection", {"start", "horizon", "step", "sensitivity_swing"}, Need::kRequired);
  std::string start;
  if (r.GetString("start", &start, Need::kRequired)) {
    if (std::optional<int64_t> day = models::ParseDate(start)) {
      spec->start_day = *day;
      ctx->start_day = *day;
      ctx->dated = true;
    } else {
      r.Report("start",
               "expected a date such as '2026-01-01' or a quarter such as '2026Q1', "
               "got '" +
                   start + "'");
    }
  }
  if (r.GetQuantity("horizon", Dimension::kTime, &spec->horizon_s, Need::kRequired,
                    Bound::kPositive)) {
    if (spec->horizon_s > kMaxHorizonS) {
      r.Report("horizon", "must be at most 30 years, got '" + r.Get("horizon").Scalar() + "'");
    } else {
      ctx->horizon_s = spec->horizon_s;
    }
  }
  double step = spec->step_s;
  if (r.GetQuantity("step", Dimension::kTime, &step, Need::kOptional, Bound::kPositive)) {
    const double per_day = std::round(kDay / step);
    const std::string got = ", got '" + r.Get("step").Scalar() + "'";
    if (step < 60) {
      r.Report("step", "must be at least 1 min" + got);
    } else if (step > kDay) {
      r.Report("step", "must be at most 1 day" + got);
    } else if (std::fabs(per_day * step - kDay) > 1e-6) {
      r.Report("step", "must divide a day (86400 s) into whole steps" + got);
    } else {
      spec->step_s = step;
    }
  }
  double swing = spec->sensitivity_swing;
  if (r.GetQuantity("sensitivity_swing", Dimension::kFraction, &swing)) {
    if (swing <= 0 || swing >= 1) {
      r.Report("sensitivity_swing", "must be between 0 and 100% (both excluded), got '" +
                                        r.Get("sensitivity_swing").Scalar() + "'");
    } else {
      spec->sensitivity_swing = swing;
    }
  }
}

void ReadFinance(const MapReader& top, ProjectionContext* ctx, models::ProjectionFinanceSpec* f) {
  const MapReader r =
      top.GetMap("finance", {"depreciation", "residual", "server_overhead", "network_per_gpu",
                             "storage_per_gpu", "installation", "maintenance"});
  const MapReader dep = r.GetMap("depreciation", {"servers", "facilities"});
  dep.GetQuantity("servers", Dimension::kTime, &f->server_life_s, Need::kOptional,
                  Bound::kPositive);
  dep.GetQuantity("facilities", Dimension::kTime, &f->facility_life_s, Need::kOptional,
                  Bound::kPositive);
  r.GetQuantity("residual", Dimension::kFraction, &f->residual_fraction);
  r.GetQuantity("server_overhead", Dimension::kDimensionless, &f->server_overhead, Need::kOptional,
                Bound::kAtLeastOne);
  f->storage_usd_per_gpu = kDefaultStorageUsdPerGpu;
  r.GetQuantity("storage_per_gpu", Dimension::kMoney, &f->storage_usd_per_gpu, Need::kOptional,
                Bound::kNonNegative);
  r.GetQuantity("installation", Dimension::kFraction, &f->installation_fraction);
  r.GetQuantity("maintenance", Dimension::kFraction, &f->maintenance_fraction);
  f->network_usd_per_gpu = {{"default", kDefaultNetworkUsdPerGpu}};
  ctx->fabrics = {"default"};
  const YAML::Node node = r.Get("network_per_gpu");
  if (node.IsDefined() && !node.IsMap()) {
    r.Report("network_per_gpu",
             "expected a mapping of fabric name to money per GPU, got " + DescribeNode(node));
  } else if (node.IsMap()) {
    std::vector<std::string> fabrics;
    for (const auto& entry : node) fabrics.push_back(entry.first.Scalar());
    const MapReader n = r.GetMap("network_per_gpu", fabrics);
    for (const std::string& fabric : fabrics) {
      double usd = 0;
      if (fabric != "default") ctx->fabrics.push_back(fabric);
      if (!n.GetQuantity(fabric, Dimension::kMoney, &usd, Need::kOptional, Bound::kNonNegative)) {
        continue;
      }
      if (fabric == "default") {
        f->network_usd_per_gpu.front().second = usd;
      } else {
        f->network_usd_per_gpu.emplace_back(fabric, usd);
      }
    }
  }
}

// policy: { order: [...] }: every workload exactly once, highest priority first.
void ReadOrder(const MapReader& top, const std::vector<std::string>& names,
               models::ProjectionSpec* spec) {
  spec->order = names;
  ReadWorkloadOrder(top.GetMap("policy", {"order"}), names, &spec->order);
}

// A job priced by the performance model (no efficiency) needs its pool GPU's profile.
void CheckCalibration(const MapReader& top, const std::set<std::string>& named,
                      const std::vector<size_t>& job_items, const models::ProjectionSpec& spec) {
  std::set<std::string> reported;
  for (size_t j = 0; j < spec.jobs.size(); ++j) {
    const models::ProjectionJobSpec& job = spec.jobs[j];
    const bool training = job.kind == models::ProjectionJobSpec::Kind::kTraining;
    const double efficiency = training ? job.training.efficiency : job.distillation.efficiency;
    const std::string& pool = training ? job.training.pool : job.distillation.pool;
    if (efficiency > 0) continue;
    for (const models::ProjectionPoolSpec& p : spec.pools) {
      if (p.name != pool || p.gpu.empty() || named.count(p.gpu) > 0 ||
          spec.catalog.FindGpu(p.gpu) == nullptr || !reported.insert(p.gpu).second) {
        continue;
      }
      top.Report("calibration", "no calibration profile for GPU '" + p.gpu + "' (workloads[" +
                                    std::to_string(job_items[j]) + "] '" + job.name() +
                                    "' on pool '" + pool +
                                    "'), whose job steps are priced by the performance model; add "
                                    "calibration: { " +
                                    p.gpu +
                                    ": published } (or a profile file) or set an "
                                    "efficiency");
    }
  }
}

// compare: { variant: ["key.path=value", ...] }.
void ReadCompare(const MapReader& top, models::ProjectionSpec* spec) {
  if (!top.Has("compare")) return;
  const YAML::Node node = top.Get("compare");
  if (!node.IsMap()) {
    top.Report("compare",
               "expected a mapping of variant name to a list of 'key.path=value' "
               "overrides, got " +
                   DescribeNode(node));
    return;
  }
  Diagnostics* d = top.diagnostics();
  for (const auto& entry : node) {
    models::ProjectionVariant variant;
    variant.name = entry.first.Scalar();
    const std::string path = ChildPath(top.PathOf("compare"), variant.name);
    if (!entry.second.IsSequence()) {
      d->Add(entry.second.Mark(), path,
             "expected a list of 'key.path=value' overrides, got " + DescribeNode(entry.second));
      continue;
    }
    for (size_t i = 0; i < entry.second.size(); ++i) {
      const YAML::Node item = entry.second[i];
      const std::string item_path = IndexPath(path, i);
      if (!item.IsScalar()) {
        d->Add(item.Mark(), item_path,
               "expected a 'key.path=value' override string, got " + DescribeNode(item));
        continue;
      }
      Result<Override> o = ParseOverride(item.Scalar());
      if (!o.ok()) {
        d->Add(item.Mark(), item_path,
               "expected a 'key.path=value' override string: " + o.status().problems()[0]);
        continue;
      }
      variant.overrides.push_back(item.Scalar());
    }
    spec->variants.push_back(std::move(variant));
  }
}

void ReadProjection(const YAML::Node& root, const std::string& path,
                    const std::string& catalog_path, Diagnostics* d, models::ProjectionSpec* spec) {
  const MapReader top(root, "", kTopKeys, d);
  std::optional<models::Catalog> catalog = ReadCatalog(top, path, catalog_path);
  ProjectionContext ctx;
  ctx.catalog = catalog ? &*catalog : nullptr;
  ctx.path = path;
  top.GetString("name", &spec->name, Need::kRequired);
  top.GetUint64("seed", &spec->seed);
  ReadProjectionBlock(top, &ctx, spec);
  ReadFinance(top, &ctx, &spec->finance);
  ReadProjectionFleet(top, &ctx, spec);
  std::vector<size_t> job_items;
  const std::vector<std::string> names = ReadProjectionWorkloads(top, &ctx, spec, &job_items);
  ReadOrder(top, names, spec);
  ReadFailures(top, &spec->failures);
  ReadCompare(top, spec);
  if (catalog) spec->catalog = std::move(*catalog);
  const YAML::Node calibration = top.Get("calibration");
  const std::set<std::string> named =
      ReadCalibrationProfiles(top, path, spec->catalog, &spec->profiles);
  if (!calibration.IsDefined() || calibration.IsNull() || calibration.IsMap()) {
    CheckCalibration(top, named, job_items, *spec);
  }
}

// LoadProjection; with `variants`, each compare variant is loaded too (without its own variants).
Result<models::ProjectionSpec> Load(const std::string& path,
                                    const std::vector<std::string>& overrides,
                                    const std::string& catalog_path, bool variants) {
  std::string text;
  Diagnostics diagnostics(path);
  Result<YAML::Node> top =
      ReadTopMapping(path, overrides, "a projection", kTopKeys, &diagnostics, &text);
  if (!top.ok()) return top.status();
  YAML::Node root = top.value();
  models::ProjectionSpec spec;
  try {
    ReadProjection(root, path, catalog_path, &diagnostics, &spec);
  } catch (const YAML::Exception& e) {
    diagnostics.AddLine(path + ": " + e.msg);
  }
  std::vector<std::string> problems;
  if (!diagnostics.empty()) problems = diagnostics.ToStatus().problems();
  if (variants) {
    // Each variant's own problems: those the plan without it does not have.
    const std::set<std::string> base(problems.begin(), problems.end());
    for (const models::ProjectionVariant& v : spec.variants) {
      std::vector<std::string> all = overrides;
      all.insert(all.end(), v.overrides.begin(), v.overrides.end());
      Result<models::ProjectionSpec> r = Load(path, all, catalog_path, /*variants=*/false);
      if (r.ok()) continue;
      for (const std::string& p : r.status().problems()) {
        if (base.count(p) == 0) problems.push_back("compare." + v.name + ": " + p);
      }
    }
  }
  if (!problems.empty()) return Status::Errors(std::move(problems));
  spec.source_path = path;
  spec.resolved_text = ResolvedText(text, !overrides.empty(), root);
  return spec;
}

}  // namespace

bool GetDate(const MapReader& r, std::string_view key, const ProjectionContext& ctx, double* out_s,
             Need need, DateRange range) {
  std::string text;
  if (!r.Has(key)) {
    if (need == Need::kRequired) r.Require(key);
    return false;
  }
  if (!r.Get(key).IsScalar()) {
    r.Report(key, "expected a date such as '2026-07-01' or a quarter such as '2026Q3', got " +
                      DescribeNode(r.Get(key)));
    return false;
  }
  text = r.Get(key).Scalar();
  const std::optional<int64_t> day = models::ParseDate(text);
  if (!day) {
    r.Report(key, "expected a date such as '2026-07-01' or a quarter such as '2026Q3', got '" +
                      text + "'");
    return false;
  }
  if (!ctx.dated) return false;  // projection.start is reported
  const double at_s = static_cast<double>(*day - ctx.start_day) * kDay;
  if (range != DateRange::kAny && ctx.horizon_s > 0) {
    const bool after_end =
        range == DateRange::kInside ? at_s >= ctx.horizon_s : at_s > ctx.horizon_s;
    if (at_s < 0 || after_end) {
      const int64_t end_day = ctx.start_day + static_cast<int64_t>(std::ceil(ctx.horizon_s / kDay));
      r.Report(key, "'" + text + "' is outside the projection, which runs from " +
                        models::DateLabel(ctx.start_day) + " to " + models::DateLabel(end_day) +
                        (range == DateRange::kInside ? " (excluded)" : ""));
      return false;
    }
  }
  *out_s = at_s;
  return true;
}

void ClaimName(const MapReader& r, std::string_view key, const std::string& name,
               const std::string& what, ProjectionContext* ctx) {
  const std::string here = "the " + what + " at line " + std::to_string(r.MarkOf(key).line + 1);
  auto [it, inserted] = ctx->names.emplace(name, here);
  if (!inserted) {
    r.Report(key, "duplicate name '" + name + "': already " + it->second +
                      " (pools, clouds and workloads share one namespace)");
  }
}

bool IsProjectionFile(const std::string& path) {
  std::string text;
  Result<YAML::Node> parsed = ReadYamlFile(path, &text);
  if (!parsed.ok()) return false;
  const YAML::Node& root = parsed.value();
  return root.IsMap() && root["projection"].IsDefined();
}

Result<models::ProjectionSpec> LoadProjection(const std::string& path,
                                              const std::vector<std::string>& overrides,
                                              const std::string& catalog_path) {
  return Load(path, overrides, catalog_path, /*variants=*/true);
}

}  // namespace capsim::config
