#ifndef CAPSIM_TESTS_MODELS_LLM_TEST_SUPPORT_H_
#define CAPSIM_TESTS_MODELS_LLM_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <cstdint>

#include "models/calibration.h"
#include "models/catalog.h"
#include "models/perf_model.h"
#include "models/request.h"
#include "sim/time.h"
#include "tests/models/test_scenario.h"

namespace capsim::models::testing {

// Llama-3-8B's architecture (model card / config.json).
inline ModelSpec Llama8b() {
  ModelSpec m;
  m.name = "llama-3-8b";
  m.params = m.active_params = 8.03e9;
  m.layers = 32;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.ffn = 14336;
  m.vocab = 128256;
  return m;
}

// gpt-oss-120b's architecture (model card / config.json): 128 experts, 4 active.
inline ModelSpec GptOss120B() {
  ModelSpec m{"gpt-oss-120b", 117e9, 5.1e9};
  m.layers = 36;
  m.hidden = 2880;
  m.heads = 64;
  m.kv_heads = 8;
  m.head_dim = 64;
  m.vocab = 201088;
  m.experts = 128;
  m.active_experts = 4;
  m.expert_ffn = 2880;
  return m;
}

// A curve at the same efficiency for every size.
inline EfficiencyCurve Flat(OpClass c, CurveMetric metric, double eff) {
  EfficiencyCurve curve;
  curve.op_class = c;
  curve.metric = metric;
  curve.points = {{1, eff, false, "test"}, {1e15, eff, false, "test"}};
  return curve;
}

// A flat TEST-GPU profile: GEMMs at 80% of peak, memory at 90%, collectives at 90% of the link.
inline CalibrationProfile FlatProfile() {
  CalibrationProfile p;
  p.gpu = "TEST-GPU";
  p.provenance.kind = "published";
  p.curves = {Flat(OpClass::kGemm, CurveMetric::kCompute, 0.8),
              Flat(OpClass::kMemory, CurveMetric::kMemory, 0.9),
              Flat(OpClass::kCollective, CurveMetric::kBusBandwidth, 0.9)};
  return p;
}

// An H100-like TEST-GPU (1 PFLOP/s BF16, 3 TB/s, 80 GB; NVLink 450 GB/s in domains of 8, a
// 50 GB/s NIC per GPU) priced with FlatProfile().
inline PerfModel FlatPerfModel() {
  GpuSpec gpu = TestGpu();
  gpu.scale_up_bandwidth = 450e9;
  gpu.scale_up_domain = 8;
  Result<PerfModel> m = PerfModel::Create(gpu, {450e9, 50e9}, FlatProfile());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

// A request without prefix information.
inline Request Req(uint64_t id, double arrival_s, int64_t input, int64_t output) {
  Request r;
  r.id = id;
  r.arrival_s = arrival_s;
  r.input_tokens = input;
  r.output_tokens = output;
  return r;
}

// A duration as the engine rounds it (whole nanoseconds).
inline double Ns(double seconds) { return sim::Duration::Seconds(seconds).seconds(); }

}  // namespace capsim::models::testing

#endif  // CAPSIM_TESTS_MODELS_LLM_TEST_SUPPORT_H_
