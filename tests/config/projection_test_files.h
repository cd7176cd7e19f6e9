#ifndef CAPSIM_TESTS_CONFIG_PROJECTION_TEST_FILES_H_
#define CAPSIM_TESTS_CONFIG_PROJECTION_TEST_FILES_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/projection_loader.h"
#include "tests/config/test_files.h"

namespace capsim::config::testing {

// A complete valid projection; tests edit one line (Replace) to inject a mistake.
inline constexpr const char* kProjection = R"(name: plan
seed: 7
calibration: { H100-SXM: published }
projection:
  start: 2026-01-01
  horizon: 3 years
  step: 1 h
  sensitivity_swing: 25%
fleet:
  sites:
    - name: prometheus
      pue: 1.15
      energy_price: 0.07 USD/kWh
      power: [ { at: 2026-01-01, power: 500 MW }, { at: 2026Q4, power: 1 GW } ]
      build_cost: $11.7M/MW
      build_lead: 12 months
      maintenance: 3%
    - name: leased-site
      energy_price: 70 USD/MWh
      power: 200 MW
      ownership: leased
      lease: { annual: $1.3B, escalation: 3% }
    - name: colo
      energy_price: 0.08 USD/kWh
      power: 50 MW
      ownership: colocation
      colocation_monthly: 150 USD/kW
  pools:
    - { name: prom-h100, site: prometheus, gpu: H100-SXM, server_price: $270K, initial_gpus: 8192, initial_age: 1 year }
    - { name: prom-gb200, site: prometheus, gpu: GB200, gpus_per_node: 72, host_power_fraction: 20%, fabric: ib-ndr-400g }
  clouds:
    - name: neocloud-h100
      gpu: H100-SXM
      reserved: { gpus: 4096, price: 2.20 USD/h, start: 2026-01-01, term: 1 year }
      on_demand: { max_gpus: 20000, price: 4.50 USD/h, lead_time: 2 days, release_after: 1 day }
  deliveries:
    - { at: 2026Q2, pool: prom-gb200, gpus: 72K, server_price: $3.1M }
workloads:
  - name: ai-replica
    kind: avatar
    tier: lipsync-2d
    pools: [prom-h100, neocloud-h100]
    adoption:
      - { name: employees, users: 78K, midpoint: 2026-03-01, ramp: 2 weeks }
      - { name: creators, users: 1M, midpoint: 2027Q1 }
    sessions_per_user_per_day: 2
    session_mean: 12 min
    diurnal: { peak_to_mean: 1.8, peak_time: 19 h }
    headroom: 10%
    load_time: 3 min
    sessions_per_gpu: { H100-SXM: 5.8, B200: 12 }
    slo: { admitted: 99.5% }
    stages: { face: 70%, llm: 15%, asr: 5%, tts: 5% }
    price: 0.12 USD/min
  - name: chat
    kind: serving
    model: llama-3-70b
    pools: [prom-h100]
    tokens_per_day: 1T
    growth: 3
    tokens_per_gpu: { H100-SXM: 2500 /s }
  - name: pretrain
    kind: training
    pool: prom-h100
    model: llama-3-70b
    gpus: 1024
    tokens: 1T
    start: 2026-02-01
    deadline: 2026-09-30
  - name: distill
    kind: distillation
    pool: prom-gb200
    teacher: gpt-oss-120b
    student: llama-3-8b
    gpus: { min: 72, max: 144 }
    tokens: 100B
    efficiency: 40%
policy: { order: [ai-replica, chat, pretrain, distill] }
failures: { rate_scale: 2 }
finance:
  depreciation: { servers: 5 years, facilities: 25 years }
  residual: 5%
  server_overhead: 1.3
  network_per_gpu:
    default: $10,000
    ib-ndr-400g: $15,000
  storage_per_gpu: $3,000
  installation: 2%
  maintenance: 4%
compare:
  b200: ["fleet.pools[1].gpu=B200"]
)";

// Loads projections written to a temporary p.yaml against the shipped catalog.
class ProjectionLoaderTestBase : public ::testing::Test {
 protected:
  Result<models::ProjectionSpec> Load(const std::string& text,
                                      const std::vector<std::string>& overrides = {}) {
    dir_.Write("p.yaml", text);
    return LoadProjection(path_, overrides, catalog_);
  }
  // The problem lines of loading `text`, which must fail.
  std::vector<std::string> Problems(const std::string& text,
                                    const std::vector<std::string>& overrides = {}) {
    Result<models::ProjectionSpec> r = Load(text, overrides);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  // "path_:LINE:COL: rest" where LINE:COL is the position of `needle` (+ `skip`) in `text`.
  std::string At(const std::string& text, const std::string& needle, const std::string& rest,
                 size_t skip = 0) const {
    const size_t at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << needle;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at + skip && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + rest;
  }

  TempDir dir_;
  const std::string path_ = dir_.path() + "/p.yaml";
  const std::string catalog_ = std::string(CAPSIM_SOURCE_DIR) + "/data/catalog.yaml";
};

// One injected mistake: `from` replaced by `to` in kProjection gives the problem `message` at
// the position of `needle` (+ `skip`) in the edited text.
struct ProjectionMistake {
  const char* from;
  const char* to;
  const char* needle;
  const char* message;
  size_t skip = 0;
};

inline void PrintTo(const ProjectionMistake& m, std::ostream* os) { *os << m.message; }

// Checks one ProjectionMistake.
class ProjectionMistakeTest : public ProjectionLoaderTestBase,
                              public ::testing::WithParamInterface<ProjectionMistake> {
 protected:
  void Check() {
    const ProjectionMistake& m = GetParam();
    const std::string text = Replace(kProjection, m.from, m.to);
    EXPECT_THAT(Problems(text), ::testing::Contains(At(text, m.needle, m.message, m.skip)));
  }
};

}  // namespace capsim::config::testing

#endif  // CAPSIM_TESTS_CONFIG_PROJECTION_TEST_FILES_H_
