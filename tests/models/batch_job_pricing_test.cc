// PriceBatchJobs (models/batch_job_pricing.h): a scenario's trainings and distillations as batch
// jobs priced on their pools.
#include "models/batch_job_pricing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "models/job_throughput.h"
#include "models/step_pricing.h"
#include "tests/models/llm_test_support.h"
#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using ::testing::HasSubstr;

BatchJobs MustPrice(const Scenario& sc) {
  std::vector<std::optional<PerfModel>> perf;
  Result<BatchJobs> r = PriceBatchJobs(sc, &perf);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(perf.size(), sc.pools.size());
  return r.ok() ? std::move(r).value() : BatchJobs{};
}

std::string PriceError(const Scenario& sc) {
  std::vector<std::optional<PerfModel>> perf;
  Result<BatchJobs> r = PriceBatchJobs(sc, &perf);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().ToString();
}

// A fixed efficiency prices by FLOPs: 1 PFLOP/s x 0.5 / (6 x 1e9 FLOP/token) = 83,333 tokens/s
// per GPU (models/job_throughput.h); a gang: min = max = its GPUs.
TEST(BatchJobPricingTest, FixedEfficiencyGivesTokensPerGpuSecond) {
  Scenario sc = testing::TestScenario(4);
  sc.trainings.push_back(testing::TestTraining(16, 1e12));
  sc.trainings[0].pool = "pool";
  const BatchJobs jobs = MustPrice(sc);
  ASSERT_EQ(jobs.jobs.size(), 1u);
  const JobParams& p = jobs.jobs[0];
  EXPECT_EQ(p.name, "train");
  EXPECT_EQ(p.kind, "training");
  EXPECT_EQ(p.pool, 0);
  EXPECT_NEAR(p.tokens_per_gpu_second, 1e15 * 0.5 / 6e9, 1e-6);
  EXPECT_NEAR(
      p.tokens_per_gpu_second,
      TokensPerGpuSecond(testing::TestGpu(), TrainingFlopsPerToken(sc.catalog.models[0]), 0.5),
      1e-9);
  EXPECT_EQ(p.min_gpus, 16);
  EXPECT_EQ(p.max_gpus, 16);
  EXPECT_EQ(p.tokens_target, 1e12);
  EXPECT_EQ(p.mfu, 0.5);
  EXPECT_TRUE(p.tokens_per_gpu_second_by_nodes.empty());
  EXPECT_EQ(p.checkpoint_interval_s, 1800);
  EXPECT_EQ(p.checkpoint_write_s, 60);
  EXPECT_EQ(p.restart_s, 600);
}

// An elastic training priced op by op: one rate per whole-node size from min to max, 0 below the
// minimum; at the full size it is the step's own rate; sizes that are not whole replicas (tp 8 x
// pp 2 = 16 GPUs) idle the leftover node and dilute the rate per GPU.
TEST(BatchJobPricingTest, ElasticTrainingGivesPerNodeRates) {
  Scenario sc = testing::TestScenario(4);
  sc.catalog.gpus[0].scale_up_bandwidth = 450e9;
  sc.catalog.gpus[0].scale_up_domain = 8;
  sc.catalog.models.push_back(testing::Llama8b());
  sc.catalog.networks.push_back({"ib", LinkTier::kScaleOut, 50e9, 5e-6, 1, 0});
  sc.profiles = {testing::FlatProfile()};
  sc.policy.elastic = true;
  TrainingSpec t = testing::TestTraining(32, 1e12);
  t.model = "llama-3-8b";
  t.efficiency = 0;
  t.min_gpus = 16;
  t.layout.tp = 8;
  t.layout.pp = 2;
  t.layout.dp = 2;  // as the loader fills it: gpus / (tp x pp)
  t.layout.seq_len = 4096;
  t.layout.global_batch_tokens = 4 * 1024 * 1024;
  sc.trainings.push_back(t);
  const BatchJobs jobs = MustPrice(sc);
  ASSERT_EQ(jobs.jobs.size(), 1u);
  const JobParams& p = jobs.jobs[0];
  EXPECT_EQ(p.min_gpus, 16);
  EXPECT_EQ(p.max_gpus, 32);
  EXPECT_EQ(p.node_step, 2);                               // one replica = 16 GPUs = 2 nodes
  ASSERT_EQ(p.tokens_per_gpu_second_by_nodes.size(), 5u);  // index = nodes, 0..4
  const auto& r = p.tokens_per_gpu_second_by_nodes;
  EXPECT_EQ(r[0], 0);
  EXPECT_EQ(r[1], 0);
  EXPECT_GT(r[2], 0);
  EXPECT_NEAR(r[3], r[2] * 16 / 24, 1e-9 * r[2]);  // 24 GPUs hold one replica of 16
  EXPECT_NEAR(r[4], p.tokens_per_gpu_second, 1e-9 * r[4]);
  EXPECT_GT(p.mfu, 0);
  EXPECT_LT(p.mfu, 1);
  std::printf("elastic rates (tokens/s/GPU by nodes): %.0f %.0f %.0f, mfu %.3f\n", r[2], r[3], r[4],
              p.mfu);
  // A minimum below one model replica is an error naming the job.
  sc.trainings[0].min_gpus = 8;
  EXPECT_THAT(PriceError(sc), HasSubstr("train"));
}

