// fleet: sites, pools, clouds and deliveries of a projection (scenarios/README.md, "Projections").

#include <cmath>
#include <set>

#include "config/projection_parts.h"
#include "config/suggest.h"
#include "models/calendar.h"

namespace capsim::config {
namespace {

using models::ProjectionSiteSpec;
using Ownership = ProjectionSiteSpec::Ownership;

const std::vector<std::string> kSiteKeys = {
    "name",       "pue",        "energy_price", "power", "ownership",
    "build_cost", "build_lead", "maintenance",  "lease", "colocation_monthly"};
const std::vector<std::string> kPoolKeys = {
    "name",         "site",   "gpu",          "gpus_per_node", "host_power_fraction",
    "server_price", "fabric", "initial_gpus", "initial_age"};
const std::vector<std::string> kOwnerships = {"owned", "leased", "colocation"};

// Reports `key` of `r` unless `gpus` is a multiple of `per_node`.
bool CheckWholeNodes(const MapReader& r, std::string_view key, int gpus, int per_node) {
  if (per_node <= 0 || gpus % per_node == 0) return true;
  r.Report(key, "must be a multiple of gpus_per_node (" + std::to_string(per_node) + "), got " +
                    std::to_string(gpus));
  return false;
}

// `power:` one power online from the start, or cumulative { at, power } steps, strictly
// increasing in time and in power.
void ReadPower(const MapReader& r, const ProjectionContext& ctx, ProjectionSiteSpec* site) {
  if (!r.Require("power")) return;
  const YAML::Node node = r.Get("power");
  if (node.IsScalar()) {
    ProjectionSiteSpec::PowerStep step;
    if (r.GetQuantity("power", Dimension::kPower, &step.power_watts, Need::kRequired,
                      Bound::kPositive)) {
      site->power.push_back(step);
    }
    return;
  }
  if (!node.IsSequence()) {
    r.Report("power", "expected a power such as '1 GW' or a list of { at, power } steps, got " +
                          DescribeNode(node));
    return;
  }
  if (node.size() == 0) r.Report("power", "needs at least one { at, power } step");
  const ProjectionSiteSpec::PowerStep* previous = nullptr;
  for (size_t i = 0; i < node.size(); ++i) {
    const MapReader s(node[i], IndexPath(r.PathOf("power"), i), {"at", "power"}, r.diagnostics());
    ProjectionSiteSpec::PowerStep step;
    const bool at = GetDate(s, "at", ctx, &step.at_s, Need::kRequired, DateRange::kInside);
    const bool power = s.GetQuantity("power", Dimension::kPower, &step.power_watts, Need::kRequired,
                                     Bound::kPositive);
    if (!at || !power) {
      previous = nullptr;
      continue;
    }
    if (previous != nullptr && step.at_s <= previous->at_s) {
      s.Report("at", "must be after the previous step's date (steps are in time order)");
    } else if (previous != nullptr && step.power_watts <= previous->power_watts) {
      s.Report("power", "must be more than the previous step's power (steps are cumulative)");
    }
    site->power.push_back(step);
    previous = &site->power.back();
  }
}

// The keys only one kind of ownership takes.
void ReadOwnership(const MapReader& r, ProjectionSiteSpec* site) {
  std::string ownership = "owned";
  if (r.GetString("ownership", &ownership)) {
    if (ownership == "leased") {
      site->ownership = Ownership::kLeased;
    } else if (ownership == "colocation") {
      site->ownership = Ownership::kColocation;
    } else if (ownership != "owned") {
      r.Report("ownership", UnknownNameMessage("ownership", ownership, kOwnerships));
      return;
    }
  }
  const std::string is = "; this site is " + ownership;
  for (const char* key : {"build_cost", "build_lead", "maintenance"}) {
    if (site->ownership != Ownership::kOwned && r.Has(key)) {
      r.Report(key, "only for ownership: owned" + is);
    }
  }
  if (site->ownership != Ownership::kLeased && r.Has("lease")) {
    r.Report("lease", "only for ownership: leased" + is);
  }
  if (site->ownership != Ownership::kColocation && r.Has("colocation_monthly")) {
    r.Report("colocation_monthly", "only for ownership: colocation" + is);
  }
  switch (site->ownership) {
    case Ownership::kOwned:
      r.GetQuantity("build_cost", Dimension::kMoneyPerPower, &site->build_cost_usd_per_watt,
                    Need::kOptional, Bound::kNonNegative);
      r.GetQuantity("build_lead", Dimension::kTime, &site->build_lead_s, Need::kOptional,
                    Bound::kNonNegative);
      r.GetQuantity("maintenance", Dimension::kFraction, &site->facility_maintenance_fraction);
      break;
    case Ownership::kLeased: {
      if (!r.Has("lease")) {
        r.Report("ownership", "a leased site needs lease: { annual: <money a year> }");
        break;
      }
      const MapReader lease = r.GetMap("lease", {"annual", "escalation"}, Need::kRequired);
      lease.GetQuantity("annual", Dimension::kMoney, &site->lease_usd_per_year, Need::kRequired,
                        Bound::kPositive);
      lease.GetQuantity("escalation", Dimension::kFraction, &site->lease_escalation);
      break;
    }
    case Ownership::kColocation:
      if (!r.Has("colocation_monthly")) {
        r.Report("ownership",
                 "a colocation site needs colocation_monthly (money per power a month, such as "
                 "'150 USD/kW')");
        break;
      }
      r.GetQuantity("colocation_monthly", Dimension::kMoneyPerPower,
                    &site->colocation_usd_per_watt_month, Need::kRequired, Bound::kPositive);
      break;
  }
}

void ReadSites(const MapReader& fleet, const ProjectionContext& ctx, models::ProjectionSpec* spec) {
  std::map<std::string, int> lines;
  const std::vector<YAML::Node> sites = fleet.GetList("sites", Need::kRequired);
  if (sites.empty() && fleet.Has("sites")) fleet.Report("sites", "needs at least one site");
  for (size_t i = 0; i < sites.size(); ++i) {
    const MapReader r(sites[i], IndexPath(fleet.PathOf("sites"), i), kSiteKeys,
                      fleet.diagnostics());
    ProjectionSiteSpec site;
    if (r.GetString("name", &site.name, Need::kRequired)) {
      auto [it, inserted] = lines.emplace(site.name, r.MarkOf("name").line + 1);
      if (!inserted) {
        r.Report("name", "duplicate site name '" + site.name + "' (first at line " +
                             std::to_string(it->second) + ")");
      }
    }
    r.GetQuantity("pue", Dimension::kDimensionless, &site.pue, Need::kOptional, Bound::kAtLeastOne);
    r.GetQuantity("energy_price", Dimension::kEnergyPrice, &site.energy_price_usd_per_joule,
                  Need::kRequired, Bound::kNonNegative);
    if (r.valid()) {
      ReadPower(r, ctx, &site);
      ReadOwnership(r, &site);
    }
    spec->sites.push_back(std::move(site));
  }
}

// Reports `key` of `r` unless `gpu` is a catalog GPU; returns whether it is.
bool CheckGpu(const MapReader& r, std::string_view key, const std::string& gpu,
              const ProjectionContext& ctx) {
  if (ctx.catalog == nullptr || ctx.catalog->FindGpu(gpu) != nullptr) return true;
  std::vector<std::string> names;
  for (const models::GpuSpec& g : ctx.catalog->gpus) names.push_back(g.name);
  r.Report(key, UnknownNameMessage("GPU", gpu, names));
  return false;
}

void ReadPools(const MapReader& fleet, ProjectionContext* ctx, models::ProjectionSpec* spec) {
  const std::vector<YAML::Node> pools = fleet.GetList("pools", Need::kRequired);
  if (pools.empty() && fleet.Has("pools")) fleet.Report("pools", "needs at least one pool");
  std::vector<std::string> sites;
  for (const ProjectionSiteSpec& s : spec->sites) sites.push_back(s.name);
  for (size_t i = 0; i < pools.size(); ++i) {
    const MapReader r(pools[i], IndexPath(fleet.PathOf("pools"), i), kPoolKeys,
                      fleet.diagnostics());
    models::ProjectionPoolSpec pool;
    if (r.GetString("name", &pool.name, Need::kRequired)) {
      ClaimName(r, "name", pool.name, "pool", ctx);
    }
    if (r.GetString("site", &pool.site, Need::kRequired) && !sites.empty() &&
        std::find(sites.begin(), sites.end(), pool.site) == sites.end()) {
      r.Report("site", UnknownNameMessage("site", pool.site, sites));
    }
    if (r.GetString("gpu", &pool.gpu, Need::kRequired)) CheckGpu(r, "gpu", pool.gpu, *ctx);
    r.GetInt("gpus_per_node", &pool.gpus_per_node, Need::kOptional, Bound::kAtLeastOne);
    r.GetQuantity("host_power_fraction", Dimension::kFraction, &pool.host_power_fraction);
    r.GetQuantity("server_price", Dimension::kMoney, &pool.server_price_usd, Need::kOptional,
                  Bound::kNonNegative);
    if (r.GetString("fabric", &pool.fabric) &&
        std::find(ctx->fabrics.begin(), ctx->fabrics.end(), pool.fabric) == ctx->fabrics.end()) {
      r.Report("fabric", UnknownNameMessage("fabric", pool.fabric, ctx->fabrics) +
                             " (the keys of finance.network_per_gpu)");
    }
    if (r.GetInt("initial_gpus", &pool.initial_gpus, Need::kOptional, Bound::kNonNegative)) {
      CheckWholeNodes(r, "initial_gpus", pool.initial_gpus, pool.gpus_per_node);
    }
    r.GetQuantity("initial_age", Dimension::kTime, &pool.initial_age_s, Need::kOptional,
                  Bound::kNonNegative);
    spec->pools.push_back(std::move(pool));
  }
}

// A rented GPU price per GPU-hour ("2.20 USD/h") from `key` of `r`.
bool GetHourlyPrice(const MapReader& r, std::string_view key, double* usd_per_gpu_hour) {
  double usd_per_s = 0;
  if (!r.GetQuantity(key, Dimension::kMoneyRate, &usd_per_s, Need::kRequired,
                     Bound::kNonNegative)) {
    return false;
  }
  *usd_per_gpu_hour = usd_per_s * 3600;
  return true;
}

void ReadClouds(const MapReader& fleet, ProjectionContext* ctx, models::ProjectionSpec* spec) {
  const std::vector<YAML::Node> clouds = fleet.GetList("clouds");
  for (size_t i = 0; i < clouds.size(); ++i) {
    const MapReader r(clouds[i], IndexPath(fleet.PathOf("clouds"), i),
                      {"name", "gpu", "gpus_per_node", "reserved", "on_demand"},
                      fleet.diagnostics());
    models::CloudSpec cloud;
    if (r.GetString("name", &cloud.name, Need::kRequired)) {
      ClaimName(r, "name", cloud.name, "cloud", ctx);
    }
    if (r.GetString("gpu", &cloud.gpu, Need::kRequired)) CheckGpu(r, "gpu", cloud.gpu, *ctx);
    r.GetInt("gpus_per_node", &cloud.gpus_per_node, Need::kOptional, Bound::kAtLeastOne);
    if (r.valid() && !r.Has("reserved") && !r.Has("on_demand")) {
      r.diagnostics()->Add(r.mark(), r.path(), "needs reserved, on_demand or both");
    }
    if (r.Has("reserved")) {
      const MapReader res = r.GetMap("reserved", {"gpus", "price", "start", "term"});
      if (res.GetInt("gpus", &cloud.reserved_gpus, Need::kRequired, Bound::kAtLeastOne)) {
        CheckWholeNodes(res, "gpus", cloud.reserved_gpus, cloud.gpus_per_node);
      }
      GetHourlyPrice(res, "price", &cloud.reserved_usd_per_gpu_hour);
      GetDate(res, "start", *ctx, &cloud.reserved_start_s, Need::kOptional, DateRange::kInside);
      res.GetQuantity("term", Dimension::kTime, &cloud.reserved_term_s, Need::kOptional,
                      Bound::kPositive);
    }
    if (r.Has("on_demand")) {
      const MapReader od =
          r.GetMap("on_demand", {"max_gpus", "price", "lead_time", "release_after"});
      if (od.GetInt("max_gpus", &cloud.on_demand_max_gpus, Need::kRequired, Bound::kAtLeastOne)) {
        CheckWholeNodes(od, "max_gpus", cloud.on_demand_max_gpus, cloud.gpus_per_node);
      }
      GetHourlyPrice(od, "price", &cloud.on_demand_usd_per_gpu_hour);
      od.GetQuantity("lead_time", Dimension::kTime, &cloud.lead_time_s, Need::kOptional,
                     Bound::kNonNegative);
      od.GetQuantity("release_after", Dimension::kTime, &cloud.release_after_s, Need::kOptional,
                     Bound::kNonNegative);
    }
    spec->clouds.push_back(std::move(cloud));
  }
}

void ReadDeliveries(const MapReader& fleet, const ProjectionContext& ctx,
                    models::ProjectionSpec* spec) {
  const std::vector<YAML::Node> deliveries = fleet.GetList("deliveries");
  std::vector<std::string> pools;
  for (const models::ProjectionPoolSpec& p : spec->pools) pools.push_back(p.name);
  for (size_t i = 0; i < deliveries.size(); ++i) {
    const MapReader r(deliveries[i], IndexPath(fleet.PathOf("deliveries"), i),
                      {"at", "pool", "gpus", "server_price"}, fleet.diagnostics());
    models::DeliverySpec d;
    GetDate(r, "at", ctx, &d.at_s, Need::kRequired, DateRange::kInside);
    const models::ProjectionPoolSpec* pool = nullptr;
    if (r.GetString("pool", &d.pool, Need::kRequired)) {
      for (const models::ProjectionPoolSpec& p : spec->pools) {
        if (p.name == d.pool) pool = &p;
      }
      const bool cloud = std::any_of(spec->clouds.begin(), spec->clouds.end(),
                                     [&](const models::CloudSpec& c) { return c.name == d.pool; });
      if (cloud) {
        r.Report("pool", "'" + d.pool + "' is a cloud; deliveries are owned GPUs for a pool");
      } else if (pool == nullptr) {
        r.Report("pool", UnknownNameMessage("pool", d.pool, pools));
      }
    }
    if (r.GetInt("gpus", &d.gpus, Need::kRequired, Bound::kAtLeastOne) && pool != nullptr) {
      CheckWholeNodes(r, "gpus", d.gpus, pool->gpus_per_node);
    }
    r.GetQuantity("server_price", Dimension::kMoney, &d.server_price_usd, Need::kOptional,
                  Bound::kNonNegative);
    spec->deliveries.push_back(std::move(d));
  }
}

}  // namespace

void ReadProjectionFleet(const MapReader& top, ProjectionContext* ctx,
                         models::ProjectionSpec* spec) {
  const MapReader fleet =
      top.GetMap("fleet", {"sites", "pools", "clouds", "deliveries"}, Need::kRequired);
  if (!fleet.valid() || !top.Has("fleet")) return;
  ReadSites(fleet, *ctx, spec);
  ReadPools(fleet, ctx, spec);
  ReadClouds(fleet, ctx, spec);
  ReadDeliveries(fleet, *ctx, spec);
}

}  // namespace capsim::config
