#include "models/step_pricing.h"

#include <gtest/gtest.h>

#include "tests/models/llm_test_support.h"
#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using testing::Llama8b;
using testing::Flat;
using testing::FlatProfile;

PerfModel Model() {
  GpuSpec gpu = testing::TestGpu();
  gpu.scale_up_bandwidth = 450e9;
  gpu.scale_up_domain = 8;
  Result<PerfModel> m = PerfModel::Create(gpu, {450e9, 50e9}, FlatProfile());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

TrainingSpec Job(int tp, int pp, int dp) {
  TrainingSpec t = testing::TestTraining(tp * pp * dp, 1e12);
  t.efficiency = 0;
  t.layout = {tp, pp, dp, 4096, 4.0 * 1024 * 1024, 1};
  return t;
}

TEST(StepPricing, TrainingStepYieldsConsistentThroughputAndMfu) {
  const PerfModel perf = Model();
  Result<PricedStep> r = PriceTrainingStep(Llama8b(), Job(8, 1, 4), perf);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PricedStep& s = r.value();
  EXPECT_EQ(s.gpus, 32);
  EXPECT_DOUBLE_EQ(s.tokens_per_step, 4.0 * 1024 * 1024);
  EXPECT_NEAR(s.tokens_per_gpu_second * s.gpus * s.step_time_s, s.tokens_per_step, 1e-6);
  EXPECT_DOUBLE_EQ(s.step_time_s, perf.StepTime(s.ops));  // pp = 1: no bubble
  // All GPUs together do at least 6 N FLOPs per token (plus attention) ...
  EXPECT_GT(TotalFlops(s.ops) * s.gpus, 6 * 8.03e9 * s.tokens_per_step * 0.98);
  // ... and the MFU cannot beat the 80% GEMM efficiency of the profile.
  EXPECT_GT(s.mfu, 0.3);
  EXPECT_LT(s.mfu, 0.8);
}

TEST(StepPricing, PipelineBubbleLengthensTheStep) {
  const PerfModel perf = Model();
  Result<PricedStep> flat = PriceTrainingStep(Llama8b(), Job(8, 1, 4), perf);
  Result<PricedStep> piped = PriceTrainingStep(Llama8b(), Job(8, 4, 1), perf);
  ASSERT_TRUE(flat.ok() && piped.ok());
  // 4 stages, 1024 micro-batches of one sequence: bubble (p-1)/(m+p-1) = 3/1027.
  EXPECT_GT(piped.value().step_time_s, perf.StepTime(piped.value().ops));
  EXPECT_NEAR(perf.StepTime(piped.value().ops) / piped.value().step_time_s, 1 - 3.0 / 1027, 1e-9);
}

TEST(StepPricing, LayoutThatDoesNotSplitTheModelIsAnError) {
  Result<PricedStep> r = PriceTrainingStep(Llama8b(), Job(3, 1, 1), Model());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("train (llama-3-8b)"), std::string::npos)
      << r.status().ToString();
  ModelSpec unknown;
  unknown.name = "no-architecture";
  unknown.params = unknown.active_params = 1e9;
  EXPECT_FALSE(PriceTrainingStep(unknown, Job(8, 1, 1), Model()).ok());
}

TEST(StepPricing, DistillationPricesTeacherForwardAndStudentStep) {
  ModelSpec teacher = Llama8b();
  teacher.name = "teacher";
  DistillationSpec d;
  d.name = "distill";
  d.layout = {8, 1, 1, 2048, 0, 4};
  Result<PricedStep> r = PriceDistillationStep(teacher, Llama8b(), d, Model());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PricedStep& s = r.value();
  EXPECT_EQ(s.gpus, 8);
  EXPECT_DOUBLE_EQ(s.tokens_per_step, 4 * 2048);
  EXPECT_DOUBLE_EQ(s.model_flops_per_token, 2 * 8.03e9 + 6 * 8.03e9);
  bool teacher_logits = false, student_adam = false;
  for (const Operation& op : s.ops) {
    teacher_logits |= op.name == "teacher.logits_all_tokens";
    student_adam |= op.name == "student.optimizer.adam";
  }
  EXPECT_TRUE(teacher_logits && student_adam);
  // Forward (2N) + training (6N): about 8 N FLOPs per token over the replica.
  EXPECT_NEAR(TotalFlops(s.ops) * s.gpus / s.tokens_per_step, 8 * 8.03e9, 0.15 * 8 * 8.03e9);
}

TEST(StepPricing, PerfModelNeedsTheScenarioProfile) {
  Scenario sc = testing::TestScenario(4);
  Result<PerfModel> missing = PerfModelFor(sc, sc.pools[0]);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().ToString().find("no calibration profile for GPU 'TEST-GPU'"),
            std::string::npos);
  sc.profiles.push_back(FlatProfile());
  Result<PerfModel> no_fabric = PerfModelFor(sc, sc.pools[0]);  // the catalog has no NIC data
  ASSERT_FALSE(no_fabric.ok());
  EXPECT_NE(no_fabric.status().ToString().find("scale-out"), std::string::npos)
      << no_fabric.status().ToString();
  NetworkSpec fabric;
  fabric.name = "fabric";
  fabric.bandwidth = 50e9;
  sc.catalog.networks.push_back(fabric);
  Result<PerfModel> ok = PerfModelFor(sc, sc.pools[0]);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

