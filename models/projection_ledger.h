#ifndef CAPSIM_MODELS_PROJECTION_LEDGER_H_
#define CAPSIM_MODELS_PROJECTION_LEDGER_H_

#include <array>
#include <string_view>
#include <vector>

namespace capsim::models {

// What a dollar of a projection is spent on. Capex is cash when the asset is bought;
// depreciation is the income-statement expense it becomes; the rest is operating expense.
enum class Money {
  kCapexServers,
  kCapexNetwork,
  kCapexStorage,
  kCapexInstallation,
  kCapexFacility,
  kDepreciationIt,  // servers, network, storage and installation
  kDepreciationFacility,
  kEnergy,
  kMaintenanceIt,
  kMaintenanceFacility,
  kLease,  // off-balance-sheet site leases
  kColocation,
  kRentReserved,  // cloud GPUs reserved for a term
  kRentOnDemand,
  kCount,
};
inline constexpr int kMoneyKinds = static_cast<int>(Money::kCount);

// The snake_case name of `m` ("capex_servers", "depreciation_it", ...).
std::string_view MoneyName(Money m);
// Whether `m` is capital expenditure (cash out when bought, not an expense).
bool IsCapex(Money m);
// Whether `m` is operating expense paid in cash (energy, maintenance, lease, colocation, rent).
bool IsOpex(Money m);

// Dollars by day and kind over a horizon of `days` days (day 0 starts at t = 0). Amounts before
// t = 0 or from the end of the last day on are outside the horizon and dropped.
//
//   DailyLedger ledger(365);
//   ledger.Add(Money::kCapexServers, 0, 2.7e5);
//   ledger.AddSpread(Money::kDepreciationIt, 0, 5.5 * kYear, 2.7e5);  // straight line
class DailyLedger {
 public:
  explicit DailyLedger(int days);

  int days() const { return days_; }
  // Adds `usd` to day `day` (ignored outside [0, days)).
  void Add(Money m, int day, double usd);
  // Spreads `usd` evenly over [from_s, to_s) (to_s > from_s), clipped to the horizon.
  void AddSpread(Money m, double from_s, double to_s, double usd);
  // Adds every entry of `other` (same number of days) times `scale`.
  void AddLedger(const DailyLedger& other, double scale = 1.0);
  // Dollars of kind `m` on day `day`.
  double At(Money m, int day) const { return usd_[Index(m, day)]; }
  // Dollars of kind `m` over [first_day, last_day).
  double Sum(Money m, int first_day, int last_day) const;
  // Dollars of kind `m` over the horizon.
  double Total(Money m) const { return Sum(m, 0, days_); }
  // All kinds on day `day`.
  double DayTotal(int day) const;

 private:
  size_t Index(Money m, int day) const {
    return static_cast<size_t>(m) * static_cast<size_t>(days_) + static_cast<size_t>(day);
  }
  int days_;
  std::vector<double> usd_;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PROJECTION_LEDGER_H_
