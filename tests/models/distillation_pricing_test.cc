#include "models/distillation_pricing.h"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "tests/models/llm_test_support.h"

namespace capsim::models {
namespace {

using testing::FlatPerfModel;

// Architectures as in data/catalog.yaml (each model's config.json; the models layer cannot read
// the catalog, so they are written out as in transformer_ops_test.cc).
ModelSpec Llama(const std::string& name, double params, int64_t layers, int64_t hidden,
                int64_t heads, int64_t head_dim, int64_t ffn, bool tied) {
  ModelSpec m{name, params, params};
  m.layers = layers;
  m.hidden = hidden;
  m.heads = heads;
  m.kv_heads = 8;
  m.head_dim = head_dim;
  m.ffn = ffn;
  m.vocab = 128256;
  m.tied_embeddings = tied;
  return m;
}
ModelSpec Llama3_70B() { return Llama("llama-3-70b", 70.6e9, 80, 8192, 64, 128, 28672, false); }
ModelSpec Llama3_8B() { return Llama("llama-3-8b", 8.03e9, 32, 4096, 32, 128, 14336, false); }
ModelSpec Llama32_3B() { return Llama("llama-3.2-3b", 3.21e9, 28, 3072, 24, 128, 8192, true); }
ModelSpec Llama32_1B() { return Llama("llama-3.2-1b", 1.23e9, 16, 2048, 32, 64, 8192, true); }

// One replica of tp 8, micro-batches of 4 sequences of 4096 tokens, 1T tokens.
DistillationSpec Job(DistillationSpec::Mode mode) {
  DistillationSpec d;
  d.name = "distill";
  d.tokens = 1e12;
  d.layout = {8, 1, 1, 4096, 0, 4};
  d.mode = mode;
  return d;
}

const DistillationPhase& PhaseNamed(const DistillationPlan& plan, const std::string& name) {
  for (const DistillationPhase& p : plan.phases) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no phase " << name;
  return plan.phases.front();
}

DistillationPlan Plan(const ModelSpec& teacher, const ModelSpec& student,
                      const DistillationSpec& job) {
  Result<DistillationPlan> r = PlanDistillation(teacher, student, job, FlatPerfModel());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : DistillationPlan{};
}

TEST(DistillationPricing, OnlineIsThePricedDistillationStep) {
  const PerfModel perf = FlatPerfModel();
  DistillationSpec job = Job(DistillationSpec::Mode::kOnline);
  job.logit_storage_bandwidth = 1;  // 1 B/s: would dominate if online stored its logits
  Result<DistillationPlan> plan = PlanDistillation(Llama3_70B(), Llama32_3B(), job, perf);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  Result<PricedStep> step = PriceDistillationStep(Llama3_70B(), Llama32_3B(), job, perf);
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(plan.value().phases.size(), 1u);
  const DistillationPhase& online = plan.value().phases[0];
  EXPECT_EQ(online.name, "online");
  EXPECT_DOUBLE_EQ(online.tokens, 1e12);
  EXPECT_EQ(online.step.ops.size(), step.value().ops.size());
  EXPECT_DOUBLE_EQ(online.step.step_time_s, step.value().step_time_s);
  EXPECT_DOUBLE_EQ(online.tokens_per_gpu_second, step.value().tokens_per_gpu_second);
  EXPECT_DOUBLE_EQ(online.step.mfu, step.value().mfu);
  EXPECT_DOUBLE_EQ(online.storage_time_s, 0);
  EXPECT_DOUBLE_EQ(plan.value().logit_storage_bytes, 0);  // nothing is stored online
}

// The offline phases run exactly the online step's operations, split by model, so with
// unlimited storage their GPU-seconds per token add up to the online step's (tolerance 1e-9
// relative: the same op times summed in another order).
TEST(DistillationPricing, OfflineTeacherPlusStudentIsTheOnlineCompute) {
  const ModelSpec teacher = Llama3_70B(), student = Llama32_3B();
  const DistillationPlan online = Plan(teacher, student, Job(DistillationSpec::Mode::kOnline));
  const DistillationPlan offline = Plan(teacher, student, Job(DistillationSpec::Mode::kOffline));
  ASSERT_EQ(offline.phases.size(), 2u);
  EXPECT_EQ(offline.phases[0].name, "teacher");  // the teacher pass comes first
  EXPECT_EQ(offline.phases[1].name, "student");
  const DistillationPhase& t = PhaseNamed(offline, "teacher");
  const DistillationPhase& s = PhaseNamed(offline, "student");
  EXPECT_DOUBLE_EQ(t.tokens, 1e12);
  EXPECT_DOUBLE_EQ(s.tokens, 1e12);
  const double online_per_token = 1 / online.phases.at(0).tokens_per_gpu_second;
  const double offline_per_token = 1 / t.tokens_per_gpu_second + 1 / s.tokens_per_gpu_second;
  EXPECT_NEAR(offline_per_token / online_per_token, 1.0, 1e-9);
  EXPECT_NEAR(offline.GpuSeconds() / online.GpuSeconds(), 1.0, 1e-9);

  bool teacher_logits = false, student_in_teacher = false, teacher_in_student = false;
  for (const Operation& op : t.step.ops) {
    teacher_logits |= op.name == "teacher.logits_all_tokens";
    student_in_teacher |= op.name.rfind("student.", 0) == 0;
  }
  for (const Operation& op : s.step.ops) teacher_in_student |= op.name.rfind("teacher.", 0) == 0;
  EXPECT_TRUE(teacher_logits);
  EXPECT_FALSE(student_in_teacher);
  EXPECT_FALSE(teacher_in_student);
  // Teacher ~2 N_T and student ~6 N_S FLOPs per token over the replica (+ attention, logits).
  EXPECT_NEAR(TotalFlops(t.step.ops) * t.step.gpus / t.step.tokens_per_step, 2 * 70.6e9,
              0.15 * 2 * 70.6e9);
  EXPECT_NEAR(TotalFlops(s.step.ops) * s.step.gpus / s.step.tokens_per_step, 6 * 3.21e9,
              0.25 * 6 * 3.21e9);
  // MFU as PriceTrainingStep's: model FLOPs per token of the phase's own model.
  EXPECT_DOUBLE_EQ(t.step.model_flops_per_token, 2 * 70.6e9);
  EXPECT_DOUBLE_EQ(s.step.model_flops_per_token, 6 * 3.21e9);
  EXPECT_NEAR(t.step.mfu, t.tokens_per_gpu_second * 2 * 70.6e9 / 1e15, 1e-12);
  EXPECT_GT(t.step.mfu, 0.3);
  EXPECT_LT(t.step.mfu, 0.8);  // the profile's GEMM efficiency is the ceiling
  EXPECT_GT(s.step.mfu, 0.1);
  EXPECT_LT(s.step.mfu, 0.8);
}

TEST(DistillationPricing, LogitBytesAndStorage) {
  const ModelSpec teacher = Llama3_70B();
  DistillationSpec job = Job(DistillationSpec::Mode::kOffline);
  // workloads.md §7: "Top-128 logits ~768 B/token" = 128 x (BF16 value + 4-byte index).
  EXPECT_DOUBLE_EQ(LogitBytesPerToken(teacher, job), 768);
  const DistillationPlan plan = Plan(teacher, Llama32_3B(), job);
  EXPECT_DOUBLE_EQ(plan.logit_bytes_per_token, 768);
  EXPECT_DOUBLE_EQ(plan.logit_storage_bytes, 768e12);  // 1T tokens: 768 TB
  job.logit_top_k = 0;                                 // the full vocabulary
  job.logit_bytes_per_entry = 2;
  EXPECT_DOUBLE_EQ(LogitBytesPerToken(teacher, job), 128256 * 2);
}

// The student reads its logits overlapped with compute: storage slows it only once a step's read
// takes longer than its compute. The teacher's write is never overlapped.
TEST(DistillationPricing, StorageBandwidthSlowsTheStudentOnlyWhenReadsOutlastCompute) {
  const ModelSpec teacher = Llama3_70B(), student = Llama32_3B();
  DistillationSpec job = Job(DistillationSpec::Mode::kOffline);
  job.logit_top_k = 0;  // full-vocabulary logits, 256 KB/token: enough to matter
  job.logit_bytes_per_entry = 2;
  const DistillationPlan unlimited = Plan(teacher, student, job);
  const DistillationPhase& s0 = PhaseNamed(unlimited, "student");
  const DistillationPhase& t0 = PhaseNamed(unlimited, "teacher");
  EXPECT_DOUBLE_EQ(s0.storage_time_s, 0);
  EXPECT_DOUBLE_EQ(s0.step.step_time_s, s0.compute_time_s);
  const double bytes_per_step = s0.step.tokens_per_step * 128256 * 2;
  const int gpus = s0.step.gpus;

  // Reads take half the compute: the student is unchanged, the teacher pays the write.
  job.logit_storage_bandwidth = bytes_per_step / (0.5 * s0.compute_time_s * gpus);
  const DistillationPlan fast = Plan(teacher, student, job);
  const DistillationPhase& s1 = PhaseNamed(fast, "student");
  const DistillationPhase& t1 = PhaseNamed(fast, "teacher");
  EXPECT_NEAR(s1.storage_time_s, 0.5 * s0.compute_time_s, 1e-12);
  EXPECT_DOUBLE_EQ(s1.step.step_time_s, s0.step.step_time_s);
  EXPECT_DOUBLE_EQ(s1.tokens_per_gpu_second, s0.tokens_per_gpu_second);
  EXPECT_NEAR(t1.step.step_time_s, t0.compute_time_s + 0.5 * s0.compute_time_s, 1e-12);
  EXPECT_LT(t1.tokens_per_gpu_second, t0.tokens_per_gpu_second);

  // Reads take twice the compute: the student runs at the storage's pace, bandwidth / bytes.
  job.logit_storage_bandwidth = bytes_per_step / (2 * s0.compute_time_s * gpus);
  const DistillationPlan slow = Plan(teacher, student, job);
  const DistillationPhase& s2 = PhaseNamed(slow, "student");
  EXPECT_NEAR(s2.step.step_time_s / s0.compute_time_s, 2.0, 1e-9);
  EXPECT_NEAR(s2.tokens_per_gpu_second, job.logit_storage_bandwidth / (128256 * 2), 1e-6);
  EXPECT_NEAR(s2.step.mfu, s0.step.mfu / 2, 1e-9);
}

TEST(DistillationPricing, Errors) {
  const PerfModel perf = FlatPerfModel();
  DistillationSpec job = Job(DistillationSpec::Mode::kOffline);
  job.layout.tp = 3;  // splits neither model's heads
  Result<DistillationPlan> r = PlanDistillation(Llama3_70B(), Llama32_3B(), job, perf);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("distill (llama-3-70b)"), std::string::npos)
      << r.status().ToString();
  job = Job(DistillationSpec::Mode::kOffline);
  job.logit_top_k = 200000;
  r = PlanDistillation(Llama3_70B(), Llama32_3B(), job, perf);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("logit_top_k 200000 is more than the vocabulary"),
            std::string::npos)
      << r.status().ToString();
  job = Job(DistillationSpec::Mode::kOffline);
  job.logit_storage_bandwidth = -1;
  EXPECT_FALSE(PlanDistillation(Llama3_70B(), Llama32_3B(), job, perf).ok());
  job = Job(DistillationSpec::Mode::kOffline);
  job.logit_bytes_per_entry = 0;
  EXPECT_FALSE(PlanDistillation(Llama3_70B(), Llama32_3B(), job, perf).ok());
}

