#ifndef CAPSIM_MODELS_PROJECTION_H_
#define CAPSIM_MODELS_PROJECTION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/projection_ledger.h"
#include "models/projection_spec.h"
#include "sim/status.h"

namespace capsim::models {

// The fleet-level projection engine (DESIGN.md, "Fidelity levels": fleet level).
//
// Capacity grants (deliveries, sites' power steps, reserved terms, on-demand GPUs arriving after
// their lead time) and jobs (start dates, finishes) are events of a sim::Simulator; a tick every
// spec.step_s updates demand and allocation. Avatar sessions are counted, not followed one by
// one: each tick, arrivals are Poisson(rate x step), sessions end with the exponential law of
// their mean length (survivors Binomial(n, exp(-step / mean))), and arrivals finding every slot
// of the avatar's GPUs taken are turned away (a discrete-time loss system; with exponential
// lengths its blocking tends to Erlang B as the step shrinks; tests/models/projection_test.cc).
// LLM serving is a fluid demand (tokens/s) against tokens/s per GPU. Training and distillation
// progress at the rates their steps are priced at (models/batch_job_pricing.h), losing time to
// checkpoints, resizes, preemption and failures (Poisson counts of the Llama 3 rates).
//
// Allocation follows spec.order each tick: avatars and serving take the GPUs their demand needs
// (headroom included) from their pools and clouds in order, asking clouds for on-demand GPUs when
// owned ones run out; batch jobs keep what they hold while it is free, shrink by whole
// data-parallel replicas (or stop, for a gang) when a higher rank takes their GPUs, and grow
// back after an hour. GPUs draw power only where their site has power online.
//
//   Result<ProjectionTrace> trace = RunProjection(spec, {});
//   double capex = trace.value().ledger.Total(Money::kCapexServers);

// Options of one run.
struct ProjectionOptions {
  bool with_avatars = true;  // false: the same plan without avatar demand (the training baseline)
  // Called every simulated day with (simulated seconds, events so far); may be empty.
  std::function<void(double, uint64_t)> progress;
};

// A capacity source: an owned pool (the first spec.pools.size() slots) or a cloud.
struct ProjectionSlot {
  std::string name;
  std::string gpu;
  int site = -1;  // index in spec.sites; -1 for a cloud
  bool cloud = false;
  double capex_per_gpu_usd = 0;  // all in (IT + the facility's share per GPU); 0 for clouds
  double nameplate_watts = 0;    // per GPU: TDP x (1 + host fraction)
};

// One workload's daily record.
struct WorkloadTrace {
  std::string name;
  std::string kind;                        // avatar | serving | training | distillation
  std::vector<std::vector<double>> gpu_s;  // [slot][day] GPU-seconds held
  std::vector<double> energy_usd;          // [day] its GPUs' energy (busy and held idle)
  // Avatars: sessions. Serving: tokens. Jobs: tokens of progress.
  std::vector<double> minutes;          // avatars: session-minutes served
  std::vector<double> arrivals;         // avatars: sessions arrived
  std::vector<double> admitted;         // avatars: sessions admitted
  std::vector<double> peak_sessions;    // avatars: largest concurrent sessions
  std::vector<double> peak_gpus;        // avatars and serving: largest GPUs held
  std::vector<double> demanded;         // serving: tokens asked for
  std::vector<double> served;           // serving: tokens served
  std::vector<double> progress;         // jobs: tokens done at the end of the day
  std::vector<double> shortfall_gpu_s;  // jobs: (wanted - held) GPU-seconds while runnable
  double tokens_target = 0;             // jobs
  double start_s = -1;                  // jobs: first time it held GPUs (-1 never)
  double finish_s = -1;                 // jobs: when the last phase finished (-1 not yet)
  double restart_gpu_s = 0;             // jobs: GPU-seconds held while restarting
  int resizes = 0;                      // jobs: allocation changes (shrinks, grows, stops)
  int failures = 0;                     // jobs: interruptions by failure
  double last_rate = 0;                 // jobs: tokens/s over the last 30 days (projection)
};

// One site's daily record.
struct SiteTrace {
  std::vector<double> it_energy_j;        // [day]
  std::vector<double> facility_energy_j;  // [day] IT x PUE
  std::vector<double> peak_facility_w;    // [day] largest tick's facility power
  std::vector<double> power_online_w;     // [day] critical IT power online at the day's end
};

// Everything a projection produces (models/projection_report.h turns it into a result).
struct ProjectionTrace {
  int days = 0;
  DailyLedger ledger{0};  // the whole fleet
  std::vector<ProjectionSlot> slots;
  std::vector<DailyLedger> slot_fixed;          // per slot: costs that do not depend on use
  std::vector<std::vector<double>> slot_gpu_s;  // [slot][day] GPU-seconds available (delivered)
  std::vector<WorkloadTrace> workloads;         // avatars, servings, jobs in spec order
  std::vector<SiteTrace> sites;
  std::vector<double> idle_gpu_s;            // [day] powered and not held
  std::vector<double> awaiting_power_gpu_s;  // [day] delivered, no power
  std::vector<double> restarting_gpu_s;      // [day] held by jobs restarting or down
  std::vector<double> owned_gpus;            // [day] owned GPUs delivered by the day's end
  std::vector<double> rented_gpus;           // [day] mean cloud GPUs (reserved + on demand)
  uint64_t events = 0;
};

// Runs `spec` (every avatar and serving workload needs a service rate for each GPU type it may
// run on: ResolveServiceRates in models/service_rates.h fills them). Errors name what is
// missing (a rate, a calibration profile, a job layout that does not split its model).
Result<ProjectionTrace> RunProjection(const ProjectionSpec& spec, const ProjectionOptions& options);

// The rate of `rates` for GPU type `gpu`, or 0.
double RateFor(const std::vector<ServiceRate>& rates, const std::string& gpu);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PROJECTION_H_
