#include "models/fleet_scheduler.h"

#include <gtest/gtest.h>

namespace capsim::models {
namespace {

using sim::Simulator;
using sim::Time;

JobParams Job(const char* name, int min_gpus, int max_gpus) {
  JobParams p;
  p.name = name;
  p.kind = min_gpus == max_gpus ? "training" : "distillation";
  p.gpus_per_node = 8;
  p.min_gpus = min_gpus;
  p.max_gpus = max_gpus;
  p.tokens_target = 1e15;
  p.tokens_per_gpu_second = 1000;
  p.restart_s = 10;
  return p;
}

TEST(FleetScheduler, StartsJobsInPriorityOrder) {
  Simulator sim;
  FleetScheduler sched(sim, 10, /*avatar_rank=*/0, /*preemption=*/true);
  BatchJob distill(sim, Job("distill", 16, 48), nullptr);  // 2..6 nodes
  BatchJob train(sim, Job("train", 32, 32), nullptr);      // 4 nodes
  sched.AddJob(&train, 2);
  sched.AddJob(&distill, 1);
  sched.Reallocate();
  EXPECT_EQ(distill.nodes().size(), 6u);
  EXPECT_EQ(train.nodes().size(), 4u);
  EXPECT_EQ(sched.idle_nodes(), 0);
}

TEST(FleetScheduler, AvatarPreemptsTheLowestPriorityGangWhole) {
  Simulator sim;
  FleetScheduler sched(sim, 10, 0, true);
  BatchJob distill(sim, Job("distill", 16, 48), nullptr);
  BatchJob train(sim, Job("train", 32, 32), nullptr);
  sched.AddJob(&distill, 1);
  sched.AddJob(&train, 2);
  sched.Reallocate();
  const int node = sched.GrantAvatarNode();
  EXPECT_GE(node, 0);
  EXPECT_EQ(train.state(), BatchJob::State::kWaiting);  // a gang stops whole
  EXPECT_EQ(train.preemptions(), 1);
  EXPECT_EQ(distill.nodes().size(), 6u);  // the higher-ranked job is untouched (at its max)
  EXPECT_EQ(sched.idle_nodes(), 3);       // the rest of the gang waits for the gang
  EXPECT_EQ(sched.avatar_nodes(), 1);
  EXPECT_EQ(sched.waiting_jobs(), 1);
  // Once the avatar node returns, the gang fits again and restarts.
  sched.ReturnAvatarNode(node);
  EXPECT_EQ(train.state(), BatchJob::State::kRestarting);
  EXPECT_EQ(train.nodes().size(), 4u);
}

TEST(FleetScheduler, ElasticJobShrinksBeforeStopping) {
  Simulator sim;
  FleetScheduler sched(sim, 6, 0, true);
  BatchJob distill(sim, Job("distill", 16, 48), nullptr);  // 2..6 nodes
  sched.AddJob(&distill, 1);
  sched.Reallocate();
  ASSERT_EQ(distill.nodes().size(), 6u);
  for (int i = 0; i < 4; ++i) EXPECT_GE(sched.GrantAvatarNode(), 0);
  EXPECT_EQ(distill.nodes().size(), 2u);  // shrank to its minimum
  EXPECT_NE(distill.state(), BatchJob::State::kWaiting);
  EXPECT_GE(sched.GrantAvatarNode(), 0);  // below the minimum: stopped
  EXPECT_EQ(distill.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.avatar_nodes(), 5);
}

TEST(FleetScheduler, NoPreemptionMeansNoNodeWhenFull) {
  Simulator sim;
  FleetScheduler sched(sim, 4, 0, /*preemption=*/false);
  BatchJob train(sim, Job("train", 32, 32), nullptr);
  sched.AddJob(&train, 1);
  sched.Reallocate();
  EXPECT_EQ(sched.GrantAvatarNode(), -1);
  EXPECT_EQ(train.preemptions(), 0);
}

TEST(FleetScheduler, AvatarCannotPreemptAHigherRankedJob) {
  Simulator sim;
  FleetScheduler sched(sim, 4, /*avatar_rank=*/2, true);
  BatchJob train(sim, Job("train", 32, 32), nullptr);
  sched.AddJob(&train, 1);
  sched.Reallocate();
  EXPECT_EQ(sched.GrantAvatarNode(), -1);
}

TEST(FleetScheduler, FinishedJobReturnsItsNodes) {
  Simulator sim;
  FleetScheduler sched(sim, 4, 0, true);
  JobParams p = Job("train", 32, 32);
  p.tokens_target = 32000 * 100.0;  // 100 s of work
  BatchJob train(sim, p, nullptr);
  sched.AddJob(&train, 1);
  sched.Reallocate();
  sim.RunUntil(Time::FromSeconds(1000));
  EXPECT_TRUE(train.done());
  EXPECT_EQ(sched.idle_nodes(), 4);
  EXPECT_NEAR(sched.IdleNodeSeconds(), 4 * (1000 - 110.0), 1e-6);
}

}  // namespace
}  // namespace capsim::models

