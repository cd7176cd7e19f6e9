// BuildProjectionResult (models/projection_report.h): the result tables of a projection and the
// figures they must agree with (the ledger, the calendar, the baseline run without avatars).
#include "models/projection_report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/projection_costs.h"
#include "models/projection_setup.h"
#include "tests/models/projection_test_support.h"

namespace capsim::models {
namespace {

using testing::BaseSpec;
using testing::kDaySeconds;
using testing::MustRun;

const Table* FindTable(const RunResult& r, const std::string& name) {
  for (const auto& [n, t] : r.extra_tables) {
    if (n == name) return &t;
  }
  ADD_FAILURE() << "no table " << name;
  return nullptr;
}

const std::vector<double>& Col(const Table& t, const std::string& name) {
  for (const Column& c : t.numeric) {
    if (c.name == name) return c.values;
  }
  ADD_FAILURE() << "no column " << name;
  static const std::vector<double> kEmpty;
  return kEmpty;
}

double Sum(const std::vector<double>& v) { return testing::SumOf(v); }

// 2026-01-01 for 181 days (2026Q1 and 2026Q2) on a 256-GPU pool: a constant avatar (~83 GPUs)
// above an elastic training of 128-256 GPUs, LLM serving, and a reserved cloud block.
ProjectionSpec ReportPlan(bool avatars) {
  ProjectionSpec spec = BaseSpec(256, 181);
  spec.step_s = 3600;
  spec.finance.network_usd_per_gpu = {{"default", 12000}};
  spec.deliveries.push_back({40 * kDaySeconds, "pool", 64, 0});
  CloudSpec c = testing::TestCloud(16, 2.2);
  spec.clouds.push_back(c);
  if (avatars) {
    spec.avatars.push_back(testing::ConstantAvatar("av", {"pool"}, 30000, 600, 2.5));
  }
  spec.servings.push_back(testing::ConstantServing("chat", {"cloud"}, 10000, 1000));
  spec.jobs.push_back(testing::FixedTraining("train", "pool", 256, 5e13));
  spec.jobs[0].training.min_gpus = 128;
  spec.jobs[0].deadline_s = 60 * kDaySeconds;
  return spec;
}

RunResult Build(const ProjectionSpec& spec) {
  const ProjectionTrace trace = MustRun(spec);
  ProjectionOptions alone;
  alone.with_avatars = false;
  const ProjectionTrace base = MustRun(spec, alone);
  return BuildProjectionResult(spec, trace, base);
}

TEST(ProjectionReportTest, TablesHaveEqualColumnLengths) {
  const RunResult r = Build(ReportPlan(true));
  for (const char* name :
       {"quarters", "site_quarters", "trainings", "unit_costs", "sensitivity", "service_rates"}) {
    const Table* t = FindTable(r, name);
    ASSERT_NE(t, nullptr);
    ASSERT_FALSE(t->text.empty() && t->numeric.empty()) << name;
    const size_t rows =
        t->text.empty() ? t->numeric.front().values.size() : t->text.front().values.size();
    EXPECT_GT(rows, 0u) << name;
    for (const TextColumn& c : t->text) EXPECT_EQ(c.values.size(), rows) << name << "." << c.name;
    for (const Column& c : t->numeric) {
      EXPECT_EQ(c.values.size(), rows) << name << "." << c.name;
    }
  }
  EXPECT_EQ(r.timeseries.time.values.size(), 181u);
  for (const Column& s : r.timeseries.series) EXPECT_EQ(s.values.size(), 181u) << s.name;
  EXPECT_EQ(Col(*FindTable(r, "service_rates"), "value").size(), 2u);  // avatar and serving
  EXPECT_EQ(Col(*FindTable(r, "trainings"), "delay_days").size(), 1u);
}

// Calendar quarters (models/calendar.h): 2026-01-01 + 181 days ends on 2026-06-30.
TEST(ProjectionReportTest, QuarterLabelsFollowTheCalendar) {
  const RunResult r = Build(ReportPlan(false));
  const Table* q = FindTable(r, "quarters");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->text.front().values, (std::vector<std::string>{"2026Q1", "2026Q2"}));
  const Table* sq = FindTable(r, "site_quarters");
  ASSERT_NE(sq, nullptr);
  EXPECT_EQ(sq->text[1].values, (std::vector<std::string>{"2026Q1", "2026Q2"}));
  // A start mid-quarter: 2026-02-15 for 60 days spans Q1 and Q2.
  ProjectionSpec spec = ReportPlan(false);
  spec.start_day = 20454 + 45;
  spec.horizon_s = 60 * kDaySeconds;
  const RunResult mid = Build(spec);
  EXPECT_EQ(FindTable(mid, "quarters")->text.front().values,
            (std::vector<std::string>{"2026Q1", "2026Q2"}));
  EXPECT_EQ(Col(*FindTable(mid, "quarters"), "gpus_owned_end")[0], 320);  // delivery on 03-27
}

// The quarters' capex and opex add up to the ledger's totals and the summary's.
TEST(ProjectionReportTest, QuarterSumsEqualLedgerTotals) {
  const ProjectionSpec spec = ReportPlan(true);
  const ProjectionTrace trace = MustRun(spec);
  ProjectionOptions alone;
  alone.with_avatars = false;
  const RunResult r = BuildProjectionResult(spec, trace, MustRun(spec, alone));
  double capex = 0, opex = 0, dep = 0;
  for (int k = 0; k < kMoneyKinds; ++k) {
    const Money m = static_cast<Money>(k);
    if (IsCapex(m)) capex += trace.ledger.Total(m);
    if (IsOpex(m)) opex += trace.ledger.Total(m);
  }
  dep =
      trace.ledger.Total(Money::kDepreciationIt) + trace.ledger.Total(Money::kDepreciationFacility);
  const Table* q = FindTable(r, "quarters");
  ASSERT_NE(q, nullptr);
  EXPECT_GT(capex, 0);  // the delivery on day 40
  EXPECT_NEAR(Sum(Col(*q, "capex_usd")), capex, 1e-6 * capex);
  EXPECT_NEAR(Sum(Col(*q, "opex_usd")), opex, 1e-6 * opex);
  EXPECT_NEAR(Sum(Col(*q, "depreciation_usd")), dep, 1e-6 * dep);
  EXPECT_NEAR(Sum(Col(*q, "cash_out_usd")), capex + opex, 1e-6 * (capex + opex));
  EXPECT_NEAR(testing::Metric(r, "capex.total_usd"), capex, 1e-6 * capex);
  EXPECT_NEAR(testing::Metric(r, "opex.total_usd"), opex, 1e-6 * opex);
  EXPECT_NEAR(Sum(Col(*q, "rent_usd")), 16 * 2.2 * 181 * 24, 1e-6);
  // Capex falls in Q1 (day 40 = 2026-02-10).
  EXPECT_NEAR(Col(*q, "capex_usd")[0], capex, 1e-6 * capex);
  EXPECT_EQ(Col(*q, "gpus_owned_end")[0], 320);
  // Daily money series add up too.
  for (const Column& s : r.timeseries.series) {
    if (s.name == "capex_usd") {
      EXPECT_NEAR(Sum(s.values), capex, 1e-6 * capex);
    } else if (s.name == "opex_usd") {
      EXPECT_NEAR(Sum(s.values), opex, 1e-6 * opex);
    }
  }
  // Avatar minutes in the quarter table are the trace's.
  EXPECT_NEAR(Sum(Col(*q, "avatar_minutes")), Sum(trace.workloads[0].minutes), 1e-6);
}

// Without avatars the plan and its baseline are the same run: no delay, no capex to keep
// training on schedule.
TEST(ProjectionReportTest, NoAvatarsNoTrainingDelay) {
  const RunResult r = Build(ReportPlan(false));
  const Table* t = FindTable(r, "trainings");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(Col(*t, "delay_days")[0], 0);
  EXPECT_EQ(testing::Metric(r, "training.train.delay_days"), 0);
  EXPECT_EQ(testing::Metric(r, "capex.to_stay_on_schedule_usd"), 0);
  EXPECT_EQ(Sum(Col(*FindTable(r, "quarters"), "capex_to_stay_on_schedule_usd")), 0);
  EXPECT_FALSE(std::isnan(Col(*t, "finish_day")[0]));  // it finishes inside the horizon
}

// With avatars of higher priority taking ~83 GPUs from the 256-GPU training, it is late, and the
// capex to stay on schedule is the GPUs it lacks (largest day of the quarter, bought once) x the
// pool's all-in capex per GPU.
TEST(ProjectionReportTest, AvatarsTakingGpusCostCapexToStayOnSchedule) {
  const ProjectionSpec spec = ReportPlan(true);
  const RunResult r = Build(spec);
  const Table* t = FindTable(r, "trainings");
  ASSERT_NE(t, nullptr);
  const double delay = Col(*t, "delay_days")[0];
  const double extra = testing::Metric(r, "capex.to_stay_on_schedule_usd");
  const Table* q = FindTable(r, "quarters");
  const double lacking = Col(*q, "training_shortfall_gpus")[0];
  const double per_gpu = CapexPerGpu(spec, testing::H100(), 0);
  std::printf(
      "training delay %.2f days; lacking %.0f GPUs; capex to stay on schedule $%.0f "
      "($%.0f/GPU)\n",
      delay, lacking, extra, per_gpu);
  EXPECT_GT(delay, 0);
  EXPECT_GT(extra, 0);
  EXPECT_GT(lacking, 64);  // about the avatar's GPUs
  EXPECT_LT(lacking, 140);
  EXPECT_NEAR(Col(*q, "capex_to_stay_on_schedule_usd")[0], lacking * per_gpu, 1e-6 * extra);
  EXPECT_NEAR(Sum(Col(*q, "capex_to_stay_on_schedule_usd")), extra, 1e-6 * extra);
  EXPECT_GT(testing::Metric(r, "training.train.delay_cost_usd"), 0);
  // The cost per avatar-minute is the avatar's cost over its minutes.
  const double minutes = testing::Metric(r, "avatar.av.minutes");
  EXPECT_NEAR(testing::Metric(r, "avatar.av.cost_per_minute_usd"),
              testing::Metric(r, "avatar.av.cost_usd") / minutes, 1e-12);
  // The sensitivity table brackets that base.
  const Table* sens = FindTable(r, "sensitivity");
  for (size_t i = 0; i < Col(*sens, "base_usd").size(); ++i) {
    EXPECT_NEAR(Col(*sens, "base_usd")[i], testing::Metric(r, "avatar.av.cost_per_minute_usd"),
                1e-12);
  }
}

// The quarter's end state is the last day's, before the next quarter's first instant: a delivery
// and a power step on 2026-04-01 belong to Q2, as their capex does.
TEST(ProjectionReportTest, QuarterEndStateExcludesTheNextQuartersFirstDay) {
  ProjectionSpec spec = ReportPlan(false);
  spec.deliveries.push_back({90 * kDaySeconds, "pool", 64, 0});  // 2026-04-01
  spec.sites[0].power.push_back({90 * kDaySeconds, 2e9});
  const RunResult r = Build(spec);
  const Table* q = FindTable(r, "quarters");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(Col(*q, "gpus_owned_end")[0], 320);
  EXPECT_EQ(Col(*q, "gpus_owned_end")[1], 384);
  EXPECT_NEAR(Col(*q, "capex_servers_usd")[1], 8 * 8 * 27500 * 1.23, 1e-6);
  const Table* sq = FindTable(r, "site_quarters");
  ASSERT_NE(sq, nullptr);
  EXPECT_EQ(Col(*sq, "power_online_mw")[0], 1000);
  EXPECT_EQ(Col(*sq, "power_online_mw")[1], 2000);
}

}  // namespace
}  // namespace capsim::models
