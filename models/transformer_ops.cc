#include "models/transformer_ops.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

namespace capsim::models {
namespace {

// Per-GPU sizes of one model under one layout.
struct Shard {
  int64_t hidden = 0;
  int64_t heads = 0;     // query heads per GPU
  int64_t kv_heads = 0;  // KV heads per GPU
  int64_t head_dim = 0;
  int64_t ffn = 0;         // dense FFN columns per GPU
  int64_t expert_ffn = 0;  // expert FFN columns per GPU
  int64_t vocab = 0;       // LM-head columns per GPU
  double layers = 0;       // layers per pipeline stage (average)
  double bpe = 2;          // bytes per element
  DType dtype = DType::kBF16;
};

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

Shard MakeShard(const ModelSpec& model, const Parallelism& par) {
  Shard s;
  s.hidden = model.hidden;
  s.head_dim = model.head_dim > 0 ? model.head_dim : model.hidden / model.heads;
  s.heads = model.heads / par.tp;
  s.kv_heads = std::max<int64_t>(1, model.kv_heads / par.tp);
  s.ffn = model.ffn / par.tp;
  s.expert_ffn = model.expert_ffn / par.tp;
  s.vocab = CeilDiv(model.vocab, par.tp);
  s.layers = static_cast<double>(model.layers) / par.pp;
  s.dtype = model.dtype;
  s.bpe = BytesPerElement(model.dtype);
  return s;
}

enum class Mode { kPrefill, kDecode, kTrain };

// Appends `op` with `repeat` to `ops`.
void Add(std::vector<Operation>* ops, Operation op, double repeat) {
  op.repeat = repeat;
  ops->push_back(std::move(op));
}

// Appends the forward operations of one transformer block over `batch` sequences of `q_len`
// new tokens attending to `kv_len` keys, each with repeat `repeat`.
void AppendLayer(const ModelSpec& model, const Parallelism& par, const Shard& s, Mode mode,
                 int64_t batch, int64_t q_len, int64_t kv_len, double repeat,
                 std::vector<Operation>* ops) {
  const int64_t t = batch * q_len;
  const double td = static_cast<double>(t), h = static_cast<double>(s.hidden);
  const DType dt = s.dtype;
  const double act = td * h * s.bpe;  // one activation tensor [tokens x hidden]

  Add(ops, Memory("layer.attn_norm", 3 * act, 5 * td * h, dt), repeat);  // residual + RMSNorm
  Add(ops, Gemm("layer.attn.qkv", t, (s.heads + 2 * s.kv_heads) * s.head_dim, s.hidden, dt),
      repeat);
  if (mode != Mode::kTrain) {
    const double kv_bytes = td * 2 * static_cast<double>(s.kv_heads * s.head_dim) * s.bpe;
    Add(ops, Memory("layer.attn.kv_write", kv_bytes, 0, dt), repeat);
  }
  if (mode == Mode::kDecode) {
    Add(ops, AttentionDecode("layer.attn.core", batch, s.heads, s.kv_heads, s.head_dim, kv_len, dt),
        repeat);
  } else {
    Add(ops,
        AttentionPrefill("layer.attn.core", batch, s.heads, s.kv_heads, s.head_dim, q_len, kv_len,
                         dt),
        repeat);
  }
  Add(ops, Gemm("layer.attn.o", t, s.hidden, s.heads * s.head_dim, dt), repeat);
  if (par.tp > 1) {
    Add(ops,
        Collective("tp.allreduce.attn", CollectiveKind::kAllReduce, par.TpTier(), par.tp, act, dt),
        repeat);
  }
  Add(ops, Memory("layer.mlp_norm", 3 * act, 5 * td * h, dt), repeat);
  if (s.ffn > 0) {
    const double f = static_cast<double>(s.ffn);
    Add(ops, Gemm("layer.mlp.up", t, 2 * s.ffn, s.hidden, dt), repeat);             // gate and up
    Add(ops, Memory("layer.mlp.act", 3 * td * f * s.bpe, 4 * td * f, dt), repeat);  // SwiGLU
    Add(ops, Gemm("layer.mlp.down", t, s.hidden, s.ffn, dt), repeat);
  }
  if (model.IsMoe()) {
    const double k = static_cast<double>(model.active_experts);
    const double experts = static_cast<double>(model.experts);
    const double rows = td * k;  // expert rows computed by this GPU (uniform routing)
    const double group_rows = rows * par.ep;
    const double hit = experts * (1 - std::pow(1 - 1 / experts, group_rows));
    const int64_t m = std::max<int64_t>(1, std::llround(group_rows / hit));
    const double expert_repeat = repeat * rows / static_cast<double>(m);
    const double f = static_cast<double>(s.expert_ffn);
    Add(ops, Gemm("layer.moe.router", t, model.experts, s.hidden, dt), repeat);
    if (par.ep > 1) {
      Add(ops,
          Collective("ep.dispatch", CollectiveKind::kAllToAll, par.EpTier(), par.ep,
                     rows * h * s.bpe, dt),
          repeat);
    }
    Add(ops, Gemm("layer.moe.up", m, 2 * s.expert_ffn, s.hidden, dt), expert_repeat);
    Add(ops, Memory("layer.moe.act", 3 * rows * f * s.bpe, 4 * rows * f, dt), repeat);
    Add(ops, Gemm("layer.moe.down", m, s.hidden, s.expert_ffn, dt), expert_repeat);
    if (par.ep > 1) {
      Add(ops,
          Collective("ep.combine", CollectiveKind::kAllToAll, par.EpTier(), par.ep,
                     rows * h * s.bpe, dt),
          repeat);
    }
  }
  if (par.tp > 1) {
    Add(ops,
        Collective("tp.allreduce.mlp", CollectiveKind::kAllReduce, par.TpTier(), par.tp, act, dt),
        repeat);
  }
}

// Appends the pipeline send/receive of `tokens` activations when pp > 1.
void AppendPipelineSend(const Parallelism& par, const Shard& s, int64_t tokens, double repeat,
                        const std::string& name, std::vector<Operation>* ops) {
  if (par.pp <= 1) return;
  const double bytes = 2 * static_cast<double>(tokens) * static_cast<double>(s.hidden) * s.bpe;
  Add(ops, Collective(name, CollectiveKind::kAllGather, par.PpTier(), 2, bytes, s.dtype), repeat);
}

// Appends the embedding lookup of `tokens` tokens.
void AppendEmbedding(const Shard& s, int64_t tokens, double repeat, std::vector<Operation>* ops) {
  const double act = static_cast<double>(tokens) * static_cast<double>(s.hidden) * s.bpe;
  Add(ops, Memory("embedding", 2 * act, 0, s.dtype), repeat);
}

// Appends the final norm and LM head over `rows` tokens (and the logits gather in inference).
void AppendHead(const Parallelism& par, const Shard& s, int64_t rows, Mode mode, double repeat,
                std::vector<Operation>* ops) {
  const double r = static_cast<double>(rows), h = static_cast<double>(s.hidden);
  Add(ops, Memory("final_norm", 2 * r * h * s.bpe, 5 * r * h, s.dtype), repeat);
  Add(ops, Gemm("lm_head", rows, s.vocab, s.hidden, s.dtype), repeat);
  const double v = static_cast<double>(s.vocab);
  if (mode == Mode::kTrain) {
    Add(ops, Memory("loss", 3 * r * v * s.bpe, 5 * r * v, s.dtype), repeat);  // softmax + CE
  } else if (par.tp > 1) {
    Add(ops,
        Collective("tp.logits_allgather", CollectiveKind::kAllGather, par.TpTier(), par.tp,
                   r * v * par.tp * s.bpe, s.dtype),
        repeat);
  }
}

// The backward operations of the forward list `fwd`, in reverse order: a GEMM gives its
// data-gradient and weight-gradient GEMMs, everything else a ".bwd" copy with twice the FLOPs
// and bytes (collectives: the same message).
std::vector<Operation> Backward(const std::vector<Operation>& fwd) {
  std::vector<Operation> bwd;
  for (auto it = fwd.rbegin(); it != fwd.rend(); ++it) {
    const Operation& f = *it;
    if (f.op_class == OpClass::kGemm) {
      Add(&bwd, Gemm(f.name + ".bwd_data", f.m, f.k, f.n, f.dtype), f.repeat);
      Add(&bwd, Gemm(f.name + ".bwd_weight", f.k, f.n, f.m, f.dtype), f.repeat);
      continue;
    }
    Operation b = f;
    b.name += ".bwd";
    if (f.op_class != OpClass::kCollective) {
      b.flops *= 2;
      b.bytes *= 2;
    }
    bwd.push_back(std::move(b));
  }
  return bwd;
}

}  // namespace

Status CheckParallelism(const ModelSpec& model, const Parallelism& par) {
  std::vector<std::string> problems;
  auto need = [&](bool ok, const std::string& what) {
    if (!ok) problems.push_back(model.name + ": " + what);
  };
  need(model.HasArchitecture(), "no architecture (layers, hidden, heads, ...) in the catalog");
  need(par.tp >= 1 && par.pp >= 1 && par.dp >= 1 && par.ep >= 1,
       "tp, pp, dp and ep must be at least 1");
  need(par.scale_up_domain >= 1, "scale_up_domain must be at least 1");
  if (!problems.empty()) return Status::Errors(problems);
  need(model.heads % par.tp == 0, "tp " + std::to_string(par.tp) + " does not divide " +
                                      std::to_string(model.heads) + " heads");
  need(model.kv_heads > 0 && (model.kv_heads % par.tp == 0 || par.tp % model.kv_heads == 0),
       "tp " + std::to_string(par.tp) + " and " + std::to_string(model.kv_heads) +
           " KV heads: one must divide the other");
  need(model.ffn % par.tp == 0,
       "tp " + std::to_string(par.tp) + " does not divide FFN size " + std::to_string(model.ffn));
  need(par.pp <= model.layers,
       "pp " + std::to_string(par.pp) + " exceeds " + std::to_string(model.layers) + " layers");
  need(par.dp % par.ep == 0,
       "ep " + std::to_string(par.ep) + " does not divide dp " + std::to_string(par.dp));
  if (model.IsMoe()) {
    need(model.active_experts >= 1 && model.active_experts <= model.experts,
         "active_experts must be in 1..experts");
    need(model.experts % par.ep == 0, "ep " + std::to_string(par.ep) + " does not divide " +
                                          std::to_string(model.experts) + " experts");
    need(model.expert_ffn > 0 && model.expert_ffn % par.tp == 0,
         "tp " + std::to_string(par.tp) + " does not divide expert FFN size " +
             std::to_string(model.expert_ffn));
  } else {
    need(par.ep == 1, "ep > 1 on a dense model");
    need(model.ffn > 0, "a dense model needs an FFN size");
  }
  if (!problems.empty()) return Status::Errors(problems);
  return Status::Ok();
}

std::vector<Operation> PrefillOps(const ModelSpec& model, const Parallelism& par, int64_t batch,
                                  int64_t seq) {
  assert(CheckParallelism(model, par).ok() && batch > 0 && seq > 0);
  const Shard s = MakeShard(model, par);
  const double stage = 1.0 / par.pp;
  std::vector<Operation> ops;
  AppendEmbedding(s, batch * seq, stage, &ops);
  AppendLayer(model, par, s, Mode::kPrefill, batch, seq, seq, s.layers, &ops);
  AppendPipelineSend(par, s, batch * seq, 1, "pp.send_recv", &ops);
  AppendHead(par, s, batch, Mode::kPrefill, stage, &ops);  // logits of the last tokens only
  return ops;
}

std::vector<Operation> DecodeOps(const ModelSpec& model, const Parallelism& par, int64_t batch,
                                 int64_t context) {
  assert(CheckParallelism(model, par).ok() && batch > 0 && context > 0);
  const Shard s = MakeShard(model, par);
  const double stage = 1.0 / par.pp;
  std::vector<Operation> ops;
  AppendEmbedding(s, batch, stage, &ops);
  AppendLayer(model, par, s, Mode::kDecode, batch, 1, context, s.layers, &ops);
  AppendPipelineSend(par, s, batch, 1, "pp.send_recv", &ops);
  AppendHead(par, s, batch, Mode::kDecode, stage, &ops);
  return ops;
}

double TrainingMicroBatches(const Parallelism& par, int64_t global_batch_tokens, int64_t seq,
                            int64_t micro_batch_seqs) {
  const double per_micro = static_cast<double>(par.dp) * static_cast<double>(micro_batch_seqs) *
                           static_cast<double>(seq);
  return std::max(1.0, static_cast<double>(global_batch_tokens) / per_micro);
}

double PipelineBubbleFraction(int pp, double micro_batches) {
  assert(pp >= 1 && micro_batches > 0);
  return (pp - 1) / (micro_batches + pp - 1);
}

double ParamsPerGpu(const ModelSpec& model, const Parallelism& par) {
  const ParamCounts c = ArchitectureParams(model);
  const double split = static_cast<double>(par.tp) * par.pp;
  return (c.total - c.expert) / split + c.expert / (split * par.ep);
}

std::vector<Operation> TrainingStepOps(const ModelSpec& model, const Parallelism& par,
                                       int64_t global_batch_tokens, int64_t seq,
                                       int64_t micro_batch_seqs) {
  assert(CheckParallelism(model, par).ok() && seq > 0 && micro_batch_seqs > 0);
  const Shard s = MakeShard(model, par);
  const double micro = TrainingMicroBatches(par, global_batch_tokens, seq, micro_batch_seqs);
  const int64_t tokens = micro_batch_seqs * seq;  // per micro-batch
  const double stage = micro / par.pp;

  std::vector<Operation> fwd;
  AppendEmbedding(s, tokens, stage, &fwd);
  AppendLayer(model, par, s, Mode::kTrain, micro_batch_seqs, seq, seq, s.layers * micro, &fwd);
  AppendPipelineSend(par, s, tokens, micro, "pp.send_recv", &fwd);
  AppendHead(par, s, tokens, Mode::kTrain, stage, &fwd);
  std::vector<Operation> ops = fwd;
  for (Operation& op : Backward(fwd)) ops.push_back(std::move(op));

  // Gradient reduction over the data-parallel ranks (BF16 gradients).
  const ParamCounts c = ArchitectureParams(model);
  const double split = static_cast<double>(par.tp) * par.pp;
  const double dense_local = (c.total - c.expert) / split;
  const double expert_local = c.expert / (split * par.ep);
  const int expert_dp = par.dp / par.ep;  // replicas of each expert shard
  auto reduce = [&](const std::string& prefix, int ranks, double params) {
    if (ranks <= 1 || params <= 0) return;
    const double bytes = params * s.bpe;
    if (par.distributed_optimizer) {
      Add(&ops,
          Collective(prefix + "grad_reduce_scatter", CollectiveKind::kReduceScatter, par.DpTier(),
                     ranks, bytes, s.dtype),
          1);
      Add(&ops,
          Collective(prefix + "param_allgather", CollectiveKind::kAllGather, par.DpTier(), ranks,
                     bytes, s.dtype),
          1);
    } else {
      Add(&ops,
          Collective(prefix + "grad_allreduce", CollectiveKind::kAllReduce, par.DpTier(), ranks,
                     bytes, s.dtype),
          1);
    }
  };
  reduce("dp.", par.dp, dense_local);
  reduce("dp.expert_", expert_dp, expert_local);

  // Adam: 28 bytes of traffic and ~12 FLOPs per parameter updated on this GPU.
  double updated = dense_local + expert_local;
  if (par.distributed_optimizer) updated = dense_local / par.dp + expert_local / expert_dp;
  Add(&ops, Memory("optimizer.adam", 28 * updated, 12 * updated, DType::kFP32), 1);
  return ops;
}

}  // namespace capsim::models