// Reference: workloads.md §7, FIRM from the Llama 3.2 model card (meta-llama/llama-models,
// models/llama3_2/MODEL_CARD.md): logits of Llama 3.1 8B and 70B teachers were used as token-level
// targets for the 1B and 3B students (up to 9T tokens); logit generation took 86k H100-hours, the
// students 370k + 460k = 830k, so the teacher pass is 86k / 916k = 9.4% of the total.
TEST(DistillationPricing, TeacherShareAgainstTheLlama32ModelCard) {
  DistillationSpec job = Job(DistillationSpec::Mode::kOffline);
  job.tokens = 9e12;
  // (a) A 70B-class teacher over the same tokens as a 3B-class student.
  const DistillationPlan big = Plan(Llama3_70B(), Llama32_3B(), job);
  const double big_share = PhaseNamed(big, "teacher").GpuSeconds() / big.GpuSeconds();
  // (b) What stored logits allow: one 8B teacher pass read by both the 1B and the 3B student.
  const DistillationPlan for_1b = Plan(Llama3_8B(), Llama32_1B(), job);
  const DistillationPlan for_3b = Plan(Llama3_8B(), Llama32_3B(), job);
  const double teacher_8b_s = PhaseNamed(for_3b, "teacher").GpuSeconds();
  const double students_s =
      PhaseNamed(for_1b, "student").GpuSeconds() + PhaseNamed(for_3b, "student").GpuSeconds();
  const double shared_share = teacher_8b_s / (teacher_8b_s + students_s);
  std::printf(
      "teacher share of GPU-hours, offline: 70B -> 3B %.1f%%; 8B -> 1B + 3B %.1f%%; "
      "published 9.4%%\n8B teacher over 9T tokens: %.0fk GPU-h (published logits 86k H100-h); "
      "1B + 3B students: %.0fk GPU-h (published 830k)\n",
      100 * big_share, 100 * shared_share, teacher_8b_s / 3.6e6, students_s / 3.6e6);
  // FLOP counts: the 70B teacher does 2 x 70.6B = 141 GFLOP per token, the 3B student
  // 6 x 3.21B = 19 GFLOP, so the teacher is 2 N_T / (2 N_T + 6 N_S) = 88% of the work when it
  // covers every student token. Priced, the student runs at a lower MFU than the teacher (0.27 vs
  // 0.45 here: at the shared tp 8 its all-reduces and norms weigh more on a 3,072-wide model),
  // which brings the share to ~81%. The band 75-92% checks that pricing. A band around the
  // published 9.4% (say 3-30%) cannot hold for these two models over the same tokens: 9.4% would
  // need the student to run ~70x less efficiently per FLOP than the teacher.
  EXPECT_GT(big_share, 0.75);
  EXPECT_LT(big_share, 0.92);
  // Shared 8B logits: 16 / (16 + 7.4 + 19.3) = 38% by FLOPs, ~32% priced (the small students'
  // lower MFU again); 25-45% allowed. Still 3-4x the published 9.4%, and the gap is on the
  // students' side: the card's 830k student H100-hours are ~3x what these students' steps need
  // for 9T tokens here (the card's hours include more than the distillation steps' FLOPs, or ran
  // at a far lower MFU), while its 86k teacher hours match an 8B pass over ~9T tokens:
  EXPECT_GT(shared_share, 0.25);
  EXPECT_LT(shared_share, 0.45);
  // the published 86k H100-hours of logits against an 8B teacher over 9T tokens on this
  // H100-like GPU (1 PFLOP/s, 80% GEMM efficiency), within a factor of 3 either way.
  EXPECT_GT(teacher_8b_s / 3.6e6, 86.0 / 3);
  EXPECT_LT(teacher_8b_s / 3.6e6, 86.0 * 3);
}

}  // namespace
}  // namespace capsim::models
