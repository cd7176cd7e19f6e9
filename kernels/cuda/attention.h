// Attention forward kernels, BF16 in / FP32 accumulate / BF16 out, GQA, optional causal mask.
// Layouts (row-major): Q and O [batch, heads, q_len, head_dim], K and V [batch, kv_heads, kv_len,
// head_dim]; see AttentionShape for the causal convention. head_dim 64 or 128.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

#include <cstddef>

#include "kernels/shapes.h"
#include "kernels/status.h"

namespace capsim::kernels {

struct AttentionArgs {
  const __nv_bfloat16* q = nullptr;
  const __nv_bfloat16* k = nullptr;
  const __nv_bfloat16* v = nullptr;
  __nv_bfloat16* o = nullptr;
  int batch = 1, heads = 1, kv_heads = 1, head_dim = 128, q_len = 1, kv_len = 1;
  bool causal = true;
  float scale = 1.0f;  // usually 1 / sqrt(head_dim)
};

AttentionShape shape_of(const AttentionArgs& args);

// Tiled flash-style kernel: online softmax over key tiles, scores never leave the SM.
Status launch_attention_flash_bf16(AttentionArgs args, cudaStream_t stream);

// Naive kernel: materialises FP32 scores S = scale Q K^T (masked) in `scores`, softmax in place,
// then O = P V. `scores` must hold attention_naive_workspace_elements(args) floats.
std::size_t attention_naive_workspace_elements(const AttentionArgs& args);
Status launch_attention_naive_bf16(AttentionArgs args, float* scores, cudaStream_t stream);

// Decode: one query token per sequence (q_len must be 1) against a KV cache of kv_len tokens;
// one block per (sequence, query head), warps split the cache and merge their partial softmaxes.
Status launch_attention_decode_bf16(AttentionArgs args, cudaStream_t stream);

}  // namespace capsim::kernels
