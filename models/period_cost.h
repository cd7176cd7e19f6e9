#ifndef CAPSIM_MODELS_PERIOD_COST_H_
#define CAPSIM_MODELS_PERIOD_COST_H_

#include "models/catalog.h"
#include "models/scenario.h"

namespace capsim::models {

// GPU time over a period, split by what the GPUs did.
struct GpuUsage {
  double gpu_seconds = 0;   // all GPUs of the pool x the period
  double busy_gpu_seconds = 0;  // GPU-seconds of work (avatar demand + running jobs)
};

// What a period of the pool costs.
struct PeriodCost {
  double server_price_per_node_usd = 0;
  double depreciation_usd = 0;      // straight-line share of the servers' capex for the period
  double it_energy_j = 0;           // GPUs + hosts
  double facility_energy_j = 0;     // IT energy x PUE
  double energy_usd = 0;
  double total_usd = 0;
};

// The node price: the pool's server_price, else GPUs x list price x finance.server_overhead.
double ServerPricePerNode(const GpuSpec& gpu, const PoolSpec& pool, const FinanceSpec& finance);
// IT power (W) of `gpus` GPUs of which `busy` GPU-equivalents work: idle power for all, the
// rest of TDP for the busy part, host power as a fraction of TDP for all.
double ItPowerWatts(const GpuSpec& gpu, const PoolSpec& pool, double gpus, double busy);
// The cost of a period of `period_s` seconds given the pool's GPU usage over it.
PeriodCost ComputePeriodCost(const GpuSpec& gpu, const PoolSpec& pool, const SiteSpec& site,
                             const FinanceSpec& finance, double period_s, const GpuUsage& usage);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PERIOD_COST_H_