// Traffic across oversubscribed pods: the scale-out bandwidth divided by 7 (the Llama 3
// cluster's 1:7 between pods, facilities-and-finance.md §7) slows a step whose data-parallel
// all-reduce crosses nodes, and leaves the compute alone.
TEST(StepPricing, ScaleOutFactorSlowsTheDataParallelStep) {
  Scenario sc = testing::TestScenario(4);
  sc.profiles.push_back(FlatProfile());
  NetworkSpec fabric;
  fabric.name = "fabric";
  fabric.bandwidth = 50e9;
  sc.catalog.networks.push_back(fabric);
  sc.catalog.models.push_back(Llama8b());
  Result<PerfModel> full = PerfModelFor(sc, sc.pools[0]);
  Result<PerfModel> spine = PerfModelFor(sc, sc.pools[0], 1.0 / 7);
  ASSERT_TRUE(full.ok() && spine.ok());
  EXPECT_DOUBLE_EQ(spine.value().links().scale_out_bytes_per_s, 50e9 / 7);
  Result<PricedStep> a = PriceTrainingStep(Llama8b(), Job(8, 1, 4), full.value());
  Result<PricedStep> b = PriceTrainingStep(Llama8b(), Job(8, 1, 4), spine.value());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT(b.value().tokens_per_gpu_second, a.value().tokens_per_gpu_second);
  EXPECT_DOUBLE_EQ(TotalFlops(a.value().ops), TotalFlops(b.value().ops));
}

// Overlap: the data-parallel gradient all-reduce hides behind up to dp_overlap of the backward
// compute, so the step shortens by exactly min(dp time, overlap x backward time).
TEST(StepPricing, DataParallelTrafficOverlapsTheBackwardPass) {
  const PerfModel perf = Model();
  TrainingSpec job = Job(8, 1, 4);
  Result<PricedStep> serial = PriceTrainingStep(Llama8b(), job, perf);
  job.layout.dp_overlap = 0.5;
  Result<PricedStep> half = PriceTrainingStep(Llama8b(), job, perf);
  job.layout.dp_overlap = 1;
  Result<PricedStep> full = PriceTrainingStep(Llama8b(), job, perf);
  ASSERT_TRUE(serial.ok() && half.ok() && full.ok());
  double dp_s = 0, backward_s = 0;
  for (const Operation& op : serial.value().ops) {
    const double t = perf.Price(op).time_s * op.repeat;
    if (op.name.rfind("dp.", 0) == 0) dp_s += t;
    if (op.op_class != OpClass::kCollective && op.name.find(".bwd") != std::string::npos) {
      backward_s += t;
    }
  }
  ASSERT_GT(dp_s, 0);
  ASSERT_GT(backward_s, dp_s);  // the backward pass is long enough to hide all of it
  EXPECT_DOUBLE_EQ(serial.value().overlapped_s, 0);
  EXPECT_NEAR(half.value().overlapped_s, std::min(dp_s, 0.5 * backward_s), 1e-12);
  EXPECT_NEAR(full.value().overlapped_s, dp_s, 1e-12);
  EXPECT_NEAR(serial.value().step_time_s - full.value().step_time_s, dp_s, 1e-9);
  EXPECT_GT(full.value().mfu, serial.value().mfu);
}

// Expert parallelism and the distributed optimizer reach the op list from the layout.
TEST(StepPricing, ExpertParallelAndDistributedOptimizerFromTheLayout) {
  const PerfModel perf = Model();
  TrainingSpec job = Job(1, 1, 16);
  job.layout.ep = 8;
  job.layout.distributed_optimizer = true;
  job.layout.global_batch_tokens = 16 * 4096;
  Result<PricedStep> r = PriceTrainingStep(testing::GptOss120B(), job, perf);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  bool all_to_all = false, reduce_scatter = false;
  for (const Operation& op : r.value().ops) {
    all_to_all = all_to_all || op.name == "ep.dispatch";
    reduce_scatter = reduce_scatter || op.name == "dp.grad_reduce_scatter";
  }
  EXPECT_TRUE(all_to_all);
  EXPECT_TRUE(reduce_scatter);
  job.layout.ep = 3;  // does not divide dp = 16
  EXPECT_FALSE(PriceTrainingStep(testing::GptOss120B(), job, perf).ok());
}

TEST(StepPricing, LinksComeFromTheGpuAndItsNode) {
  Scenario sc = testing::TestScenario(4);
  sc.catalog.gpus[0].scale_up_bandwidth = 450e9;
  NodeSpec node;
  node.name = "test-node";
  node.gpu = "TEST-GPU";
  node.gpus_per_node = 8;
  node.nics = 8;
  node.nic_bandwidth = 50e9;  // 400 Gb/s
  sc.catalog.nodes.push_back(node);
  LinkBandwidths l = LinksFor(sc.catalog, sc.pools[0]);
  EXPECT_DOUBLE_EQ(l.scale_up_bytes_per_s, 450e9);
  EXPECT_DOUBLE_EQ(l.scale_out_bytes_per_s, 50e9);
  sc.catalog.gpus[0].scale_up_bandwidth = 0;  // a PCIe card
  EXPECT_DOUBLE_EQ(LinksFor(sc.catalog, sc.pools[0]).scale_up_bytes_per_s, 63e9);
}

}  // namespace
}  // namespace capsim::models