namespace capsim::models {
namespace {

TEST(FleetScheduler, ReservedNodesAreNeverGivenToJobsOrPreempted) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 6, 0, true);
  EXPECT_FALSE(sched.ReserveNodes(7));  // more than the pool: nothing taken
  EXPECT_EQ(sched.idle_nodes(), 6);
  EXPECT_TRUE(sched.ReserveNodes(2));
  EXPECT_EQ(sched.reserved_nodes(), 2);
  JobParams p;
  p.name = "d";
  p.kind = "distillation";
  p.gpus_per_node = 8;
  p.min_gpus = 8;
  p.max_gpus = 48;
  p.tokens_target = 1e15;
  p.tokens_per_gpu_second = 1000;
  BatchJob job(sim, p, nullptr);
  sched.AddJob(&job, 1);
  sched.Reallocate();
  EXPECT_EQ(job.nodes().size(), 4u);  // only the unreserved nodes
  for (int i = 0; i < 4; ++i) EXPECT_GE(sched.GrantAvatarNode(), 0);
  EXPECT_EQ(sched.GrantAvatarNode(), -1);  // the reserved two are not for the taking
}

}  // namespace
}  // namespace capsim::models

namespace capsim::models {
namespace {

constexpr double kHour = 3600;

// Job() with a target reachable in range of sim::Duration (Job()'s 1e15 tokens would take
// ~1000 years at 32,000 tokens/s, past the ~292-year Duration limit, once the job runs).
JobParams RunnableJob(const char* name, int min_gpus, int max_gpus) {
  JobParams p = Job(name, min_gpus, max_gpus);
  p.tokens_target = 1e12;
  return p;
}

TEST(FleetScheduler, AvatarPartitionIsTheAvatarsAloneAndItsOnlySource) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 6, /*avatar_rank=*/0, /*preemption=*/true);
  ASSERT_TRUE(sched.SetAvatarPartition(2));  // the two lowest ids, 0 and 1
  EXPECT_EQ(sched.idle_nodes(), 4);
  EXPECT_EQ(sched.partition_idle_nodes(), 2);
  BatchJob distill(sim, RunnableJob("distill", 8, 48), nullptr);  // elastic, 1..6 nodes
  sched.AddJob(&distill, 1);
  sched.Reallocate();
  // The elastic job would take all 6 nodes; it gets only the 4 outside the partition.
  ASSERT_EQ(distill.nodes().size(), 4u);
  for (int n : distill.nodes()) EXPECT_GE(n, 2);
  EXPECT_EQ(sched.idle_nodes(), 0);
  EXPECT_EQ(sched.partition_idle_nodes(), 2);
  EXPECT_EQ(sched.GrantAvatarNode(), 0);
  EXPECT_EQ(sched.GrantAvatarNode(), 1);
  // The partition is used up: no node even though the job could shrink, and nothing preempted.
  EXPECT_EQ(sched.GrantAvatarNode(), -1);
  EXPECT_EQ(sched.avatar_nodes(), 2);
  EXPECT_EQ(distill.nodes().size(), 4u);
  EXPECT_EQ(distill.preemptions(), 0);
  EXPECT_EQ(distill.state(), BatchJob::State::kRestarting);  // not restarted by a shrink
  // A returned node goes back to the partition, not to the job.
  sched.ReturnAvatarNode(1);
  EXPECT_EQ(sched.avatar_nodes(), 1);
  EXPECT_EQ(sched.partition_idle_nodes(), 1);
  EXPECT_EQ(sched.idle_nodes(), 0);
  sched.Reallocate();
  EXPECT_EQ(distill.nodes().size(), 4u);
  EXPECT_EQ(sched.GrantAvatarNode(), 1);
  // Idle node-seconds count the partition's idle nodes: both returned, idle for 100 s.
  EXPECT_DOUBLE_EQ(sched.IdleNodeSeconds(), 0);  // no time has passed yet
  sched.ReturnAvatarNode(0);
  sched.ReturnAvatarNode(1);
  sim.RunUntil(Time::FromSeconds(100));
  EXPECT_DOUBLE_EQ(sched.IdleNodeSeconds(), 2 * 100.0);
}

