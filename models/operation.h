#ifndef CAPSIM_MODELS_OPERATION_H_
#define CAPSIM_MODELS_OPERATION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace capsim::models {

// Numeric formats of operands.
enum class DType { kFP32, kBF16, kFP16, kFP8 };

// Bytes per element of `t`.
double BytesPerElement(DType t);
// "bf16", "fp8", ...
std::string_view DTypeName(DType t);

// The operation classes the performance model prices. Each class has its own efficiency curves
// in a calibration profile.
enum class OpClass {
  kGemm,              // (M x K) x (K x N)
  kAttentionPrefill,  // causal attention over q_len new tokens
  kAttentionDecode,   // one new token per sequence against kv_len cached tokens
  kMemory,            // bandwidth-bound: norms, activations, optimizer, embeddings, copies
  kConv,              // convolution / upsampling (face models)
  kCollective,        // all-reduce, all-gather, reduce-scatter, all-to-all
};
std::string_view OpClassName(OpClass c);

enum class CollectiveKind { kAllReduce, kAllGather, kReduceScatter, kAllToAll };
std::string_view CollectiveName(CollectiveKind c);

// Where a collective runs.
enum class LinkTier { kScaleUp, kScaleOut };  // NVLink/xGMI domain, or the fabric between nodes

// One operation of a step with everything needed to price it. Shape fields are used by the
// classes that have them; `flops` and `bytes` are filled by the factory functions below, so the
// performance model never recomputes them.
//
//   Operation op = Gemm("attn.qkv", 4096, 6144, 8192, DType::kBF16);
//   op.repeat = 80;  // once per layer
struct Operation {
  std::string name;            // what it is in the model: "layer.attn.qkv", "grad.allreduce"
  OpClass op_class = OpClass::kGemm;
  DType dtype = DType::kBF16;
  // GEMM
  int64_t m = 0, n = 0, k = 0;
  // Attention
  int64_t batch = 0, heads = 0, kv_heads = 0, head_dim = 0, q_len = 0, kv_len = 0;
  // Convolution (NCHW, stride 1, same padding)
  int64_t channels_in = 0, channels_out = 0, height = 0, width = 0, kernel = 0;
  // Collective
  CollectiveKind collective = CollectiveKind::kAllReduce;
  LinkTier tier = LinkTier::kScaleUp;
  int64_t ranks = 1;
  // Work of one instance.
  double flops = 0;            // floating-point operations
  double bytes = 0;            // bytes read + written in device memory (collectives: message)
  double repeat = 1;           // instances in the step (e.g. layers x micro-batches)
};

// A GEMM C[M x N] = A[M x K] B[K x N]: 2MNK FLOPs; reads A and B, writes C once.
Operation Gemm(std::string name, int64_t m, int64_t n, int64_t k, DType dtype);
// Causal attention forward over `q_len` new tokens per sequence, each attending to the
// `kv_len - q_len` cached tokens plus the causal part of its own chunk (q_len == kv_len for a
// plain prefill): 4 x batch x heads x head_dim x attended-pairs FLOPs; Q, K, V, O bytes.
Operation AttentionPrefill(std::string name, int64_t batch, int64_t heads, int64_t kv_heads,
                           int64_t head_dim, int64_t q_len, int64_t kv_len, DType dtype);
// Decode attention: one query token per sequence against `kv_len` cached tokens; dominated by
// reading the KV cache (2 x batch x kv_heads x head_dim x kv_len elements).
Operation AttentionDecode(std::string name, int64_t batch, int64_t heads, int64_t kv_heads,
                          int64_t head_dim, int64_t kv_len, DType dtype);
// A bandwidth-bound operation moving `bytes` (read + write) with `flops` arithmetic.
Operation Memory(std::string name, double bytes, double flops, DType dtype);
// A 2-D convolution (stride 1, same padding) on NCHW tensors.
Operation Conv2d(std::string name, int64_t batch, int64_t channels_in, int64_t channels_out,
                 int64_t height, int64_t width, int64_t kernel, DType dtype);
// A collective over `ranks` ranks with a per-rank message of `bytes`.
Operation Collective(std::string name, CollectiveKind kind, LinkTier tier, int64_t ranks,
                     double bytes, DType dtype);

// Total FLOPs of an op list (flops x repeat summed).
double TotalFlops(const std::vector<Operation>& ops);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_OPERATION_H_
