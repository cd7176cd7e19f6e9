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

// A job with one failure cause fast enough that the first failure comes within minutes (mean
// 500 s on 16 GPUs: 1 / (500 x 16) per GPU-second = 0.45 per GPU-hour).
JobParams FailingParams() {
  JobParams p = Params();
  p.failure_causes = {{"node", 3600.0 / (500 * 16)}};
  p.repair_s = 2000;
  p.failure_seed = 1;
  p.failure_stream = 1;
  return p;
}

// Steps the simulator until `job` has failed `n` times (at most `max_steps` events).
bool RunToFailure(Simulator& sim, const BatchJob& job, int n, int max_steps = 10000) {
  for (int i = 0; i < max_steps && job.failures() < n; ++i) {
    if (!sim.Step()) return false;
  }
  return job.failures() >= n;
}

TEST(BatchJob, FailureHoldsItsGpusForTheRepairThenRestarts) {
  Simulator sim;
  BatchJob job(sim, FailingParams(), nullptr);
  job.Start({0, 1});
  ASSERT_TRUE(RunToFailure(sim, job, 1));
  const Time failed_at = sim.Now();
  const double lost_at_failure = job.LostGpuSeconds();
  // Down: the job keeps both nodes (16 GPUs) but does not compute.
  EXPECT_EQ(job.state(), BatchJob::State::kFailed);
  EXPECT_EQ(job.nodes().size(), 2u);
  EXPECT_EQ(job.busy_gpus(), 0);
  EXPECT_EQ(job.preemptions(), 0);  // a failure is not a preemption
  ASSERT_EQ(job.failures_by_cause().size(), 1u);
  EXPECT_EQ(job.failures_by_cause()[0], 1);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kFailed), 0);
  sim.RunUntil(failed_at + Duration::Seconds(1999));
  EXPECT_EQ(job.state(), BatchJob::State::kFailed);
  // After repair_s = 2000 s the restart begins: exactly 16 GPUs x 2000 s were held failed.
  sim.RunUntil(failed_at + Duration::Seconds(2000));
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  EXPECT_NEAR(job.GpuSecondsIn(BatchJob::State::kFailed), 16 * 2000.0, 1e-6);
  // Then restart_s = 50 s of restart before running (seed 1 draws no second failure by then).
  sim.RunUntil(failed_at + Duration::Seconds(2049));
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  sim.RunUntil(failed_at + Duration::Seconds(2050));
  ASSERT_EQ(job.failures(), 1);
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  EXPECT_NEAR(job.GpuSecondsIn(BatchJob::State::kFailed), 16 * 2000.0, 1e-6);  // no longer grows
  // The repair and the restart after it are both lost: 16 x (2000 + 50) GPU-seconds.
  EXPECT_NEAR(job.LostGpuSeconds() - lost_at_failure, 16 * 2050.0, 1e-6);
}

TEST(BatchJob, SparePoolSwapsWhileSparesAreFreeElseWaitsForTheRepair) {
  Simulator sim;
  SparePool spares(sim, /*spares=*/2, /*swap_s=*/300, /*repair_s=*/86400);
  EXPECT_EQ(spares.free(), 2);
  EXPECT_DOUBLE_EQ(spares.Take(), 300);  // two spares free: swaps
  sim.RunUntil(Time::FromSeconds(1000));
  EXPECT_DOUBLE_EQ(spares.Take(), 300);
  EXPECT_EQ(spares.free(), 0);
  EXPECT_DOUBLE_EQ(spares.Take(), 86400);  // none free: wait for the repair
  EXPECT_EQ(spares.swaps(), 2);
  EXPECT_EQ(spares.waits(), 1);
  EXPECT_EQ(spares.free(), 0);  // a wait takes no spare
  // The first repaired node becomes a spare 86400 s after its Take (at 0), the second at 87400.
  sim.RunUntil(Time::FromSeconds(86399));
  EXPECT_EQ(spares.free(), 0);
  sim.RunUntil(Time::FromSeconds(86400));
  EXPECT_EQ(spares.free(), 1);
  sim.RunUntil(Time::FromSeconds(87400));
  EXPECT_EQ(spares.free(), 2);
  EXPECT_DOUBLE_EQ(spares.Take(), 300);
  EXPECT_EQ(spares.swaps(), 3);
}

