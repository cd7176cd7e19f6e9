#include "bench_util.h"
#include "kernels/cuda/memory.h"
#include "kernels/shapes.h"

namespace capsim::kernels::bench {
namespace {

void bm_copy(benchmark::State& state, std::int64_t array_bytes) {
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  const std::size_t n = static_cast<std::size_t>(array_bytes) / sizeof(float);
  DeviceBuffer<float> src, dst;
  CAPSIM_BENCH_TRY(state, random_buffer(&src, n, 21, stream.get()));
  CAPSIM_BENCH_TRY(state, dst.allocate(n));
  run_timed(state, stream.get(), [&] { return launch_copy({src.get(), dst.get(), n}, stream.get()); });
  set_counters(state, 0.0, copy_bytes(array_bytes), {{"array_bytes", static_cast<double>(array_bytes)}});
}

void bm_triad(benchmark::State& state, std::int64_t array_bytes) {
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  const std::size_t n = static_cast<std::size_t>(array_bytes) / sizeof(float);
  DeviceBuffer<float> a, b, c;
  CAPSIM_BENCH_TRY(state, random_buffer(&b, n, 22, stream.get()));
  CAPSIM_BENCH_TRY(state, random_buffer(&c, n, 23, stream.get()));
  CAPSIM_BENCH_TRY(state, a.allocate(n));
  TriadArgs args;
  args.a = a.get();
  args.b = b.get();
  args.c = c.get();
  args.count = n;
  run_timed(state, stream.get(), [&] { return launch_triad(args, stream.get()); });
  set_counters(state, triad_flops(array_bytes), triad_bytes(array_bytes), {{"array_bytes", static_cast<double>(array_bytes)}});
}

}  // namespace

void register_memory_benchmarks() {
  // Arg: bytes of ONE array.
  auto* copy = benchmark::RegisterBenchmark("BM_memory_copy", [](benchmark::State& s) { bm_copy(s, s.range(0)); });
  auto* triad = benchmark::RegisterBenchmark("BM_memory_triad", [](benchmark::State& s) { bm_triad(s, s.range(0)); });
  for (std::int64_t bytes : memory_sweep_bytes()) {
    copy->Arg(bytes);
    triad->Arg(bytes);
  }
  copy->UseManualTime()->Unit(benchmark::kMicrosecond);
  triad->UseManualTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace capsim::kernels::bench
