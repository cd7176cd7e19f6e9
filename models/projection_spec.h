#ifndef CAPSIM_MODELS_PROJECTION_SPEC_H_
#define CAPSIM_MODELS_PROJECTION_SPEC_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/calibration.h"
#include "models/catalog.h"
#include "models/scenario.h"

namespace capsim::models {

// A fleet-level plan over quarters and years (a scenario file with a top-level `projection:`
// block; keys in scenarios/README.md, "Projections"). Built by config::LoadProjection; SI units
// (seconds, watts, US dollars). Instants are seconds since the projection's start date
// (midnight UTC of ProjectionSpec::start_day); calendar labels come from models/calendar.h.

// One datacenter site: critical IT power coming online in steps, a tariff and how it is paid for.
struct ProjectionSiteSpec {
  std::string name;
  double pue = 1.2;
  double energy_price_usd_per_joule = 0;
  // Critical IT power available from each instant on (cumulative, increasing; the first step may
  // be at 0 for a site already running). GPUs beyond the site's power wait for power.
  struct PowerStep {
    double at_s = 0;
    double power_watts = 0;
  };
  std::vector<PowerStep> power;
  // kOwned: built by us, facility capex = build_cost x each step's added power, spent evenly
  //   over build_lead_s before the step comes online, depreciated over finance.facility_life_s.
  // kLeased: financed by a partner and leased back (off balance sheet): lease_usd_per_year from
  //   the first step on, growing by lease_escalation a year; no facility capex.
  // kColocation: colocation_usd_per_watt_month x the power online.
  enum class Ownership { kOwned, kLeased, kColocation };
  Ownership ownership = Ownership::kOwned;
  double build_cost_usd_per_watt = 11.7;  // $11.7M/MW (facilities-and-finance.md §1, FIRM)
  double build_lead_s = 0;
  double lease_usd_per_year = 0;
  double lease_escalation = 0;  // fraction per year
  double colocation_usd_per_watt_month = 0;
  // Facility operations and maintenance a year, as a fraction of its build capex (owned only).
  double facility_maintenance_fraction = 0.02;
};

// Owned GPUs of one type at one site. GPUs arrive by deliveries (and initial_gpus at the start).
struct ProjectionPoolSpec {
  std::string name;
  std::string site;  // a ProjectionSiteSpec name
  std::string gpu;   // a catalog GPU
  int gpus_per_node = 8;
  double host_power_fraction = 0.3;  // host/NIC/fan watts per GPU watt of TDP
  double server_price_usd = 0;       // per node; 0 = GPUs x list price x finance.server_overhead
  std::string fabric;                // a key of finance.network_usd_per_gpu ("" = its default)
  int initial_gpus = 0;              // owned at the start; bought initial_age_s before it
  double initial_age_s = 0;
};

// GPUs bought for a pool, in service from at_s (capex paid then).
struct DeliverySpec {
  double at_s = 0;
  std::string pool;
  int gpus = 0;                 // a multiple of the pool's gpus_per_node
  double server_price_usd = 0;  // per node; 0 = the pool's
};

// Rented capacity of one GPU type: a reserved block for a term and on-demand GPUs that arrive
// lead_time_s after they are asked for and are returned after release_after_s unused. Rent
// includes power and facility; nothing is capitalised.
struct CloudSpec {
  std::string name;
  std::string gpu;
  int gpus_per_node = 8;
  int reserved_gpus = 0;
  double reserved_usd_per_gpu_hour = 0;
  double reserved_start_s = 0;
  double reserved_term_s = 0;  // 0 = to the end of the projection
  int on_demand_max_gpus = 0;
  double on_demand_usd_per_gpu_hour = 0;
  double lead_time_s = 0;
  double release_after_s = 86400;
};

// Users adopting a product: users / (1 + exp(-(t - midpoint_s) / ramp_s)).
struct AdoptionCohort {
  std::string name;  // label ("employees", "creators")
  double users = 0;
  double midpoint_s = 0;
  double ramp_s = 30 * 86400;  // logistic scale: 10%..90% takes 4.4 x ramp_s
};

// Where a service-rate figure comes from, for each GPU type the workload runs on.
struct ServiceRate {
  std::string gpu;
  double value = 0;    // sessions per GPU (avatars) or tokens/s per GPU (serving)
  std::string source;  // "given", "replica-level capacity search ...", ...
};

// Photoreal avatar sessions at fleet level: demand from adoption x sessions per user per day
// with a diurnal profile; sessions hold 1 / sessions_per_gpu of a GPU for their length.
struct ProjectionAvatarSpec {
  std::string name;
  std::string tier;                // catalog avatar tier
  std::vector<std::string> pools;  // pools and clouds it is served from, in order
  std::vector<AdoptionCohort> adoption;
  double sessions_per_user_per_day = 1;
  double session_mean_s = 600;
  double peak_to_mean = 1.6;  // diurnal profile (models/diurnal_arrivals.h)
  double peak_time_s = 20 * 3600;
  double headroom_fraction = 0.05;  // GPUs kept beyond the current need
  double load_time_s = 120;         // a newly granted GPU loads its models first
  // Given rates by GPU type; other GPU types are derived (ServiceRates in models/service_rates.h)
  // from `rate_scenario`'s replica-level workload `rate_workload` when named, else from the
  // tier's GPU share scaled by the GPU's BF16 peak relative to the H100.
  std::vector<ServiceRate> sessions_per_gpu;
  std::string rate_scenario;  // a replica-level scenario file (absolute path)
  std::string rate_workload;
  double slo_admitted = 0.99;  // SLO: share of sessions admitted, per day
  // GPU-second shares by stage, for cost by stage (normalised; default from the tier).
  std::vector<std::pair<std::string, double>> stage_shares;
  double price_usd_per_minute = 0.10;  // list price (facilities-and-finance.md §8, ESTIMATE)
};

// LLM serving at fleet level: tokens per day growing geometrically, a diurnal profile.
struct ProjectionServingSpec {
  std::string name;
  std::string model;
  std::vector<std::string> pools;
  double tokens_per_day = 0;   // at the start
  double growth_per_year = 1;  // multiplier a year (3 = tripling)
  double peak_to_mean = 1.4;
  double peak_time_s = 20 * 3600;
  double headroom_fraction = 0.1;
  std::vector<ServiceRate> tokens_per_gpu_s;  // given; others from the performance model
};

// A planned training run or distillation campaign: a batch job of the shared-fleet model
// (TrainingSpec / DistillationSpec) with a start date and a deadline.
struct ProjectionJobSpec {
  enum class Kind { kTraining, kDistillation };
  Kind kind = Kind::kTraining;
  TrainingSpec training;          // kTraining
  DistillationSpec distillation;  // kDistillation
  double start_s = 0;             // not before
  double deadline_s = 0;          // 0 = none
  // > 0: the workload is many independent jobs of job_size_gpus GPUs each (research, post-
  // training): a failure or a preemption costs one such job's progress, not the whole allocation.
  int job_size_gpus = 0;
  const std::string& name() const {
    return kind == Kind::kTraining ? training.name : distillation.name;
  }
};

struct ProjectionFinanceSpec {
  double server_life_s =
      5.5 * 365.25 * 86400;  // Meta since Jan 2025 (facilities-and-finance.md §4)
  double facility_life_s = 20 * 365.25 * 86400;  // ESTIMATE
  double residual_fraction = 0;                  // of IT capex at end of life
  double server_overhead = 1.23;                 // node price / (GPUs x GPU list price)
  // Scale-out network capex per GPU by fabric name; "default" applies to pools with no fabric.
  std::vector<std::pair<std::string, double>> network_usd_per_gpu;
  double storage_usd_per_gpu = 0;
  double installation_fraction = 0;    // of server capex
  double maintenance_fraction = 0.03;  // of IT capex a year
};

// A named variant of the plan: the same file with --set overrides, run with the same seed.
struct ProjectionVariant {
  std::string name;
  std::vector<std::string> overrides;  // "key.path=value"
};

struct ProjectionSpec {
  std::string name;
  std::string source_path;
  std::string resolved_text;
  uint64_t seed = 1;
  int64_t start_day = 0;  // days since 1970-01-01 of the start (midnight UTC)
  double horizon_s = 365.25 * 86400;
  double step_s = 900;  // demand and allocation update period
  std::vector<ProjectionSiteSpec> sites;
  std::vector<ProjectionPoolSpec> pools;
  std::vector<DeliverySpec> deliveries;
  std::vector<CloudSpec> clouds;
  std::vector<ProjectionAvatarSpec> avatars;
  std::vector<ProjectionServingSpec> servings;
  std::vector<ProjectionJobSpec> jobs;
  std::vector<std::string> order;  // priority, highest first (every workload once)
  FailureSpec failures;
  ProjectionFinanceSpec finance;
  std::vector<ProjectionVariant> variants;
  // Inputs the cost per avatar-minute is re-evaluated at (low, high multipliers) for the
  // sensitivity table; empty = the defaults of models/projection_costs.h.
  double sensitivity_swing = 0.2;
  Catalog catalog;
  std::vector<CalibrationProfile> profiles;

  const CalibrationProfile* ProfileFor(const std::string& gpu) const {
    return FindProfile(profiles, gpu);
  }
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PROJECTION_SPEC_H_