TEST(BatchJob, JobWithASparePoolIsDownForTheSwapNotTheRepair) {
  Simulator sim;
  SparePool spares(sim, /*spares=*/1, /*swap_s=*/300, /*repair_s=*/86400);
  BatchJob job(sim, FailingParams(), nullptr, &spares);  // params.repair_s (2000) unused
  job.Start({0, 1});
  ASSERT_TRUE(RunToFailure(sim, job, 1));
  const Time failed_at = sim.Now();
  EXPECT_EQ(job.state(), BatchJob::State::kFailed);
  EXPECT_EQ(spares.swaps(), 1);
  EXPECT_EQ(spares.free(), 0);
  sim.RunUntil(failed_at + Duration::Seconds(299));
  EXPECT_EQ(job.state(), BatchJob::State::kFailed);
  // Down swap_s = 300 s on 16 GPUs, then restarting.
  sim.RunUntil(failed_at + Duration::Seconds(300));
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  EXPECT_NEAR(job.GpuSecondsIn(BatchJob::State::kFailed), 16 * 300.0, 1e-6);
}

TEST(BatchJob, StopWritesACheckpointThenReleasesAllNodesLosingNothing) {
  Simulator sim;
  BatchJob job(sim, Params(), nullptr);
  int released_calls = 0;
  std::vector<int> released;
  job.SetOnReleased([&](BatchJob& j, std::vector<int> nodes) {
    ++released_calls;
    released = std::move(nodes);
    EXPECT_EQ(j.state(), BatchJob::State::kWaiting);
  });
  job.Start({0, 1});
  sim.RunUntil(Time::FromSeconds(450));  // restart 50 s, then 400 s running on 16 GPUs
  ASSERT_EQ(job.state(), BatchJob::State::kRunning);
  job.Stop();
  // The stop starts a checkpoint of the 400 s x 16,000 tokens/s done so far.
  EXPECT_EQ(job.state(), BatchJob::State::kCheckpointing);
  EXPECT_TRUE(job.stopping());
  EXPECT_DOUBLE_EQ(job.TokensDone(), 400 * 16000.0);
  job.Stop();  // a second Stop while stopping changes nothing
  EXPECT_EQ(job.stops(), 1);
  sim.RunUntil(Time::FromSeconds(549));  // checkpoint_write_s = 100: still writing
  EXPECT_EQ(released_calls, 0);
  EXPECT_EQ(job.state(), BatchJob::State::kCheckpointing);
  sim.RunUntil(Time::FromSeconds(550));
  EXPECT_EQ(released_calls, 1);
  EXPECT_EQ(released, (std::vector<int>{0, 1}));
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_FALSE(job.stopping());
  EXPECT_TRUE(job.nodes().empty());
  EXPECT_DOUBLE_EQ(job.tokens_committed(), 400 * 16000.0);
  EXPECT_DOUBLE_EQ(job.TokensDone(), 400 * 16000.0);
  // Only the first restart (50 s x 16 GPUs) is lost; the 100 s write is checkpointing time.
  EXPECT_DOUBLE_EQ(job.LostGpuSeconds(), 50 * 16.0);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kCheckpointing), 100 * 16.0);
  EXPECT_EQ(job.stops(), 1);
  EXPECT_EQ(job.preemptions(), 0);
  // Resumed elsewhere, it continues from the saved tokens after a restart.
  sim.RunUntil(Time::FromSeconds(1000));
  job.Start({2, 3});
  sim.RunUntil(Time::FromSeconds(1050 + 10));
  EXPECT_DOUBLE_EQ(job.TokensDone(), 410 * 16000.0);
  EXPECT_EQ(released_calls, 1);
}

TEST(BatchJob, StopWhileRestartingReleasesAtOnce) {
  Simulator sim;
  BatchJob job(sim, Params(), nullptr);
  int released_calls = 0;
  std::vector<int> released;
  job.SetOnReleased([&](BatchJob&, std::vector<int> nodes) {
    ++released_calls;
    released = std::move(nodes);
  });
  job.Start({0, 1});
  sim.RunUntil(Time::FromSeconds(20));  // 20 s into the 50 s restart: nothing to save
  job.Stop();
  EXPECT_EQ(released_calls, 1);
  EXPECT_EQ(released, (std::vector<int>{0, 1}));
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_FALSE(job.stopping());
  EXPECT_EQ(job.stops(), 1);
  EXPECT_EQ(job.preemptions(), 0);
  EXPECT_DOUBLE_EQ(job.LostGpuSeconds(), 20 * 16.0);  // the partial restart
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kCheckpointing), 0);
  sim.RunUntil(Time::FromSeconds(1000));
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);  // the cancelled restart never completes
  EXPECT_EQ(released_calls, 1);
}

