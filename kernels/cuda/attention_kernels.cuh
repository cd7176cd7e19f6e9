// Attention kernels (see attention.h for the layouts and the causal convention).
#pragma once

#include <cstddef>

#include "kernels/cuda/attention.h"
#include "kernels/cuda/common.cuh"

namespace capsim::kernels::detail {

// ---- Flash-style prefill --------------------------------------------------------------------
// Block: 4 warps, 16 query rows (4 per warp), key tiles of 32 staged in shared memory as FP32.
// Per row, lane j scores key j of the tile; the tile maximum and sum come from warp reductions and
// the running (max, sum, output) are rescaled (online softmax); each lane owns head_dim / 32
// output columns.
inline constexpr int kFlashWarps = 4;
inline constexpr int kFlashRowsPerWarp = 4;
inline constexpr int kFlashBlockQ = kFlashWarps * kFlashRowsPerWarp;
inline constexpr int kFlashBlockK = 32;

template <int D>
__global__ void __launch_bounds__(kFlashWarps * 32) attention_flash_kernel(AttentionArgs a) {
  constexpr int kPer = D / 32;
  __shared__ float qs[kFlashBlockQ][D];
  __shared__ float ks[kFlashBlockK][D + 1];  // +1: lane j reads row j without bank conflicts
  __shared__ float vs[kFlashBlockK][D];

  const int b = blockIdx.z, h = blockIdx.y, q0 = blockIdx.x * kFlashBlockQ;
  const int hk = h / (a.heads / a.kv_heads);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const std::size_t q_base = (static_cast<std::size_t>(b) * a.heads + h) * a.q_len * D;
  const std::size_t kv_base = (static_cast<std::size_t>(b) * a.kv_heads + hk) * a.kv_len * D;
  const int offset = a.kv_len - a.q_len;  // absolute position of query 0

  for (int i = threadIdx.x; i < kFlashBlockQ * D; i += blockDim.x) {
    const int r = i / D, c = i % D, qi = q0 + r;
    qs[r][c] = qi < a.q_len ? __bfloat162float(a.q[q_base + static_cast<std::size_t>(qi) * D + c]) * a.scale : 0.0f;
  }
  const int q_last = min(q0 + kFlashBlockQ, a.q_len) - 1;
  const int kv_end = a.causal ? min(a.kv_len, offset + q_last + 1) : a.kv_len;

  float m[kFlashRowsPerWarp], l[kFlashRowsPerWarp], acc[kFlashRowsPerWarp][kPer];
#pragma unroll
  for (int rr = 0; rr < kFlashRowsPerWarp; ++rr) {
    m[rr] = -INFINITY;
    l[rr] = 0.0f;
#pragma unroll
    for (int c = 0; c < kPer; ++c) acc[rr][c] = 0.0f;
  }

  for (int t0 = 0; t0 < kv_end; t0 += kFlashBlockK) {
    __syncthreads();  // the previous tile is consumed (first pass: qs is complete)
    for (int i = threadIdx.x; i < kFlashBlockK * D; i += blockDim.x) {
      const int j = i / D, c = i % D, key = t0 + j;
      const bool in = key < a.kv_len;
      const std::size_t idx = kv_base + static_cast<std::size_t>(key) * D + c;
      ks[j][c] = in ? __bfloat162float(a.k[idx]) : 0.0f;
      vs[j][c] = in ? __bfloat162float(a.v[idx]) : 0.0f;
    }
    __syncthreads();

#pragma unroll
    for (int rr = 0; rr < kFlashRowsPerWarp; ++rr) {
      const int r = warp * kFlashRowsPerWarp + rr, qi = q0 + r;
      if (qi >= a.q_len) continue;  // uniform across the warp
      const int key = t0 + lane;
      float s = 0.0f;
#pragma unroll 16
      for (int c = 0; c < D; ++c) s = fmaf(qs[r][c], ks[lane][c], s);
      const bool valid = key < a.kv_len && (!a.causal || key <= offset + qi);
      s = valid ? s : -INFINITY;
      const float tile_max = warp_max(s);
      if (tile_max == -INFINITY) continue;  // whole tile masked for this row (uniform)
      const float m_new = fmaxf(m[rr], tile_max);
      const float p = valid ? __expf(s - m_new) : 0.0f;
      const float correction = __expf(m[rr] - m_new);  // 0 on the first visible tile
      l[rr] = l[rr] * correction + warp_sum(p);
#pragma unroll
      for (int c = 0; c < kPer; ++c) acc[rr][c] *= correction;
#pragma unroll 8
      for (int j = 0; j < kFlashBlockK; ++j) {
        const float pj = __shfl_sync(kFullMask, p, j);
#pragma unroll
        for (int c = 0; c < kPer; ++c) acc[rr][c] = fmaf(pj, vs[j][lane + 32 * c], acc[rr][c]);
      }
      m[rr] = m_new;
    }
  }

#pragma unroll
  for (int rr = 0; rr < kFlashRowsPerWarp; ++rr) {
    const int qi = q0 + warp * kFlashRowsPerWarp + rr;
    if (qi >= a.q_len) continue;
    const float inv = 1.0f / l[rr];
#pragma unroll
    for (int c = 0; c < kPer; ++c)
      a.o[q_base + static_cast<std::size_t>(qi) * D + lane + 32 * c] = __float2bfloat16(acc[rr][c] * inv);
  }
}

// ---- Naive prefill: scores, softmax (norm_kernels.cuh), PV ----------------------------------
// Scores: a 32x32 tile of S per block of 256 threads, Q and K tiles staged in shared memory.
inline constexpr int kScoresTile = 32;

template <int D>
__global__ void __launch_bounds__(256) attention_scores_kernel(AttentionArgs a, float* scores) {
  __shared__ float qs[kScoresTile][D + 1];
  __shared__ float ks[kScoresTile][D + 1];
  const int bh = blockIdx.z, b = bh / a.heads, h = bh % a.heads;
  const int hk = h / (a.heads / a.kv_heads);
  const int i0 = blockIdx.y * kScoresTile, j0 = blockIdx.x * kScoresTile;
  const std::size_t q_base = static_cast<std::size_t>(bh) * a.q_len * D;
  const std::size_t kv_base = (static_cast<std::size_t>(b) * a.kv_heads + hk) * a.kv_len * D;
  for (int i = threadIdx.x; i < kScoresTile * D; i += blockDim.x) {
    const int r = i / D, c = i % D;
    qs[r][c] = i0 + r < a.q_len ? __bfloat162float(a.q[q_base + static_cast<std::size_t>(i0 + r) * D + c]) : 0.0f;
    ks[r][c] = j0 + r < a.kv_len ? __bfloat162float(a.k[kv_base + static_cast<std::size_t>(j0 + r) * D + c]) : 0.0f;
  }
  __syncthreads();
  const int tx = threadIdx.x % 32, ty = threadIdx.x / 32;  // key column, row group
  const int offset = a.kv_len - a.q_len;
  const int j = j0 + tx;
#pragma unroll
  for (int rr = 0; rr < kScoresTile / 8; ++rr) {
    const int r = ty + 8 * rr, i = i0 + r;
    if (i >= a.q_len || j >= a.kv_len) continue;
    float s = 0.0f;
#pragma unroll 16
    for (int c = 0; c < D; ++c) s = fmaf(qs[r][c], ks[tx][c], s);
    const bool visible = !a.causal || j <= offset + i;
    scores[(static_cast<std::size_t>(bh) * a.q_len + i) * a.kv_len + j] = visible ? s * a.scale : -INFINITY;
  }
}

// O[bh, i, :] = sum_j P[bh, i, j] V[b, hk, j, :]; one block of D threads per (query row, bh).
template <int D>
__global__ void __launch_bounds__(D) attention_pv_kernel(AttentionArgs a, const float* probs) {
  const int i = blockIdx.x, bh = blockIdx.y, b = bh / a.heads, h = bh % a.heads;
  const int hk = h / (a.heads / a.kv_heads);
  const int d = threadIdx.x;
  const float* p = probs + (static_cast<std::size_t>(bh) * a.q_len + i) * a.kv_len;
  const __nv_bfloat16* v = a.v + (static_cast<std::size_t>(b) * a.kv_heads + hk) * a.kv_len * D;
  const int end = a.causal ? a.kv_len - a.q_len + i + 1 : a.kv_len;  // later probabilities are 0
  float acc = 0.0f;
  for (int j = 0; j < end; ++j) acc = fmaf(p[j], __bfloat162float(v[static_cast<std::size_t>(j) * D + d]), acc);
  a.o[(static_cast<std::size_t>(bh) * a.q_len + i) * D + d] = __float2bfloat16(acc);
}

// ---- Decode -------------------------------------------------------------------------------------
// One block of 8 warps per (head, sequence). Warp w takes key groups of 32 starting at 32 w,
// stride 256: it first scores the 32 keys (each lane holds head_dim / 32 consecutive elements of
// q, K rows are read coalesced, a warp reduction per key), then does one online-softmax update
// per group, then accumulates P V with coalesced V rows. Warps merge through shared memory.
inline constexpr int kDecodeWarps = 8;

template <int D>
__global__ void __launch_bounds__(kDecodeWarps * 32) attention_decode_kernel(AttentionArgs a) {
  constexpr int kPer = D / 32;
  __shared__ float part_m[kDecodeWarps], part_l[kDecodeWarps];
  __shared__ float part_acc[kDecodeWarps][D];

  const int h = blockIdx.x, b = blockIdx.y;
  const int hk = h / (a.heads / a.kv_heads);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const std::size_t q_off = (static_cast<std::size_t>(b) * a.heads + h) * D + lane * kPer;
  const std::size_t kv_base = (static_cast<std::size_t>(b) * a.kv_heads + hk) * a.kv_len * D + lane * kPer;

  float q[kPer];
  load_bf16<kPer>(a.q + q_off, q);
#pragma unroll
  for (int c = 0; c < kPer; ++c) q[c] *= a.scale;

  float m = -INFINITY, l = 0.0f, acc[kPer];
#pragma unroll
  for (int c = 0; c < kPer; ++c) acc[c] = 0.0f;

  for (int t0 = warp * 32; t0 < a.kv_len; t0 += kDecodeWarps * 32) {
    const int count = min(32, a.kv_len - t0);
    float my_score = -INFINITY;
#pragma unroll 4
    for (int j = 0; j < count; ++j) {
      float kr[kPer];
      load_bf16<kPer>(a.k + kv_base + static_cast<std::size_t>(t0 + j) * D, kr);
      float partial = 0.0f;
#pragma unroll
      for (int c = 0; c < kPer; ++c) partial = fmaf(q[c], kr[c], partial);
      partial = warp_sum(partial);
      if (lane == j) my_score = partial;
    }
    const float m_new = fmaxf(m, warp_max(my_score));
    const float p = lane < count ? __expf(my_score - m_new) : 0.0f;
    const float correction = __expf(m - m_new);
    l = l * correction + warp_sum(p);
#pragma unroll
    for (int c = 0; c < kPer; ++c) acc[c] *= correction;
#pragma unroll 4
    for (int j = 0; j < count; ++j) {
      const float pj = __shfl_sync(kFullMask, p, j);
      float vr[kPer];
      load_bf16<kPer>(a.v + kv_base + static_cast<std::size_t>(t0 + j) * D, vr);
#pragma unroll
      for (int c = 0; c < kPer; ++c) acc[c] = fmaf(pj, vr[c], acc[c]);
    }
    m = m_new;
  }

  if (lane == 0) {
    part_m[warp] = m;
    part_l[warp] = l;
  }
#pragma unroll
  for (int c = 0; c < kPer; ++c) part_acc[warp][lane * kPer + c] = acc[c];
  __syncthreads();

  float m_all = -INFINITY;
#pragma unroll
  for (int w = 0; w < kDecodeWarps; ++w) m_all = fmaxf(m_all, part_m[w]);
  float l_all = 0.0f;
#pragma unroll
  for (int w = 0; w < kDecodeWarps; ++w) l_all += part_l[w] * __expf(part_m[w] - m_all);
  for (int d = threadIdx.x; d < D; d += blockDim.x) {
    float o = 0.0f;
#pragma unroll
    for (int w = 0; w < kDecodeWarps; ++w) o += part_acc[w][d] * __expf(part_m[w] - m_all);
    a.o[(static_cast<std::size_t>(b) * a.heads + h) * D + d] = __float2bfloat16(o / l_all);
  }
}

}  // namespace capsim::kernels::detail
