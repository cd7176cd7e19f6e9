#include "models/transformer_ops.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "tests/models/llm_test_support.h"

namespace capsim::models {
namespace {

using testing::GptOss120B;

// Architectures as in data/catalog.yaml (config.json of each model card); the catalog loader
// test checks the shipped file against the same model-card counts.
ModelSpec Llama3(const std::string& name, int64_t layers, int64_t hidden, int64_t heads,
                 int64_t ffn, double params) {
  ModelSpec m{name, params, params};
  m.layers = layers;
  m.hidden = hidden;
  m.heads = heads;
  m.kv_heads = 8;
  m.head_dim = hidden / heads;
  m.ffn = ffn;
  m.vocab = 128256;
  return m;
}
ModelSpec Llama3_8B() { return Llama3("llama-3-8b", 32, 4096, 32, 14336, 8.03e9); }
ModelSpec Llama3_70B() { return Llama3("llama-3-70b", 80, 8192, 64, 28672, 70.6e9); }
ModelSpec Llama3_405B() { return Llama3("llama-3-405b", 126, 16384, 128, 53248, 405.9e9); }
double Sum(const std::vector<Operation>& ops, const std::string& prefix, OpClass c,
           bool want_bytes = false) {
  double total = 0;
  for (const Operation& op : ops) {
    if (op.op_class == c && op.name.rfind(prefix, 0) == 0) {
      total += (want_bytes ? op.bytes : op.flops) * op.repeat;
    }
  }
  return total;
}
double GemmFlops(const std::vector<Operation>& ops) { return Sum(ops, "", OpClass::kGemm); }

const Operation* Find(const std::vector<Operation>& ops, const std::string& name) {
  for (const Operation& op : ops) {
    if (op.name == name) return &op;
  }
  return nullptr;
}
// Not on temporaries: the pointer would dangle.
const Operation* Find(std::vector<Operation>&& ops, const std::string& name) = delete;

int Count(const std::vector<Operation>& ops, const std::string& prefix) {
  int n = 0;
  for (const Operation& op : ops) n += op.name.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

// Relative difference.
double Rel(double a, double b) { return std::fabs(a - b) / std::fabs(b); }

TEST(ArchitectureParams, ReproduceModelCardCounts) {
  EXPECT_LT(Rel(ArchitectureParams(Llama3_8B()).total, 8.03e9), 0.02);
  EXPECT_LT(Rel(ArchitectureParams(Llama3_70B()).total, 70.6e9), 0.02);
  EXPECT_LT(Rel(ArchitectureParams(Llama3_405B()).total, 405.9e9), 0.02);
  EXPECT_LT(Rel(ArchitectureParams(GptOss120B()).total, 117e9), 0.02);
  EXPECT_LT(Rel(ArchitectureParams(GptOss120B()).per_token, 5.1e9), 0.02);
}

// Closed form of a training step, whole job (causal attention, s(s+1)/2 pairs per sequence):
//   forward = 2 x N_tok x G + 4 x L x H x d x (s + 1)/2 x G,  step = 3 x forward,
// N_tok = ArchitectureParams().per_token (matmul weights incl. LM head), G tokens, s seq, so
//   step = 6 N_tok G + 6 L h (s + 1) G        (H x d = h for Llama)
// Norm, loss and Adam FLOPs are outside the formula (< 0.01% here); tolerance 0.5%.
TEST(TrainingStepOps, Llama3_70BStepMatchesSixNDPlusAttention) {
  const ModelSpec m = Llama3_70B();
  const Parallelism par{.tp = 8, .pp = 4, .dp = 16};
  ASSERT_TRUE(CheckParallelism(m, par).ok());
  const int64_t seq = 4096, global = 1024 * seq;
  const auto ops = TrainingStepOps(m, par, global, seq, 1);
  const double job = TotalFlops(ops) * static_cast<double>(par.Gpus());
  const double g = static_cast<double>(global), s = static_cast<double>(seq);
  const double n_tok = ArchitectureParams(m).per_token;
  const double expected = 6 * n_tok * g + 6 * 80.0 * 8192 * (s + 1) * g;
  EXPECT_LT(Rel(job, expected), 0.005) << job << " vs " << expected;
  // The textbook 6 x params x tokens is within 5% (embedding lookup out, attention in).
  EXPECT_LT(Rel(job, 6 * 70.6e9 * g), 0.05);
  // Backward GEMMs are exactly twice the forward ones.
  double fwd = 0, bwd = 0;
  for (const Operation& op : ops) {
    if (op.op_class != OpClass::kGemm) continue;
    const bool is_bwd = op.name.find(".bwd") != std::string::npos;
    (is_bwd ? bwd : fwd) += op.flops * op.repeat;
  }
  EXPECT_DOUBLE_EQ(bwd, 2 * fwd);
  EXPECT_DOUBLE_EQ(TrainingMicroBatches(par, global, seq, 1), 64);
}

// Llama 3 405B recipe (workloads.md §8): 15.6T tokens, 3.8e25 FLOPs, TP8/PP16/DP128, 16M-token
// batches of 8,192-token sequences. Our per-token cost x 15.6T lands within 5% of 3.8e25.
TEST(TrainingStepOps, Llama3_405BRecipeMatchesPublishedTotal) {
  const ModelSpec m = Llama3_405B();
  const Parallelism par{.tp = 8, .pp = 16, .dp = 128};
  ASSERT_TRUE(CheckParallelism(m, par).ok());
  const int64_t seq = 8192, global = 16 * 1024 * 1024;
  const auto ops = TrainingStepOps(m, par, global, seq, 1);
  const double per_token = TotalFlops(ops) * static_cast<double>(par.Gpus()) / global;
  EXPECT_LT(Rel(per_token * 15.6e12, 3.8e25), 0.05);
  const double micro = TrainingMicroBatches(par, global, seq, 1);
  EXPECT_DOUBLE_EQ(micro, 16);
  EXPECT_DOUBLE_EQ(PipelineBubbleFraction(16, micro), 15.0 / 31.0);
  // Pipeline sends once per micro-batch forward and once backward.
  ASSERT_NE(Find(ops, "pp.send_recv"), nullptr);
  EXPECT_DOUBLE_EQ(Find(ops, "pp.send_recv")->repeat, 16);
  EXPECT_EQ(Find(ops, "pp.send_recv")->tier, LinkTier::kScaleOut);
  EXPECT_DOUBLE_EQ(Find(ops, "pp.send_recv")->bytes, 2.0 * seq * 16384 * 2);
  ASSERT_NE(Find(ops, "pp.send_recv.bwd"), nullptr);
  // Per-layer ops run layers / pp x micro-batches times.
  EXPECT_DOUBLE_EQ(Find(ops, "layer.attn.qkv")->repeat, 126.0 / 16 * 16);
}

TEST(PipelineBubbleFraction, OneFOneBFormula) {
  EXPECT_DOUBLE_EQ(PipelineBubbleFraction(1, 8), 0);
  EXPECT_DOUBLE_EQ(PipelineBubbleFraction(4, 64), 3.0 / 67.0);
}

// Decode closed form per generated token: 2 x N_tok + 4 x L x H x d x context.
TEST(DecodeOps, FlopsPerTokenAreTwoNPlusAttention) {
  const ModelSpec m = Llama3_70B();
  const Parallelism par{.tp = 8};
  const int64_t batch = 16, context = 2048;
  const auto ops = DecodeOps(m, par, batch, context);
  const double replica = TotalFlops(ops) * par.tp * par.pp;
  const double expected =
      batch * (2 * ArchitectureParams(m).per_token + 4.0 * 80 * 64 * 128 * context);
  EXPECT_LT(Rel(replica, expected), 0.005);
  EXPECT_LT(Rel(replica / batch, 2 * 70.6e9 + 4.0 * 80 * 64 * 128 * context), 0.03);
  // Decode attention reads the KV cache: 2 x kv_heads/tp x d x context per sequence and layer.
  const Operation* core = Find(ops, "layer.attn.core");
  ASSERT_NE(core, nullptr);
  EXPECT_EQ(core->op_class, OpClass::kAttentionDecode);
  EXPECT_EQ(core->heads, 8);
  EXPECT_EQ(core->kv_heads, 1);
  EXPECT_EQ(core->kv_len, context);
  // Logits are gathered over the TP ranks.
  ASSERT_NE(Find(ops, "tp.logits_allgather"), nullptr);
}

// Prefill closed form: 2 x (N_tok - LM head) x tokens + 2 x LM head x sequences (logits of the
// last token only) + 4 x L x H x d x s(s+1)/2 x sequences.
TEST(PrefillOps, FlopsAreTwoNTokensPlusCausalAttention) {
  const ModelSpec m = Llama3_8B();
  const int64_t batch = 2, seq = 1024;
  const auto ops = PrefillOps(m, Parallelism{}, batch, seq);
  const double head = 128256.0 * 4096;
  const double n_tok = ArchitectureParams(m).per_token;
  const double b = batch, s = seq;
  const double expected =
      2 * (n_tok - head) * b * s + 2 * head * b + 4.0 * 32 * 32 * 128 * s * (s + 1) / 2 * b;
  EXPECT_LT(Rel(TotalFlops(ops), expected), 0.005);
  EXPECT_EQ(Count(ops, "tp."), 0);
  EXPECT_EQ(Count(ops, "pp."), 0);
  EXPECT_EQ(Find(ops, "lm_head")->m, batch);
}

TEST(TensorParallel, DividesGemmFlopsAndAddsTwoAllReducesPerLayer) {
  const ModelSpec m = Llama3_70B();
  const auto one = PrefillOps(m, Parallelism{}, 4, 512);
  const auto eight = PrefillOps(m, Parallelism{.tp = 8}, 4, 512);
  EXPECT_DOUBLE_EQ(GemmFlops(eight), GemmFlops(one) / 8);
  EXPECT_EQ(Count(one, "tp.allreduce"), 0);
  ASSERT_EQ(Count(eight, "tp.allreduce"), 2);
  for (const char* name : {"tp.allreduce.attn", "tp.allreduce.mlp"}) {
    const Operation* ar = Find(eight, name);
    ASSERT_NE(ar, nullptr) << name;
    EXPECT_EQ(ar->collective, CollectiveKind::kAllReduce);
    EXPECT_EQ(ar->tier, LinkTier::kScaleUp);
    EXPECT_EQ(ar->ranks, 8);
    EXPECT_DOUBLE_EQ(ar->repeat, 80);
    EXPECT_DOUBLE_EQ(ar->bytes, 4.0 * 512 * 8192 * 2);  // tokens x hidden x bf16
  }
  // Training: 2 forward + 2 backward per layer and micro-batch.
  const auto train = TrainingStepOps(m, Parallelism{.tp = 8, .dp = 2}, 8 * 4096, 4096, 1);
  EXPECT_EQ(Count(train, "tp.allreduce"), 4);
  EXPECT_DOUBLE_EQ(Find(train, "tp.allreduce.mlp.bwd")->repeat, 80 * 4);
}

TEST(DataParallel, AllReducesBf16GradientsOfTheLocalShard) {
  const ModelSpec m = Llama3_70B();
  const Parallelism par{.tp = 8, .pp = 4, .dp = 16};
  const auto ops = TrainingStepOps(m, par, 1024 * 4096, 4096, 1);
  const Operation* ar = Find(ops, "dp.grad_allreduce");
  ASSERT_NE(ar, nullptr);
  EXPECT_EQ(ar->ranks, 16);
  EXPECT_EQ(ar->tier, LinkTier::kScaleOut);  // 8 x 16 ranks span more than one NVLink domain
  EXPECT_DOUBLE_EQ(ar->bytes, ArchitectureParams(m).total * 2 / 32);
  EXPECT_LT(Rel(ar->bytes, 70.6e9 * 2 / 32), 0.01);
  EXPECT_DOUBLE_EQ(ar->repeat, 1);
  // Adam: 28 bytes of traffic per local parameter.
  EXPECT_DOUBLE_EQ(Find(ops, "optimizer.adam")->bytes, 28 * ParamsPerGpu(m, par));
  EXPECT_EQ(Find(ops, "dp.grad_reduce_scatter"), nullptr);

  Parallelism zero = par;
  zero.distributed_optimizer = true;
  const auto z = TrainingStepOps(m, zero, 1024 * 4096, 4096, 1);
  EXPECT_EQ(Find(z, "dp.grad_allreduce"), nullptr);
  ASSERT_NE(Find(z, "dp.grad_reduce_scatter"), nullptr);
  ASSERT_NE(Find(z, "dp.param_allgather"), nullptr);
  EXPECT_DOUBLE_EQ(Find(z, "optimizer.adam")->bytes, 28 * ParamsPerGpu(m, par) / 16);
  // No data parallelism, no gradient reduction.
  EXPECT_EQ(Count(TrainingStepOps(m, Parallelism{.tp = 8}, 4096, 4096, 1), "dp."), 0);
}

TEST(MixtureOfExperts, DecodeCostsActiveParametersAndReadsOnlyHitExperts) {
  const ModelSpec m = GptOss120B();
  ASSERT_TRUE(CheckParallelism(m, Parallelism{}).ok());
  const int64_t context = 128;
  const double attention = 4.0 * 36 * 64 * 64 * context;
  for (int64_t batch : {1, 64, 4096}) {
    const auto ops = DecodeOps(m, Parallelism{}, batch, context);
    const double per_token = TotalFlops(ops) / batch;
    EXPECT_LT(Rel(per_token, 2 * ArchitectureParams(m).per_token + attention), 0.005) << batch;
    EXPECT_LT(Rel(per_token - attention, 2 * 5.1e9), 0.02) << batch;
  }
  // One token touches its 4 experts' weights; a large batch touches all 128.
  const std::vector<Operation> one_ops = DecodeOps(m, Parallelism{}, 1, context);
  const Operation* one = Find(one_ops, "layer.moe.up");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->m, 1);
  EXPECT_DOUBLE_EQ(one->repeat, 4 * 36);
  const std::vector<Operation> many_ops = DecodeOps(m, Parallelism{}, 4096, context);
  const Operation* many = Find(many_ops, "layer.moe.up");
  ASSERT_NE(many, nullptr);
  EXPECT_EQ(many->m, 4096 * 4 / 128);
  EXPECT_DOUBLE_EQ(many->repeat, 128 * 36);
}

TEST(MixtureOfExperts, ExpertParallelShardsExpertsAndAddsAllToAll) {
  const ModelSpec m = GptOss120B();
  const Parallelism par{.dp = 8, .ep = 8};
  ASSERT_TRUE(CheckParallelism(m, par).ok());
  const auto ops = DecodeOps(m, par, 4096, 128);
  const Operation* up = Find(ops, "layer.moe.up");
  EXPECT_EQ(up->m, 4096 * 4 * 8 / 128);
  EXPECT_DOUBLE_EQ(up->repeat, 16 * 36);  // 128 / 8 experts per GPU
  for (const char* name : {"ep.dispatch", "ep.combine"}) {
    const Operation* a2a = Find(ops, name);
    ASSERT_NE(a2a, nullptr) << name;
    EXPECT_EQ(a2a->collective, CollectiveKind::kAllToAll);
    EXPECT_EQ(a2a->ranks, 8);
    EXPECT_EQ(a2a->tier, LinkTier::kScaleUp);
    EXPECT_DOUBLE_EQ(a2a->bytes, 4096.0 * 4 * 2880 * 2);
  }
  // Expert FLOPs per GPU are those of its own tokens, whatever ep.
  EXPECT_DOUBLE_EQ(Sum(ops, "layer.moe.up", OpClass::kGemm),
                   Sum(DecodeOps(m, Parallelism{}, 4096, 128), "layer.moe.up", OpClass::kGemm));
  // Training: the expert gradients are reduced over dp / ep replicas only.
  const Parallelism train{.dp = 16, .ep = 8};
  const auto t = TrainingStepOps(m, train, 16 * 4096, 4096, 1);
  const Operation* eg = Find(t, "dp.expert_grad_allreduce");
  ASSERT_NE(eg, nullptr);
  EXPECT_EQ(eg->ranks, 2);
  EXPECT_DOUBLE_EQ(eg->bytes, ArchitectureParams(m).expert / 8 * 2);
  EXPECT_DOUBLE_EQ(Find(t, "dp.grad_allreduce")->bytes,
                   (ArchitectureParams(m).total - ArchitectureParams(m).expert) * 2);
}

TEST(Parallelism, TiersFollowRankSpans) {
  Parallelism p{.tp = 8, .pp = 2, .dp = 4, .ep = 2};
  EXPECT_EQ(p.Gpus(), 64);
  EXPECT_EQ(p.TpTier(), LinkTier::kScaleUp);
  EXPECT_EQ(p.EpTier(), LinkTier::kScaleOut);
  EXPECT_EQ(p.DpTier(), LinkTier::kScaleOut);
  p.scale_up_domain = 72;  // GB200 NVL72
  EXPECT_EQ(p.EpTier(), LinkTier::kScaleUp);
  EXPECT_EQ(p.DpTier(), LinkTier::kScaleUp);
  EXPECT_EQ(p.PpTier(), LinkTier::kScaleUp);
}

TEST(CheckParallelism, RejectsUnevenSplits) {
  const ModelSpec m = Llama3_70B();
  EXPECT_TRUE(CheckParallelism(m, Parallelism{.tp = 16}).ok());  // KV heads replicated
  const Status bad = CheckParallelism(m, Parallelism{.tp = 3, .ep = 2});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.ToString().find("tp 3 does not divide 64 heads"), std::string::npos);
  EXPECT_NE(bad.ToString().find("ep > 1 on a dense model"), std::string::npos);
  EXPECT_FALSE(CheckParallelism(m, Parallelism{.pp = 81}).ok());
  EXPECT_FALSE(CheckParallelism(ModelSpec{"x", 1e9, 1e9}, Parallelism{}).ok());
  EXPECT_FALSE(CheckParallelism(GptOss120B(), Parallelism{.dp = 4, .ep = 8}).ok());
}

}  // namespace
}  // namespace capsim::models
