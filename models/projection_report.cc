#include "models/projection_report.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include "models/calendar.h"
#include "models/projection_costs.h"

namespace capsim::models {
namespace {

constexpr double kDay = 86400;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Quarter {
  std::string label;
  int first = 0;  // days [first, last)
  int last = 0;
};

std::vector<Quarter> Quarters(const ProjectionSpec& spec, int days) {
  std::vector<Quarter> qs;
  for (int d = 0; d < days; ++d) {
    const std::string label = QuarterLabel(spec.start_day + d);
    if (qs.empty() || qs.back().label != label) qs.push_back({label, d, d});
    qs.back().last = d + 1;
  }
  return qs;
}

double DayLength(const ProjectionSpec& spec, int d) {
  return std::min(kDay, spec.horizon_s - d * kDay);
}

double Sum(const std::vector<double>& v, int first, int last) {
  double s = 0;
  for (int d = first; d < last; ++d) s += v[static_cast<size_t>(d)];
  return s;
}

double MoneySum(const DailyLedger& l, std::initializer_list<Money> kinds, int first, int last) {
  double s = 0;
  for (Money m : kinds) s += l.Sum(m, first, last);
  return s;
}

constexpr std::initializer_list<Money> kCapex = {Money::kCapexServers, Money::kCapexNetwork,
                                                 Money::kCapexStorage, Money::kCapexInstallation,
                                                 Money::kCapexFacility};
constexpr std::initializer_list<Money> kDepreciation = {Money::kDepreciationIt,
                                                        Money::kDepreciationFacility};
constexpr std::initializer_list<Money> kMaintenance = {Money::kMaintenanceIt,
                                                       Money::kMaintenanceFacility};
constexpr std::initializer_list<Money> kRent = {Money::kRentReserved, Money::kRentOnDemand};
constexpr std::initializer_list<Money> kOpex = {
    Money::kEnergy,     Money::kMaintenanceIt, Money::kMaintenanceFacility, Money::kLease,
    Money::kColocation, Money::kRentReserved,  Money::kRentOnDemand};

class Builder {
 public:
  Builder(const ProjectionSpec& spec, const ProjectionTrace& trace, const ProjectionTrace& base)
      : spec_(spec), trace_(trace), base_(base), quarters_(Quarters(spec, trace.days)) {}

  RunResult Build();

 private:
  void Metric(const std::string& key, double v, const std::string& units, const std::string& ln) {
    out_.summary.push_back({key, v, units, ln});
  }
  void Series(const std::string& name, const std::string& units, const std::string& ln,
              std::vector<double> values) {
    out_.timeseries.series.push_back({name, units, ln, std::move(values)});
  }
  std::vector<double> Daily(const std::function<double(int)>& f) const {
    std::vector<double> v(static_cast<size_t>(trace_.days));
    for (int d = 0; d < trace_.days; ++d) v[static_cast<size_t>(d)] = f(d);
    return v;
  }
  void MoneySeries();
  void Power();
  void Gpus();
  void Avatars();
  void Servings();
  void FleetPerMinute();
  void Jobs();
  void QuarterTable();
  void ServiceRateTable();

  // Fleet facility power summed over sites on day d, and the sum of the sites' daily peaks.
  double FleetMw(int d) const;
  double FleetPeakMw(int d) const;
  // Projected finish (seconds) of job workload w of `t`: its finish, else extrapolated at its
  // recent pace, else NaN.
  double ProjectedFinish(const ProjectionTrace& t, size_t w) const;
  // The spec job of workload name `name`.
  const ProjectionJobSpec* JobSpec(const std::string& name) const;
  // Avatar-caused training shortfall of workload w on day d (GPUs, daily mean).
  double AvatarShortfall(size_t w, int d) const;

  struct UnitRow {
    std::string item, stage, units;
    double value = 0;
  };