TEST(FleetScheduler, AvatarPartitionFailsWhenTooFewNodesAreIdle) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 4, 0, true);
  EXPECT_FALSE(sched.SetAvatarPartition(5));  // more than the pool: nothing taken
  EXPECT_EQ(sched.idle_nodes(), 4);
  EXPECT_EQ(sched.partition_idle_nodes(), 0);
  BatchJob train(sim, RunnableJob("train", 24, 24), nullptr);  // a 3-node gang
  sched.AddJob(&train, 1);
  sched.Reallocate();
  ASSERT_EQ(sched.idle_nodes(), 1);
  EXPECT_FALSE(sched.SetAvatarPartition(2));  // one idle node only
  EXPECT_EQ(sched.idle_nodes(), 1);
  EXPECT_EQ(sched.partition_idle_nodes(), 0);
  // Not partitioned: the avatar takes the idle node, then preempts the lower-ranked gang.
  EXPECT_GE(sched.GrantAvatarNode(), 0);
  EXPECT_GE(sched.GrantAvatarNode(), 0);
  EXPECT_EQ(train.preemptions(), 1);
}

// A 2-node gang on a 2-node pool, writing a checkpoint in 100 s and restarting in 10 s.
JobParams WindowJob() {
  JobParams p = RunnableJob("distill", 16, 16);
  p.checkpoint_interval_s = 1800;
  p.checkpoint_write_s = 100;
  return p;
}

TEST(FleetScheduler, WindowedJobRunsOnlyInsideItsDailyWindow) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 2, 0, true);
  BatchJob job(sim, WindowJob(), nullptr);
  sched.AddJob(&job, 1);
  sched.SetWindow(&job, 1 * kHour, 3 * kHour);
  sched.Reallocate();
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);  // 0 h: before the window
  sim.RunUntil(Time::FromSeconds(kHour - 1));
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.idle_nodes(), 2);
  sim.RunUntil(Time::FromSeconds(kHour));  // opens: starts (10 s restart)
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  sim.RunUntil(Time::FromSeconds(kHour + 10));
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  // Checkpoints at 5410, 7310, 9210 (+100 s each); the next would be at 11110.
  sim.RunUntil(Time::FromSeconds(3 * kHour - 101));
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  // The stop begins write_s = 100 s before the close at 3 h.
  sim.RunUntil(Time::FromSeconds(3 * kHour - 100));
  EXPECT_EQ(job.state(), BatchJob::State::kCheckpointing);
  EXPECT_TRUE(job.stopping());
  sim.RunUntil(Time::FromSeconds(3 * kHour - 1));
  EXPECT_EQ(job.state(), BatchJob::State::kCheckpointing);
  sim.RunUntil(Time::FromSeconds(3 * kHour));  // written: the nodes are free at the close
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.idle_nodes(), 2);
  EXPECT_EQ(job.stops(), 1);
  EXPECT_EQ(job.preemptions(), 0);
  // Saved all of its work: 7200 - 100 (stop) - 10 (restart) - 300 (3 writes) = 6790 s x 16,000.
  EXPECT_DOUBLE_EQ(job.tokens_committed(), 6790 * 16000.0);
  EXPECT_DOUBLE_EQ(job.TokensDone(), job.tokens_committed());
  EXPECT_DOUBLE_EQ(job.LostGpuSeconds(), 10 * 16.0);  // only the restart
  sim.RunUntil(Time::FromSeconds(25 * kHour - 1));    // waits through the night
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(job.restarts(), 1);
  sim.RunUntil(Time::FromSeconds(25 * kHour));  // opens again the next day
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  sim.RunUntil(Time::FromSeconds(25 * kHour + 10));
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  EXPECT_DOUBLE_EQ(job.TokensDone(), 6790 * 16000.0);  // resumes from the saved tokens
  sim.RunUntil(Time::FromSeconds(27 * kHour));         // and stops again at the next close
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(job.stops(), 2);
}

