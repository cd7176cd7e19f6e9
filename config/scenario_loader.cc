#include "config/scenario_loader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "config/catalog_loader.h"
#include "config/loader_parts.h"
#include "config/overrides.h"
#include "config/policy_loader.h"
#include "config/profile_io.h"
#include "config/suggest.h"
#include "config/workload_loader.h"
#include "config/yaml_reader.h"

namespace capsim::config {
namespace {

const std::vector<std::string> kTopKeys = {
    "name",  "horizon",   "seed",   "sample_interval", "catalog",  "calibration",
    "fleet", "workloads", "policy", "finance",         "failures", "compare_policies"};
// The engine's clock is int64 nanoseconds: 292 years at most; leave room for event times.
constexpr double kMaxHorizonS = 200 * 365.25 * 86400;

// `topology: { nodes_per_domain, nodes_per_rack, racks_per_pod, pod_oversubscription }` of a
// pool of `nodes` nodes, checked by Topology::Create.
void ReadTopology(const MapReader& pool_reader, int nodes, models::PoolSpec* pool) {
  const MapReader r = pool_reader.GetMap(
      "topology", {"nodes_per_domain", "nodes_per_rack", "racks_per_pod", "pod_oversubscription"});
  models::TopologySpec t;
  bool ok = r.GetInt("nodes_per_domain", &t.nodes_per_domain, Need::kOptional, Bound::kAtLeastOne);
  ok = r.GetInt("nodes_per_rack", &t.nodes_per_rack, Need::kOptional, Bound::kAtLeastOne) && ok;
  ok = r.GetInt("racks_per_pod", &t.racks_per_pod, Need::kOptional, Bound::kAtLeastOne) && ok;
  ok = r.GetQuantity("pod_oversubscription", Dimension::kDimensionless, &t.pod_oversubscription,
                     Need::kOptional, Bound::kAtLeastOne) &&
       ok;
  (void)ok;  // absent keys keep their defaults; Create checks the combination
  if (!r.valid()) return;
  if (nodes > 0) {
    Result<models::Topology> topo = models::Topology::Create(nodes, t);
    if (!topo.ok()) {
      for (std::string p : topo.status().problems()) {
        const std::string prefix = "topology: ";
        if (p.rfind(prefix, 0) == 0) p = p.substr(prefix.size());
        pool_reader.Report("topology", p);
      }
      return;
    }
  }
  pool->topology = t;
}

// Reads fleet.sites and fleet.pools; returns the pool workloads are sized against, or nullptr.
const models::PoolSpec* ReadFleet(const MapReader& top, const models::Catalog* catalog,
                                  models::Scenario* s) {
  const MapReader fleet = top.GetMap("fleet", {"sites", "pools"}, Need::kRequired);
  if (!fleet.valid() || !top.Has("fleet")) return nullptr;
  std::map<std::string, int> site_lines;
  const std::vector<YAML::Node> sites = fleet.GetList("sites", Need::kRequired);
  if (sites.empty() && fleet.Has("sites")) fleet.Report("sites", "needs at least one site");
  for (size_t i = 0; i < sites.size(); ++i) {
    const MapReader r(sites[i], IndexPath(fleet.PathOf("sites"), i),
                      {"name", "power_cap", "pue", "energy_price"}, top.diagnostics());
    models::SiteSpec site;
    if (r.GetString("name", &site.name, Need::kRequired)) {
      auto [it, inserted] = site_lines.emplace(site.name, r.MarkOf("name").line + 1);
      if (!inserted) {
        r.Report("name", "duplicate site name '" + site.name + "' (first at line " +
                             std::to_string(it->second) + ")");
      }
    }
    r.GetQuantity("power_cap", Dimension::kPower, &site.power_cap_watts, Need::kRequired,
                  Bound::kPositive);
    r.GetQuantity("pue", Dimension::kDimensionless, &site.pue, Need::kOptional, Bound::kAtLeastOne);
    r.GetQuantity("energy_price", Dimension::kEnergyPrice, &site.energy_price_usd_per_joule,
                  Need::kRequired, Bound::kNonNegative);
    s->sites.push_back(std::move(site));
  }

  const std::vector<YAML::Node> pools = fleet.GetList("pools", Need::kRequired);
  if (pools.empty() && fleet.Has("pools")) fleet.Report("pools", "needs at least one pool");
  bool first_pool_ok = false;
  std::map<std::string, int> pool_lines;
  for (size_t i = 0; i < pools.size(); ++i) {
    const MapReader r(pools[i], IndexPath(fleet.PathOf("pools"), i),
                      {"name", "site", "gpu", "nodes", "gpus_per_node", "host_power_fraction",
                       "server_price", "topology"},
                      top.diagnostics());
    models::PoolSpec pool;
    if (r.GetString("name", &pool.name, Need::kRequired)) {
      auto [it, inserted] = pool_lines.emplace(pool.name, r.MarkOf("name").line + 1);
      if (!inserted) {
        r.Report("name", "duplicate pool name '" + pool.name + "' (first at line " +
                             std::to_string(it->second) + ")");
      }
    }
    if (r.GetString("site", &pool.site, Need::kRequired) && !sites.empty() &&
        site_lines.count(pool.site) == 0) {
      std::vector<std::string> names;
      for (const auto& [name, line] : site_lines) names.push_back(name);
      r.Report("site", UnknownNameMessage("site", pool.site, names));
    }
    if (r.GetString("gpu", &pool.gpu, Need::kRequired) && catalog != nullptr &&
        catalog->FindGpu(pool.gpu) == nullptr) {
      std::vector<std::string> names;
      for (const models::GpuSpec& g : catalog->gpus) names.push_back(g.name);
      r.Report("gpu", UnknownNameMessage("GPU", pool.gpu, names));
    }
    const bool has_nodes = r.GetInt("nodes", &pool.nodes, Need::kRequired, Bound::kAtLeastOne);
    const bool per_node_ok =
        !r.Has("gpus_per_node") ||
        r.GetInt("gpus_per_node", &pool.gpus_per_node, Need::kOptional, Bound::kAtLeastOne);
    const bool sized = has_nodes && per_node_ok;
    r.GetQuantity("host_power_fraction", Dimension::kFraction, &pool.host_power_fraction);
    r.GetQuantity("server_price", Dimension::kMoney, &pool.server_price_usd, Need::kOptional,
                  Bound::kNonNegative);
    if (r.Has("topology")) ReadTopology(r, pool.nodes, &pool);
    if (i == 0) first_pool_ok = r.valid() && sized;
    s->pools.push_back(std::move(pool));
  }
  return first_pool_ok ? &s->pools.front() : nullptr;
}

void ReadFinance(const MapReader& top, models::FinanceSpec* f) {
  const MapReader r = top.GetMap("finance", {"depreciation", "residual", "server_overhead"});
  const MapReader dep = r.GetMap("depreciation", {"servers"});
  dep.GetQuantity("servers", Dimension::kTime, &f->server_life_s, Need::kOptional,
                  Bound::kPositive);
  r.GetQuantity("residual", Dimension::kFraction, &f->residual_fraction);
  r.GetQuantity("server_overhead", Dimension::kDimensionless, &f->server_overhead, Need::kOptional,
                Bound::kAtLeastOne);
}

}  // namespace

// `failures:` (optional): { rate_scale: x (>= 0, default 1), repair: time (default 0),
// spares: { nodes: n, swap: time } }.
void ReadFailures(const MapReader& top, models::FailureSpec* f) {
  if (!top.Has("failures")) return;
  f->enabled = true;
  const MapReader r = top.GetMap("failures", {"rate_scale", "repair", "spares"});
  r.GetQuantity("rate_scale", Dimension::kDimensionless, &f->rate_scale, Need::kOptional,
                Bound::kNonNegative);
  r.GetQuantity("repair", Dimension::kTime, &f->repair_s, Need::kOptional, Bound::kNonNegative);
  if (!r.Has("spares")) return;
  const MapReader sp = r.GetMap("spares", {"nodes", "swap"});
  sp.GetInt("nodes", &f->spare_nodes, Need::kRequired, Bound::kNonNegative);
  sp.GetQuantity("swap", Dimension::kTime, &f->swap_s, Need::kRequired, Bound::kNonNegative);
  if (sp.valid() && f->spare_nodes > 0 && f->swap_s > f->repair_s) {
    sp.Report("swap", "is longer than the repair time: a spare would never help");
  }
}

// Loads the catalog named by the scenario (or the fallback), reporting its problems.
std::optional<models::Catalog> ReadCatalog(const MapReader& top, const std::string& path,
                                           const std::string& catalog_path) {
  std::string file = catalog_path.empty() ? DefaultCatalogPath() : catalog_path;
  const bool from_key = top.GetString("catalog", &file);
  if (from_key) {
    const std::filesystem::path p(file);
    if (p.is_relative()) file = (std::filesystem::path(path).parent_path() / p).string();
  }
  Result<models::Catalog> catalog = LoadCatalog(file);
  if (catalog.ok()) return std::move(catalog).value();
  for (const std::string& problem : catalog.status().problems()) {
    if (from_key) {
      top.Report("catalog", problem);
    } else {
      top.diagnostics()->AddLine(problem);
    }
  }
  return std::nullopt;
}

std::set<std::string> ReadCalibrationProfiles(const MapReader& top, const std::string& path,
                                              const models::Catalog& catalog,
                                              std::vector<models::CalibrationProfile>* profiles) {
  const YAML::Node node = top.Get("calibration");
  std::set<std::string> named;  // GPUs with an entry, loaded or not (no second complaint)
  if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
    top.Report("calibration",
               "expected a mapping of GPU type to profile file, got " + DescribeNode(node));
    return named;
  }
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string gpu = entry.first.Scalar();
      named.insert(gpu);
      const std::string key_path = ChildPath(top.PathOf("calibration"), gpu);
      if (!entry.second.IsScalar()) {
        top.diagnostics()->Add(entry.second.Mark(), key_path,
                               "expected a profile file name, got " + DescribeNode(entry.second));
        continue;
      }
      if (catalog.FindGpu(gpu) == nullptr && !catalog.gpus.empty()) {
        std::vector<std::string> names;
        for (const models::GpuSpec& g : catalog.gpus) names.push_back(g.name);
        top.diagnostics()->Add(entry.first.Mark(), key_path, UnknownNameMessage("GPU", gpu, names));
        continue;
      }
      const std::string value = entry.second.Scalar();
      std::filesystem::path file(value);
      if (value.find('/') == std::string::npos && !value.ends_with(".yaml")) {
        // A shipped profile by kind: "published" -> <data>/profiles/<GPU>.published.yaml.
        file = std::filesystem::path(DefaultCatalogPath()).parent_path() / "profiles" /
               (gpu + "." + value + ".yaml");
      } else if (file.is_relative()) {
        file = std::filesystem::path(path).parent_path() / file;
      }
      Result<models::CalibrationProfile> profile = LoadProfile(file.string());
      if (!profile.ok()) {
        for (const std::string& p : profile.status().problems()) {
          top.diagnostics()->Add(entry.second.Mark(), key_path, p);
        }
        continue;
      }
      if (profile.value().gpu != gpu) {
        top.diagnostics()->Add(entry.second.Mark(), key_path,
                               "profile " + file.string() + " is for GPU '" + profile.value().gpu +
                                   "', not '" + gpu + "'");
        continue;
      }
      profiles->push_back(std::move(profile).value());
    }
  }
  return named;
}