TEST(BatchJob, PreemptDuringAStopCheckpointReturnsTheNodesAndCancelsTheRelease) {
  Simulator sim;
  BatchJob job(sim, Params(), nullptr);
  int released_calls = 0;
  job.SetOnReleased([&](BatchJob&, std::vector<int>) { ++released_calls; });
  job.Start({0, 1});
  sim.RunUntil(Time::FromSeconds(450));  // 400 s of unsaved work
  job.Stop();
  sim.RunUntil(Time::FromSeconds(500));  // halfway through the stop's checkpoint
  std::vector<int> freed = job.Preempt();
  EXPECT_EQ(freed, (std::vector<int>{0, 1}));
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_FALSE(job.stopping());
  EXPECT_EQ(job.preemptions(), 1);
  // The write did not finish: the 400 s of work are lost along with the first restart.
  EXPECT_DOUBLE_EQ(job.tokens_committed(), 0);
  EXPECT_DOUBLE_EQ(job.TokensDone(), 0);
  EXPECT_DOUBLE_EQ(job.LostGpuSeconds(), 50 * 16.0 + 400 * 16.0);
  sim.RunUntil(Time::FromSeconds(2000));
  EXPECT_EQ(released_calls, 0);  // the nodes went back through Preempt only
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
}

TEST(BatchJob, GpuSecondsByStateFollowTheTimeline) {
  Simulator sim;
  BatchJob job(sim, Params(), nullptr);
  sim.RunUntil(Time::FromSeconds(100));  // waiting before the start holds nothing
  job.Start({0, 1});
  // From 100: restart 50 s, run 1000 s, write 100 s (to 1250), then run 200 s more (to 1450).
  sim.RunUntil(Time::FromSeconds(1450));
  ASSERT_EQ(job.state(), BatchJob::State::kRunning);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kWaiting), 0);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kRestarting), 50 * 16.0);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kRunning), 1200 * 16.0);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kCheckpointing), 100 * 16.0);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kFailed), 0);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kDone), 0);
  EXPECT_DOUBLE_EQ(job.BusyGpuSeconds(), 1200 * 16.0);
  EXPECT_DOUBLE_EQ(job.HeldGpuSeconds(), (50 + 1200 + 100) * 16.0);
  // Preempted, it holds nothing more while it waits.
  job.Preempt();
  sim.RunUntil(Time::FromSeconds(3000));
  EXPECT_DOUBLE_EQ(job.HeldGpuSeconds(), (50 + 1200 + 100) * 16.0);
  EXPECT_DOUBLE_EQ(job.GpuSecondsIn(BatchJob::State::kWaiting), 0);
}

TEST(BatchJob, RateFollowsTheTableForTheCurrentNodeCount) {
  Simulator sim;
  JobParams p = Params();
  p.kind = "distillation";
  p.min_gpus = 8;
  p.max_gpus = 32;
  p.tokens_per_gpu_second = 1000;
  // Per GPU: 1 node 1500, 2 nodes 1200, 3 nodes unpriced (0: falls back to 1000), 4 nodes 900.
  p.tokens_per_gpu_second_by_nodes = {0, 1500, 1200, 0, 900};
  BatchJob job(sim, p, nullptr);
  job.Start({0, 1, 2, 3});
  sim.RunUntil(Time::FromSeconds(50 + 100));  // 100 s on 4 nodes: 900 x 32 tokens/s
  EXPECT_DOUBLE_EQ(job.TokensDone(), 100 * 900.0 * 32);
  job.Shrink(2);  // nothing saved: the 100 s x 32 GPUs of work are lost (at the 4-node rate)
  EXPECT_DOUBLE_EQ(job.LostGpuSeconds(), 50 * 32.0 + 100 * 32.0);
  sim.RunUntil(Time::FromSeconds(200 + 100));  // restart 50 s, then 100 s on 2 nodes
  EXPECT_DOUBLE_EQ(job.TokensDone(), 100 * 1200.0 * 16);
  job.Shrink(1);  // 1 node: 1500 per GPU
  const double saved = job.tokens_committed();
  sim.RunUntil(Time::FromSeconds(350 + 100));
  EXPECT_DOUBLE_EQ(job.TokensDone(), saved + 100 * 1500.0 * 8);
  BatchJob three(sim, p, nullptr);  // 3 nodes: the table's 0 means tokens_per_gpu_second
  three.Start({4, 5, 6});
  sim.RunUntil(Time::FromSeconds(450 + 50 + 100));
  EXPECT_DOUBLE_EQ(three.TokensDone(), 100 * 1000.0 * 24);
}

}  // namespace
}  // namespace capsim::models
