// `capsim run` and `capsim validate` of a projection file (app/projection_command.h), in process
// with an injected Console: exit codes, what is printed, and the result file.
#include "app/projection_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "reports/result_reader.h"

namespace capsim::app {
namespace {

namespace fs = std::filesystem;

// A small plan: 120 days from 2026-01-01 (2026Q1 and 2026Q2) of a 512-GPU H100 pool with a
// delivery, avatars adopted on a logistic curve above a 256-GPU training, one compare variant.
constexpr const char* kPlan = R"(name: app-plan
seed: 3
calibration: { H100-SXM: published }
projection:
  start: 2026-01-01
  horizon: 120 days
  step: 1 h
fleet:
  sites:
    - name: ohio
      pue: 1.2
      energy_price: 0.07 USD/kWh
      power: 2 MW
  pools:
    - { name: h100, site: ohio, gpu: H100-SXM, initial_gpus: 512, initial_age: 1 year }
  deliveries:
    - { at: 2026-02-01, pool: h100, gpus: 64 }
workloads:
  - name: avatars
    kind: avatar
    tier: lipsync-2d
    pools: [h100]
    adoption:
      - { name: employees, users: 20K, midpoint: 2026-02-01, ramp: 1 week }
    session_mean: 10 min
    sessions_per_gpu: { H100-SXM: 2.5 }
  - name: pretrain
    kind: training
    pool: h100
    model: llama-3-8b
    gpus: 256
    tokens: 100B
    efficiency: 40%
policy:
  order: [avatars, pretrain]
finance:
  network_per_gpu: { default: $12K }
  storage_per_gpu: $4K
)";

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome Capsim(std::vector<std::string> args) {
  std::ostringstream out, err;
  Console console{out, err, false, [] { return 0.0; }};
  std::vector<char*> argv{const_cast<char*>("capsim")};
  for (std::string& a : args) argv.push_back(a.data());
  const int code = Main(static_cast<int>(argv.size()), argv.data(), console);
  return {code, out.str(), err.str()};
}

class ProjectionCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("capsim_projection_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    output_ = (dir_ / "result.h5").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& text) {
    const std::string path = (dir_ / "plan.yaml").string();
    std::ofstream(path) << text;
    return path;
  }
  // kPlan with `from` replaced by `to`.
  std::string PlanWith(const std::string& from, const std::string& to) {
    std::string text = kPlan;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    return Write(text);
  }

  fs::path dir_;
  std::string output_;
};

TEST_F(ProjectionCommandTest, RunPrintsQuartersAndWritesTheFile) {
  const Outcome o = Capsim({"run", Write(kPlan), "-o", output_});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("projection app-plan, seed 3"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("quarter   capex"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("2026Q1"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("2026Q2"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("training pretrain: finish"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("wrote " + output_), std::string::npos) << o.out;
  EXPECT_NE(o.err.find("events in"), std::string::npos) << o.err;
  ASSERT_TRUE(fs::exists(output_));
  Result<reports::ResultFile> f = reports::ReadResultFile(output_);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f.value().scenario_name, "app-plan");
  bool capex = false;
  for (const models::SummaryMetric& m : f.value().summary) {
    if (m.key == "capex.total_usd") {
      capex = true;
      // The delivery: 64 GPUs x ($27,500 list price x 1.23 server overhead + $12K network + $4K
      // storage); the initial GPUs were bought before the start.
      EXPECT_NEAR(m.value, 64 * (27500 * 1.23 + 16000), 1);
    }
  }
  EXPECT_TRUE(capex);
}

TEST_F(ProjectionCommandTest, ValidateSaysOk) {
  const std::string path = Write(kPlan);
  const Outcome o = Capsim({"validate", path});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find(path + ": OK (app-plan, projection)"), std::string::npos) << o.out;
}

TEST_F(ProjectionCommandTest, BadFileFailsWithTheLoadersMessage) {
  const std::string path = PlanWith("gpu: H100-SXM", "gpu: H1000");
  const Outcome o = Capsim({"run", path, "-o", output_});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find(path + ":"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("H1000"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(output_));
  EXPECT_EQ(o.out, "");
  const Outcome v = Capsim({"validate", path});
  EXPECT_EQ(v.code, 1);
  EXPECT_NE(v.err.find("H1000"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("problem(s)"), std::string::npos) << v.err;
}

// An unwritable output is refused before anything runs (no events line, nothing printed).
TEST_F(ProjectionCommandTest, UnwritableOutputFailsBeforeRunning) {
  const std::string bad = (dir_ / "no-such-dir" / "x.h5").string();
  const Outcome o = Capsim({"run", Write(kPlan), "-o", bad});
  EXPECT_EQ(o.code, 1);
  EXPECT_FALSE(o.err.empty());
  EXPECT_EQ(o.err.find("events in"), std::string::npos) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_FALSE(fs::exists(bad));
}

// A compare variant is run with the same seed; its headline numbers land in the summary as
// variant.<name>.* (and the variants table) and are printed.
TEST_F(ProjectionCommandTest, CompareVariantIsReported) {
  const std::string path = Write(
      std::string(kPlan) + "compare:\n  few-users: [\"workloads[0].adoption[0].users=5K\"]\n");
  const Outcome o = Capsim({"run", path, "-o", output_});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("variants (same seed):"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("few-users"), std::string::npos) << o.out;
  Result<reports::ResultFile> f = reports::ReadResultFile(output_);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  double base_gpus = -1, variant_gpus = -1, variant_capex = -1;
  for (const models::SummaryMetric& m : f.value().summary) {
    if (m.key == "avatar.avatars.peak_gpus") base_gpus = m.value;
    if (m.key == "variant.few-users.avatar_peak_gpus") variant_gpus = m.value;
    if (m.key == "variant.few-users.capex_usd") variant_capex = m.value;
  }
  EXPECT_GT(base_gpus, 0);
  EXPECT_GT(variant_gpus, 0);
  EXPECT_LT(variant_gpus, base_gpus);                          // a quarter of the users
  EXPECT_NEAR(variant_capex, 64 * (27500 * 1.23 + 16000), 1);  // the same deliveries
}

TEST_F(ProjectionCommandTest, QuietPrintsNothingOnStdout) {
  const Outcome o = Capsim({"run", Write(kPlan), "-o", output_, "--quiet"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_TRUE(fs::exists(output_));
}

// --seed overrides the file's seed.
TEST_F(ProjectionCommandTest, SeedOptionOverridesTheFile) {
  const Outcome o = Capsim({"run", Write(kPlan), "-o", output_, "--seed", "99"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("seed 99"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace capsim::app
