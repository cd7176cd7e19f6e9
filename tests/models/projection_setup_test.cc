// BuildProjectionSetup (models/projection_setup.h): slots, ranks, and every cost the plan fixes
// in advance, each checked against the formula of models/projection_spec.h worked by hand.
#include "models/projection_setup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/models/projection_test_support.h"

namespace capsim::models {
namespace {

using testing::BaseSpec;
using ::testing::HasSubstr;
using testing::kDaySeconds;
using testing::kYearSeconds;

ProjectionSetup MustSetup(const ProjectionSpec& spec) {
  Result<ProjectionSetup> s = BuildProjectionSetup(spec);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : ProjectionSetup{};
}

std::string SetupError(const ProjectionSpec& spec) {
  Result<ProjectionSetup> s = BuildProjectionSetup(spec);
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.status().ToString();
}

// Two pools: "pool" on fabric roce at a given $300K node price, "pool2" with neither (list price
// x server_overhead, the "default" network price).
ProjectionSpec DeliverySpecPlan() {
  ProjectionSpec s = BaseSpec(0, 100);
  s.pools[0].fabric = "roce";
  ProjectionPoolSpec p2 = s.pools[0];
  p2.name = "pool2";
  p2.fabric = "";
  s.pools.push_back(p2);
  s.finance.network_usd_per_gpu = {{"default", 12000}, {"roce", 10000}};
  s.finance.storage_usd_per_gpu = 4000;
  s.finance.installation_fraction = 0.02;
  s.finance.maintenance_fraction = 0;
  s.deliveries.push_back({10 * kDaySeconds, "pool", 16, 300000});
  s.deliveries.push_back({20 * kDaySeconds + 3600, "pool2", 8, 0});
  return s;
}

// Capex on the delivery day by component (projection_spec.h DeliverySpec, ProjectionFinanceSpec):
// servers = nodes x node price, network = GPUs x the fabric's price, storage = GPUs x $4K,
// installation = 2% of servers.
TEST(ProjectionSetupTest, CapexBookedOnDeliveryDayByComponent) {
  const ProjectionSetup s = MustSetup(DeliverySpecPlan());
  const DailyLedger& l = s.ledger;
  // pool: 2 nodes at $300K; roce $10K/GPU.
  EXPECT_NEAR(l.At(Money::kCapexServers, 10), 600000, 1e-6);
  EXPECT_NEAR(l.At(Money::kCapexNetwork, 10), 16 * 10000, 1e-6);
  EXPECT_NEAR(l.At(Money::kCapexStorage, 10), 16 * 4000, 1e-6);
  EXPECT_NEAR(l.At(Money::kCapexInstallation, 10), 0.02 * 600000, 1e-6);
  // pool2: 1 node at 8 x $27,500 x 1.23 (finance.server_overhead); "default" network $12K.
  const double node2 = 8 * 27500 * 1.23;
  EXPECT_NEAR(l.At(Money::kCapexServers, 20), node2, 1e-6);
  EXPECT_NEAR(l.At(Money::kCapexNetwork, 20), 8 * 12000, 1e-6);
  EXPECT_NEAR(l.At(Money::kCapexInstallation, 20), 0.02 * node2, 1e-6);
  // Nothing else is capex.
  EXPECT_NEAR(l.Total(Money::kCapexServers), 600000 + node2, 1e-6);
  EXPECT_EQ(l.Total(Money::kCapexFacility), 0);
  // Depreciation from the delivery on: the IT capex over 5.5 years.
  const double it1 = 600000 + 16 * 10000 + 16 * 4000 + 0.02 * 600000;
  EXPECT_EQ(l.At(Money::kDepreciationIt, 9), 0);
  EXPECT_NEAR(l.At(Money::kDepreciationIt, 15), it1 / (5.5 * 365.25), 1e-6);
  // The slot's own ledger holds its depreciation, not capex.
  EXPECT_NEAR(s.slot_fixed[0].At(Money::kDepreciationIt, 15), it1 / (5.5 * 365.25), 1e-6);
  EXPECT_EQ(s.slot_fixed[0].Total(Money::kCapexServers), 0);
}

// IT maintenance: finance.maintenance_fraction x IT capex a year, from the delivery to the end.
TEST(ProjectionSetupTest, MaintenanceIsAFractionOfItCapexAYear) {
  ProjectionSpec spec = DeliverySpecPlan();
  spec.deliveries.pop_back();
  spec.finance.maintenance_fraction = 0.03;
  const ProjectionSetup s = MustSetup(spec);
  const double it1 = 600000 + 16 * 10000 + 16 * 4000 + 0.02 * 600000;
  EXPECT_NEAR(s.ledger.Total(Money::kMaintenanceIt), 0.03 * it1 * 90 * kDaySeconds / kYearSeconds,
              1e-6);
  EXPECT_EQ(s.ledger.At(Money::kMaintenanceIt, 9), 0);
}

// Initial GPUs are owned at the start (projection_spec.h): bought initial_age before it, they
// book depreciation of their remaining life inside the horizon and no capex.
TEST(ProjectionSetupTest, InitialGpusBookDepreciationButNoCapex) {
  ProjectionSpec spec = BaseSpec(16, 100);
  spec.finance.maintenance_fraction = 0;
  spec.pools[0].initial_age_s = 5 * kYearSeconds;  // half a year of life left
  const ProjectionSetup s = MustSetup(spec);
  const double it = 2 * 8 * 27500 * 1.23;
  for (Money m : {Money::kCapexServers, Money::kCapexNetwork, Money::kCapexStorage,
                  Money::kCapexInstallation}) {
    EXPECT_EQ(s.ledger.Total(m), 0) << MoneyName(m);
  }
  EXPECT_NEAR(s.ledger.Total(Money::kDepreciationIt), it * 100 / (5.5 * 365.25), 1e-6);
  // Fully depreciated before the end of a longer horizon: only the half year left is booked.
  ProjectionSpec longer = spec;
  longer.horizon_s = 400 * kDaySeconds;
  EXPECT_NEAR(MustSetup(longer).ledger.Total(Money::kDepreciationIt), it * 0.5 / 5.5, 1e-6);
}

// initial_age 0 (the loader's default): still owned at the start, so still no capex.
TEST(ProjectionSetupTest, InitialGpusOfAgeZeroBookNoCapex) {
  ProjectionSpec spec = BaseSpec(16, 10);
  spec.pools[0].initial_age_s = 0;
  const ProjectionSetup s = MustSetup(spec);
  EXPECT_EQ(s.ledger.Total(Money::kCapexServers), 0);
  EXPECT_GT(s.ledger.Total(Money::kDepreciationIt), 0);
}

// An owned site (projection_spec.h kOwned): build_cost x each step's added power, spent evenly
// over build_lead before the step, depreciated over finance.facility_life (20 years) from the
// step on; a step at t = 0 is a site already running (no capex, still depreciated).
TEST(ProjectionSetupTest, OwnedFacilityCapexSpreadOverBuildLead) {
  ProjectionSpec spec = BaseSpec(0, 400);
  ProjectionSiteSpec& site = spec.sites[0];
  site.build_cost_usd_per_watt = 11.7;  // $11.7M/MW
  site.build_lead_s = 180 * kDaySeconds;
  site.facility_maintenance_fraction = 0.02;
  site.power = {{0, 10e6}, {200 * kDaySeconds, 30e6}};
  const ProjectionSetup s = MustSetup(spec);
  const DailyLedger& l = s.ledger;
  const double build = 20e6 * 11.7;  // the second step's 20 MW
  EXPECT_NEAR(l.Total(Money::kCapexFacility), build, 1e-3);
  EXPECT_EQ(l.At(Money::kCapexFacility, 19), 0);
  EXPECT_NEAR(l.At(Money::kCapexFacility, 20), build / 180, 1e-3);
  EXPECT_NEAR(l.At(Money::kCapexFacility, 199), build / 180, 1e-3);
  EXPECT_EQ(l.At(Money::kCapexFacility, 200), 0);
  // Depreciation: the existing 10 MW from day 0, the new 20 MW from day 200.
  const double life_days = 20 * 365.25;
  EXPECT_NEAR(l.At(Money::kDepreciationFacility, 100), 10e6 * 11.7 / life_days, 1e-3);
  EXPECT_NEAR(l.At(Money::kDepreciationFacility, 300), 30e6 * 11.7 / life_days, 1e-3);
  EXPECT_NEAR(l.Total(Money::kDepreciationFacility),
              10e6 * 11.7 * 400 / life_days + build * 200 / life_days, 1e-2);
  // Upkeep: 2% of build capex a year from each step on.
  EXPECT_NEAR(l.Total(Money::kMaintenanceFacility),
              0.02 * (10e6 * 11.7 * 400 + build * 200) / 365.25, 1e-2);
  // The site's own ledger holds the same depreciation.
  EXPECT_NEAR(s.site_fixed[0].Total(Money::kDepreciationFacility),
              l.Total(Money::kDepreciationFacility), 1e-3);
  // No build lead: the whole build on the step's day.
  spec.sites[0].build_lead_s = 0;
  EXPECT_NEAR(MustSetup(spec).ledger.At(Money::kCapexFacility, 200), build, 1e-3);
}

// A leased site: lease_usd_per_year from the first step, escalating each year; no facility capex.
TEST(ProjectionSetupTest, LeasePaymentsEscalateEachYear) {
  ProjectionSpec spec = BaseSpec(0, 2 * 365.25);
  ProjectionSiteSpec& site = spec.sites[0];
  site.ownership = ProjectionSiteSpec::Ownership::kLeased;
  site.build_cost_usd_per_watt = 11.7;
  site.lease_usd_per_year = 6e6;
  site.lease_escalation = 0.03;
  site.power = {{0, 2e6}};
  const ProjectionSetup s = MustSetup(spec);
  EXPECT_NEAR(s.ledger.Total(Money::kLease), 6e6 + 6e6 * 1.03, 1e-3);
  EXPECT_NEAR(s.ledger.At(Money::kLease, 100), 6e6 / 365.25, 1e-6);
  EXPECT_NEAR(s.ledger.At(Money::kLease, 500), 6e6 * 1.03 / 365.25, 1e-6);
  EXPECT_EQ(s.ledger.Total(Money::kCapexFacility), 0);
  EXPECT_EQ(s.ledger.Total(Money::kDepreciationFacility), 0);
  EXPECT_NEAR(s.site_fixed[0].Total(Money::kLease), 6e6 * 2.03, 1e-3);
}

// Colocation: colocation_usd_per_watt_month x the power online: 2 MW for 30 days, then 5 MW.
TEST(ProjectionSetupTest, ColocationIsPowerTimesMonthlyPrice) {
  ProjectionSpec spec = BaseSpec(0, 60);
  ProjectionSiteSpec& site = spec.sites[0];
  site.ownership = ProjectionSiteSpec::Ownership::kColocation;
  site.colocation_usd_per_watt_month = 0.15;  // $150/kW-month
  site.power = {{0, 2e6}, {30 * kDaySeconds, 5e6}};
  const ProjectionSetup s = MustSetup(spec);
  const double month = kYearSeconds / 12;
  EXPECT_NEAR(s.ledger.Sum(Money::kColocation, 0, 30), 2e6 * 0.15 * 30 * kDaySeconds / month, 1e-3);
  EXPECT_NEAR(s.ledger.Sum(Money::kColocation, 30, 60), 5e6 * 0.15 * 30 * kDaySeconds / month,
              1e-3);
  EXPECT_EQ(s.ledger.Total(Money::kCapexFacility), 0);
}

// Reserved cloud GPUs: gpus x price x hours of the term inside the horizon, used or not.
TEST(ProjectionSetupTest, ReservedRentIsGpusTimesPriceTimesHours) {
  ProjectionSpec spec = BaseSpec(0, 60);
  CloudSpec c = testing::TestCloud(64, 2.20);
  c.reserved_start_s = 10 * kDaySeconds;
  c.reserved_term_s = 20 * kDaySeconds;
  spec.clouds.push_back(c);
  const ProjectionSetup s = MustSetup(spec);
  EXPECT_NEAR(s.ledger.Total(Money::kRentReserved), 64 * 2.20 * 20 * 24, 1e-6);
  EXPECT_EQ(s.ledger.At(Money::kRentReserved, 9), 0);
  EXPECT_NEAR(s.ledger.At(Money::kRentReserved, 10), 64 * 2.20 * 24, 1e-6);
  EXPECT_EQ(s.ledger.At(Money::kRentReserved, 30), 0);
  ASSERT_EQ(s.slots.size(), 2u);
  EXPECT_TRUE(s.slots[1].cloud);
  EXPECT_EQ(s.slots[1].capex_per_gpu_usd, 0);
  EXPECT_NEAR(s.slot_fixed[1].Total(Money::kRentReserved), 64 * 2.20 * 20 * 24, 1e-6);
  // No term: to the end of the horizon.
  spec.clouds[0].reserved_term_s = 0;
  EXPECT_NEAR(MustSetup(spec).ledger.Total(Money::kRentReserved), 64 * 2.20 * 50 * 24, 1e-6);
}

// CapexPerGpu: server share x (1 + installation) + network + storage, plus on an owned site the
// build cost of the GPU's nameplate power (TDP x (1 + host fraction)).
TEST(ProjectionSetupTest, CapexPerGpuByHand) {
  ProjectionSpec spec = DeliverySpecPlan();
  spec.sites[0].build_cost_usd_per_watt = 11.7;
  const GpuSpec h100 = testing::H100();
  // No pool-level price: list price x server_overhead per GPU (the delivery's price is not used).
  const double server = 27500 * 1.23;
  EXPECT_NEAR(CapexPerGpu(spec, h100, 0), server * 1.02 + 10000 + 4000 + 11.7 * 700 * 1.3, 1e-6);
  EXPECT_NEAR(CapexPerGpu(spec, h100, 1), server * 1.02 + 12000 + 4000 + 11.7 * 700 * 1.3, 1e-6);
  spec.pools[0].server_price_usd = 320000;
  EXPECT_NEAR(CapexPerGpu(spec, h100, 0), 40000 * 1.02 + 10000 + 4000 + 11.7 * 910, 1e-6);
  spec.sites[0].ownership = ProjectionSiteSpec::Ownership::kLeased;
  EXPECT_NEAR(CapexPerGpu(spec, h100, 0), 40000 * 1.02 + 14000, 1e-6);
  const ProjectionSetup s = MustSetup(spec);
  EXPECT_NEAR(s.slots[0].capex_per_gpu_usd, 40000 * 1.02 + 14000, 1e-6);
  EXPECT_NEAR(s.slots[0].nameplate_watts, 910, 1e-9);
}

ProjectionSpec ThreeWorkloads() {
  ProjectionSpec s = BaseSpec(64, 5);
  s.avatars.push_back(testing::ConstantAvatar("av", {"pool"}, 1000, 600, 2.5));
  s.servings.push_back(testing::ConstantServing("chat", {"pool"}, 1000, 1000));
  s.jobs.push_back(testing::FixedTraining("train", "pool", 16, 1e12));
  return s;
}

TEST(ProjectionSetupTest, RanksFollowPolicyOrder) {
  ProjectionSpec spec = ThreeWorkloads();
  spec.order = {"train", "av", "chat"};
  const ProjectionSetup s = MustSetup(spec);
  ASSERT_EQ(s.ranks.size(), 3u);
  EXPECT_EQ(s.ranks[0].kind, ProjectionSetup::Rank::kJob);
  EXPECT_EQ(s.ranks[0].index, 0);
  EXPECT_EQ(s.ranks[1].kind, ProjectionSetup::Rank::kAvatar);
  EXPECT_EQ(s.ranks[2].kind, ProjectionSetup::Rank::kServing);
  EXPECT_EQ(s.ranks[2].workload, 1);  // avatars' traces come first
  // No order: avatars, servings, jobs.
  spec.order.clear();
  const ProjectionSetup d = MustSetup(spec);
  ASSERT_EQ(d.ranks.size(), 3u);
  EXPECT_EQ(d.ranks[0].kind, ProjectionSetup::Rank::kAvatar);
  EXPECT_EQ(d.ranks[1].kind, ProjectionSetup::Rank::kServing);
  EXPECT_EQ(d.ranks[2].kind, ProjectionSetup::Rank::kJob);
  ASSERT_EQ(d.jobs.size(), 1u);
  EXPECT_NEAR(d.jobs[0].tokens_per_gpu_second, testing::FixedTrainingRate(), 1e-6);
  EXPECT_EQ(d.SlotIndex("pool"), 0);
  EXPECT_EQ(d.SlotIndex("nope"), -1);
}

TEST(ProjectionSetupTest, UnknownNamesAreErrors) {
  {
    ProjectionSpec s = ThreeWorkloads();
    s.pools[0].gpu = "H1000";
    EXPECT_THAT(SetupError(s), HasSubstr("H1000"));
  }
  {
    ProjectionSpec s = ThreeWorkloads();
    s.pools[0].site = "atlantis";
    EXPECT_THAT(SetupError(s), HasSubstr("atlantis"));
  }
  {
    ProjectionSpec s = ThreeWorkloads();
    s.deliveries.push_back({0, "nopool", 8, 0});
    EXPECT_THAT(SetupError(s), HasSubstr("nopool"));
  }
  {
    ProjectionSpec s = ThreeWorkloads();
    CloudSpec c;
    c.name = "cloud";
    c.gpu = "Z9";
    s.clouds.push_back(c);
    EXPECT_THAT(SetupError(s), HasSubstr("Z9"));
  }
  {
    ProjectionSpec s = ThreeWorkloads();
    s.order = {"av", "chat", "ghost"};
    EXPECT_THAT(SetupError(s), HasSubstr("ghost"));
  }
  {
    ProjectionSpec s = ThreeWorkloads();
    s.jobs[0].training.model = "gpt-9";
    EXPECT_THAT(SetupError(s), HasSubstr("gpt-9"));
  }
  {
    ProjectionSpec s = ThreeWorkloads();
    s.jobs[0].training.pool = "elsewhere";
    EXPECT_THAT(SetupError(s), HasSubstr("elsewhere"));
  }
}

}  // namespace
}  // namespace capsim::models
