#include "models/projection_setup.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "models/batch_job_pricing.h"
#include "models/perf_model.h"

namespace capsim::models {
namespace {

constexpr double kDay = 86400;
constexpr double kYear = 365.25 * kDay;

double NetworkPerGpu(const ProjectionFinanceSpec& f, const std::string& fabric) {
  const std::string key = fabric.empty() ? "default" : fabric;
  for (const auto& [name, usd] : f.network_usd_per_gpu) {
    if (name == key) return usd;
  }
  return 0;
}

double ServerPrice(const ProjectionSpec& spec, const GpuSpec& gpu, const ProjectionPoolSpec& pool,
                   double delivery_price) {
  if (delivery_price > 0) return delivery_price;
  if (pool.server_price_usd > 0) return pool.server_price_usd;
  return gpu.list_price_usd * pool.gpus_per_node * spec.finance.server_overhead;
}

// Books the purchase of `gpus` GPUs of pool `p` at `at_s`. `owned` GPUs (a pool's initial GPUs,
// bought at_s <= 0) were paid for before the start: only the depreciation and upkeep inside the
// horizon are booked, even at age 0.
void BookPurchase(const ProjectionSpec& spec, const GpuSpec& gpu, size_t p, int gpus, double at_s,
                  double node_price, bool owned, ProjectionSetup* setup) {
  const ProjectionPoolSpec& pool = spec.pools[p];
  const ProjectionFinanceSpec& f = spec.finance;
  const double nodes = static_cast<double>(gpus) / pool.gpus_per_node;
  const double servers = nodes * ServerPrice(spec, gpu, pool, node_price);
  const double network = gpus * NetworkPerGpu(f, pool.fabric);
  const double storage = gpus * f.storage_usd_per_gpu;
  const double install = servers * f.installation_fraction;
  const double it = servers + network + storage + install;
  DailyLedger& slot = setup->slot_fixed[p];
  if (!owned && at_s >= 0) {
    const int day = static_cast<int>(at_s / kDay);
    setup->ledger.Add(Money::kCapexServers, day, servers);
    setup->ledger.Add(Money::kCapexNetwork, day, network);
    setup->ledger.Add(Money::kCapexStorage, day, storage);
    setup->ledger.Add(Money::kCapexInstallation, day, install);
  }
  const double base = it * (1 - f.residual_fraction);
  for (DailyLedger* l : {&setup->ledger, &slot}) {
    l->AddSpread(Money::kDepreciationIt, at_s, at_s + f.server_life_s, base);
    const double from = std::max(0.0, at_s);
    if (spec.horizon_s > from) {
      l->AddSpread(Money::kMaintenanceIt, from, spec.horizon_s,
                   f.maintenance_fraction * it * (spec.horizon_s - from) / kYear);
    }
  }
}

// Books a site's facility: builds (owned), lease payments or colocation fees.
void BookSite(const ProjectionSpec& spec, size_t s, ProjectionSetup* setup) {
  const ProjectionSiteSpec& site = spec.sites[s];
  DailyLedger& fixed = setup->site_fixed[s];
  const double end = spec.horizon_s;
  if (site.power.empty()) return;
  switch (site.ownership) {
    case ProjectionSiteSpec::Ownership::kOwned: {
      double before = 0;
      for (const ProjectionSiteSpec::PowerStep& step : site.power) {
        const double capex = (step.power_watts - before) * site.build_cost_usd_per_watt;
        before = step.power_watts;
        const double online = std::max(0.0, step.at_s);
        if (step.at_s > 0) {
          if (site.build_lead_s > 0) {
            setup->ledger.AddSpread(Money::kCapexFacility, step.at_s - site.build_lead_s, step.at_s,
                                    capex);
          } else {
            setup->ledger.Add(Money::kCapexFacility, static_cast<int>(step.at_s / kDay), capex);
          }
        }
        for (DailyLedger* l : {&setup->ledger, &fixed}) {
          l->AddSpread(Money::kDepreciationFacility, online, online + spec.finance.facility_life_s,
                       capex);
          if (end > online) {
            l->AddSpread(Money::kMaintenanceFacility, online, end,
                         site.facility_maintenance_fraction * capex * (end - online) / kYear);
          }
        }
      }
      break;
    }
    case ProjectionSiteSpec::Ownership::kLeased: {
      const double t0 = std::max(0.0, site.power.front().at_s);
      for (int y = 0; t0 + y * kYear < end; ++y) {
        const double usd = site.lease_usd_per_year * std::pow(1 + site.lease_escalation, y);
        for (DailyLedger* l : {&setup->ledger, &fixed}) {
          l->AddSpread(Money::kLease, t0 + y * kYear, t0 + (y + 1) * kYear, usd);
        }
      }
      break;
    }
    case ProjectionSiteSpec::Ownership::kColocation: {
      for (size_t k = 0; k < site.power.size(); ++k) {
        const double from = std::max(0.0, site.power[k].at_s);
        const double to = k + 1 < site.power.size() ? site.power[k + 1].at_s : end;
        if (to <= from) continue;
        const double usd = site.power[k].power_watts * site.colocation_usd_per_watt_month * 12 *
                           (to - from) / kYear;
        for (DailyLedger* l : {&setup->ledger, &fixed}) {
          l->AddSpread(Money::kColocation, from, to, usd);
        }
      }
      break;
    }
  }
}

// The shared-fleet scenario the batch jobs are priced in: one pool per projection pool, sized
// to the most GPUs it will hold.
Scenario PricingScenario(const ProjectionSpec& spec) {
  Scenario sc;
  sc.name = spec.name;
  sc.catalog = spec.catalog;
  sc.profiles = spec.profiles;
  sc.policy.elastic = true;
  for (const ProjectionSiteSpec& s : spec.sites) {
    SiteSpec site;
    site.name = s.name;
    site.pue = s.pue;
    site.energy_price_usd_per_joule = s.energy_price_usd_per_joule;
    sc.sites.push_back(site);
  }
  for (const ProjectionPoolSpec& p : spec.pools) {
    PoolSpec pool;
    pool.name = p.name;
    pool.site = p.site;
    pool.gpu = p.gpu;
    pool.gpus_per_node = p.gpus_per_node;
    pool.host_power_fraction = p.host_power_fraction;
    int gpus = p.initial_gpus;
    for (const DeliverySpec& d : spec.deliveries) {
      if (d.pool == p.name) gpus += d.gpus;
    }
    pool.nodes = std::max(1, gpus / std::max(1, p.gpus_per_node));
    sc.pools.push_back(pool);
  }
  for (const ProjectionJobSpec& j : spec.jobs) {
    if (j.kind == ProjectionJobSpec::Kind::kTraining) {
      sc.trainings.push_back(j.training);
    } else {
      sc.distillations.push_back(j.distillation);
    }
  }
  return sc;
}

}  // namespace

int ProjectionSetup::SlotIndex(const std::string& name) const {
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

double CapexPerGpu(const ProjectionSpec& spec, const GpuSpec& gpu, size_t p) {
  const ProjectionPoolSpec& pool = spec.pools[p];
  const ProjectionFinanceSpec& f = spec.finance;
  const double server = ServerPrice(spec, gpu, pool, 0) / pool.gpus_per_node;
  double usd = server * (1 + f.installation_fraction) + NetworkPerGpu(f, pool.fabric) +
               f.storage_usd_per_gpu;
  for (const ProjectionSiteSpec& s : spec.sites) {
    if (s.name == pool.site && s.ownership == ProjectionSiteSpec::Ownership::kOwned) {
      usd += s.build_cost_usd_per_watt * gpu.tdp_watts * (1 + pool.host_power_fraction);
    }
  }
  return usd;
}

Result<ProjectionSetup> BuildProjectionSetup(const ProjectionSpec& spec) {
  ProjectionSetup setup;
  const int days = static_cast<int>(std::ceil(spec.horizon_s / kDay - 1e-9));
  setup.ledger = DailyLedger(days);
  auto site_index = [&](const std::string& name) {
    for (size_t i = 0; i < spec.sites.size(); ++i) {
      if (spec.sites[i].name == name) return static_cast<int>(i);
    }
    return -1;
  };
  for (size_t p = 0; p < spec.pools.size(); ++p) {
    const ProjectionPoolSpec& pool = spec.pools[p];
    const GpuSpec* gpu = spec.catalog.FindGpu(pool.gpu);
    if (gpu == nullptr)
      return Status::Error("pool '" + pool.name + "': unknown GPU '" + pool.gpu + "'");
    ProjectionSlot slot;
    slot.name = pool.name;
    slot.gpu = pool.gpu;
    slot.site = site_index(pool.site);
    if (slot.site < 0)
      return Status::Error("pool '" + pool.name + "': unknown site '" + pool.site + "'");
    slot.nameplate_watts = gpu->tdp_watts * (1 + pool.host_power_fraction);
    slot.capex_per_gpu_usd = CapexPerGpu(spec, *gpu, p);
    setup.slots.push_back(slot);
    setup.gpus.push_back(gpu);
  }
  for (const CloudSpec& c : spec.clouds) {
    const GpuSpec* gpu = spec.catalog.FindGpu(c.gpu);
    if (gpu == nullptr) return Status::Error("cloud '" + c.name + "': unknown GPU '" + c.gpu + "'");
    ProjectionSlot slot;
    slot.name = c.name;
    slot.gpu = c.gpu;
    slot.cloud = true;
    setup.slots.push_back(slot);
    setup.gpus.push_back(gpu);
  }
  setup.slot_fixed.assign(setup.slots.size(), DailyLedger(days));
  setup.site_fixed.assign(spec.sites.size(), DailyLedger(days));
  for (size_t p = 0; p < spec.pools.size(); ++p) {
    const ProjectionPoolSpec& pool = spec.pools[p];
    if (pool.initial_gpus > 0) {
      BookPurchase(spec, *setup.gpus[p], p, pool.initial_gpus, -pool.initial_age_s, 0, true,
                   &setup);
    }
  }
  for (const DeliverySpec& d : spec.deliveries) {
    const int p = setup.SlotIndex(d.pool);
    if (p < 0 || static_cast<size_t>(p) >= spec.pools.size()) {
      return Status::Error("delivery names unknown pool '" + d.pool + "'");
    }
    BookPurchase(spec, *setup.gpus[static_cast<size_t>(p)], static_cast<size_t>(p), d.gpus, d.at_s,
                 d.server_price_usd, false, &setup);
  }
  for (size_t s = 0; s < spec.sites.size(); ++s) BookSite(spec, s, &setup);
  for (size_t c = 0; c < spec.clouds.size(); ++c) {
    const CloudSpec& cl = spec.clouds[c];
    if (cl.reserved_gpus <= 0) continue;
    const double from = std::max(0.0, cl.reserved_start_s);
    const double to = cl.reserved_term_s > 0 ? std::min(spec.horizon_s, from + cl.reserved_term_s)
                                             : spec.horizon_s;
    if (to <= from) continue;
    const double usd = cl.reserved_gpus * cl.reserved_usd_per_gpu_hour * (to - from) / 3600.0;
    for (DailyLedger* l : {&setup.ledger, &setup.slot_fixed[spec.pools.size() + c]}) {
      l->AddSpread(Money::kRentReserved, from, to, usd);
    }
  }
  // Batch jobs priced on their pools.
  {
    const Scenario sc = PricingScenario(spec);
    std::vector<std::optional<PerfModel>> perf;
    Result<BatchJobs> jobs = PriceBatchJobs(sc, &perf);
    if (!jobs.ok()) return jobs.status();
    setup.jobs = std::move(jobs.value().jobs);
  }
  // Priority ranks.
  auto rank_of = [&](const std::string& name) -> std::optional<ProjectionSetup::Rank> {
    for (size_t i = 0; i < spec.avatars.size(); ++i) {
      if (spec.avatars[i].name == name) {
        return ProjectionSetup::Rank{ProjectionSetup::Rank::kAvatar, static_cast<int>(i),
                                     static_cast<int>(i)};
      }
    }
    for (size_t i = 0; i < spec.servings.size(); ++i) {
      if (spec.servings[i].name == name) {
        return ProjectionSetup::Rank{ProjectionSetup::Rank::kServing, static_cast<int>(i),
                                     static_cast<int>(spec.avatars.size() + i)};
      }
    }
    for (size_t i = 0; i < spec.jobs.size(); ++i) {
      if (spec.jobs[i].name() == name) {
        return ProjectionSetup::Rank{ProjectionSetup::Rank::kJob, static_cast<int>(i), -1};
      }
    }
    return std::nullopt;
  };
  std::vector<std::string> order = spec.order;
  if (order.empty()) {
    for (const auto& a : spec.avatars) order.push_back(a.name);
    for (const auto& v : spec.servings) order.push_back(v.name);
    for (const auto& j : spec.jobs) order.push_back(j.name());
  }
  for (const std::string& name : order) {
    std::optional<ProjectionSetup::Rank> r = rank_of(name);
    if (!r) return Status::Error("policy.order names unknown workload '" + name + "'");
    setup.ranks.push_back(*r);
  }
  return setup;
}

void DistributeSiteCosts(const ProjectionSpec& spec, const ProjectionSetup& setup,
                         ProjectionTrace* trace) {
  for (size_t s = 0; s < spec.sites.size(); ++s) {
    for (int d = 0; d < trace->days; ++d) {
      double total = 0;
      for (size_t p = 0; p < spec.pools.size(); ++p) {
        if (trace->slots[p].site != static_cast<int>(s)) continue;
        total += trace->slot_gpu_s[p][static_cast<size_t>(d)] * trace->slots[p].nameplate_watts;
      }
      if (total <= 0) continue;
      for (size_t p = 0; p < spec.pools.size(); ++p) {
        if (trace->slots[p].site != static_cast<int>(s)) continue;
        const double share =
            trace->slot_gpu_s[p][static_cast<size_t>(d)] * trace->slots[p].nameplate_watts / total;
        if (share <= 0) continue;
        for (Money m : {Money::kDepreciationFacility, Money::kMaintenanceFacility, Money::kLease,
                        Money::kColocation}) {
          trace->slot_fixed[p].Add(m, d, setup.site_fixed[s].At(m, d) * share);
        }
      }
    }
  }
}

}  // namespace capsim::models
