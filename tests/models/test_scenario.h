#ifndef CAPSIM_TESTS_MODELS_TEST_SCENARIO_H_
#define CAPSIM_TESTS_MODELS_TEST_SCENARIO_H_

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/result.h"
#include "models/scenario.h"

namespace capsim::models::testing {

// An H100-like GPU with round numbers, for arithmetic that is easy to check by hand.
inline GpuSpec TestGpu() {
  GpuSpec g;
  g.name = "TEST-GPU";
  g.bf16_flops = 1e15;
  g.fp8_flops = 2e15;
  g.memory_bytes = 80e9;
  g.memory_bandwidth = 3e12;
  g.tdp_watts = 700;
  g.idle_watts = 100;
  g.list_price_usd = 25000;
  g.bf16_gemm_efficiency = 0.8;
  return g;
}

// A small scenario on `nodes` x 8 TEST-GPU: no workloads until a test adds them.
inline Scenario TestScenario(int nodes) {
  Scenario s;
  s.name = "test";
  s.seed = 7;
  s.horizon_s = 6 * 3600;
  s.sample_interval_s = 600;
  s.catalog.gpus.push_back(TestGpu());
  s.catalog.models.push_back({"dense-1b", 1e9, 1e9});
  s.catalog.models.push_back({"moe-10b", 10e9, 1e9});
  s.sites.push_back({"site", 1e9, 1.25, 0.10 / 3.6e6});
  PoolSpec p;
  p.name = "pool";
  p.site = "site";
  p.gpu = "TEST-GPU";
  p.nodes = nodes;
  p.gpus_per_node = 8;
  p.host_power_fraction = 0.3;
  s.pools.push_back(p);
  return s;
}

// An avatar service with Poisson arrivals and the workloads.md §1 stage defaults.
inline AvatarSpec TestAvatar(double rate_per_s) {
  AvatarSpec a;
  a.name = "avatar";
  a.tier = "lipsync-2d";
  a.arrivals.kind = ArrivalSpec::Kind::kPoisson;
  a.arrivals.peak_rate_per_s = rate_per_s;
  a.session_length = {360, 600, 3600};
  a.end_of_turn = {0.06, 0};
  a.asr = {0.1, 1.0 / 32};
  a.llm = {0.25, 0.01};
  a.tts = {0.15, 0.125};
  a.face = {0.2, 0.7};
  a.encode = {0.02, 0};
  a.network = {0.05, 0};
  a.max_sessions = 100000;
  a.frame_time_cv = 0.05;
  return a;
}

inline TrainingSpec TestTraining(int gpus, double tokens) {
  TrainingSpec t;
  t.name = "train";
  t.model = "dense-1b";
  t.gpus = gpus;
  t.tokens = tokens;
  t.efficiency = 0.5;
  t.checkpoint_interval_s = 1800;
  t.checkpoint_write_s = 60;
  t.restart_s = 600;
  return t;
}

// A distillation of moe-10b into dense-1b at 40% MFU on 8-16 GPUs.
inline DistillationSpec TestDistillation(double tokens) {
  DistillationSpec d;
  d.name = "distill";
  d.teacher = "moe-10b";
  d.student = "dense-1b";
  d.min_gpus = 8;
  d.max_gpus = 16;
  d.tokens = tokens;
  d.efficiency = 0.4;
  return d;
}

// The summary metric `key` of a run (a test failure and NaN when absent).
inline double Metric(const RunResult& r, const std::string& key) {
  for (const SummaryMetric& m : r.summary) {
    if (m.key == key) return m.value;
  }
  ADD_FAILURE() << "no metric " << key;
  return NAN;
}

}  // namespace capsim::models::testing

#endif  // CAPSIM_TESTS_MODELS_TEST_SCENARIO_H_