TEST(FleetScheduler, WindowSpanningMidnight) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 2, 0, true);
  BatchJob job(sim, WindowJob(), nullptr);
  sched.AddJob(&job, 1);
  sched.SetWindow(&job, 22 * kHour, 2 * kHour);
  sched.Reallocate();
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);  // 0 h is inside 22 h..2 h
  // From 10 s: checkpoints at 1810, 3710, 5610 (+100 s); the next (7510) is after the stop.
  sim.RunUntil(Time::FromSeconds(2 * kHour - 101));
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  sim.RunUntil(Time::FromSeconds(2 * kHour - 100));
  EXPECT_EQ(job.state(), BatchJob::State::kCheckpointing);
  EXPECT_TRUE(job.stopping());
  sim.RunUntil(Time::FromSeconds(2 * kHour));
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.idle_nodes(), 2);
  sim.RunUntil(Time::FromSeconds(22 * kHour - 1));
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  sim.RunUntil(Time::FromSeconds(22 * kHour));
  EXPECT_EQ(job.state(), BatchJob::State::kRestarting);
  sim.RunUntil(Time::FromSeconds(24 * kHour));  // through midnight
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  // From 79210: checkpoints every 1900 s up to 92410 (+100); the next (94310) is after the stop.
  sim.RunUntil(Time::FromSeconds(26 * kHour - 101));
  EXPECT_EQ(job.state(), BatchJob::State::kRunning);
  sim.RunUntil(Time::FromSeconds(26 * kHour - 100));
  EXPECT_EQ(job.state(), BatchJob::State::kCheckpointing);
  sim.RunUntil(Time::FromSeconds(26 * kHour));
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(job.stops(), 2);
  EXPECT_EQ(job.preemptions(), 0);
}

// A job still restarting at the close releases its nodes at once and is not restarted before
// the next opening (the window counts as closed from its end less the checkpoint write).
TEST(FleetScheduler, WindowCloseDuringARestartLeavesTheJobStopped) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 2, 0, true);
  JobParams p = WindowJob();
  p.restart_s = 4 * kHour;  // started at 1 h, still restarting at the stop (3 h - 100 s)
  BatchJob job(sim, p, nullptr);
  sched.AddJob(&job, 1);
  sched.SetWindow(&job, 1 * kHour, 3 * kHour);
  sched.Reallocate();
  sim.RunUntil(Time::FromSeconds(3 * kHour - 101));
  ASSERT_EQ(job.state(), BatchJob::State::kRestarting);
  sim.RunUntil(Time::FromSeconds(3 * kHour));
  EXPECT_EQ(job.stops(), 1);
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.idle_nodes(), 2);
  sim.RunUntil(Time::FromSeconds(12 * kHour));  // outside the window: still waiting
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.idle_nodes(), 2);
}

// A window no longer than the checkpoint write leaves no time to run: the job never starts.
TEST(FleetScheduler, WindowShorterThanTheCheckpointWriteStillEnds) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 2, 0, true);
  BatchJob job(sim, WindowJob(), nullptr);  // checkpoint_write_s = 100
  sched.AddJob(&job, 1);
  sched.SetWindow(&job, 1 * kHour, 1 * kHour + 30);  // a 30 s window
  sched.Reallocate();
  sim.RunUntil(Time::FromSeconds(12 * kHour));  // long after the window: not holding nodes
  EXPECT_EQ(job.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.idle_nodes(), 2);
}

