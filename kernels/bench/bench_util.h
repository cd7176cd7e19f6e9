// Shared pieces of the kernel benchmark harness: CUDA-event timing with Google Benchmark's manual
// time, the counters a calibrator reads, and error handling.
#pragma once

#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <utility>

#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/fill.h"
#include "kernels/status.h"

namespace capsim::kernels::bench {

// Skips the benchmark (reported with "error_occurred": true and the message) when expr fails.
#define CAPSIM_BENCH_TRY(state, expr)                            \
  do {                                                           \
    const ::capsim::kernels::Status s_ = (expr);                 \
    if (!s_.ok()) {                                              \
      (state).SkipWithError(s_.message().c_str());               \
      return;                                                    \
    }                                                            \
  } while (0)

inline constexpr int kWarmupLaunches = 5;
inline constexpr double kTargetTimedSeconds = 1e-3;  // per benchmark iteration
inline constexpr int kMaxLaunchesPerIteration = 1000;

// Times `launch` (a callable returning Status that enqueues work on `stream`).
// Warm-up: kWarmupLaunches launches, then one timed launch to size the batch. Each benchmark
// iteration then records an event, enqueues `launches` back-to-back launches (enough for about
// 1 ms of GPU time, so event resolution and launch gaps do not dominate small kernels), records a
// second event, synchronises, and reports elapsed / launches via SetIterationTime: the manual
// time of an iteration is the GPU time of ONE launch. Counter "launches_per_iteration" says how
// many were averaged.
template <class Launch>
void run_timed(benchmark::State& state, cudaStream_t stream, Launch&& launch) {
  CudaEvent start, stop;
  CAPSIM_BENCH_TRY(state, start.create());
  CAPSIM_BENCH_TRY(state, stop.create());
  for (int i = 0; i < kWarmupLaunches; ++i) CAPSIM_BENCH_TRY(state, launch());
  CAPSIM_BENCH_TRY(state, cuda_status(cudaStreamSynchronize(stream), "warm-up", __FILE__, __LINE__));

  float ms = 0.0f;
  CAPSIM_BENCH_TRY(state, cuda_status(cudaEventRecord(start.get(), stream), "cudaEventRecord", __FILE__, __LINE__));
  CAPSIM_BENCH_TRY(state, launch());
  CAPSIM_BENCH_TRY(state, cuda_status(cudaEventRecord(stop.get(), stream), "cudaEventRecord", __FILE__, __LINE__));
  CAPSIM_BENCH_TRY(state, cuda_status(cudaEventSynchronize(stop.get()), "cudaEventSynchronize", __FILE__, __LINE__));
  CAPSIM_BENCH_TRY(state, cuda_status(cudaEventElapsedTime(&ms, start.get(), stop.get()), "cudaEventElapsedTime", __FILE__, __LINE__));
  const double one = std::max(1e-7, ms * 1e-3);
  const int launches = static_cast<int>(std::clamp(std::ceil(kTargetTimedSeconds / one), 1.0,
                                                   static_cast<double>(kMaxLaunchesPerIteration)));

  for (auto _ : state) {
    CAPSIM_BENCH_TRY(state, cuda_status(cudaEventRecord(start.get(), stream), "cudaEventRecord", __FILE__, __LINE__));
    for (int i = 0; i < launches; ++i) CAPSIM_BENCH_TRY(state, launch());
    CAPSIM_BENCH_TRY(state, cuda_status(cudaEventRecord(stop.get(), stream), "cudaEventRecord", __FILE__, __LINE__));
    CAPSIM_BENCH_TRY(state, cuda_status(cudaEventSynchronize(stop.get()), "cudaEventSynchronize", __FILE__, __LINE__));
    CAPSIM_BENCH_TRY(state, cuda_status(cudaEventElapsedTime(&ms, start.get(), stop.get()), "cudaEventElapsedTime", __FILE__, __LINE__));
    state.SetIterationTime(ms * 1e-3 / launches);
  }
  state.counters["launches_per_iteration"] = launches;
}

// The interchange counters (README.md): per-launch work "flop" and "bytes" (plain values), and
// "flop_per_second" / "bytes_per_second" as kIsIterationInvariantRate counters, i.e. the
// per-launch value times iterations divided by the total manual (CUDA-event) time. Shape
// parameters are plain counters with the names given.
inline void set_counters(benchmark::State& state, double flop, double bytes,
                         std::initializer_list<std::pair<const char*, double>> shape) {
  state.counters["flop"] = flop;
  state.counters["bytes"] = bytes;
  state.counters["flop_per_second"] = benchmark::Counter(flop, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes_per_second"] = benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate);
  for (const auto& [name, value] : shape) state.counters[name] = value;
}

// Allocate + fill with uniform random values on the device.
template <class T>
Status random_buffer(DeviceBuffer<T>* buf, std::size_t count, std::uint64_t seed, cudaStream_t stream,
                     float lo = -1.0f, float hi = 1.0f) {
  CAPSIM_KERNELS_TRY(buf->allocate(count));
  FillArgs<T> args;
  args.data = buf->get();
  args.count = count;
  args.seed = seed;
  args.lo = lo;
  args.hi = hi;
  return launch_fill_uniform(args, stream);
}

// Registration entry points (one per benchmark file).
void register_gemm_benchmarks();
void register_attention_benchmarks();
void register_memory_benchmarks();
void register_norm_benchmarks();
void register_cudnn_benchmarks();  // no-op without cuDNN

}  // namespace capsim::kernels::bench