namespace {

// Reads `calibration:` and loads each profile (ReadCalibrationProfiles); a pool GPU priced by the
// performance model must have one.
void ReadCalibration(const MapReader& top, const std::string& path, models::Scenario* s) {
  const YAML::Node node = top.Get("calibration");
  const bool malformed = node.IsDefined() && !node.IsNull() && !node.IsMap();
  const std::set<std::string> named = ReadCalibrationProfiles(top, path, s->catalog, &s->profiles);
  if (malformed) return;
  // The pools holding a workload priced by the performance model.
  std::set<int> priced;
  auto mark = [&](const std::string& pool, bool needs) {
    if (needs && s->PoolIndex(pool) >= 0) priced.insert(s->PoolIndex(pool));
  };
  for (const models::TrainingSpec& t : s->trainings) mark(t.pool, t.efficiency <= 0);
  for (const models::DistillationSpec& d : s->distillations) mark(d.pool, d.efficiency <= 0);
  for (const models::ServingSpec& v : s->servings) mark(v.pool, true);
  for (const models::AvatarSpec& a : s->avatars) mark(a.pool, a.replica.has_value());
  std::set<std::string> reported;
  for (int pi : priced) {
    const size_t i = static_cast<size_t>(pi);
    const std::string& gpu = s->pools[i].gpu;
    if (!reported.insert(gpu).second) continue;
    if (gpu.empty() || named.count(gpu) > 0 || s->catalog.FindGpu(gpu) == nullptr) {
      continue;
    }
    top.Report("calibration",
               "no calibration profile for GPU '" + gpu + "' (fleet.pools[" + std::to_string(i) +
                   "]), whose job steps are priced by the performance model; add calibration: { " +
                   gpu + ": published } (or a profile file) or set an efficiency");
  }
}

void ReadScenario(const YAML::Node& root, const std::string& path, const std::string& catalog_path,
                  Diagnostics* d, models::Scenario* s) {
  const MapReader top(root, "", kTopKeys, d);
  std::optional<models::Catalog> catalog = ReadCatalog(top, path, catalog_path);
  top.GetString("name", &s->name, Need::kRequired);
  if (top.GetQuantity("horizon", Dimension::kTime, &s->horizon_s, Need::kRequired,
                      Bound::kPositive) &&
      s->horizon_s > kMaxHorizonS) {
    top.Report("horizon", "is longer than the engine's 200-year limit");
  }
  top.GetUint64("seed", &s->seed);
  top.GetQuantity("sample_interval", Dimension::kTime, &s->sample_interval_s, Need::kOptional,
                  Bound::kPositive);
  const models::PoolSpec* pool = ReadFleet(top, catalog ? &*catalog : nullptr, s);
  WorkloadContext context;
  context.catalog = catalog ? &*catalog : nullptr;
  context.pool = pool;
  context.scenario_path = path;
  const std::vector<std::string> names = ReadWorkloads(top, context, s);
  // The policy's node counts (headroom, the avatar partition) are the avatar pool's.
  const models::PoolSpec* avatar_pool = pool;
  if (!s->avatars.empty() && s->PoolIndex(s->avatars[0].pool) > 0) {
    avatar_pool = &s->pools[static_cast<size_t>(s->PoolIndex(s->avatars[0].pool))];
  }
  ReadPolicies(top, names, avatar_pool, s);
  ReadFinance(top, &s->finance);
  ReadFailures(top, &s->failures);
  if (catalog) s->catalog = std::move(*catalog);
  ReadCalibration(top, path, s);
}

}  // namespace

Result<models::Scenario> LoadScenario(const std::string& path,
                                      const std::vector<std::string>& overrides,
                                      const std::string& catalog_path) {
  std::string text;
  Diagnostics diagnostics(path);
  Result<YAML::Node> top =
      ReadTopMapping(path, overrides, "a scenario", kTopKeys, &diagnostics, &text);
  if (!top.ok()) return top.status();
  YAML::Node root = top.value();
  models::Scenario scenario;
  try {
    ReadScenario(root, path, catalog_path, &diagnostics, &scenario);
  } catch (const YAML::Exception& e) {
    diagnostics.AddLine(path + ": " + e.msg);
  }
  if (!diagnostics.empty()) return diagnostics.ToStatus();
  scenario.source_path = path;
  scenario.resolved_text = ResolvedText(text, !overrides.empty(), root);
  return scenario;
}

}  // namespace capsim::config
