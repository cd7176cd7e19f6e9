#ifndef CAPSIM_MODELS_PROJECTION_COSTS_H_
#define CAPSIM_MODELS_PROJECTION_COSTS_H_

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "models/projection.h"
#include "models/projection_ledger.h"
#include "models/projection_spec.h"

namespace capsim::models {

// Dollars by Money kind.
using MoneyBreakdown = std::array<double, kMoneyKinds>;

// Sum of every kind of `b`.
double Total(const MoneyBreakdown& b);

// What workload `w` of `trace` cost over days [first_day, last_day): for each slot and day, the
// slot's use-independent costs (depreciation, upkeep, the site's share, rent) in proportion to
// the GPU-seconds it held of the slot's available GPU-seconds, plus its GPUs' energy. Idle and
// unpowered GPUs' costs are charged to no workload.
MoneyBreakdown WorkloadCost(const ProjectionTrace& trace, size_t w, int first_day, int last_day);

// All-in cost of a GPU-hour of slot `s` over the horizon: its fixed costs over its available
// GPU-hours, plus energy at full load (pools) — the rate training delay is valued at.
double GpuHourCost(const ProjectionSpec& spec, const ProjectionTrace& trace, size_t s);

// The avatar cost split by pipeline stage: the spec's stage shares, else the session-average GPU
// shares of workloads.md §1 (ASR 1/32 while the user speaks, LLM 0.01 and TTS 1/8 while the
// agent speaks, the tier's face share while speaking and its idle share while listening; agent
// speaking 7.5 s of every 15.5 s turn cycle, the AvatarSpec defaults), normalised.
std::vector<std::pair<std::string, double>> StageShares(const ProjectionSpec& spec,
                                                        const ProjectionAvatarSpec& avatar);

// One bar of the tornado: the cost per avatar-minute with one input moved down and up.
struct Sensitivity {
  std::string input;
  std::string low_label, high_label;
  double low_usd = 0, high_usd = 0, base_usd = 0;
};

// The cost per avatar-minute of `cost` over `minutes`, re-evaluated with each main input moved by
// -swing and +swing, widest swing first: IT capex (server, network, storage prices), server life,
// energy price, PUE (not below 1), facility build cost, rent prices, and sessions per GPU (which
// scales the avatar's GPU-hours, hence every part of its cost, inversely). The fleet's usage is
// held fixed otherwise; each part of the cost is linear in its input, so each value is exact
// under that assumption.
std::vector<Sensitivity> AvatarSensitivity(const MoneyBreakdown& cost, double minutes, double swing,
                                           double min_pue);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PROJECTION_COSTS_H_
