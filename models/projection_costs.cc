#include "models/projection_costs.h"

#include <algorithm>
#include <cmath>

namespace capsim::models {
namespace {

double Get(const MoneyBreakdown& b, Money m) { return b[static_cast<size_t>(m)]; }

std::string Percent(double x) {
  const long v = std::lround(x * 100);
  return (v > 0 ? "+" : "") + std::to_string(v) + "%";
}

}  // namespace

double Total(const MoneyBreakdown& b) {
  double s = 0;
  for (double v : b) s += v;
  return s;
}

MoneyBreakdown WorkloadCost(const ProjectionTrace& trace, size_t w, int first_day, int last_day) {
  MoneyBreakdown out{};
  const WorkloadTrace& wt = trace.workloads[w];
  for (int d = std::max(0, first_day); d < std::min(trace.days, last_day); ++d) {
    const size_t dd = static_cast<size_t>(d);
    for (size_t s = 0; s < trace.slots.size(); ++s) {
      const double held = wt.gpu_s[s][dd];
      const double avail = trace.slot_gpu_s[s][dd];
      if (held <= 0 || avail <= 0) continue;
      const double share = std::min(1.0, held / avail);
      for (int k = 0; k < kMoneyKinds; ++k) {
        const Money m = static_cast<Money>(k);
        if (IsCapex(m)) continue;
        out[static_cast<size_t>(k)] += share * trace.slot_fixed[s].At(m, d);
      }
    }
    out[static_cast<size_t>(Money::kEnergy)] += wt.energy_usd[dd];
  }
  return out;
}

double GpuHourCost(const ProjectionSpec& spec, const ProjectionTrace& trace, size_t s) {
  double fixed = 0, gpu_s = 0;
  for (int d = 0; d < trace.days; ++d) {
    for (int k = 0; k < kMoneyKinds; ++k) {
      const Money m = static_cast<Money>(k);
      if (!IsCapex(m)) fixed += trace.slot_fixed[s].At(m, d);
    }
    gpu_s += trace.slot_gpu_s[s][static_cast<size_t>(d)];
  }
  if (gpu_s <= 0) return 0;
  double energy_per_h = 0;
  const ProjectionSlot& slot = trace.slots[s];
  if (!slot.cloud) {
    const ProjectionSiteSpec& site = spec.sites[static_cast<size_t>(slot.site)];
    energy_per_h = slot.nameplate_watts * 3600 * site.pue * site.energy_price_usd_per_joule;
  }
  return fixed / (gpu_s / 3600) + energy_per_h;
}

std::vector<std::pair<std::string, double>> StageShares(const ProjectionSpec& spec,
                                                        const ProjectionAvatarSpec& avatar) {
  std::vector<std::pair<std::string, double>> shares = avatar.stage_shares;
  if (shares.empty()) {
    // workloads.md §1 (ESTIMATE); speaking shares from the AvatarSpec turn defaults.
    const double agent = 7.5 / 15.5;
    const double user = 1 - agent;
    double face = 0.7 * agent;
    if (const AvatarTierSpec* tier = spec.catalog.FindTier(avatar.tier)) {
      face = tier->face_gpu_share * agent + tier->idle_gpu_share * user;
    }
    shares = {{"face", face}, {"asr", user / 32}, {"llm", 0.01 * agent}, {"tts", agent / 8}};
  }
  double sum = 0;
  for (const auto& [name, v] : shares) sum += v;
  if (sum > 0) {
    for (auto& [name, v] : shares) v /= sum;
  }
  return shares;
}

std::vector<Sensitivity> AvatarSensitivity(const MoneyBreakdown& cost, double minutes, double swing,
                                           double min_pue) {
  std::vector<Sensitivity> rows;
  if (!(minutes > 0)) return rows;
  const double base = Total(cost) / minutes;
  const double it = Get(cost, Money::kDepreciationIt) + Get(cost, Money::kMaintenanceIt);
  const double dep_it = Get(cost, Money::kDepreciationIt);
  const double energy = Get(cost, Money::kEnergy);
  const double facility =
      Get(cost, Money::kDepreciationFacility) + Get(cost, Money::kMaintenanceFacility);
  const double rent = Get(cost, Money::kRentReserved) + Get(cost, Money::kRentOnDemand);
  const double total = Total(cost);
  // Cost per minute with part `part` scaled by `factor`.
  auto scaled = [&](double part, double factor) {
    return (total - part + part * factor) / minutes;
  };
  const std::string lo = Percent(-swing), hi = Percent(swing);
  auto add = [&](const std::string& input, double low, double high, std::string low_label,
                 std::string high_label) {
    rows.push_back({input, std::move(low_label), std::move(high_label), low, high, base});
  };
  add("IT capex (server, network, storage prices)", scaled(it, 1 - swing), scaled(it, 1 + swing),
      lo, hi);
  add("server life", scaled(dep_it, 1 / (1 - swing)), scaled(dep_it, 1 / (1 + swing)), lo, hi);
  add("energy price", scaled(energy, 1 - swing), scaled(energy, 1 + swing), lo, hi);
  // PUE: facility energy is IT energy x PUE; it cannot fall below 1.
  const double pue_low = std::max(1 - swing, 1 / std::max(1.0, min_pue));
  add("PUE", scaled(energy, pue_low), scaled(energy, 1 + swing), Percent(pue_low - 1), hi);
  add("facility build cost", scaled(facility, 1 - swing), scaled(facility, 1 + swing), lo, hi);
  if (rent > 0) add("rent prices", scaled(rent, 1 - swing), scaled(rent, 1 + swing), lo, hi);
  add("sessions per GPU", base / (1 - swing), base / (1 + swing), lo, hi);
  std::stable_sort(rows.begin(), rows.end(), [](const Sensitivity& a, const Sensitivity& b) {
    return std::fabs(a.high_usd - a.low_usd) > std::fabs(b.high_usd - b.low_usd);
  });
  return rows;
}

}  // namespace capsim::models