// Offline distillation is two jobs: the teacher's forward pass over the tokens (2 x active
// params FLOP/token), then the student's training (6 x its params) after it.
TEST(BatchJobPricingTest, OfflineDistillationGivesTwoLinkedJobs) {
  Scenario sc = testing::TestScenario(4);
  DistillationSpec d = testing::TestDistillation(1e11);
  d.mode = DistillationSpec::Mode::kOffline;
  sc.distillations.push_back(d);
  const BatchJobs jobs = MustPrice(sc);
  ASSERT_EQ(jobs.jobs.size(), 2u);
  const JobParams &teacher = jobs.jobs[0], &student = jobs.jobs[1];
  EXPECT_EQ(teacher.name, "distill.teacher");
  EXPECT_EQ(student.name, "distill.student");
  EXPECT_EQ(teacher.workload, "distill");
  EXPECT_EQ(student.workload, "distill");
  EXPECT_EQ(teacher.after, "");
  EXPECT_EQ(student.after, "distill.teacher");
  EXPECT_EQ(teacher.phase, "teacher");
  EXPECT_NEAR(teacher.tokens_per_gpu_second, 1e15 * 0.4 / 2e9, 1e-6);
  EXPECT_NEAR(student.tokens_per_gpu_second, 1e15 * 0.4 / 6e9, 1e-6);
  EXPECT_EQ(teacher.min_gpus, 8);
  EXPECT_EQ(student.max_gpus, 16);
  EXPECT_EQ(teacher.tokens_target, 1e11);
  EXPECT_EQ(student.kind, "distillation");
  // Online: one job at the combined FLOPs (2 x 1e9 + 6 x 1e9 per token).
  sc.distillations[0].mode = DistillationSpec::Mode::kOnline;
  const BatchJobs online = MustPrice(sc);
  ASSERT_EQ(online.jobs.size(), 1u);
  EXPECT_EQ(online.jobs[0].name, "distill");
  EXPECT_NEAR(online.jobs[0].tokens_per_gpu_second, 1e15 * 0.4 / 8e9, 1e-6);
}

TEST(BatchJobPricingTest, UnknownNamesAreErrors) {
  {
    Scenario sc = testing::TestScenario(4);
    sc.trainings.push_back(testing::TestTraining(16, 1e12));
    sc.trainings[0].model = "gpt-9";
    EXPECT_THAT(PriceError(sc), HasSubstr("gpt-9"));
  }
  {
    Scenario sc = testing::TestScenario(4);
    sc.trainings.push_back(testing::TestTraining(16, 1e12));
    sc.trainings[0].pool = "elsewhere";
    const std::string e = PriceError(sc);
    EXPECT_THAT(e, HasSubstr("elsewhere"));
    EXPECT_THAT(e, HasSubstr("train"));
  }
  {
    Scenario sc = testing::TestScenario(4);
    DistillationSpec d = testing::TestDistillation(1e11);
    d.teacher = "oracle-1t";
    sc.distillations.push_back(d);
    EXPECT_THAT(PriceError(sc), HasSubstr("oracle-1t"));
  }
  {
    Scenario sc = testing::TestScenario(4);
    DistillationSpec d = testing::TestDistillation(1e11);
    d.pool = "nowhere";
    sc.distillations.push_back(d);
    EXPECT_THAT(PriceError(sc), HasSubstr("nowhere"));
  }
  {
    // Priced op by op without a calibration profile for the pool's GPU.
    Scenario sc = testing::TestScenario(4);
    sc.catalog.models.push_back(testing::Llama8b());
    TrainingSpec t = testing::TestTraining(16, 1e12);
    t.model = "llama-3-8b";
    t.efficiency = 0;
    sc.trainings.push_back(t);
    EXPECT_THAT(PriceError(sc), HasSubstr("TEST-GPU"));
  }
}

}  // namespace
}  // namespace capsim::models
