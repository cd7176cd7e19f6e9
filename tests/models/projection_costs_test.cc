// Cost allocation of a projection (models/projection_costs.h): workloads' shares of the fleet's
// period costs, the all-in GPU-hour, stage shares and the avatar cost sensitivity.
#include "models/projection_costs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/models/projection_test_support.h"

namespace capsim::models {
namespace {

using testing::BaseSpec;
using testing::FixedTraining;
using testing::kDaySeconds;
using testing::kYearSeconds;
using testing::MustRun;

double Get(const MoneyBreakdown& b, Money m) { return b[static_cast<size_t>(m)]; }

// IT capex of one 8-GPU H100 node at list price x server_overhead: 8 x $27,500 x 1.23.
constexpr double kNodeCapex = 8 * 27500 * 1.23;

// A 16-GPU pool with an 8-GPU gang training on it all the time (it never finishes): the job
// holds half the pool's GPU-seconds from day 1 on, so it bears half of each use-independent
// cost (IT depreciation and upkeep, the owned site's depreciation) and its own GPUs' energy
// (8 x 910 W busy x PUE 1.2 x $0.10/kWh a day).
TEST(ProjectionCostsTest, WorkloadCostIsItsShareOfFixedCostsPlusItsEnergy) {
  ProjectionSpec spec = BaseSpec(16, 5);
  spec.sites[0].build_cost_usd_per_watt = 11.7;
  spec.sites[0].facility_maintenance_fraction = 0.02;
  spec.sites[0].power = {{0, 1e6}};
  spec.jobs.push_back(FixedTraining("train", "pool", 8, 1e18));
  const ProjectionTrace t = MustRun(spec);
  const MoneyBreakdown c = WorkloadCost(t, 0, 1, 5);
  const double it_per_day = 2 * kNodeCapex / (5.5 * 365.25);
  const double upkeep_per_day = 0.03 * 2 * kNodeCapex / 365.25;
  const double facility_per_day = 1e6 * 11.7 / (20 * 365.25);
  const double facility_upkeep_per_day = 0.02 * 1e6 * 11.7 / 365.25;
  EXPECT_NEAR(Get(c, Money::kDepreciationIt), 0.5 * 4 * it_per_day, 1e-6);
  EXPECT_NEAR(Get(c, Money::kMaintenanceIt), 0.5 * 4 * upkeep_per_day, 1e-6);
  EXPECT_NEAR(Get(c, Money::kDepreciationFacility), 0.5 * 4 * facility_per_day, 1e-6);
  EXPECT_NEAR(Get(c, Money::kMaintenanceFacility), 0.5 * 4 * facility_upkeep_per_day, 1e-6);
  EXPECT_NEAR(Get(c, Money::kEnergy), 4 * 8 * 910 * 1.2 * kDaySeconds * 0.10 / 3.6e6, 1e-6);
  for (Money m : {Money::kCapexServers, Money::kCapexNetwork, Money::kCapexStorage,
                  Money::kCapexInstallation, Money::kCapexFacility}) {
    EXPECT_EQ(Get(c, m), 0) << MoneyName(m);
  }
  EXPECT_NEAR(Total(c),
              0.5 * 4 * (it_per_day + upkeep_per_day + facility_per_day + facility_upkeep_per_day) +
                  Get(c, Money::kEnergy),
              1e-6);
}

// Over all workloads plus the idle GPUs (the unheld share of each slot's fixed costs and the
// energy no workload drew), the costs add up to the fleet's period costs (every non-capex kind of
// the ledger), never more.
TEST(ProjectionCostsTest, WorkloadsPlusIdleAddUpToFleetCosts) {
  ProjectionSpec spec = BaseSpec(256, 6);
  spec.sites[0].build_cost_usd_per_watt = 11.7;
  spec.sites[0].power = {{0, 1e6}};
  CloudSpec c = testing::TestCloud(8, 2, 64, 4.5);
  spec.clouds.push_back(c);
  spec.avatars.push_back(testing::ConstantAvatar("av", {"pool", "cloud"}, 150000, 600, 2.5));
  spec.avatars[0].peak_to_mean = 1.6;
  spec.servings.push_back(testing::ConstantServing("chat", {"pool"}, 20000, 1000));
  spec.jobs.push_back(FixedTraining("train", "pool", 192, 1e18));
  spec.jobs[0].training.min_gpus = 64;
  const ProjectionTrace t = MustRun(spec);
  double workloads = 0, workload_energy = 0;
  for (size_t w = 0; w < t.workloads.size(); ++w) {
    const MoneyBreakdown b = WorkloadCost(t, w, 0, t.days);
    workloads += Total(b);
    workload_energy += Get(b, Money::kEnergy);
  }
  double idle = t.ledger.Total(Money::kEnergy) - workload_energy;
  EXPECT_GE(idle, 0);
  for (size_t s = 0; s < t.slots.size(); ++s) {
    for (int d = 0; d < t.days; ++d) {
      double held = 0;
      for (const WorkloadTrace& w : t.workloads) held += w.gpu_s[s][static_cast<size_t>(d)];
      const double avail = t.slot_gpu_s[s][static_cast<size_t>(d)];
      const double unheld = avail > 0 ? 1 - std::min(1.0, held / avail) : 1;
      for (int k = 0; k < kMoneyKinds; ++k) {
        if (!IsCapex(static_cast<Money>(k))) {
          idle += unheld * t.slot_fixed[s].At(static_cast<Money>(k), d);
        }
      }
    }
  }
  double fleet = 0;
  for (int k = 0; k < kMoneyKinds; ++k) {
    if (!IsCapex(static_cast<Money>(k))) fleet += t.ledger.Total(static_cast<Money>(k));
  }
  std::printf("workloads $%.0f + idle $%.0f vs fleet period costs $%.0f\n", workloads, idle, fleet);
  EXPECT_GT(workloads, 0);
  EXPECT_LE(workloads + idle, fleet * (1 + 1e-9));
  EXPECT_NEAR(workloads + idle, fleet, 1e-6 * fleet);  // every day had GPUs: nothing unallocated
}

// A site with no GPUs on some days keeps those days' costs unallocated: workloads never exceed.
TEST(ProjectionCostsTest, WorkloadsNeverExceedFleetCostsWithAnEmptySite) {
  ProjectionSpec spec = BaseSpec(0, 6);
  spec.sites[0].build_cost_usd_per_watt = 11.7;
  spec.sites[0].power = {{0, 1e6}};
  spec.deliveries.push_back({3 * kDaySeconds, "pool", 16, 0});
  spec.jobs.push_back(FixedTraining("train", "pool", 16, 1e18));
  const ProjectionTrace t = MustRun(spec);
  const double w = Total(WorkloadCost(t, 0, 0, t.days));
  double fleet = 0;
  for (int k = 0; k < kMoneyKinds; ++k) {
    if (!IsCapex(static_cast<Money>(k))) fleet += t.ledger.Total(static_cast<Money>(k));
  }
  EXPECT_GT(w, 0);
  EXPECT_LT(w, fleet);
  EXPECT_EQ(Get(WorkloadCost(t, 0, 0, 3), Money::kDepreciationFacility), 0);
}

// GpuHourCost of a 16-GPU pool (two nodes at list price x 1.23, IT only) over 10 days: (IT
// depreciation over 5.5 years + 3% upkeep a year) per GPU-hour, plus a GPU's nameplate 910 W x
// PUE 1.2 at $0.10/kWh = $0.1092 an hour. A reserved cloud GPU costs its price.
TEST(ProjectionCostsTest, GpuHourCostByHand) {
  ProjectionSpec spec = BaseSpec(16, 10);
  CloudSpec c = testing::TestCloud(8, 2.2);
  spec.clouds.push_back(c);
  const ProjectionTrace t = MustRun(spec);
  const double per_gpu = kNodeCapex / 8;
  const double fixed_per_h = per_gpu * (1 / 5.5 + 0.03) / (kYearSeconds / 3600);
  const double energy_per_h = 910 * 1.2 * 0.10 / 1000;
  std::printf("GPU-hour: fixed $%.4f + energy $%.4f\n", fixed_per_h, energy_per_h);
  EXPECT_NEAR(GpuHourCost(spec, t, 0), fixed_per_h + energy_per_h, 1e-9);
  EXPECT_NEAR(GpuHourCost(spec, t, 1), 2.2, 1e-9);
}

// Stage shares by default (workloads.md §1 session averages, AvatarSpec turn defaults: agent
// speaking 7.5 s of 15.5): face 0.7 x 7.5/15.5, ASR (8/15.5)/32, LLM 0.01 x 7.5/15.5, TTS
// (7.5/15.5)/8, normalised to 1; given shares are normalised.
TEST(ProjectionCostsTest, StageShares) {
  ProjectionSpec spec = BaseSpec(8, 1);
  ProjectionAvatarSpec a = testing::ConstantAvatar("av", {"pool"}, 1, 600, 2.5);
  const double agent = 7.5 / 15.5, user = 8 / 15.5;
  const double face = 0.7 * agent, asr = user / 32, llm = 0.01 * agent, tts = agent / 8;
  const double sum = face + asr + llm + tts;
  const auto shares = StageShares(spec, a);
  ASSERT_EQ(shares.size(), 4u);
  double total = 0;
  for (const auto& [name, v] : shares) {
    total += v;
    if (name == "face") {
      EXPECT_NEAR(v, face / sum, 1e-12);
    }
    if (name == "asr") {
      EXPECT_NEAR(v, asr / sum, 1e-12);
    }
    if (name == "llm") {
      EXPECT_NEAR(v, llm / sum, 1e-12);
    }
    if (name == "tts") {
      EXPECT_NEAR(v, tts / sum, 1e-12);
    }
  }
  EXPECT_NEAR(total, 1, 1e-12);
  std::printf("default stage shares: face %.3f asr %.3f llm %.3f tts %.3f\n", face / sum, asr / sum,
              llm / sum, tts / sum);
  // warp-gaussian renders while listening too: face 0.4 x agent + 0.4 x user.
  a.tier = "warp-gaussian";
  const double face_m = 0.4;
  EXPECT_NEAR(StageShares(spec, a)[0].second, face_m / (face_m + asr + llm + tts), 1e-12);
  // Given: normalised.
  a.stage_shares = {{"face", 70}, {"llm", 15}, {"asr", 5}, {"tts", 5}};
  const auto given = StageShares(spec, a);
  ASSERT_EQ(given.size(), 4u);
  EXPECT_EQ(given[0].first, "face");
  EXPECT_NEAR(given[0].second, 70.0 / 95, 1e-12);
  EXPECT_NEAR(given[1].second, 15.0 / 95, 1e-12);
}

// The tornado of one avatar's cost: every part linear in its input, so each bar is exact.
TEST(ProjectionCostsTest, AvatarSensitivityByHand) {
  MoneyBreakdown cost{};
  cost[static_cast<size_t>(Money::kDepreciationIt)] = 600;
  cost[static_cast<size_t>(Money::kMaintenanceIt)] = 60;
  cost[static_cast<size_t>(Money::kDepreciationFacility)] = 100;
  cost[static_cast<size_t>(Money::kMaintenanceFacility)] = 20;
  cost[static_cast<size_t>(Money::kEnergy)] = 200;
  cost[static_cast<size_t>(Money::kRentOnDemand)] = 20;
  const double minutes = 10000, s = 0.2;
  const double base = 1000 / minutes;
  const auto rows = AvatarSensitivity(cost, minutes, s, 1.1);
  ASSERT_EQ(rows.size(), 7u);  // with rent
  for (size_t i = 0; i < rows.size(); ++i) {
    const Sensitivity& r = rows[i];
    EXPECT_DOUBLE_EQ(r.base_usd, base);
    EXPECT_LE(std::min(r.low_usd, r.high_usd), base) << r.input;
    EXPECT_GE(std::max(r.low_usd, r.high_usd), base) << r.input;
    if (i > 0) {
      EXPECT_GE(std::fabs(rows[i - 1].high_usd - rows[i - 1].low_usd),
                std::fabs(r.high_usd - r.low_usd))
          << r.input;
    }
    if (r.input == "sessions per GPU") {
      EXPECT_DOUBLE_EQ(r.low_usd, base / (1 - s));
      EXPECT_DOUBLE_EQ(r.high_usd, base / (1 + s));
      EXPECT_EQ(rows.front().input, r.input);  // the widest: it scales everything
    }
    if (r.input == "IT capex (server, network, storage prices)") {
      EXPECT_NEAR(r.low_usd, (1000 - 0.2 * 660) / minutes, 1e-12);
      EXPECT_NEAR(r.high_usd, (1000 + 0.2 * 660) / minutes, 1e-12);
    }
    if (r.input == "server life") {
      EXPECT_NEAR(r.low_usd, (1000 - 600 + 600 / 0.8) / minutes, 1e-12);
      EXPECT_NEAR(r.high_usd, (1000 - 600 + 600 / 1.2) / minutes, 1e-12);
    }
    if (r.input == "PUE") {
      // The lowest site PUE is 1.1: -20% would put it at 0.88, so the low side stops at 1.0.
      EXPECT_NEAR(r.low_usd, (1000 - 200 + 200 / 1.1) / minutes, 1e-12);
      EXPECT_NEAR(r.high_usd, (1000 + 0.2 * 200) / minutes, 1e-12);
      EXPECT_EQ(r.low_label, "-9%");
    }
    if (r.input == "rent prices") {
      EXPECT_NEAR(r.high_usd, (1000 + 0.2 * 20) / minutes, 1e-12);
    }
  }
  // A high PUE leaves the full swing; no rent, no rent bar; no minutes, no bars.
  cost[static_cast<size_t>(Money::kRentOnDemand)] = 0;
  const auto plain = AvatarSensitivity(cost, minutes, s, 1.5);
  ASSERT_EQ(plain.size(), 6u);
  for (const Sensitivity& r : plain) {
    if (r.input == "PUE") {
      EXPECT_NEAR(r.low_usd, (980 - 0.2 * 200) / minutes, 1e-12);
    }
    EXPECT_NE(r.input, "rent prices");
  }
  EXPECT_TRUE(AvatarSensitivity(cost, 0, s, 1.2).empty());
}

}  // namespace
}  // namespace capsim::models
