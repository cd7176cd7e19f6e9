#include "models/period_cost.h"

#include <gtest/gtest.h>

#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

TEST(PeriodCost, ServerPriceFromPoolOrFromGpuPrice) {
  GpuSpec gpu = testing::TestGpu();
  PoolSpec pool = testing::TestScenario(1).pools[0];
  FinanceSpec finance;
  finance.server_overhead = 1.2;
  EXPECT_DOUBLE_EQ(ServerPricePerNode(gpu, pool, finance), 8 * 25000 * 1.2);
  pool.server_price_usd = 270000;
  EXPECT_DOUBLE_EQ(ServerPricePerNode(gpu, pool, finance), 270000);
}

TEST(PeriodCost, PowerIsIdlePlusBusyPlusHost) {
  GpuSpec gpu = testing::TestGpu();  // 700 W TDP, 100 W idle
  PoolSpec pool = testing::TestScenario(1).pools[0];  // host 30% of TDP = 210 W per GPU
  EXPECT_DOUBLE_EQ(ItPowerWatts(gpu, pool, 8, 0), 8 * (100 + 210));
  EXPECT_DOUBLE_EQ(ItPowerWatts(gpu, pool, 8, 8), 8 * (700 + 210));
  EXPECT_DOUBLE_EQ(ItPowerWatts(gpu, pool, 8, 2.5), 8 * 310 + 2.5 * 600);
}

TEST(PeriodCost, OneDayOfOneNodeByHand) {
  Scenario s = testing::TestScenario(1);
  FinanceSpec finance;
  finance.server_life_s = 5 * 365 * 86400.0;
  finance.residual_fraction = 0.1;
  s.pools[0].server_price_usd = 365000;
  const double day = 86400;
  GpuUsage usage{8 * day, 4 * day};  // half the GPUs busy all day
  PeriodCost c = ComputePeriodCost(s.catalog.gpus[0], s.pools[0], s.sites[0], finance, day, usage);
  EXPECT_NEAR(c.depreciation_usd, 365000 * 0.9 / (5 * 365), 1e-9);  // $180 a day
  const double it_w = 8 * 310 + 4 * 600;                             // 4,880 W
  EXPECT_NEAR(c.it_energy_j, it_w * day, 1e-3);
  EXPECT_NEAR(c.facility_energy_j, it_w * day * 1.25, 1e-3);
  // 4.88 kW x 24 h x 1.25 PUE = 146.4 kWh at $0.10/kWh.
  EXPECT_NEAR(c.energy_usd, 14.64, 1e-9);
  EXPECT_NEAR(c.total_usd, 180 + 14.64, 1e-9);
}

}  // namespace
}  // namespace capsim::models