TEST(FleetScheduler, StrandedNodeSecondsAccrueWhileAGangWaitsForMoreThanIsIdle) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 4, 0, /*preemption=*/false);
  JobParams a = RunnableJob("a", 24, 24);  // 3 nodes; 24 GPUs x 1000 tokens/s for 490 s after 10 s
  a.tokens_target = 24 * 1000.0 * 490;
  BatchJob first(sim, a, nullptr);
  BatchJob second(sim, RunnableJob("b", 16, 16), nullptr);  // 2 nodes: cannot start on the 1 idle
  sched.AddJob(&first, 1);
  sched.AddJob(&second, 2);
  sched.Reallocate();
  ASSERT_EQ(first.nodes().size(), 3u);
  ASSERT_EQ(second.state(), BatchJob::State::kWaiting);
  sim.RunUntil(Time::FromSeconds(400));
  EXPECT_DOUBLE_EQ(sched.StrandedNodeSeconds(), 1 * 400.0);  // 1 idle node stranded
  sim.RunUntil(Time::FromSeconds(1000));
  // `a` finishes at 500: `b` starts on 2 of the 4 nodes, 2 idle but no one waits.
  EXPECT_TRUE(first.done());
  EXPECT_NE(second.state(), BatchJob::State::kWaiting);
  EXPECT_DOUBLE_EQ(sched.StrandedNodeSeconds(), 1 * 500.0);
  EXPECT_DOUBLE_EQ(sched.IdleNodeSeconds(), 1 * 500.0 + 2 * 500.0);
}

TEST(FleetScheduler, NoStrandedNodeSecondsWithoutAWaitingJob) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 4, 0, true);
  BatchJob train(sim, RunnableJob("train", 16, 16), nullptr);  // 2 of 4 nodes; 2 stay idle
  sched.AddJob(&train, 1);
  sched.Reallocate();
  sim.RunUntil(Time::FromSeconds(1000));
  EXPECT_DOUBLE_EQ(sched.IdleNodeSeconds(), 2 * 1000.0);
  EXPECT_DOUBLE_EQ(sched.StrandedNodeSeconds(), 0);
}

TEST(FleetScheduler, StrandedExcludesThePartitionAndJobsOutsideTheirWindow) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 5, 0, /*preemption=*/false);
  ASSERT_TRUE(sched.SetAvatarPartition(1));
  BatchJob first(sim, RunnableJob("a", 24, 24), nullptr);   // 3 nodes
  BatchJob second(sim, RunnableJob("b", 16, 16), nullptr);  // 2 nodes, only from 1 h
  sched.AddJob(&first, 1);
  sched.AddJob(&second, 2);
  sched.SetWindow(&second, 1 * kHour, 3 * kHour);
  sched.Reallocate();
  sim.RunUntil(Time::FromSeconds(kHour));
  // Before 1 h `b` is outside its window: nothing stranded.
  EXPECT_DOUBLE_EQ(sched.StrandedNodeSeconds(), 0);
  sim.RunUntil(Time::FromSeconds(kHour + 100));
  // In its window `b` waits for 2 nodes with 1 idle: that node is stranded (the idle partition
  // node is not, though it counts as idle).
  EXPECT_EQ(second.state(), BatchJob::State::kWaiting);
  EXPECT_DOUBLE_EQ(sched.StrandedNodeSeconds(), 1 * 100.0);
  EXPECT_DOUBLE_EQ(sched.IdleNodeSeconds(), 2 * (kHour + 100));
}

