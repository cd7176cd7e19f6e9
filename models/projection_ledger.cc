#include "models/projection_ledger.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace capsim::models {
namespace {

constexpr double kDay = 86400;
constexpr std::array<std::string_view, kMoneyKinds> kNames = {
    "capex_servers",         "capex_network",  "capex_storage",
    "capex_installation",    "capex_facility", "depreciation_it",
    "depreciation_facility", "energy",         "maintenance_it",
    "maintenance_facility",  "lease",          "colocation",
    "rent_reserved",         "rent_on_demand"};

}  // namespace

std::string_view MoneyName(Money m) { return kNames[static_cast<size_t>(m)]; }

bool IsCapex(Money m) { return m <= Money::kCapexFacility; }

bool IsOpex(Money m) { return m >= Money::kEnergy && m < Money::kCount; }

DailyLedger::DailyLedger(int days)
    : days_(days), usd_(static_cast<size_t>(kMoneyKinds) * static_cast<size_t>(days), 0.0) {
  assert(days >= 0);
}

void DailyLedger::Add(Money m, int day, double usd) {
  assert(std::isfinite(usd));
  if (day < 0 || day >= days_) return;
  usd_[Index(m, day)] += usd;
}

void DailyLedger::AddSpread(Money m, double from_s, double to_s, double usd) {
  assert(to_s > from_s && std::isfinite(usd));
  const double per_s = usd / (to_s - from_s);
  const double lo = std::max(from_s, 0.0);
  const double hi = std::min(to_s, days_ * kDay);
  if (hi <= lo) return;
  const int first = static_cast<int>(std::floor(lo / kDay));
  const int last = std::min(days_ - 1, static_cast<int>(std::ceil(hi / kDay)) - 1);
  for (int d = first; d <= last; ++d) {
    const double a = std::max(lo, d * kDay);
    const double b = std::min(hi, (d + 1) * kDay);
    if (b > a) usd_[Index(m, d)] += per_s * (b - a);
  }
}

void DailyLedger::AddLedger(const DailyLedger& other, double scale) {
  assert(other.days_ == days_);
  for (size_t i = 0; i < usd_.size(); ++i) usd_[i] += scale * other.usd_[i];
}

double DailyLedger::Sum(Money m, int first_day, int last_day) const {
  double s = 0;
  for (int d = std::max(0, first_day); d < std::min(days_, last_day); ++d) s += At(m, d);
  return s;
}

double DailyLedger::DayTotal(int day) const {
  double s = 0;
  for (int k = 0; k < kMoneyKinds; ++k) s += At(static_cast<Money>(k), day);
  return s;
}

}  // namespace capsim::models
