// AvatarPipeline: a lone session's times equal the sum of its priced stages; frame misses rise
// where the face batch crosses the frame interval; admission limits; conservation; determinism.
#include "models/avatar_pipeline.h"

#include <gtest/gtest.h>

#include <memory>

#include "models/fleet_scheduler.h"
#include "tests/models/avatar_test_support.h"

namespace capsim::models {
namespace {

using testing::FlatPerfModel;
using testing::TestAvatar;
using testing::TestAvatarCatalog;
using testing::TestReplicaSpec;

PoolSpec Pool(int nodes) {
  PoolSpec p;
  p.name = "pool";
  p.gpu = "TEST-GPU";
  p.nodes = nodes;
  p.gpus_per_node = 8;
  return p;
}

// Deterministic turns: no lognormal spread, 5 s user turns and agent replies.
AvatarSpec Avatar(double rate) {
  AvatarSpec a = TestAvatar(rate);
  a.replica = TestReplicaSpec();
  a.latency_sigma = 0;
  a.turn_sigma = 0;
  a.user_speaking_mean_s = 5;
  a.agent_speaking_mean_s = 5;
  a.session_length = {100, 100, 0};
  return a;
}

struct Harness {
  explicit Harness(const AvatarSpec& spec, int nodes = 4, uint64_t seed = 1)
      : catalog(TestAvatarCatalog()), perf(FlatPerfModel()), pool(Pool(nodes)),
        scheduler(sim, nodes, 0, true, 0) {
    Result<std::unique_ptr<AvatarPipeline>> p =
        AvatarPipeline::Create(sim, spec, pool, policy, scheduler, catalog, perf, seed, 0);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (p.ok()) pipeline = std::move(p).value();
  }
  sim::Simulator sim;
  Catalog catalog;
  PerfModel perf;
  PoolSpec pool;
  PolicySpec policy;
  FleetScheduler scheduler;
  std::unique_ptr<AvatarPipeline> pipeline;
};

TEST(AvatarPipelineTest, LoneSessionTimesAreTheSumOfItsPricedStages) {
  AvatarSpec spec = Avatar(1.0);
  spec.max_sessions = 1;
  Harness h(spec);
  ASSERT_NE(h.pipeline, nullptr);
  AvatarPipeline& p = *h.pipeline;
  p.Start();
  while (p.sessions_admitted() == 0) h.sim.RunUntil(h.sim.Now() + sim::Duration::Seconds(0.01));
  h.sim.RunUntil(h.sim.Now() + sim::Duration::Seconds(8));  // the first turn only
  ASSERT_EQ(p.turns(), 1u);

  // The stages, priced independently: end of turn, ASR alone on its GPU, the LLM's first chunk
  // of a 700-token prompt (500 system + 200 turn) on an idle replica, TTS alone, the network.
  Result<LlmStagePool> llm = LlmStagePool::Create(h.catalog.models[0], h.perf, spec.replica->llm);
  ASSERT_TRUE(llm.ok());
  const double first_chunk = llm.value().TryStart(700, 700, 0.5)->first_chunk_s;
  const double ttfa = 0.06 + 0.08 + first_chunk + 0.095 + spec.network.latency_s;
  EXPECT_NEAR(p.ttfa().Quantile(0.5), ttfa, ttfa * 0.006);
  // Video: one interval of look-ahead, up to one interval waiting for the batch, the batch of one
  // frame, encode.
  const double batch = p.face_table().BatchTime(1);
  const double lo = ttfa + 0.04 + batch + 0.02, hi = lo + 0.04;
  EXPECT_GE(p.ttff().Quantile(0.5), lo * 0.995);
  EXPECT_LE(p.ttff().Quantile(0.5), hi * 1.005);
  EXPECT_EQ(p.llm_ttft().count(), 1u);
}

// All sessions render all the time (render_idle) on one replica that may hold 12.
double MissRateWith(int sessions) {
  AvatarSpec spec = Avatar(10.0);
  spec.replica->render_idle = true;
  spec.replica->overcommit = 2;
  spec.max_sessions = sessions;
  spec.session_length = {1e5, 1e5, 0};
  Harness h(spec);
  h.pipeline->Start();
  h.sim.RunUntil(sim::Time::FromSeconds(300));
  h.pipeline->Finish();
  EXPECT_EQ(h.pipeline->active_sessions(), sessions);
  return h.pipeline->missed_frames() / h.pipeline->frames();
}

TEST(AvatarPipelineTest, MissRateRisesWhereTheBatchCrossesTheFrameInterval) {
  // TEST-GPU batches: 5 ms a frame, 40 ms interval: 8 streams reach it (face_replica_test.cc).
  Harness probe(Avatar(1.0));
  const FaceBatchTable& t = probe.pipeline->face_table();
  ASSERT_GE(t.BatchTime(8), 0.04);
  ASSERT_LT(t.BatchTime(7), 0.04);
  EXPECT_LT(MissRateWith(5), 1e-4);
  const double seven = MissRateWith(7);
  EXPECT_GT(seven, 0.9 * t.MissProbability(7));
  EXPECT_LE(seven, t.MissProbability(7));
  EXPECT_GT(MissRateWith(9), 0.95);
}

TEST(AvatarPipelineTest, FaceCapacityAndEncodersLimitAdmission) {
  AvatarSpec spec = Avatar(2.0);
  spec.session_length = {1e4, 1e4, 0};
  Harness h(spec, /*nodes=*/2);  // a stage node and one face node: 8 replicas x 6 sessions
  h.pipeline->Start();
  h.sim.RunUntil(sim::Time::FromSeconds(600));
  EXPECT_EQ(h.pipeline->active_sessions(), 48);
  EXPECT_GT(h.pipeline->rejected_by_face(), 0u);
  EXPECT_EQ(h.pipeline->rejected_by_encode(), 0u);

  spec.replica->encode.where = EncodeSpec::Where::kEncoderPool;
  spec.replica->encode.gpu = "L4";
  spec.replica->encode.gpus = 1;
  spec.replica->encode.streams_per_gpu = 4;
  Harness e(spec, 2);
  e.pipeline->Start();
  e.sim.RunUntil(sim::Time::FromSeconds(600));
  EXPECT_EQ(e.pipeline->active_sessions(), 4);
  EXPECT_GT(e.pipeline->rejected_by_encode(), 0u);
  EXPECT_EQ(e.pipeline->encoder_gpus(), 1);
}

TEST(AvatarPipelineTest, ConservesSessionsAndIsDeterministic) {
  AvatarSpec spec = Avatar(0.5);
  spec.latency_sigma = 0.3;
  spec.turn_sigma = 0.5;
  spec.session_length = {360, 600, 3600};
  auto run = [&](uint64_t seed) {
    Harness h(spec, 4, seed);
    h.pipeline->Start();
    h.sim.RunUntil(sim::Time::FromSeconds(7200));
    h.pipeline->Finish();
    const AvatarPipeline& p = *h.pipeline;
    EXPECT_EQ(p.sessions_arrived(), p.sessions_admitted() + p.rejected_by_limit() + p.rejected_by_capacity());
    EXPECT_EQ(p.sessions_admitted(), p.sessions_ended() + static_cast<uint64_t>(p.active_sessions()));
    EXPECT_GT(p.turns(), 100u);
    EXPECT_GT(p.frames(), 0);
    return std::make_tuple(p.sessions_admitted(), p.turns(), p.frames(), p.ttff().Quantile(0.99),
                           p.ttfa().Quantile(0.5));
  };
  EXPECT_EQ(run(3), run(3));
  EXPECT_NE(run(3), run(4));
}

TEST(AvatarPipelineTest, CreateErrors) {
  sim::Simulator sim;
  const Catalog catalog = TestAvatarCatalog();
  const PerfModel perf = FlatPerfModel();
  PolicySpec policy;
  auto create = [&](const AvatarSpec& spec, int nodes) {
    FleetScheduler sched(sim, nodes, 0, true, 0);
    return AvatarPipeline::Create(sim, spec, Pool(nodes), policy, sched, catalog, perf, 1, 0)
        .status()
        .ToString();
  };
  AvatarSpec spec = Avatar(1);
  spec.replica->gpus_per_replica = 3;
  EXPECT_NE(create(spec, 4).find("gpus_per_replica: 3 must divide the pool's 8"), std::string::npos);
  spec = Avatar(1);
  spec.replica->asr.gpus = 20;
  EXPECT_NE(create(spec, 3).find("need 22 GPUs (3 nodes) plus a face node; pool 'pool' has 3"),
            std::string::npos)
      << create(spec, 3);
  spec = Avatar(1);
  spec.replica->face_model = "nope";
  EXPECT_NE(create(spec, 4).find("face_model: unknown 'nope'"), std::string::npos);
  spec = Avatar(1);
  spec.replica->llm.model = "nope";
  EXPECT_NE(create(spec, 4).find("llm.model: unknown 'nope'"), std::string::npos);
  spec = Avatar(1);
  spec.replica.reset();
  EXPECT_NE(create(spec, 4).find("no replica-level pipeline"), std::string::npos);
}

}  // namespace
}  // namespace capsim::models