// On a topology of two 4-node pods, a 4-node gang goes into the pod that a 2-node job already
// uses only if it fits there; otherwise it takes the whole empty pod. A job spread over both
// pods runs at its cross-pod factor.
TEST(FleetScheduler, TopologyPlacesGangsInOnePodAndCrossPodJobsRunSlower) {
  Result<Topology> topo =
      Topology::Create(8, {/*nodes_per_domain=*/1, /*nodes_per_rack=*/2, /*racks_per_pod=*/2,
                           /*pod_oversubscription=*/7});
  ASSERT_TRUE(topo.ok()) << topo.status().ToString();
  sim::Simulator sim;
  FleetScheduler sched(sim, 8, 0, true);
  sched.SetTopology(&topo.value());
  BatchJob small(sim, RunnableJob("small", 16, 16), nullptr);  // 2 nodes
  BatchJob gang(sim, RunnableJob("gang", 32, 32), nullptr);    // 4 nodes
  sched.AddJob(&small, 1);
  sched.AddJob(&gang, 2);
  sched.Reallocate();
  ASSERT_EQ(small.nodes().size(), 2u);
  ASSERT_EQ(gang.nodes().size(), 4u);
  EXPECT_EQ(topo.value().PodsSpanned(small.nodes()), 1);
  EXPECT_EQ(topo.value().PodsSpanned(gang.nodes()), 1);
  EXPECT_NE(topo.value().PodOf(small.nodes()[0]), topo.value().PodOf(gang.nodes()[0]));

  // 6 nodes cannot fit one pod: the job spans two and runs at half its rate there.
  sim::Simulator sim2;
  FleetScheduler wide_sched(sim2, 8, 0, true);
  wide_sched.SetTopology(&topo.value());
  JobParams p = RunnableJob("wide", 48, 48);
  p.cross_pod_factor = 0.5;
  BatchJob wide(sim2, p, nullptr);
  wide.SetTopology(&topo.value());
  wide_sched.AddJob(&wide, 1);
  wide_sched.Reallocate();
  ASSERT_EQ(wide.nodes().size(), 6u);
  EXPECT_EQ(topo.value().PodsSpanned(wide.nodes()), 2);
  sim2.RunUntil(Time::FromSeconds(p.restart_s + 100));
  EXPECT_NEAR(wide.TokensDone(), 0.5 * p.tokens_per_gpu_second * 48 * 100, 1e-6);
  EXPECT_NEAR(wide.CrossPodSeconds(), 100, 1e-9);
}

// Serving grants: idle nodes first, then a lower-ranked gang stopped whole; a higher-ranked job
// is never touched, and a grant that cannot be met whole takes nothing.
TEST(FleetScheduler, ServingGrantsPreemptOnlyLowerRanksAndAreAllOrNothing) {
  sim::Simulator sim;
  FleetScheduler sched(sim, 6, /*avatar_rank=*/0, /*preemption=*/true);
  BatchJob high(sim, RunnableJob("high", 16, 16), nullptr);  // 2 nodes, rank 1
  BatchJob low(sim, RunnableJob("low", 24, 24), nullptr);    // 3 nodes, rank 3
  sched.AddJob(&high, 1);
  sched.AddJob(&low, 3);
  sched.Reallocate();
  ASSERT_EQ(sched.idle_nodes(), 1);
  std::vector<int> a = sched.GrantNodes(1, /*rank=*/2);  // the idle node
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(low.preemptions(), 0);
  std::vector<int> b = sched.GrantNodes(2, 2);  // the low gang stops whole; one node stays idle
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(low.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.idle_nodes(), 1);
  EXPECT_EQ(sched.reserved_nodes(), 3);
  // Two more would need the higher-ranked job's nodes: nothing is taken.
  EXPECT_TRUE(sched.GrantNodes(2, 2).empty());
  EXPECT_NE(high.state(), BatchJob::State::kWaiting);
  EXPECT_EQ(sched.reserved_nodes(), 3);
  sim.RunUntil(Time::FromSeconds(100));
  sched.ReturnNodes(b);  // the gang fits again and restarts
  EXPECT_EQ(sched.reserved_nodes(), 1);
  EXPECT_EQ(low.state(), BatchJob::State::kRestarting);
  sim.RunUntil(Time::FromSeconds(200));
  EXPECT_DOUBLE_EQ(sched.ServingNodeSeconds(), 3 * 100.0 + 1 * 100.0);
}

}  // namespace
}  // namespace capsim::models
