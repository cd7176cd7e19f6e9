#include "models/period_cost.h"

#include <cassert>

namespace capsim::models {

double ServerPricePerNode(const GpuSpec& gpu, const PoolSpec& pool, const FinanceSpec& finance) {
  if (pool.server_price_usd > 0) return pool.server_price_usd;
  return gpu.list_price_usd * pool.gpus_per_node * finance.server_overhead;
}

double ItPowerWatts(const GpuSpec& gpu, const PoolSpec& pool, double gpus, double busy) {
  const double host = gpu.tdp_watts * pool.host_power_fraction;
  return gpus * (gpu.idle_watts + host) + busy * (gpu.tdp_watts - gpu.idle_watts);
}

PeriodCost ComputePeriodCost(const GpuSpec& gpu, const PoolSpec& pool, const SiteSpec& site,
                             const FinanceSpec& finance, double period_s, const GpuUsage& usage) {
  assert(period_s > 0 && finance.server_life_s > 0);
  PeriodCost c;
  c.server_price_per_node_usd = ServerPricePerNode(gpu, pool, finance);
  const double capex = c.server_price_per_node_usd * pool.nodes;
  c.depreciation_usd = capex * (1.0 - finance.residual_fraction) * period_s / finance.server_life_s;
  // Energy is linear in the busy share, so integrating the GPU-seconds is exact.
  c.it_energy_j = ItPowerWatts(gpu, pool, usage.gpu_seconds, usage.busy_gpu_seconds);
  c.facility_energy_j = c.it_energy_j * site.pue;
  c.energy_usd = c.facility_energy_j * site.energy_price_usd_per_joule;
  c.total_usd = c.depreciation_usd + c.energy_usd;
  return c;
}

}  // namespace capsim::models
