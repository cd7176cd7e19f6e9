#include "app/capacity_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace capsim::app {
namespace {

const std::string kScenario = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/llm-serving-azure.yaml";

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

// The Azure-trace scenario with synthetic Poisson arrivals (no trace file needed) and two
// replicas, searched over a short measured window.
Outcome Capacity(std::vector<std::string> extra) {
  std::vector<std::string> args = {kScenario,  "--workload", "chat", "--set",
                                   "workloads[0].arrivals={kind: poisson, rate: 5 /s}",
                                   "--set", "workloads[0].replicas=2", "--warmup", "5 s",
                                   "--duration", "20 s"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::ostringstream out, err;
  Console console{out, err, false, nullptr};
  const int code = RunCapacity(args, console);
  return {code, out.str(), err.str()};
}

TEST(CapacityCommand, FindsTheLargestLoadAndWritesThePoints) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "capsim_capacity_test.h5").string();
  Outcome o = Capacity({"--tpot-p99", "30 ms", "--lo", "1 /s", "--hi", "300 /s", "--tolerance",
                        "5 /s", "-o", path});
  ASSERT_EQ(o.code, 0) << o.err << o.out;
  EXPECT_NE(o.out.find("outcome: converged"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("largest load meeting the SLO"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(path));
  std::filesystem::remove(path);
}

TEST(CapacityCommand, FewestReplicasForALoad) {
  Outcome o = Capacity({"--tpot-p99", "30 ms", "--load", "20 /s", "--max-replicas", "8"});
  ASSERT_EQ(o.code, 0) << o.err << o.out;
  EXPECT_NE(o.out.find("fewest replicas: "), std::string::npos) << o.out;
}

TEST(CapacityCommand, UnreachableSloIsReportedNotGuessed) {
  Outcome o = Capacity({"--ttft-p99", "1 us", "--lo", "1 /s", "--hi", "10 /s"});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("lower_bound_fails"), std::string::npos) << o.out;
}

TEST(CapacityCommand, Errors) {
  EXPECT_EQ(Capacity({"--lo", "5 GB"}).code, 1);
  EXPECT_NE(Capacity({"--lo", "5 GB"}).err.find("--lo"), std::string::npos);
  std::ostringstream out, err;
  Console console{out, err, false, nullptr};
  EXPECT_EQ(RunCapacity({kScenario}, console), 2);  // no --workload
  Outcome unknown = Capacity({"--bogus"});
  EXPECT_EQ(unknown.code, 2);
  std::vector<std::string> args = {kScenario, "--workload", "nope", "--set",
                                   "workloads[0].arrivals={kind: poisson, rate: 5 /s}"};
  std::ostringstream out2, err2;
  Console c2{out2, err2, false, nullptr};
  EXPECT_EQ(RunCapacity(args, c2), 1);
  EXPECT_NE(err2.str().find("no llm-serving or avatar workload named 'nope'"), std::string::npos);
}

TEST(CapacityCommand, DisaggregatedServingIsRefusedNotMisread) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "capsim_capacity_disaggregated.yaml";
  std::ofstream(path) << R"(name: d
horizon: 10 min
calibration: { H100-SXM: published }
fleet:
  sites: [{ name: s, power_cap: 1 MW, energy_price: 0.07 USD/kWh }]
  pools: [{ name: p, site: s, gpu: H100-SXM, nodes: 1, gpus_per_node: 8 }]
workloads:
  - name: chat
    kind: llm-serving
    model: llama-3-8b
    disaggregation: { prefill_replicas: 1, decode_replicas: 1 }
    arrivals: { kind: poisson, rate: 5 /s }
)";
  std::ostringstream out, err;
  Console console{out, err, false, nullptr};
  const int code = RunCapacity({path.string(), "--workload", "chat"}, console);
  std::filesystem::remove(path);
  EXPECT_EQ(code, 1);
  EXPECT_NE(err.str().find("is disaggregated; capacity searches cover co-located replicas only"),
            std::string::npos)
      << err.str() << out.str();
}

const std::string kDefault = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/default.yaml";

Outcome RunCapacityWith(std::vector<std::string> args) {
  std::ostringstream out, err;
  Console console{out, err, false, nullptr};
  const int code = RunCapacity(args, console);
  return {code, out.str(), err.str()};
}

// The default scenario's replica-level avatars alone on the 512-GPU pool, short windows.
TEST(CapacityCommand, AvatarWorkloadLargestSessionRate) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "capsim_capacity_avatar_test.h5").string();
  Outcome o = RunCapacityWith({kDefault, "--workload", "ai-replica", "--warmup", "5 min", "--duration",
                   "5 min", "--lo", "0.5 /s", "--hi", "60 /s", "--tolerance", "4 /s", "-o", path});
  ASSERT_EQ(o.code, 0) << o.err << o.out;
  EXPECT_NE(o.out.find("capacity of avatar workload 'ai-replica' (lipsync-2d, musetalk-256) on "
                       "512 H100-SXM under TTFF p99 <= 1 s"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("outcome: converged"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("sessions per GPU)"), std::string::npos) << o.out;
  EXPECT_TRUE(std::filesystem::exists(path));
  std::filesystem::remove(path);
}

TEST(CapacityCommand, AvatarWorkloadGpusForALoad) {
  Outcome o = RunCapacityWith({kDefault, "--workload", "ai-replica", "--warmup", "5 min",
                               "--duration", "5 min", "--load", "1 /s"});
  ASSERT_EQ(o.code, 0) << o.err << o.out;
  EXPECT_NE(o.out.find("at 1.000 sessions/s the pipeline held "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("; SLO met"), std::string::npos) << o.out;
  o = RunCapacityWith({kDefault, "--workload", "ai-replica", "--warmup", "5 min", "--duration",
                       "5 min", "--load", "1 /s", "--ttff-p99", "1 ms"});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("; SLO missed"), std::string::npos) << o.out;
}

TEST(CapacityCommand, AvatarWorkloadNeedsTheReplicaLevel) {
  // The default scenario without its replica: block (the fleet-level model).
  std::ifstream in(kDefault);
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const size_t from = yaml.find("    replica:"), to = yaml.find("    admission:");
  ASSERT_LT(from, to);
  yaml.erase(from, to - from);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "capsim_capacity_fleet_level.yaml";
  std::ofstream(path) << yaml;
  Outcome o = RunCapacityWith({path.string(), "--workload", "ai-replica"});
  std::filesystem::remove(path);
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find("has no replica: block"), std::string::npos) << o.err << o.out;
}

}  // namespace
}  // namespace capsim::app
