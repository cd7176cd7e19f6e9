// Tests of config/projection_fleet_loader.cc (fleet: sites, pools, clouds, deliveries).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/projection_loader.h"
#include "tests/config/projection_test_files.h"

namespace capsim::config {
namespace {

using testing::kProjection;
using testing::ProjectionMistake;
using testing::Replace;
using Ownership = models::ProjectionSiteSpec::Ownership;

constexpr double kDay = 86400;
constexpr double kYear = 365.25 * kDay;

class ProjectionFleetTest : public testing::ProjectionLoaderTestBase {};

TEST_F(ProjectionFleetTest, ReadsSitesPoolsCloudsAndDeliveries) {
  Result<models::ProjectionSpec> r = Load(kProjection);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::ProjectionSpec& s = r.value();
  ASSERT_EQ(s.sites.size(), 3u);
  const models::ProjectionSiteSpec& owned = s.sites[0];
  EXPECT_EQ(owned.name, "prometheus");
  EXPECT_DOUBLE_EQ(owned.pue, 1.15);
  EXPECT_DOUBLE_EQ(owned.energy_price_usd_per_joule, 0.07 / 3.6e6);
  ASSERT_EQ(owned.power.size(), 2u);
  EXPECT_DOUBLE_EQ(owned.power[0].at_s, 0);
  EXPECT_DOUBLE_EQ(owned.power[0].power_watts, 5e8);
  EXPECT_DOUBLE_EQ(owned.power[1].at_s, 273 * kDay);  // 2026Q4 = 2026-10-01
  EXPECT_DOUBLE_EQ(owned.power[1].power_watts, 1e9);
  EXPECT_EQ(owned.ownership, Ownership::kOwned);
  EXPECT_DOUBLE_EQ(owned.build_cost_usd_per_watt, 11.7);
  EXPECT_DOUBLE_EQ(owned.build_lead_s, kYear);
  EXPECT_DOUBLE_EQ(owned.facility_maintenance_fraction, 0.03);
  const models::ProjectionSiteSpec& leased = s.sites[1];
  EXPECT_DOUBLE_EQ(leased.pue, 1.2);
  ASSERT_EQ(leased.power.size(), 1u);
  EXPECT_DOUBLE_EQ(leased.power[0].at_s, 0);
  EXPECT_DOUBLE_EQ(leased.power[0].power_watts, 2e8);
  EXPECT_EQ(leased.ownership, Ownership::kLeased);
  EXPECT_DOUBLE_EQ(leased.lease_usd_per_year, 1.3e9);
  EXPECT_DOUBLE_EQ(leased.lease_escalation, 0.03);
  EXPECT_EQ(s.sites[2].ownership, Ownership::kColocation);
  EXPECT_DOUBLE_EQ(s.sites[2].colocation_usd_per_watt_month, 0.15);

  ASSERT_EQ(s.pools.size(), 2u);
  EXPECT_EQ(s.pools[0].name, "prom-h100");
  EXPECT_EQ(s.pools[0].site, "prometheus");
  EXPECT_EQ(s.pools[0].gpu, "H100-SXM");
  EXPECT_EQ(s.pools[0].gpus_per_node, 8);
  EXPECT_DOUBLE_EQ(s.pools[0].host_power_fraction, 0.3);
  EXPECT_DOUBLE_EQ(s.pools[0].server_price_usd, 270000);
  EXPECT_EQ(s.pools[0].fabric, "");
  EXPECT_EQ(s.pools[0].initial_gpus, 8192);
  EXPECT_DOUBLE_EQ(s.pools[0].initial_age_s, kYear);
  EXPECT_EQ(s.pools[1].gpus_per_node, 72);
  EXPECT_DOUBLE_EQ(s.pools[1].host_power_fraction, 0.2);
  EXPECT_EQ(s.pools[1].fabric, "ib-ndr-400g");
  EXPECT_EQ(s.pools[1].initial_gpus, 0);

  ASSERT_EQ(s.clouds.size(), 1u);
  const models::CloudSpec& c = s.clouds[0];
  EXPECT_EQ(c.gpu, "H100-SXM");
  EXPECT_EQ(c.gpus_per_node, 8);
  EXPECT_EQ(c.reserved_gpus, 4096);
  EXPECT_DOUBLE_EQ(c.reserved_usd_per_gpu_hour, 2.2);
  EXPECT_DOUBLE_EQ(c.reserved_start_s, 0);
  EXPECT_DOUBLE_EQ(c.reserved_term_s, kYear);
  EXPECT_EQ(c.on_demand_max_gpus, 20000);
  EXPECT_DOUBLE_EQ(c.on_demand_usd_per_gpu_hour, 4.5);
  EXPECT_DOUBLE_EQ(c.lead_time_s, 2 * kDay);
  EXPECT_DOUBLE_EQ(c.release_after_s, kDay);

  ASSERT_EQ(s.deliveries.size(), 1u);
  EXPECT_DOUBLE_EQ(s.deliveries[0].at_s, 90 * kDay);  // 2026Q2
  EXPECT_EQ(s.deliveries[0].pool, "prom-gb200");
  EXPECT_EQ(s.deliveries[0].gpus, 72000);
  EXPECT_DOUBLE_EQ(s.deliveries[0].server_price_usd, 3.1e6);
}

class ProjectionFleetMistakeTest : public testing::ProjectionMistakeTest {};
TEST_P(ProjectionFleetMistakeTest, IsReported) { Check(); }

INSTANTIATE_TEST_SUITE_P(
    Sites, ProjectionFleetMistakeTest,
    ::testing::Values(
        ProjectionMistake{"  sites:\n    - name: prometheus", "  sites: []\n  old:\n    - name: x",
                          "[]", "fleet.sites: needs at least one site"},
        ProjectionMistake{"name: colo", "name: prometheus", "prometheus\n      energy_price: 0.08",
                          "fleet.sites[2].name: duplicate site name 'prometheus' (first at "
                          "line 11)"},
        ProjectionMistake{"pue: 1.15", "pue: 0.9", "0.9",
                          "fleet.sites[0].pue: must be at least 1, got '0.9'"},
        ProjectionMistake{"      energy_price: 70 USD/MWh\n", "", "name: leased-site",
                          "fleet.sites[1]: missing required key 'energy_price'"},
        ProjectionMistake{"      power: 200 MW\n", "", "name: leased-site",
                          "fleet.sites[1]: missing required key 'power'"},
        ProjectionMistake{"power: 200 MW", "power: 200 MWh", "200 MWh",
                          "fleet.sites[1].power: '200 MWh': unknown unit 'MWh'; expected a "
                          "power such as '700 W'"},
        ProjectionMistake{"power: 200 MW", "power: { at: 2026Q1 }", "{ at: 2026Q1 }",
                          "fleet.sites[1].power: expected a power such as '1 GW' or a list of "
                          "{ at, power } steps, got a mapping"},
        ProjectionMistake{"power: 200 MW", "power: []", "[]",
                          "fleet.sites[1].power: needs at least one { at, power } step"},
        ProjectionMistake{"at: 2026Q4, power: 1 GW", "at: 2026-01-01, power: 1 GW",
                          "2026-01-01, power: 1 GW",
                          "fleet.sites[0].power[1].at: must be after the previous step's date "
                          "(steps are in time order)"},
        ProjectionMistake{"at: 2026Q4, power: 1 GW", "at: 2026Q4, power: 400 MW", "400 MW",
                          "fleet.sites[0].power[1].power: must be more than the previous "
                          "step's power (steps are cumulative)"},
        ProjectionMistake{"at: 2026Q4, power: 1 GW", "at: 2030Q4, power: 1 GW", "2030Q4",
                          "fleet.sites[0].power[1].at: '2030Q4' is outside the projection, "
                          "which runs from 2026-01-01 to 2029-01-01 (excluded)"},
        ProjectionMistake{"{ at: 2026Q4, power: 1 GW }", "{ at: 2026Q4 }", "{ at: 2026Q4 }",
                          "fleet.sites[0].power[1]: missing required key 'power'"},
        ProjectionMistake{"ownership: leased", "ownership: rented", "rented",
                          "fleet.sites[1].ownership: unknown ownership 'rented'; known: "
                          "colocation, leased, owned"},
        ProjectionMistake{"ownership: leased\n", "ownership: leased\n      build_lead: 1 year\n",
                          "1 year\n",
                          "fleet.sites[1].build_lead: only for ownership: owned; "
                          "this site is leased"},
        ProjectionMistake{"maintenance: 3%", "maintenance: 3%\n      lease: { annual: $1B }",
                          "{ annual: $1B }",
                          "fleet.sites[0].lease: only for ownership: "
                          "leased; this site is owned"},
        ProjectionMistake{"maintenance: 3%", "maintenance: 3%\n      colocation_monthly: $1/kW",
                          "$1/kW",
                          "fleet.sites[0].colocation_monthly: only for ownership: "
                          "colocation; this site is owned"},
        ProjectionMistake{"      lease: { annual: $1.3B, escalation: 3% }\n", "", "leased\n",
                          "fleet.sites[1].ownership: a leased site needs lease: { annual: "
                          "<money a year> }"},
        ProjectionMistake{"lease: { annual: $1.3B, escalation: 3% }", "lease: { escalation: 3% }",
                          "{ escalation", "fleet.sites[1].lease: missing required key 'annual'"},
        ProjectionMistake{"annual: $1.3B", "annual: 1.3 GW", "1.3 GW",
                          "fleet.sites[1].lease.annual: '1.3 GW' is a power; expected an "
                          "amount of money such as '$27B'"},
        ProjectionMistake{"      colocation_monthly: 150 USD/kW\n", "", "colocation\n",
                          "fleet.sites[2].ownership: a colocation site needs colocation_monthly "
                          "(money per power a month, such as '150 USD/kW')"},
        ProjectionMistake{"colocation_monthly: 150 USD/kW", "colocation_monthly: 150 USD/h",
                          "150 USD/h",
                          "fleet.sites[2].colocation_monthly: '150 USD/h' is an "
                          "amount of money per time; expected an amount of money per power such "
                          "as '$11.7M/MW'"},
        ProjectionMistake{"build_cost: $11.7M/MW", "build_cost: $11.7M", "$11.7M\n",
                          "fleet.sites[0].build_cost: '$11.7M' is an amount of money; expected "
                          "an amount of money per power such as '$11.7M/MW'"}));

INSTANTIATE_TEST_SUITE_P(
    PoolsCloudsDeliveries, ProjectionFleetMistakeTest,
    ::testing::Values(
        ProjectionMistake{"site: prometheus, gpu: GB200", "site: prometheos, gpu: GB200",
                          "prometheos",
                          "fleet.pools[1].site: unknown site 'prometheos'; did "
                          "you mean 'prometheus'? known: colo, leased-site, prometheus"},
        ProjectionMistake{"gpu: GB200", "gpu: GB300", "GB300",
                          "fleet.pools[1].gpu: unknown GPU 'GB300'; did you mean 'GB200'? "
                          "known: B200, GB200, H100-SXM, H200, L4, L40S, MI300X"},
        ProjectionMistake{"fabric: ib-ndr-400g", "fabric: roce", "roce",
                          "fleet.pools[1].fabric: unknown fabric 'roce'; known: default, "
                          "ib-ndr-400g (the keys of finance.network_per_gpu)"},
        ProjectionMistake{"initial_gpus: 8192", "initial_gpus: 8191", "8191",
                          "fleet.pools[0].initial_gpus: must be a multiple of gpus_per_node (8), "
                          "got 8191"},
        ProjectionMistake{"initial_age: 1 year", "initial_age: -1 year", "-1 year",
                          "fleet.pools[0].initial_age: must not be negative, got '-1 year'"},
        ProjectionMistake{"fabric: ib-ndr-400g }", "fabrc: ib-ndr-400g }", "fabrc",
                          "fleet.pools[1].fabrc: unknown key 'fabrc'; did you mean 'fabric'?"},
        ProjectionMistake{"name: prom-gb200,", "name: prom-h100,",
                          "prom-h100, site: prometheus, gpu: GB200",
                          "fleet.pools[1].name: duplicate name 'prom-h100': already the pool at "
                          "line 29 (pools, clouds and workloads share one namespace)"},
        ProjectionMistake{"name: neocloud-h100", "name: prom-gb200", "prom-gb200\n",
                          "fleet.clouds[0].name: duplicate name 'prom-gb200': already the pool at "
                          "line 30 (pools, clouds and workloads share one namespace)"},
        ProjectionMistake{
            "      reserved: { gpus: 4096, price: 2.20 USD/h, start: 2026-01-01, term: 1 year }\n"
            "      on_demand: { max_gpus: 20000, price: 4.50 USD/h, lead_time: 2 days, "
            "release_after: 1 day }\n",
            "", "name: neocloud-h100", "fleet.clouds[0]: needs reserved, on_demand or both"},
        ProjectionMistake{"gpus: 4096", "gpus: 4095", "4095",
                          "fleet.clouds[0].reserved.gpus: must be a multiple of gpus_per_node "
                          "(8), got 4095"},
        ProjectionMistake{"price: 2.20 USD/h", "price: 2.20 USD", "2.20 USD",
                          "fleet.clouds[0].reserved.price: '2.20 USD' is an amount of money; "
                          "expected an amount of money per time such as '2.50 USD/h'"},
        ProjectionMistake{"gpus: 4096, price: 2.20 USD/h, ", "gpus: 4096, ", "{ gpus: 4096",
                          "fleet.clouds[0].reserved: missing required key 'price'"},
        ProjectionMistake{"start: 2026-01-01, term", "start: 2031-01-01, term", "2031-01-01",
                          "fleet.clouds[0].reserved.start: '2031-01-01' is outside the "
                          "projection, which runs from 2026-01-01 to 2029-01-01 (excluded)"},
        ProjectionMistake{"max_gpus: 20000", "max_gpus: 20001", "20001",
                          "fleet.clouds[0].on_demand.max_gpus: must be a multiple of "
                          "gpus_per_node (8), got 20001"},
        ProjectionMistake{"lead_time: 2 days", "lead_time: 2", "2, release",
                          "fleet.clouds[0].on_demand.lead_time: '2': expected a time with a "
                          "unit such as '30 min'"},
        ProjectionMistake{"pool: prom-gb200, gpus: 72K", "pool: neocloud-h100, gpus: 72K",
                          "neocloud-h100, gpus",
                          "fleet.deliveries[0].pool: 'neocloud-h100' is a cloud; deliveries are "
                          "owned GPUs for a pool"},
        ProjectionMistake{"pool: prom-gb200, gpus: 72K", "pool: prom-gb300, gpus: 72K",
                          "prom-gb300",
                          "fleet.deliveries[0].pool: unknown pool 'prom-gb300'; "
                          "did you mean 'prom-gb200'? known: prom-gb200, prom-h100"},
        ProjectionMistake{"gpus: 72K", "gpus: 1000", "1000",
                          "fleet.deliveries[0].gpus: must be a multiple of gpus_per_node (72), "
                          "got 1000"},
        ProjectionMistake{"{ at: 2026Q2, pool", "{ pool", "{ pool",
                          "fleet.deliveries[0]: missing required key 'at'"},
        ProjectionMistake{"server_price: $3.1M }", "server_price: 3.1M }", "3.1M }",
                          "fleet.deliveries[0].server_price: '3.1M' is a count; expected an "
                          "amount of money such as '$27B'"}));

}  // namespace
}  // namespace capsim::config
