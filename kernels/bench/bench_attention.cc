#include <cmath>
#include <vector>

#include "bench_util.h"
#include "kernels/cuda/attention.h"
#include "kernels/shapes.h"

namespace capsim::kernels::bench {
namespace {

enum class Variant { kFlash, kNaive, kDecode };

void bm_attention(benchmark::State& state, AttentionShape s, Variant variant) {
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  DeviceBuffer<__nv_bfloat16> q, k, v, o;
  const std::size_t q_elems = s.batch * s.heads * s.q_len * s.head_dim;
  const std::size_t kv_elems = s.batch * s.kv_heads * s.kv_len * s.head_dim;
  CAPSIM_BENCH_TRY(state, random_buffer(&q, q_elems, 11, stream.get()));
  CAPSIM_BENCH_TRY(state, random_buffer(&k, kv_elems, 12, stream.get()));
  CAPSIM_BENCH_TRY(state, random_buffer(&v, kv_elems, 13, stream.get()));
  CAPSIM_BENCH_TRY(state, o.allocate(q_elems));
  AttentionArgs args;
  args.q = q.get();
  args.k = k.get();
  args.v = v.get();
  args.o = o.get();
  args.batch = static_cast<int>(s.batch);
  args.heads = static_cast<int>(s.heads);
  args.kv_heads = static_cast<int>(s.kv_heads);
  args.head_dim = static_cast<int>(s.head_dim);
  args.q_len = static_cast<int>(s.q_len);
  args.kv_len = static_cast<int>(s.kv_len);
  args.causal = s.causal;
  args.scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
  DeviceBuffer<float> scores;
  switch (variant) {
    case Variant::kFlash:
      run_timed(state, stream.get(), [&] { return launch_attention_flash_bf16(args, stream.get()); });
      break;
    case Variant::kNaive:
      CAPSIM_BENCH_TRY(state, scores.allocate(attention_naive_workspace_elements(args)));
      run_timed(state, stream.get(), [&] { return launch_attention_naive_bf16(args, scores.get(), stream.get()); });
      state.counters["score_bytes"] = attention_naive_score_bytes(s);
      break;
    case Variant::kDecode:
      run_timed(state, stream.get(), [&] { return launch_attention_decode_bf16(args, stream.get()); });
      break;
  }
  set_counters(state, attention_flops(s), attention_bytes(s),
               {{"batch", static_cast<double>(s.batch)},
                {"heads", static_cast<double>(s.heads)},
                {"kv_heads", static_cast<double>(s.kv_heads)},
                {"head_dim", static_cast<double>(s.head_dim)},
                {"q_len", static_cast<double>(s.q_len)},
                {"kv_len", static_cast<double>(s.kv_len)},
                {"causal", s.causal ? 1.0 : 0.0}});
}

// Prefill args: batch, heads, kv_heads, head_dim, seq (q_len = kv_len), causal.
// Decode args: batch, heads, kv_heads, head_dim, kv_len (q_len = 1).
AttentionShape shape_from(const benchmark::State& st, Variant variant) {
  if (variant == Variant::kDecode) return {st.range(0), st.range(1), st.range(2), st.range(3), 1, st.range(4), true};
  return {st.range(0), st.range(1), st.range(2), st.range(3), st.range(4), st.range(4), st.range(5) != 0};
}

template <class Keep>
void add_family(const char* family, Variant variant, const std::vector<AttentionShape>& shapes, Keep keep) {
  auto* b = benchmark::RegisterBenchmark(
      family, [variant](benchmark::State& state) { bm_attention(state, shape_from(state, variant), variant); });
  for (const auto& s : shapes) {
    if (!keep(s)) continue;
    if (variant == Variant::kDecode) {
      b->Args({s.batch, s.heads, s.kv_heads, s.head_dim, s.kv_len});
    } else {
      b->Args({s.batch, s.heads, s.kv_heads, s.head_dim, s.q_len, s.causal ? 1 : 0});
    }
  }
  b->UseManualTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

void register_attention_benchmarks() {
  auto all = [](const AttentionShape&) { return true; };
  add_family("BM_attention_prefill_flash_bf16", Variant::kFlash, attention_prefill_sweep(), all);
  // The naive kernel materialises FP32 scores (a quarter of attention_naive_score_bytes): keep
  // them within 8 GiB.
  add_family("BM_attention_prefill_naive_bf16", Variant::kNaive, attention_prefill_sweep(),
             [](const AttentionShape& s) { return attention_naive_score_bytes(s) / 4.0 <= 8.0 * (1ull << 30); });
  add_family("BM_attention_decode_bf16", Variant::kDecode, attention_decode_sweep(), all);
}

}  // namespace capsim::kernels::bench
