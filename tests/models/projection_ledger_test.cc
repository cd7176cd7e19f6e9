// DailyLedger (models/projection_ledger.h): day bookkeeping of a projection's dollars.
#include "models/projection_ledger.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace capsim::models {
namespace {

constexpr double kDay = 86400;
constexpr double kYear = 365.25 * kDay;

TEST(LedgerTest, AddIgnoresDaysOutsideTheHorizon) {
  DailyLedger l(10);
  l.Add(Money::kEnergy, -1, 5);
  l.Add(Money::kEnergy, 10, 7);
  l.Add(Money::kEnergy, 0, 1);
  l.Add(Money::kEnergy, 9, 2);
  EXPECT_DOUBLE_EQ(l.Total(Money::kEnergy), 3);
  EXPECT_DOUBLE_EQ(l.At(Money::kEnergy, 0), 1);
  EXPECT_DOUBLE_EQ(l.At(Money::kEnergy, 9), 2);
}

// $1,000 over [-5 d, 5 d) puts $100 on each of days 0..4; the half before t = 0 is dropped.
TEST(LedgerTest, AddSpreadClipsBeforeTheStart) {
  DailyLedger l(10);
  l.AddSpread(Money::kLease, -5 * kDay, 5 * kDay, 1000);
  for (int d = 0; d < 5; ++d) EXPECT_NEAR(l.At(Money::kLease, d), 100, 1e-9) << d;
  for (int d = 5; d < 10; ++d) EXPECT_EQ(l.At(Money::kLease, d), 0) << d;
  EXPECT_NEAR(l.Total(Money::kLease), 500, 1e-9);
}

// $1,000 over [8 d, 12 d) in a 10-day horizon: $250 on days 8 and 9, the rest dropped.
TEST(LedgerTest, AddSpreadClipsAtTheEnd) {
  DailyLedger l(10);
  l.AddSpread(Money::kLease, 8 * kDay, 12 * kDay, 1000);
  EXPECT_NEAR(l.At(Money::kLease, 8), 250, 1e-9);
  EXPECT_NEAR(l.At(Money::kLease, 9), 250, 1e-9);
  EXPECT_NEAR(l.Total(Money::kLease), 500, 1e-9);
  // Wholly outside: nothing.
  l.AddSpread(Money::kColocation, 10 * kDay, 11 * kDay, 99);
  l.AddSpread(Money::kColocation, -3 * kDay, -1 * kDay, 99);
  EXPECT_EQ(l.Total(Money::kColocation), 0);
}

// Partial days: $175 over [0.5 d, 2.25 d) is $100 a day: day 0 gets half, day 2 a quarter.
TEST(LedgerTest, AddSpreadSplitsPartialDays) {
  DailyLedger l(4);
  l.AddSpread(Money::kEnergy, 0.5 * kDay, 2.25 * kDay, 175);  // $100 per day
  EXPECT_NEAR(l.At(Money::kEnergy, 0), 50, 1e-9);
  EXPECT_NEAR(l.At(Money::kEnergy, 1), 100, 1e-9);
  EXPECT_NEAR(l.At(Money::kEnergy, 2), 25, 1e-9);
  EXPECT_EQ(l.At(Money::kEnergy, 3), 0);
}

// Straight-line depreciation (facilities-and-finance.md §4): a $270K server bought on day 0 with
// 10% residual over 5.5 years books 270K x 0.9 in all when the horizon covers its life, at
// 270K x 0.9 / (5.5 x 365.25) per day.
TEST(LedgerTest, StraightLineDepreciationSumsToCapexLessResidual) {
  const int days = static_cast<int>(6 * 365.25) + 1;
  DailyLedger l(days);
  const double capex = 270000, residual = 0.1, life = 5.5 * kYear;
  l.Add(Money::kCapexServers, 0, capex);
  l.AddSpread(Money::kDepreciationIt, 0, life, capex * (1 - residual));
  EXPECT_NEAR(l.Total(Money::kDepreciationIt), capex * (1 - residual), 1e-6);
  EXPECT_NEAR(l.At(Money::kDepreciationIt, 100), capex * (1 - residual) / (life / kDay), 1e-9);
  EXPECT_EQ(l.At(Money::kDepreciationIt, days - 1), 0);  // after its life
  // Bought mid-horizon: only the part inside the horizon.
  DailyLedger half(365);
  half.AddSpread(Money::kDepreciationIt, 200 * kDay, 200 * kDay + life, capex);
  EXPECT_NEAR(half.Total(Money::kDepreciationIt), capex * 165 * kDay / life, 1e-6);
}

TEST(LedgerTest, SumTotalAndDayTotal) {
  DailyLedger l(5);
  l.Add(Money::kEnergy, 1, 10);
  l.Add(Money::kEnergy, 2, 20);
  l.Add(Money::kEnergy, 4, 40);
  l.Add(Money::kLease, 2, 3);
  l.Add(Money::kCapexServers, 2, 1000);
  EXPECT_DOUBLE_EQ(l.Sum(Money::kEnergy, 1, 3), 30);    // days [1, 3)
  EXPECT_DOUBLE_EQ(l.Sum(Money::kEnergy, -5, 50), 70);  // clipped to the horizon
  EXPECT_DOUBLE_EQ(l.Sum(Money::kEnergy, 3, 3), 0);
  EXPECT_DOUBLE_EQ(l.Total(Money::kEnergy), 70);
  EXPECT_DOUBLE_EQ(l.DayTotal(2), 1023);
  EXPECT_DOUBLE_EQ(l.DayTotal(0), 0);
  DailyLedger m(5);
  m.AddLedger(l, 2);
  EXPECT_DOUBLE_EQ(m.DayTotal(2), 2046);
  EXPECT_EQ(l.days(), 5);
}

TEST(LedgerTest, KindsAreCapexOrOpexOrDepreciation) {
  std::set<std::string> names;
  int capex = 0, opex = 0;
  for (int k = 0; k < kMoneyKinds; ++k) {
    const Money m = static_cast<Money>(k);
    names.insert(std::string(MoneyName(m)));
    EXPECT_FALSE(IsCapex(m) && IsOpex(m)) << MoneyName(m);
    capex += IsCapex(m);
    opex += IsOpex(m);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kMoneyKinds));  // distinct names
  EXPECT_EQ(capex, 5);
  EXPECT_EQ(opex, 7);  // energy, 2 maintenance, lease, colocation, 2 rent
  EXPECT_EQ(MoneyName(Money::kCapexServers), "capex_servers");
  EXPECT_EQ(MoneyName(Money::kDepreciationIt), "depreciation_it");
  EXPECT_EQ(MoneyName(Money::kRentOnDemand), "rent_on_demand");
  EXPECT_TRUE(IsCapex(Money::kCapexFacility));
  EXPECT_FALSE(IsCapex(Money::kDepreciationIt));
  EXPECT_FALSE(IsOpex(Money::kDepreciationIt));
  EXPECT_FALSE(IsOpex(Money::kDepreciationFacility));
  EXPECT_TRUE(IsOpex(Money::kEnergy));
  EXPECT_TRUE(IsOpex(Money::kRentReserved));
}

}  // namespace
}  // namespace capsim::models
