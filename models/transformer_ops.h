#ifndef CAPSIM_MODELS_TRANSFORMER_OPS_H_
#define CAPSIM_MODELS_TRANSFORMER_OPS_H_

#include <cstdint>
#include <vector>

#include "models/catalog.h"
#include "models/operation.h"
#include "models/parallelism.h"
#include "sim/status.h"

namespace capsim::models {

// Operation lists of one GPU for transformer LLM inference and training, built from a model's
// architecture (ModelSpec, data/catalog.yaml) and its parallel layout.
//
// Conventions shared by the three builders:
//  - Shapes are per GPU: query heads / tp, KV heads / tp (at least one: KV heads are replicated
//    when tp > kv_heads), FFN and expert-FFN columns / tp, LM-head vocabulary / tp (rounded up),
//    routed experts / ep. Every TP rank processes all tokens of its replica (no sequence
//    parallelism); norms, the router and the embedding lookup are replicated across TP ranks.
//  - Per-layer operations carry repeat = layers / pp (x micro-batches in training). The list is
//    that of the *average* pipeline stage: embedding, final norm and LM head, which live on the
//    first and last stages only, carry repeat 1 / pp, so that per-GPU FLOPs x tp x pp x dp is
//    the whole job's work. The last stage (LM head) is the slowest one; a caller that needs the
//    bottleneck stage can add (pp - 1) / pp of the LM head.
//  - Gated (SwiGLU) FFNs: gate and up projections fused in one GEMM ("mlp.up", 2 x ffn columns).
//  - MoE layers (model.IsMoe()): a router GEMM, an all-to-all dispatch and combine over the
//    ep ranks (when ep > 1), and the expert GEMMs with tokens routed uniformly: a GPU computes
//    tokens x top-k expert rows; those rows fall on the expected number of distinct experts
//    E (1 - (1 - 1/E)^(ep x tokens x top-k)) of its EP group, so small decode batches read the
//    weights of the experts they hit, not all of them. The expert GEMM has m = rows per hit
//    expert (at least 1) and repeat = rows / m, which keeps its FLOPs exact.
//  - Collective messages are the full per-rank buffer (bytes of the tensor being reduced,
//    gathered or exchanged); the performance model turns them into bus traffic. Pipeline
//    sends between adjacent stages have no collective kind of their own: they are written as a
//    two-rank all-gather ("pp.send_recv") of twice the activation (each stage sends one
//    activation and receives one).
//  - Names: "embedding", "layer.attn_norm", "layer.attn.qkv", "layer.attn.kv_write",
//    "layer.attn.core", "layer.attn.o", "tp.allreduce.attn", "layer.mlp_norm", "layer.mlp.up",
//    "layer.mlp.act", "layer.mlp.down", "layer.moe.router", "ep.dispatch", "layer.moe.up",
//    "layer.moe.act", "layer.moe.down", "ep.combine", "tp.allreduce.mlp", "final_norm",
//    "lm_head", "tp.logits_allgather", "loss", "pp.send_recv"; training adds ".bwd_data" and
//    ".bwd_weight" GEMMs (each 2mnk, so backward GEMMs = 2x forward), ".bwd" for the rest
//    (attention backward = 2x forward FLOPs and bytes, without FlashAttention's recompute),
//    "dp.grad_allreduce" (or "dp.grad_reduce_scatter" + "dp.param_allgather"),
//    "dp.expert_grad_allreduce" (with a distributed optimizer "dp.expert_grad_reduce_scatter" +
//    "dp.expert_param_allgather") and "optimizer.adam".

// Whether `model` has an architecture and `par` splits it evenly: tp divides heads, FFN sizes
// and (or is a multiple of) KV heads; ep divides the experts and dp; pp <= layers.
Status CheckParallelism(const ModelSpec& model, const Parallelism& par);

// One GPU's operations for the prefill of `batch` sequences (per data-parallel replica) of
// `seq` new tokens each, with causal attention and logits for the last token of each sequence;
// requires CheckParallelism(model, par).ok().
std::vector<Operation> PrefillOps(const ModelSpec& model, const Parallelism& par, int64_t batch,
                                  int64_t seq);

// One GPU's operations for one decode iteration of `batch` sequences (per data-parallel
// replica), each new token attending to `context` KV-cache entries (its own included); one
// iteration takes pp stage times unless pp batches are in flight; requires CheckParallelism ok.
std::vector<Operation> DecodeOps(const ModelSpec& model, const Parallelism& par, int64_t batch,
                                 int64_t context);

// The number of micro-batches per pipeline in a training step: global_batch_tokens /
// (dp x micro_batch_seqs x seq), at least 1.
double TrainingMicroBatches(const Parallelism& par, int64_t global_batch_tokens, int64_t seq,
                            int64_t micro_batch_seqs);

// The idle fraction of a 1F1B pipeline step, (pp - 1) / (m + pp - 1) for m micro-batches: the
// step takes (time of the ops of TrainingStepOps, bubble excluded) / (1 - this fraction).
double PipelineBubbleFraction(int pp, double micro_batches);

// One GPU's operations for one training step of `global_batch_tokens` tokens (the whole job)
// in sequences of `seq`, `micro_batch_seqs` sequences per micro-batch: forward and backward of
// every micro-batch, the gradient reduction over dp and the Adam update (BF16 weights and
// gradients, FP32 master weights and moments: 16 bytes of state per parameter (18 with FP32
// gradient accumulation); the update reads grad 2 + master 4 + moments 8 and writes master 4 +
// moments 8 + BF16 weights 2 = 28 bytes per parameter, divided by dp with a distributed
// optimizer). The pipeline bubble is not an operation: see PipelineBubbleFraction. Requires
// CheckParallelism ok and TrainingMicroBatches >= 1.
std::vector<Operation> TrainingStepOps(const ModelSpec& model, const Parallelism& par,
                                       int64_t global_batch_tokens, int64_t seq,
                                       int64_t micro_batch_seqs);

// Parameters held by one GPU (average pipeline stage): dense weights / (tp x pp), expert
// weights / (tp x pp x ep); requires model.HasArchitecture().
double ParamsPerGpu(const ModelSpec& model, const Parallelism& par);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_TRANSFORMER_OPS_H_
