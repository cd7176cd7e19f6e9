#ifndef CAPSIM_TESTS_MODELS_AVATAR_TEST_SUPPORT_H_
#define CAPSIM_TESTS_MODELS_AVATAR_TEST_SUPPORT_H_

#include "models/catalog.h"
#include "models/scenario.h"
#include "tests/models/llm_test_support.h"
#include "tests/models/test_scenario.h"

namespace capsim::models::testing {

// A face model in FLOPs form: 4 TFLOP per frame and nothing else, so on the flat TEST-GPU
// (1 PFLOP/s) a batch of n frames is compute-bound and linear in n.
inline FaceModelSpec TestFace() {
  FaceModelSpec f;
  f.name = "test-face";
  f.tier = "lipsync-2d";
  f.params = 1e9;
  f.flops_per_frame = 4e12;
  f.bytes_per_frame = 0;
  return f;
}

// The replica-level pipeline on TEST-GPUs: 1 ASR, 1 TTS and 1 Llama-3-8B GPU, CPU encode.
inline AvatarReplicaSpec TestReplicaSpec() {
  AvatarReplicaSpec r;
  r.face_model = "test-face";
  r.frame_budget = 0.8;
  r.overcommit = 1.0;
  r.asr = {1, 16, 0.08, 0.15};
  r.tts = {1, 8, 0.095, 0.28};
  r.llm.model = "llama-3-8b";
  r.llm.replicas = 1;
  r.llm.max_seqs = 64;
  r.encode.where = EncodeSpec::Where::kCpu;
  r.encode.latency_s = 0.02;
  return r;
}

inline Catalog TestAvatarCatalog() {
  Catalog c;
  c.gpus.push_back(TestGpu());
  c.models.push_back(Llama8b());
  c.face_models.push_back(TestFace());
  return c;
}

}  // namespace capsim::models::testing

#endif  // CAPSIM_TESTS_MODELS_AVATAR_TEST_SUPPORT_H_
