#include <cuda_fp8.h>

#include <string>

#include "bench_util.h"
#include "kernels/cuda/cublaslt_gemm.h"
#include "kernels/cuda/gemm.h"
#include "kernels/shapes.h"

namespace capsim::kernels::bench {
namespace {

// One cuBLASLt handle (and workspace) for the whole run.
const CublasLtHandle* lt_handle(Status* status) {
  static CublasLtHandle handle;
  static const Status created = handle.create();
  *status = created;
  return &handle;
}

void gemm_counters(benchmark::State& state, const GemmShape& s, double in_bytes) {
  set_counters(state, gemm_flops(s), gemm_bytes(s, in_bytes, 2.0),
               {{"m", static_cast<double>(s.m)}, {"n", static_cast<double>(s.n)}, {"k", static_cast<double>(s.k)}});
}

void bm_cublaslt_bf16(benchmark::State& state, GemmShape s) {
  Status st;
  const CublasLtHandle* lt = lt_handle(&st);
  CAPSIM_BENCH_TRY(state, st);
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  LtGemmPlan plan;
  CAPSIM_BENCH_TRY(state, plan.init(*lt, LtGemmType::kBF16, s));
  DeviceBuffer<__nv_bfloat16> x, w, y;
  CAPSIM_BENCH_TRY(state, random_buffer(&x, s.m * s.k, 1, stream.get()));
  CAPSIM_BENCH_TRY(state, random_buffer(&w, s.n * s.k, 2, stream.get()));
  CAPSIM_BENCH_TRY(state, y.allocate(s.m * s.n));
  LtGemmArgs args;
  args.x = x.get();
  args.w = w.get();
  args.y = y.get();
  run_timed(state, stream.get(), [&] { return plan.run(args, stream.get()); });
  gemm_counters(state, s, 2.0);
}

void bm_cublaslt_fp8(benchmark::State& state, GemmShape s) {
  Status st;
  const CublasLtHandle* lt = lt_handle(&st);
  CAPSIM_BENCH_TRY(state, st);
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  LtGemmPlan plan;
  CAPSIM_BENCH_TRY(state, plan.init(*lt, LtGemmType::kFP8E4M3, s));
  DeviceBuffer<__nv_fp8_e4m3> x, w;
  DeviceBuffer<__nv_bfloat16> y;
  DeviceBuffer<float> scales;
  CAPSIM_BENCH_TRY(state, random_buffer(&x, s.m * s.k, 3, stream.get(), -448.0f, 448.0f));
  CAPSIM_BENCH_TRY(state, random_buffer(&w, s.n * s.k, 4, stream.get(), -448.0f, 448.0f));
  CAPSIM_BENCH_TRY(state, y.allocate(s.m * s.n));
  const float host_scales[2] = {1.0f / 448.0f, 1.0f / 448.0f};
  CAPSIM_BENCH_TRY(state, scales.allocate(2));
  CAPSIM_BENCH_TRY(state, scales.upload(std::span<const float>(host_scales, 2)));
  LtGemmArgs args;
  args.x = x.get();
  args.w = w.get();
  args.y = y.get();
  args.x_scale = scales.get();
  args.w_scale = scales.get() + 1;
  run_timed(state, stream.get(), [&] { return plan.run(args, stream.get()); });
  gemm_counters(state, s, 1.0);
}

void bm_tiled_bf16(benchmark::State& state, GemmShape s) {
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  DeviceBuffer<__nv_bfloat16> x, w, y;
  CAPSIM_BENCH_TRY(state, random_buffer(&x, s.m * s.k, 5, stream.get()));
  CAPSIM_BENCH_TRY(state, random_buffer(&w, s.n * s.k, 6, stream.get()));
  CAPSIM_BENCH_TRY(state, y.allocate(s.m * s.n));
  TiledGemmArgs args;
  args.x = x.get();
  args.w = w.get();
  args.y = y.get();
  args.m = static_cast<int>(s.m);
  args.n = static_cast<int>(s.n);
  args.k = static_cast<int>(s.k);
  run_timed(state, stream.get(), [&] { return launch_tiled_gemm_bf16(args, stream.get()); });
  gemm_counters(state, s, 2.0);
}

// One Google Benchmark family per kernel, one instance per shape: args are m, n, k.
void add_family(const char* family, void (*fn)(benchmark::State&, GemmShape), double max_flop) {
  auto* b = benchmark::RegisterBenchmark(
      family, [fn](benchmark::State& state) { fn(state, GemmShape{state.range(0), state.range(1), state.range(2)}); });
  for (const GemmShape& s : gemm_full_sweep())
    if (gemm_flops(s) <= max_flop) b->Args({s.m, s.n, s.k});
  b->UseManualTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

void register_gemm_benchmarks() {
  const double all = 1e300;
  add_family("BM_gemm_cublaslt_bf16", bm_cublaslt_bf16, all);
  add_family("BM_gemm_cublaslt_fp8", bm_cublaslt_fp8, all);
  // The hand-written kernel is slow: stop at 2 * 8192^3 FLOPs per launch.
  add_family("BM_gemm_tiled_bf16", bm_tiled_bf16, 2.0 * 8192.0 * 8192.0 * 8192.0);
}

}  // namespace capsim::kernels::bench
