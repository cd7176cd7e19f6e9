// Failure rates from the Llama 3 interruption table, the checkpoint-interval helper, and a batch
// job's progress under failures against the renewal-theory expectation.
#include "models/failures.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "models/batch_job.h"
#include "sim/simulator.h"

namespace capsim::models {
namespace {

TEST(FailuresTest, Llama3TableRates) {
  // workloads.md §8: 419 interruptions in 21.23 M GPU-hours = 19.7 per million; at 16,384 GPUs
  // an MTBF of 3.09 h (FIRM, derived there).
  const double total = TotalFailureRatePerGpuHour(Llama3FailureCauses());
  EXPECT_NEAR(total * 1e6, 19.7, 0.05);
  EXPECT_NEAR(1.0 / (total * 16384), 3.09, 0.01);
  EXPECT_NEAR(Llama3FailureCauses()[1].per_gpu_hour * 1e6, 3.39, 0.01);  // HBM3, as tabulated
}

TEST(FailuresTest, DalyInterval) {
  // 60 s checkpoints, 3 h MTBF: sqrt(2 x 60 x 10800) - 60 = 1,078.4 s.
  EXPECT_NEAR(DalyCheckpointInterval(60, 10800), std::sqrt(2.0 * 60 * 10800) - 60, 1e-9);
  EXPECT_DOUBLE_EQ(DalyCheckpointInterval(5000, 2000), 2000);
  EXPECT_EQ(DalyCheckpointInterval(60, 0), 0);
  EXPECT_DOUBLE_EQ(ExpectedSegmentTime(1800, 60, 600, 0), 1860);
  // Small rates: about work + write + rate x (work + write) x (restart + (work + write) / 2).
  const double r = 1e-6, l = 1860;
  EXPECT_NEAR(ExpectedSegmentTime(1800, 60, 600, r), l + r * l * (600 + l / 2), 0.01);
}

// A training job of `gpus` GPUs (8 per node) at one token per GPU-second, 30 min checkpoints
// written in 60 s, 600 s restarts, with a token target far past any run here.
JobParams Job(int gpus) {
  JobParams p;
  p.name = "train";
  p.kind = "training";
  p.gpus_per_node = 8;
  p.min_gpus = p.max_gpus = gpus;
  p.tokens_target = 1e8 * gpus;  // 1e8 s at full rate: past the run, within the clock
  p.tokens_per_gpu_second = 1;
  p.checkpoint_interval_s = 1800;
  p.checkpoint_write_s = 60;
  p.restart_s = 600;
  return p;
}

// One 128-GPU job alone with a 3 h MTBF; its committed progress rate over 20 batches of 150 h
// must contain the analytic rate 1800 s of work per ExpectedSegmentTime in its 95% confidence
// interval (Student t, 19 degrees of freedom).
TEST(FailuresTest, ProgressMatchesRenewalTheory) {
  sim::Simulator sim;
  JobParams p = Job(128);
  p.repair_s = 300;
  const double mtbf_s = 3 * 3600;
  p.failure_causes = {{"gpu", 0.75 * 3600 / (128 * mtbf_s)}, {"host", 0.25 * 3600 / (128 * mtbf_s)}};
  p.failure_seed = 11;
  p.failure_stream = 1;
  BatchJob job(sim, p, nullptr);
  std::vector<int> nodes(16);
  for (int i = 0; i < 16; ++i) nodes[i] = i;
  job.Start(nodes);
  const double batch_s = 150 * 3600.0;
  const int batches = 20;
  sim.RunUntil(sim::Time::FromSeconds(batch_s));  // warm-up batch, discarded
  std::vector<double> rates;
  double before = job.tokens_committed();
  for (int b = 1; b <= batches; ++b) {
    sim.RunUntil(sim::Time::FromSeconds(batch_s * (b + 1)));
    rates.push_back((job.tokens_committed() - before) / batch_s / 128);
    before = job.tokens_committed();
  }
  double mean = 0, var = 0;
  for (double x : rates) mean += x / batches;
  for (double x : rates) var += (x - mean) * (x - mean) / (batches - 1);
  const double half = 2.093 * std::sqrt(var / batches);
  const double expected = 1800 / ExpectedSegmentTime(1800, 60, 300 + 600, 1 / mtbf_s);
  EXPECT_NEAR(mean, expected, half) << "mean " << mean << " expected " << expected;
  EXPECT_LT(half, 0.02 * expected);  // the interval is tight enough to mean something
  EXPECT_GT(job.failures(), 900);    // ~3,150 h / 3 h
  EXPECT_EQ(job.failures(), job.failures_by_cause()[0] + job.failures_by_cause()[1]);
  EXPECT_NEAR(static_cast<double>(job.failures_by_cause()[0]) / job.failures(), 0.75, 0.05);
  EXPECT_EQ(job.preemptions(), 0);
  // Progress share of wall time: above the committed share (running time includes lost work).
  const double running = job.RunningSeconds() / job.SecondsSinceFirstStart();
  EXPECT_GT(running, expected);
  EXPECT_LT(running, 1800.0 / 1860);
}

TEST(FailuresTest, NoFailuresWithoutCauses) {
  sim::Simulator sim;
  BatchJob job(sim, Job(8), nullptr);
  job.Start({0});
  sim.RunUntil(sim::Time::FromSeconds(100 * 3600.0));
  EXPECT_EQ(job.failures(), 0);
  // Alone and failure-free: training time = tokens / rate plus the restart and checkpoint pauses.
  EXPECT_NEAR(job.tokens_committed(), 8.0 * 1800 * std::floor((100 * 3600.0 - 600) / 1860), 8 * 1800);
}

}  // namespace
}  // namespace capsim::models
