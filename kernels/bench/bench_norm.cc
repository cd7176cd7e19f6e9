#include "bench_util.h"
#include "kernels/cuda/norm.h"
#include "kernels/shapes.h"

namespace capsim::kernels::bench {
namespace {

void bm_layernorm(benchmark::State& state, RowShape s) {
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  DeviceBuffer<__nv_bfloat16> x, gamma, beta, y;
  CAPSIM_BENCH_TRY(state, random_buffer(&x, s.rows * s.cols, 31, stream.get()));
  CAPSIM_BENCH_TRY(state, random_buffer(&gamma, s.cols, 32, stream.get(), 0.5f, 1.5f));
  CAPSIM_BENCH_TRY(state, random_buffer(&beta, s.cols, 33, stream.get()));
  CAPSIM_BENCH_TRY(state, y.allocate(s.rows * s.cols));
  LayerNormArgs args;
  args.x = x.get();
  args.gamma = gamma.get();
  args.beta = beta.get();
  args.y = y.get();
  args.rows = static_cast<int>(s.rows);
  args.cols = static_cast<int>(s.cols);
  run_timed(state, stream.get(), [&] { return launch_layernorm_bf16(args, stream.get()); });
  set_counters(state, layernorm_flops(s), layernorm_bytes(s),
               {{"rows", static_cast<double>(s.rows)}, {"cols", static_cast<double>(s.cols)}});
}

void bm_softmax(benchmark::State& state, RowShape s) {
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  DeviceBuffer<__nv_bfloat16> x, y;
  CAPSIM_BENCH_TRY(state, random_buffer(&x, s.rows * s.cols, 34, stream.get(), -8.0f, 8.0f));
  CAPSIM_BENCH_TRY(state, y.allocate(s.rows * s.cols));
  const SoftmaxArgs args{x.get(), y.get(), static_cast<int>(s.rows), static_cast<int>(s.cols)};
  run_timed(state, stream.get(), [&] { return launch_softmax_bf16(args, stream.get()); });
  set_counters(state, softmax_flops(s), softmax_bytes(s),
               {{"rows", static_cast<double>(s.rows)}, {"cols", static_cast<double>(s.cols)}});
}

}  // namespace

void register_norm_benchmarks() {
  // Args: rows, cols.
  auto* ln = benchmark::RegisterBenchmark(
      "BM_layernorm_bf16", [](benchmark::State& st) { bm_layernorm(st, RowShape{st.range(0), st.range(1)}); });
  for (const RowShape& s : layernorm_sweep()) ln->Args({s.rows, s.cols});
  ln->UseManualTime()->Unit(benchmark::kMicrosecond);
  auto* sm = benchmark::RegisterBenchmark(
      "BM_softmax_bf16", [](benchmark::State& st) { bm_softmax(st, RowShape{st.range(0), st.range(1)}); });
  for (const RowShape& s : softmax_sweep()) sm->Args({s.rows, s.cols});
  sm->UseManualTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace capsim::kernels::bench
