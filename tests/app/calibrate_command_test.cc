// `capsim calibrate`: fits a profile from benchmark JSON, writes it only on success, and reports
// bad input with exit status 1 (usage errors 2) without touching an existing output file.
#include "app/calibrate_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/profile_io.h"

namespace capsim::app {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(CAPSIM_SOURCE_DIR) + "/tests/config/testdata/";

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

class CalibrateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("capsim_calibrate_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    output_ = (dir_ / "profile.yaml").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome Calibrate(std::vector<std::string> args) {
    std::ostringstream out, err;
    Console console{out, err, false, nullptr};
    const int code = RunCalibrate(args, console);
    return {code, out.str(), err.str()};
  }
  std::string Output() {
    std::ifstream in(output_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Runs a failing calibration and checks that the previous output file survived.
  Outcome Fails(std::vector<std::string> args, int code = 1) {
    std::ofstream(output_) << "previous profile";
    args.push_back("-o");
    args.push_back(output_);
    Outcome o = Calibrate(args);
    EXPECT_EQ(o.code, code) << o.err;
    EXPECT_EQ(Output(), "previous profile");
    return o;
  }

  fs::path dir_;
  std::string output_;
};

TEST_F(CalibrateCommandTest, FitsAndWritesAProfile) {
  const Outcome o = Calibrate({kData + "bench_h100.json", "-o", output_});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("calibrated H100-SXM from 1 file(s) (NVIDIA H100 80GB HBM3)"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("gemm bf16 compute"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("measured"), std::string::npos);
  EXPECT_NE(o.out.find("collective all_reduce scale_up bf16 bus_bandwidth"), std::string::npos);
  EXPECT_NE(o.out.find("BM_gemm_tiled_bf16/4096/4096/4096"), std::string::npos);
  EXPECT_NE(o.out.find("wrote " + output_), std::string::npos);

  Result<models::CalibrationProfile> p = config::LoadProfile(output_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p.value().gpu, "H100-SXM");
  EXPECT_EQ(p.value().provenance.kind, "measured");
  EXPECT_EQ(p.value().provenance.driver, "560.35.03");
  EXPECT_NE(p.value().provenance.source.find("H100-SXM.published.yaml"), std::string::npos);
  const models::EfficiencyCurve* gemm =
      p.value().Find(models::OpClass::kGemm, models::DType::kBF16, models::CurveMetric::kCompute);
  ASSERT_NE(gemm, nullptr);
  EXPECT_TRUE(gemm->points[0].measured);
  // the collective curve came from the published profile, its points still marked published
  const models::EfficiencyCurve* ar = p.value().Find(
      models::OpClass::kCollective, models::DType::kBF16, models::CurveMetric::kBusBandwidth);
  ASSERT_NE(ar, nullptr);
  EXPECT_FALSE(ar->points[0].measured);
  EXPECT_DOUBLE_EQ(p.value().collective_latency_s, 1.829e-6);
}

TEST_F(CalibrateCommandTest, SkippedClassesComeFromTheBaseProfile) {
  const Outcome o = Calibrate(
      {kData + "bench_h100.json", "--skip", "attention_prefill,attention_decode", "-o", output_});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("measured but dropped (--skip), taken from the base profile: "
                       "attention_decode bf16 memory"),
            std::string::npos)
      << o.out;
  Result<models::CalibrationProfile> p = config::LoadProfile(output_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  // The published H100 profile has no decode curve (decode is then priced by the memory curve);
  // its prefill curve replaces the measured one.
  EXPECT_EQ(p.value().Find(models::OpClass::kAttentionDecode, models::DType::kBF16,
                           models::CurveMetric::kMemory),
            nullptr);
  const models::EfficiencyCurve* prefill = p.value().Find(
      models::OpClass::kAttentionPrefill, models::DType::kBF16, models::CurveMetric::kCompute);
  ASSERT_NE(prefill, nullptr);
  EXPECT_FALSE(prefill->points[0].measured);
  const models::EfficiencyCurve* gemm =
      p.value().Find(models::OpClass::kGemm, models::DType::kBF16, models::CurveMetric::kCompute);
  ASSERT_NE(gemm, nullptr);
  EXPECT_TRUE(gemm->points[0].measured);
}

TEST_F(CalibrateCommandTest, UnknownSkipClass) {
  const Outcome o = Fails({kData + "bench_h100.json", "--skip", "gemm,flash"}, 2);
  EXPECT_NE(o.err.find("--skip: unknown operation class 'flash' (known: gemm, attention_prefill"),
            std::string::npos)
      << o.err;
}

TEST_F(CalibrateCommandTest, ExplicitGpuMatches) {
  const Outcome o = Calibrate({"--gpu", "H100-SXM", kData + "bench_h100.json", "-o", output_});
  EXPECT_EQ(o.code, 0) << o.err;
}

TEST_F(CalibrateCommandTest, MalformedJson) {
  const Outcome o = Fails({kData + "bench_malformed.json"});
  EXPECT_NE(o.err.find("bench_malformed.json: invalid JSON at byte"), std::string::npos) << o.err;
}

TEST_F(CalibrateCommandTest, MissingBenchmarks) {
  const Outcome o = Fails({kData + "bench_no_benchmarks.json"});
  EXPECT_NE(o.err.find("missing 'benchmarks'"), std::string::npos) << o.err;
}

TEST_F(CalibrateCommandTest, UnknownFamily) {
  const Outcome o = Fails({kData + "bench_unknown_family.json"});
  EXPECT_NE(o.err.find("unknown benchmark family 'BM_gemm_cublas_bf16'"), std::string::npos)
      << o.err;
}

TEST_F(CalibrateCommandTest, GpuMismatchBetweenFiles) {
  const Outcome o = Fails({kData + "bench_h100.json", kData + "bench_h200.json"});
  EXPECT_NE(o.err.find("GPU mismatch"), std::string::npos) << o.err;
}

TEST_F(CalibrateCommandTest, GpuMismatchWithFlag) {
  const Outcome o = Fails({kData + "bench_h100.json", "--gpu", "H200"});
  EXPECT_NE(o.err.find("is a H100-SXM, not --gpu H200"), std::string::npos) << o.err;
}

TEST_F(CalibrateCommandTest, NoUsableBenchmark) {
  const std::string path = (dir_ / "tiled.json").string();
  std::ofstream(path) << R"({"context": {"gpu_name": "NVIDIA H100 80GB HBM3"},
    "benchmarks": [ {"name": "BM_gemm_tiled_bf16/64/64/64", "real_time": 10, "time_unit": "us",
                     "flop_per_second": 5e10, "m": 64, "n": 64, "k": 64} ]})";
  const Outcome o = Fails({path});
  EXPECT_NE(o.err.find("no usable benchmark"), std::string::npos) << o.err;
}

TEST_F(CalibrateCommandTest, MissingBaseProfile) {
  const Outcome o = Fails({kData + "bench_h100.json", "--base", (dir_ / "none.yaml").string()});
  EXPECT_NE(o.err.find("none.yaml: cannot open"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("pass --base PROFILE.yaml"), std::string::npos) << o.err;
}

TEST_F(CalibrateCommandTest, UsageErrors) {
  Outcome o = Calibrate({kData + "bench_h100.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("-o PROFILE.yaml is required"), std::string::npos) << o.err;
  o = Calibrate({"-o", output_});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("no benchmark JSON file given"), std::string::npos) << o.err;
  o = Calibrate({kData + "bench_h100.json", "-o", output_, "--frobnicate"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("unknown option '--frobnicate'"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(output_));
  o = Calibrate({"--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("usage: capsim calibrate"), std::string::npos);
}

}  // namespace
}  // namespace capsim::app
