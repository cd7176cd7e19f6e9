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