  const ProjectionSpec& spec_;
  const ProjectionTrace& trace_;
  const ProjectionTrace& base_;
  std::vector<Quarter> quarters_;
  RunResult out_;
  std::vector<UnitRow> unit_rows_;
  std::vector<Sensitivity> sensitivity_;
};

double Builder::FleetMw(int d) const {
  double j = 0;
  for (const SiteTrace& s : trace_.sites) j += s.facility_energy_j[static_cast<size_t>(d)];
  return j / DayLength(spec_, d) / 1e6;
}

double Builder::FleetPeakMw(int d) const {
  double w = 0;
  for (const SiteTrace& s : trace_.sites) w += s.peak_facility_w[static_cast<size_t>(d)];
  return w / 1e6;
}

double Builder::ProjectedFinish(const ProjectionTrace& t, size_t w) const {
  const WorkloadTrace& wt = t.workloads[w];
  if (wt.finish_s >= 0) return wt.finish_s;
  if (wt.last_rate <= 0 || t.days == 0) return kNaN;
  const double done = wt.progress[static_cast<size_t>(t.days - 1)];
  return spec_.horizon_s + (wt.tokens_target - done) / wt.last_rate;
}

const ProjectionJobSpec* Builder::JobSpec(const std::string& name) const {
  for (const ProjectionJobSpec& j : spec_.jobs) {
    if (j.name() == name) return &j;
  }
  return nullptr;
}

double Builder::AvatarShortfall(size_t w, int d) const {
  const WorkloadTrace& with = trace_.workloads[w];
  const WorkloadTrace& alone = base_.workloads[w];
  if (with.shortfall_gpu_s.empty()) return 0;
  const double diff =
      with.shortfall_gpu_s[static_cast<size_t>(d)] - alone.shortfall_gpu_s[static_cast<size_t>(d)];
  return std::max(0.0, diff / DayLength(spec_, d));
}

void Builder::MoneySeries() {
  const DailyLedger& l = trace_.ledger;
  auto per_day = [&](std::initializer_list<models::Money> kinds) {
    return Daily([&, kinds](int d) { return MoneySum(l, kinds, d, d + 1); });
  };
  Series("capex_usd", "USD", "capital expenditure (cash) per day", per_day(kCapex));
  Series("depreciation_usd", "USD", "depreciation expense per day", per_day(kDepreciation));
  Series("energy_usd", "USD", "energy cost per day", per_day({Money::kEnergy}));
  Series("maintenance_usd", "USD", "maintenance per day", per_day(kMaintenance));
  Series("lease_usd", "USD", "site lease payments per day", per_day({Money::kLease}));
  Series("colocation_usd", "USD", "colocation fees per day", per_day({Money::kColocation}));
  Series("rent_usd", "USD", "cloud GPU rent per day", per_day(kRent));
  Series("opex_usd", "USD", "operating expense (cash) per day", per_day(kOpex));
  Series("cash_out_usd", "USD", "cash out (capex + opex) per day", Daily([&](int d) {
           return MoneySum(l, kCapex, d, d + 1) + MoneySum(l, kOpex, d, d + 1);
         }));
  const int n = trace_.days;
  const double capex = MoneySum(l, kCapex, 0, n);
  const double opex = MoneySum(l, kOpex, 0, n);
  Metric("capex.total_usd", capex, "USD", "capital expenditure");
  Metric("capex.servers_usd", l.Total(Money::kCapexServers), "USD", "capex: servers");
  Metric("capex.network_usd", l.Total(Money::kCapexNetwork), "USD", "capex: network");
  Metric("capex.storage_usd", l.Total(Money::kCapexStorage), "USD", "capex: storage");
  Metric("capex.installation_usd", l.Total(Money::kCapexInstallation), "USD",
         "capex: installation");
  Metric("capex.facility_usd", l.Total(Money::kCapexFacility), "USD", "capex: facilities");
  Metric("depreciation.total_usd", MoneySum(l, kDepreciation, 0, n), "USD", "depreciation expense");
  Metric("opex.total_usd", opex, "USD", "operating expense");
  Metric("opex.energy_usd", l.Total(Money::kEnergy), "USD", "opex: energy");
  Metric("opex.maintenance_usd", MoneySum(l, kMaintenance, 0, n), "USD", "opex: maintenance");
  Metric("opex.lease_usd", l.Total(Money::kLease), "USD", "opex: site leases");
  Metric("opex.colocation_usd", l.Total(Money::kColocation), "USD", "opex: colocation");
  Metric("opex.rent_usd", MoneySum(l, kRent, 0, n), "USD", "opex: cloud rent");
  Metric("cash_out_usd", capex + opex, "USD", "cash out (capex + opex)");
  Metric("expense_usd", MoneySum(l, kDepreciation, 0, n) + opex, "USD",
         "income-statement expense (depreciation + opex)");
}

void Builder::Power() {
  double peak = 0, energy = 0;
  for (size_t s = 0; s < spec_.sites.size(); ++s) {
    const SiteTrace& st = trace_.sites[s];
    const std::string& name = spec_.sites[s].name;
    Series("mw." + name + ".avg", "MW", "facility power at " + name + " (daily mean)",
           Daily([&](int d) {
             return st.facility_energy_j[static_cast<size_t>(d)] / DayLength(spec_, d) / 1e6;
           }));
    Series("mw." + name + ".peak", "MW", "facility power at " + name + " (daily peak)",
           Daily([&](int d) { return st.peak_facility_w[static_cast<size_t>(d)] / 1e6; }));
    const double site_peak =
        *std::max_element(st.peak_facility_w.begin(), st.peak_facility_w.end()) / 1e6;
    const double site_energy = Sum(st.facility_energy_j, 0, trace_.days);
    Metric("site." + name + ".mw_peak", site_peak, "MW", "facility power peak at " + name);
    Metric("site." + name + ".mw_avg", site_energy / spec_.horizon_s / 1e6, "MW",
           "facility power mean at " + name);
    energy += site_energy;
  }
  for (int d = 0; d < trace_.days; ++d) peak = std::max(peak, FleetPeakMw(d));
  Metric("power.peak_mw", peak, "MW", "facility power peak (sum of site peaks, largest day)");
  Metric("power.avg_mw", energy / spec_.horizon_s / 1e6, "MW", "facility power mean");
  Metric("energy.facility_gwh", energy / 3.6e12, "GWh", "facility energy");
}

void Builder::Gpus() {
  for (size_t w = 0; w < trace_.workloads.size(); ++w) {
    const WorkloadTrace& wt = trace_.workloads[w];
    Series("gpus." + wt.name, "GPU", "GPUs held by " + wt.name + " (daily mean)", Daily([&](int d) {
             double s = 0;
             for (const auto& slot : wt.gpu_s) s += slot[static_cast<size_t>(d)];
             return s / DayLength(spec_, d);
           }));
  }
  auto mean = [&](const std::vector<double>& v) {
    return Daily([&](int d) { return v[static_cast<size_t>(d)] / DayLength(spec_, d); });
  };
  Series("gpus.idle", "GPU", "powered GPUs held by no workload (daily mean)",
         mean(trace_.idle_gpu_s));
  Series("gpus.awaiting_power", "GPU", "delivered GPUs without site power (daily mean)",
         mean(trace_.awaiting_power_gpu_s));
  Series("gpus.restarting", "GPU", "GPUs held by jobs restarting or down (daily mean)",
         mean(trace_.restarting_gpu_s));
  Series("gpus.owned", "GPU", "owned GPUs delivered (end of day)", trace_.owned_gpus);
  Series("gpus.rented", "GPU", "cloud GPUs reserved or on demand (daily mean)", trace_.rented_gpus);
  const int n = trace_.days;
  Metric("gpus.owned_end", n > 0 ? trace_.owned_gpus.back() : 0, "GPU", "owned GPUs at the end");
  Metric("gpus.rented_peak_daily_mean",
         n > 0 ? *std::max_element(trace_.rented_gpus.begin(), trace_.rented_gpus.end()) : 0, "GPU",
         "cloud GPUs, largest daily mean");
  Metric("gpu_hours.idle", Sum(trace_.idle_gpu_s, 0, n) / 3600, "GPU h", "idle GPU-hours");
  Metric("gpu_hours.awaiting_power", Sum(trace_.awaiting_power_gpu_s, 0, n) / 3600, "GPU h",
         "GPU-hours delivered without power");
}

void Builder::Avatars() {
  for (size_t a = 0; a < spec_.avatars.size(); ++a) {
    const ProjectionAvatarSpec& sp = spec_.avatars[a];
    const WorkloadTrace& wt = trace_.workloads[a];
    const std::string k = "avatar." + sp.name;
    Series(k + ".admitted_fraction", "1", "sessions admitted / arrived (daily)", Daily([&](int d) {
             const double arr = wt.arrivals[static_cast<size_t>(d)];
             return arr > 0 ? wt.admitted[static_cast<size_t>(d)] / arr : 1.0;
           }));
    Series(k + ".sessions_peak", "1", "concurrent sessions (daily peak)", wt.peak_sessions);
    Series(k + ".gpus_peak", "GPU", "GPUs held (daily peak)", wt.peak_gpus);
    const int n = trace_.days;
    const double minutes = Sum(wt.minutes, 0, n);
    const double arrivals = Sum(wt.arrivals, 0, n);
    int days_with = 0, days_met = 0;
    for (int d = 0; d < n; ++d) {
      const double arr = wt.arrivals[static_cast<size_t>(d)];
      if (arr <= 0) continue;
      ++days_with;
      if (wt.admitted[static_cast<size_t>(d)] / arr >= sp.slo_admitted) ++days_met;
    }
    const MoneyBreakdown cost = WorkloadCost(trace_, a, 0, n);
    const double usd = Total(cost);
    Metric(k + ".minutes", minutes, "min", "avatar-minutes served");
    Metric(k + ".sessions", arrivals, "1", "sessions arrived");
    Metric(k + ".admitted_fraction", arrivals > 0 ? Sum(wt.admitted, 0, n) / arrivals : kNaN, "1",
           "sessions admitted / arrived");
    Metric(k + ".slo_attainment", days_with > 0 ? double(days_met) / days_with : kNaN, "1",
           "share of days meeting the admission SLO");
    Metric(k + ".peak_sessions",
           *std::max_element(wt.peak_sessions.begin(), wt.peak_sessions.end()), "1",
           "concurrent sessions, peak");
    Metric(k + ".peak_gpus", *std::max_element(wt.peak_gpus.begin(), wt.peak_gpus.end()), "GPU",
           "GPUs held, peak");
    Metric(k + ".cost_usd", usd, "USD", "all-in cost of the avatar GPUs");
    Metric(k + ".cost_per_minute_usd", minutes > 0 ? usd / minutes : kNaN, "USD/min",
           "all-in cost per avatar-minute");
    Metric(k + ".revenue_usd", minutes * sp.price_usd_per_minute, "USD",
           "revenue at the list price");
    auto& rows = unit_rows_;
    rows.push_back({sp.name, "all", "USD/min", minutes > 0 ? usd / minutes : kNaN});
    for (const auto& [stage, share] : StageShares(spec_, sp)) {
      const double v = minutes > 0 ? usd * share / minutes : kNaN;
      rows.push_back({sp.name, stage, "USD/min", v});
      Metric(k + ".cost_per_minute." + stage + "_usd", v, "USD/min",
             "cost per avatar-minute: " + stage);
    }
    if (a == 0) {
      double min_pue = 1e9;
      for (const ProjectionSiteSpec& s : spec_.sites) min_pue = std::min(min_pue, s.pue);
      sensitivity_ = AvatarSensitivity(cost, minutes, spec_.sensitivity_swing, min_pue);
    }
  }
}

// The whole fleet's expense over the avatar-minutes: the cost per avatar-minute of a fleet that
// serves only avatars, idle and headroom GPUs included.
void Builder::FleetPerMinute() {
  double minutes = 0;
  for (size_t a = 0; a < spec_.avatars.size(); ++a)
    minutes += Sum(trace_.workloads[a].minutes, 0, trace_.days);
  if (spec_.avatars.empty()) return;
  const int n = trace_.days;
  const double expense =
      MoneySum(trace_.ledger, kDepreciation, 0, n) + MoneySum(trace_.ledger, kOpex, 0, n);
  Metric("fleet.expense_per_avatar_minute_usd", minutes > 0 ? expense / minutes : kNaN, "USD/min",
         "fleet expense (depreciation + opex) per avatar-minute");
}

void Builder::Servings() {
  for (size_t v = 0; v < spec_.servings.size(); ++v) {
    const ProjectionServingSpec& sp = spec_.servings[v];
    const size_t w = spec_.avatars.size() + v;
    const WorkloadTrace& wt = trace_.workloads[w];
    const std::string k = "serving." + sp.name;
    Series(k + ".served_fraction", "1", "tokens served / asked for (daily)", Daily([&](int d) {
             const double dem = wt.demanded[static_cast<size_t>(d)];
             return dem > 0 ? wt.served[static_cast<size_t>(d)] / dem : 1.0;
           }));
    const int n = trace_.days;
    const double served = Sum(wt.served, 0, n);
    const double usd = Total(WorkloadCost(trace_, w, 0, n));
    Metric(k + ".tokens_served", served, "1", "tokens served");
    Metric(k + ".served_fraction",
           Sum(wt.demanded, 0, n) > 0 ? served / Sum(wt.demanded, 0, n) : kNaN, "1",
           "tokens served / asked for");
    Metric(k + ".peak_gpus", *std::max_element(wt.peak_gpus.begin(), wt.peak_gpus.end()), "GPU",
           "GPUs held, peak");
    Metric(k + ".cost_usd", usd, "USD", "all-in cost of the serving GPUs");
    const double per_m = served > 0 ? usd / served * 1e6 : kNaN;
    Metric(k + ".cost_per_mtok_usd", per_m, "USD", "cost per million tokens served");
    unit_rows_.push_back({sp.name, "all", "USD/Mtok", per_m});
  }
}

void Builder::Jobs() {
  std::vector<std::string> names, kinds, pools, start, deadline, finish;
  std::vector<double> start_day, deadline_day, finish_day, projected_day, late, delay, done, target,
      gpu_hours, cost, delay_cost;
  const int n = trace_.days;
  for (size_t w = spec_.avatars.size() + spec_.servings.size(); w < trace_.workloads.size(); ++w) {
    const WorkloadTrace& wt = trace_.workloads[w];
    const ProjectionJobSpec* js = JobSpec(wt.name);
    if (js == nullptr) continue;
    const bool training = js->kind == ProjectionJobSpec::Kind::kTraining;
    const std::string& pool = training ? js->training.pool : js->distillation.pool;
    const int max_gpus = training ? js->training.gpus : js->distillation.max_gpus;
    size_t slot = 0;
    for (size_t s = 0; s < trace_.slots.size(); ++s) {
      if (trace_.slots[s].name == pool) slot = s;
    }
    const std::string k = wt.kind + "." + wt.name;
    const double target_tokens = wt.tokens_target;
    Series(k + ".progress", "1", wt.name + ": share of tokens done", Daily([&](int d) {
             return target_tokens > 0 ? wt.progress[static_cast<size_t>(d)] / target_tokens : 0;
           }));
    // The plan: a straight line from the start to the deadline, else the run without avatars.
    const WorkloadTrace& alone = base_.workloads[w];
    Series(k + ".plan", "1", wt.name + ": planned share of tokens done", Daily([&](int d) {
             const double t = (d + 1) * kDay;
             if (js->deadline_s > js->start_s) {
               return std::clamp((t - js->start_s) / (js->deadline_s - js->start_s), 0.0, 1.0);
             }
             return target_tokens > 0 ? alone.progress[static_cast<size_t>(d)] / target_tokens : 0;
           }));
    const double fin = ProjectedFinish(trace_, w);
    const double fin_alone = ProjectedFinish(base_, w);
    const double days_delay = (fin - fin_alone) / kDay;
    double held_s = 0;
    for (const auto& s : wt.gpu_s) held_s += Sum(s, 0, n);
    const double usd = Total(WorkloadCost(trace_, w, 0, n));
    const double per_gpu_day = GpuHourCost(spec_, trace_, slot) * 24;
    names.push_back(wt.name);
    kinds.push_back(wt.kind);
    pools.push_back(pool);
    start.push_back(DateLabel(spec_.start_day + static_cast<int64_t>(js->start_s / kDay)));
    deadline.push_back(js->deadline_s > 0 ? DateLabel(spec_.start_day +
                                                      static_cast<int64_t>(js->deadline_s / kDay))
                                          : "");
    finish.push_back(
        wt.finish_s >= 0 ? DateLabel(spec_.start_day + static_cast<int64_t>(wt.finish_s / kDay))
        : std::isnan(fin)
            ? (wt.start_s < 0 ? "not started" : "stalled (no progress in its last 30 days)")
            : "after the horizon (about " +
                  DateLabel(spec_.start_day + static_cast<int64_t>(fin / kDay)) + ")");
    start_day.push_back(js->start_s / kDay);
    deadline_day.push_back(js->deadline_s > 0 ? js->deadline_s / kDay : kNaN);
    finish_day.push_back(wt.finish_s >= 0 ? wt.finish_s / kDay : kNaN);
    projected_day.push_back(fin / kDay);
    late.push_back(js->deadline_s > 0 ? (fin - js->deadline_s) / kDay : kNaN);
    delay.push_back(days_delay);
    done.push_back(n > 0 ? wt.progress[static_cast<size_t>(n - 1)] : 0);
    target.push_back(target_tokens);
    gpu_hours.push_back(held_s / 3600);
    cost.push_back(usd);
    delay_cost.push_back(std::isnan(days_delay) ? kNaN : days_delay * max_gpus * per_gpu_day);
    Metric(k + ".finish_day", finish_day.back(), "d", wt.name + ": finish (days after the start)");
    Metric(k + ".projected_finish_day", projected_day.back(), "d",
           wt.name + ": finish, extrapolated past the horizon at its last 30 days' pace");
    if (js->deadline_s > 0) Metric(k + ".days_late", late.back(), "d", wt.name + ": days late");
    Metric(k + ".delay_days", days_delay, "d", wt.name + ": delay caused by avatars");
    Metric(k + ".delay_cost_usd", delay_cost.back(), "USD",
           wt.name + ": delay x its GPUs x all-in GPU-day cost");
    Metric(k + ".progress", target_tokens > 0 ? done.back() / target_tokens : kNaN, "1",
           wt.name + ": share of tokens done");
    Metric(k + ".gpu_hours", gpu_hours.back(), "GPU h", wt.name + ": GPU-hours held");
    Metric(k + ".cost_usd", usd, "USD", wt.name + ": all-in cost within the horizon");
    Metric(k + ".failures", wt.failures, "1", wt.name + ": interruptions by failure");
    Metric(k + ".resizes", wt.resizes, "1", wt.name + ": allocation changes");
    unit_rows_.push_back({wt.name, "run (within the horizon)", "USD", usd});
    if (done.back() > 0) {
      unit_rows_.push_back({wt.name, "run (whole, at its cost per token)", "USD",
                            usd / done.back() * target_tokens});
    }
    unit_rows_.push_back({wt.name, "one day of delay", "USD", max_gpus * per_gpu_day});
  }
  Table t;
  t.text = {{"name", "workload", names},
            {"kind", "training or distillation", kinds},
            {"pool", "pool", pools},
            {"start", "start date", start},
            {"deadline", "deadline", deadline},
            {"finish", "finish date", finish}};
  t.numeric = {
      {"start_day", "d", "start (days after the projection start)", start_day},
      {"deadline_day", "d", "deadline (days after the start)", deadline_day},
      {"finish_day", "d", "finish (days after the start; NaN: not within the horizon)", finish_day},
      {"projected_finish_day", "d", "finish, extrapolated past the horizon", projected_day},
      {"days_late", "d", "projected finish - deadline", late},
      {"delay_days", "d", "projected finish - finish without avatars", delay},
      {"tokens_done", "1", "tokens done", done},
      {"tokens_target", "1", "tokens to do", target},
      {"gpu_hours", "GPU h", "GPU-hours held", gpu_hours},
      {"cost_usd", "USD", "all-in cost within the horizon", cost},
      {"delay_cost_usd", "USD", "value of the delay", delay_cost}};
  out_.extra_tables.emplace_back("trainings", std::move(t));
}

void Builder::QuarterTable() {
  const DailyLedger& l = trace_.ledger;
  Table t;
  TextColumn label{"quarter", "calendar quarter", {}};
  std::vector<std::pair<std::string, std::vector<double>>> cols;
  auto col = [&](const std::string& name) -> std::vector<double>& {
    for (auto& c : cols) {
      if (c.first == name) return c.second;
    }
    cols.push_back({name, {}});
    return cols.back().second;
  };
  // GPUs training lacks because of avatars, bought once: the largest need so far.
  std::vector<double> bought(trace_.workloads.size(), 0);
  double total_extra = 0;
  for (const Quarter& q : quarters_) {
    label.values.push_back(q.label);
    const double capex = MoneySum(l, kCapex, q.first, q.last);
    const double opex = MoneySum(l, kOpex, q.first, q.last);
    col("capex_servers_usd").push_back(l.Sum(Money::kCapexServers, q.first, q.last));
    col("capex_network_usd").push_back(l.Sum(Money::kCapexNetwork, q.first, q.last));
    col("capex_storage_usd").push_back(l.Sum(Money::kCapexStorage, q.first, q.last));
    col("capex_installation_usd").push_back(l.Sum(Money::kCapexInstallation, q.first, q.last));
    col("capex_facility_usd").push_back(l.Sum(Money::kCapexFacility, q.first, q.last));
    col("capex_usd").push_back(capex);
    col("depreciation_usd").push_back(MoneySum(l, kDepreciation, q.first, q.last));
    col("energy_usd").push_back(l.Sum(Money::kEnergy, q.first, q.last));
    col("maintenance_usd").push_back(MoneySum(l, kMaintenance, q.first, q.last));
    col("lease_usd").push_back(l.Sum(Money::kLease, q.first, q.last));
    col("colocation_usd").push_back(l.Sum(Money::kColocation, q.first, q.last));
    col("rent_usd").push_back(MoneySum(l, kRent, q.first, q.last));
    col("opex_usd").push_back(opex);
    col("cash_out_usd").push_back(capex + opex);
    double energy_s = 0, peak = 0;
    for (int d = q.first; d < q.last; ++d) {
      energy_s += FleetMw(d) * DayLength(spec_, d);
      peak = std::max(peak, FleetPeakMw(d));
    }
    const double span = std::min(spec_.horizon_s, q.last * kDay) - q.first * kDay;
    col("mw_avg").push_back(energy_s / span);
    col("mw_peak").push_back(peak);
    col("gpus_owned_end").push_back(trace_.owned_gpus[static_cast<size_t>(q.last - 1)]);
    double minutes = 0, avatar_usd = 0;
    for (size_t a = 0; a < spec_.avatars.size(); ++a) {
      minutes += Sum(trace_.workloads[a].minutes, q.first, q.last);
      avatar_usd += Total(WorkloadCost(trace_, a, q.first, q.last));
    }
    col("avatar_minutes").push_back(minutes);
    double arrived = 0, admitted = 0, asked = 0, served = 0;
    for (size_t a = 0; a < spec_.avatars.size(); ++a) {
      arrived += Sum(trace_.workloads[a].arrivals, q.first, q.last);
      admitted += Sum(trace_.workloads[a].admitted, q.first, q.last);
    }
    for (size_t v = 0; v < spec_.servings.size(); ++v) {
      const WorkloadTrace& wt = trace_.workloads[spec_.avatars.size() + v];
      asked += Sum(wt.demanded, q.first, q.last);
      served += Sum(wt.served, q.first, q.last);
    }
    col("avatar_admitted_fraction").push_back(arrived > 0 ? admitted / arrived : kNaN);
    col("serving_served_fraction").push_back(asked > 0 ? served / asked : kNaN);
    col("cost_per_avatar_minute_usd").push_back(minutes > 0 ? avatar_usd / minutes : kNaN);
    double shortfall = 0, extra = 0;
    for (size_t w = 0; w < trace_.workloads.size(); ++w) {
      if (trace_.workloads[w].kind != "training") continue;
      double need = 0;
      for (int d = q.first; d < q.last; ++d) need = std::max(need, AvatarShortfall(w, d));
      shortfall += need;
      const ProjectionJobSpec* js = JobSpec(trace_.workloads[w].name);
      double per_gpu = 0;
      for (const ProjectionSlot& s : trace_.slots) {
        if (js != nullptr && s.name == js->training.pool) per_gpu = s.capex_per_gpu_usd;
      }
      if (need > bought[w]) {
        extra += (need - bought[w]) * per_gpu;
        bought[w] = need;
      }
    }
    total_extra += extra;
    col("training_shortfall_gpus").push_back(shortfall);
    col("capex_to_stay_on_schedule_usd").push_back(extra);
  }
  const std::map<std::string, std::pair<std::string, std::string>> meta = {
      {"mw_avg", {"MW", "facility power, mean"}},
      {"mw_peak", {"MW", "facility power, largest daily peak"}},
      {"gpus_owned_end", {"GPU", "owned GPUs at the quarter's end"}},
      {"avatar_minutes", {"min", "avatar-minutes served"}},
      {"cost_per_avatar_minute_usd", {"USD/min", "all-in cost per avatar-minute"}},
      {"avatar_admitted_fraction", {"1", "avatar sessions admitted / arrived (SLO attainment)"}},
      {"serving_served_fraction", {"1", "LLM tokens served / asked for"}},
      {"training_shortfall_gpus", {"GPU", "GPUs training lacks because of avatars (largest day)"}},
      {"capex_to_stay_on_schedule_usd",
       {"USD", "capex buying the GPUs avatars take from training"}}};
  t.text.push_back(std::move(label));
  for (auto& [name, values] : cols) {
    auto it = meta.find(name);
    const std::string units = it != meta.end() ? it->second.first : "USD";
    std::string ln = it != meta.end() ? it->second.second : name.substr(0, name.size() - 4);
    std::replace(ln.begin(), ln.end(), '_', ' ');
    t.numeric.push_back({name, units, ln, std::move(values)});
  }
  out_.extra_tables.emplace_back("quarters", std::move(t));
  Metric("capex.to_stay_on_schedule_usd", total_extra, "USD",
         "capex buying the GPUs avatars take from training");

  // Per site and quarter.
  Table sq;
  TextColumn site{"site", "site", {}}, quarter{"quarter", "calendar quarter", {}};
  std::vector<double> avg, peak, online, energy_usd;
  for (size_t s = 0; s < spec_.sites.size(); ++s) {
    const SiteTrace& st = trace_.sites[s];
    for (const Quarter& q : quarters_) {
      site.values.push_back(spec_.sites[s].name);
      quarter.values.push_back(q.label);
      const double span = std::min(spec_.horizon_s, q.last * kDay) - q.first * kDay;
      avg.push_back(Sum(st.facility_energy_j, q.first, q.last) / span / 1e6);
      double pk = 0;
      for (int d = q.first; d < q.last; ++d)
        pk = std::max(pk, st.peak_facility_w[static_cast<size_t>(d)]);
      peak.push_back(pk / 1e6);
      online.push_back(st.power_online_w[static_cast<size_t>(q.last - 1)] / 1e6);
      energy_usd.push_back(Sum(st.facility_energy_j, q.first, q.last) *
                           spec_.sites[s].energy_price_usd_per_joule);
    }
  }
  sq.text = {std::move(site), std::move(quarter)};
  sq.numeric = {{"mw_avg", "MW", "facility power, mean", avg},
                {"mw_peak", "MW", "facility power, largest daily peak", peak},
                {"power_online_mw", "MW", "critical IT power online at the quarter's end", online},
                {"energy_usd", "USD", "energy cost", energy_usd}};
  out_.extra_tables.emplace_back("site_quarters", std::move(sq));
}

void Builder::ServiceRateTable() {
  Table t;
  TextColumn wl{"workload", "workload", {}}, gpu{"gpu", "GPU type", {}},
      units{"units", "units of value", {}}, source{"source", "where the rate comes from", {}};
  std::vector<double> values;
  auto add = [&](const std::string& name, const std::vector<ServiceRate>& rates,
                 const std::string& u) {
    for (const ServiceRate& r : rates) {
      wl.values.push_back(name);
      gpu.values.push_back(r.gpu);
      units.values.push_back(u);
      source.values.push_back(r.source);
      values.push_back(r.value);
    }
  };
  for (const ProjectionAvatarSpec& a : spec_.avatars)
    add(a.name, a.sessions_per_gpu, "sessions/GPU");
  for (const ProjectionServingSpec& v : spec_.servings) {
    add(v.name, v.tokens_per_gpu_s, "tokens/s/GPU");
  }
  t.text = {std::move(wl), std::move(gpu), std::move(units), std::move(source)};
  t.numeric = {{"value", "1", "service rate", std::move(values)}};
  out_.extra_tables.emplace_back("service_rates", std::move(t));
}

RunResult Builder::Build() {
  out_.scenario_name = spec_.name;
  out_.scenario_text = spec_.resolved_text;
  out_.seed = spec_.seed;
  out_.timeseries.time = {"time", "s", "start of the day, seconds since the projection start",
                          Daily([](int d) { return d * kDay; })};
  Metric("projection.days", trace_.days, "d", "days projected");
  Metric("projection.start_day", static_cast<double>(spec_.start_day), "d",
         "start date (days since 1970-01-01)");
  Metric("projection.events", static_cast<double>(trace_.events), "1", "events simulated");
  MoneySeries();
  Power();
  Gpus();
  Avatars();
  FleetPerMinute();
  Servings();
  Jobs();
  QuarterTable();
  ServiceRateTable();
  {
    Table t;
    TextColumn item{"item", "workload", {}}, stage{"stage", "part", {}},
        units{"units", "units", {}};
    std::vector<double> values;
    for (const UnitRow& r : unit_rows_) {
      item.values.push_back(r.item);
      stage.values.push_back(r.stage);
      units.values.push_back(r.units);
      values.push_back(r.value);
    }
    t.text = {std::move(item), std::move(stage), std::move(units)};
    t.numeric = {{"value", "1", "unit cost (see units)", std::move(values)}};
    out_.extra_tables.emplace_back("unit_costs", std::move(t));
  }
  {
    Table t;
    TextColumn input{"input", "input moved", {}}, lo{"low_label", "low input", {}},
        hi{"high_label", "high input", {}};
    std::vector<double> low, high, base;
    for (const Sensitivity& s : sensitivity_) {
      input.values.push_back(s.input);
      lo.values.push_back(s.low_label);
      hi.values.push_back(s.high_label);
      low.push_back(s.low_usd);
      high.push_back(s.high_usd);
      base.push_back(s.base_usd);
    }
    t.text = {std::move(input), std::move(lo), std::move(hi)};
    t.numeric = {{"low_usd", "USD/min", "cost per avatar-minute, input low", low},
                 {"high_usd", "USD/min", "cost per avatar-minute, input high", high},
                 {"base_usd", "USD/min", "cost per avatar-minute, as planned", base}};
    out_.extra_tables.emplace_back("sensitivity", std::move(t));
  }
  return std::move(out_);
}

}  // namespace

RunResult BuildProjectionResult(const ProjectionSpec& spec, const ProjectionTrace& trace,
                                const ProjectionTrace& baseline) {
  return Builder(spec, trace, baseline).Build();
}

}  // namespace capsim::models
