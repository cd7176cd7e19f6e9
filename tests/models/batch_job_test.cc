#include "models/batch_job.h"

#include <gtest/gtest.h>

#include <cmath>

namespace capsim::models {
namespace {

using sim::Duration;
using sim::Simulator;
using sim::Time;

JobParams Params() {
  JobParams p;
  p.name = "job";
  p.kind = "training";
  p.gpus_per_node = 8;
  p.min_gpus = 16;
  p.max_gpus = 16;
  p.tokens_target = 1e9;
  p.tokens_per_gpu_second = 1000;  // 16,000 tokens/s on 2 nodes
  p.checkpoint_interval_s = 1000;
  p.checkpoint_write_s = 100;
  p.restart_s = 50;
  return p;
}

TEST(BatchJob, ProgressPausesForRestartAndCheckpoints) {
  Simulator sim;
  JobEventLog log;
  BatchJob job(sim, Params(), &log);
  job.Start({0, 1});
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  sim.RunUntil(Time::FromSeconds(50));
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  EXPECT_DOUBLE_EQ(job.TokensDone(), 0);
  sim.RunUntil(Time::FromSeconds(1050));  // runs 1000 s, then starts its checkpoint
  EXPECT_EQ(job.state(), BatchJob::State::kCheckpointing);
  EXPECT_DOUBLE_EQ(job.TokensDone(), 16e6);
  sim.RunUntil(Time::FromSeconds(1150));
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  EXPECT_DOUBLE_EQ(job.tokens_committed(), 16e6);
  sim.RunUntil(Time::FromSeconds(1650));
  EXPECT_DOUBLE_EQ(job.TokensDone(), 16e6 + 500 * 16000.0);
  EXPECT_DOUBLE_EQ(job.BusyGpuSeconds(), 1500 * 16.0);
  EXPECT_DOUBLE_EQ(job.HeldGpuSeconds(), 1650 * 16.0);
}

TEST(BatchJob, FinishesAtTheAnalyticTime) {
  Simulator sim;
  JobParams p = Params();
  p.tokens_target = 40e6;  // 2,500 s of work: two checkpoints on the way
  BatchJob job(sim, p, nullptr);
  bool finished = false;
  job.SetOnFinished([&](BatchJob& j) {
    finished = true;
    EXPECT_EQ(j.nodes().size(), 2u);  // the nodes are handed back by the callback
  });
  job.Start({0, 1});
  sim.RunUntil(Time::FromSeconds(1e6));
  ASSERT_TRUE(finished);
  EXPECT_TRUE(job.done());
  EXPECT_TRUE(job.nodes().empty());
  // restart 50 + work 2500 + two checkpoint writes of 100.
  EXPECT_NEAR(job.finish_time_s(), 50 + 2500 + 200, 1e-6);
  EXPECT_DOUBLE_EQ(job.TokensDone(), 40e6);
}

TEST(BatchJob, PreemptionLosesWorkSinceTheLastCheckpoint) {
  Simulator sim;
  BatchJob job(sim, Params(), nullptr);
  job.Start({0, 1});
  sim.RunUntil(Time::FromSeconds(1150 + 300));  // checkpoint at 16e6, then 300 s more
  EXPECT_DOUBLE_EQ(job.TokensDone(), 16e6 + 300 * 16000.0);
  std::vector<int> freed = job.Preempt();
  EXPECT_EQ(freed.size(), 2u);
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_DOUBLE_EQ(job.TokensDone(), 16e6);
  EXPECT_EQ(job.preemptions(), 1);
  // Lost: the first restart (50 s x 16 GPUs) and 300 s of rework on 16 GPUs.
  EXPECT_DOUBLE_EQ(job.LostGpuSeconds(), 50 * 16.0 + 300 * 16.0);
  sim.RunUntil(Time::FromSeconds(5000));
  EXPECT_DOUBLE_EQ(job.TokensDone(), 16e6);  // no progress while waiting
  job.Start({4, 5});
  sim.RunUntil(Time::FromSeconds(5050 + 100));
  EXPECT_DOUBLE_EQ(job.TokensDone(), 16e6 + 100 * 16000.0);
}

TEST(BatchJob, ShrinkRestartsOnFewerNodesAndGrowCheckpointsFirst) {
  Simulator sim;
  JobParams p = Params();
  p.kind = "distillation";
  p.min_gpus = 8;
  p.max_gpus = 32;
  BatchJob job(sim, p, nullptr);
  job.Start({0, 1, 2, 3});
  sim.RunUntil(Time::FromSeconds(550));  // 500 s running on 32 GPUs
  EXPECT_DOUBLE_EQ(job.TokensDone(), 500 * 32000.0);
  std::vector<int> freed = job.Shrink(2);
  EXPECT_EQ(freed.size(), 2u);
  EXPECT_EQ(job.gpus(), 16);
  EXPECT_DOUBLE_EQ(job.TokensDone(), 0);  // nothing was checkpointed yet
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  sim.RunUntil(Time::FromSeconds(600 + 100));
  EXPECT_DOUBLE_EQ(job.TokensDone(), 100 * 16000.0);
  job.Grow({6, 7});
  EXPECT_EQ(job.state(), BatchJob::State::kCheckpointing);
  sim.RunUntil(Time::FromSeconds(800));  // checkpoint written: restart on 4 nodes
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  EXPECT_EQ(job.gpus(), 32);
  EXPECT_DOUBLE_EQ(job.tokens_committed(), 100 * 16000.0);
  sim.RunUntil(Time::FromSeconds(850 + 10));
  EXPECT_DOUBLE_EQ(job.TokensDone(), 100 * 16000.0 + 10 * 32000.0);
}

TEST(BatchJob, LogsEveryStateChange) {
  Simulator sim;
  JobEventLog log;
  BatchJob job(sim, Params(), &log);
  job.Start({0, 1});
  sim.RunUntil(Time::FromSeconds(1200));
  job.Preempt();
  ASSERT_EQ(log.event.size(), 4u);
  EXPECT_EQ(log.event[0], "start");
  EXPECT_EQ(log.event[1], "running");
  EXPECT_EQ(log.event[2], "checkpoint");
  EXPECT_EQ(log.event[3], "preempted");
  EXPECT_DOUBLE_EQ(log.time_s[2], 1150);
  EXPECT_EQ(log.job[0], "job");
}

}  // namespace
}  // namespace capsim::models
