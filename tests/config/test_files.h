#ifndef CAPSIM_TESTS_CONFIG_TEST_FILES_H_
#define CAPSIM_TESTS_CONFIG_TEST_FILES_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace capsim::config::testing {

// A temporary directory for one test, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "capsim_config_" + std::to_string(::getpid()) + "_" +
                       info->test_suite_name() + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';  // parameterized tests have '/' in their names
    }
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to `name` inside the directory and returns the file's path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// A small valid scenario; tests edit one line to inject a mistake at a known line:column.
inline constexpr const char* kMinimalScenario = R"(name: t
horizon: 1 day
fleet:
  sites:
    - name: s
      power_cap: 1 GW
      energy_price: 0.07 USD/kWh
  pools:
    - name: p
      site: s
      gpu: H100-SXM
      nodes: 4
      gpus_per_node: 8
workloads:
  - name: av
    kind: avatar
    tier: lipsync-2d
    fps: 25
    arrivals: { kind: poisson, rate: 1 /s }
    session_length: { median: 6 min, mean: 10 min }
    admission: { max_sessions: 100 }
  - name: train
    kind: training
    model: llama-3-8b
    gpus: 16
    tokens: 1B
  - name: distill
    kind: distillation
    teacher: gpt-oss-120b
    student: llama-3-8b
    gpus: { min: 8, max: 16 }
    tokens: 1B
policy:
  order: [av, distill, train]
calibration: { H100-SXM: published }
)";

// `text` with the first occurrence of `from` replaced by `to` (which must occur).
inline std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

}  // namespace capsim::config::testing

#endif  // CAPSIM_TESTS_CONFIG_TEST_FILES_H_
