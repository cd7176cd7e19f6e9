#include "bench_util.h"

#if defined(CAPSIM_HAVE_CUDNN)

#include <cuda_fp16.h>

#include "kernels/cuda/cudnn_ops.h"
#include "kernels/shapes.h"

namespace capsim::kernels::bench {
namespace {

const CudnnHandle* cudnn_handle(Status* status) {
  static CudnnHandle handle;
  static const Status created = handle.create();
  *status = created;
  return &handle;
}

void bm_conv(benchmark::State& state, ConvShape s, CudnnDType type) {
  Status st;
  const CudnnHandle* handle = cudnn_handle(&st);
  CAPSIM_BENCH_TRY(state, st);
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  CudnnConv2d conv;
  CAPSIM_BENCH_TRY(state, conv.init(*handle, s, type));
  // Buffers are typed BF16; for FP16 runs they are overwritten with FP16 values of the same size.
  DeviceBuffer<__nv_bfloat16> x, w, y;
  CAPSIM_BENCH_TRY(state, random_buffer(&x, s.n * s.c * s.h * s.w, 41, stream.get()));
  CAPSIM_BENCH_TRY(state, random_buffer(&w, s.k * (s.c / s.groups) * s.r * s.s, 42, stream.get()));
  CAPSIM_BENCH_TRY(state, y.allocate(s.n * s.k * s.p() * s.q()));
  if (type == CudnnDType::kFP16) {
    DeviceBuffer<__half> xh, wh;
    CAPSIM_BENCH_TRY(state, random_buffer(&xh, x.size(), 41, stream.get()));
    CAPSIM_BENCH_TRY(state, random_buffer(&wh, w.size(), 42, stream.get()));
    CAPSIM_BENCH_TRY(state, cuda_status(cudaMemcpyAsync(x.get(), xh.get(), x.bytes(), cudaMemcpyDeviceToDevice, stream.get()),
                                        "cudaMemcpyAsync", __FILE__, __LINE__));
    CAPSIM_BENCH_TRY(state, cuda_status(cudaMemcpyAsync(w.get(), wh.get(), w.bytes(), cudaMemcpyDeviceToDevice, stream.get()),
                                        "cudaMemcpyAsync", __FILE__, __LINE__));
    CAPSIM_BENCH_TRY(state, cuda_status(cudaStreamSynchronize(stream.get()), "sync", __FILE__, __LINE__));
  }
  const ConvArgs args{x.get(), w.get(), y.get()};
  run_timed(state, stream.get(), [&] { return conv.run(args, stream.get()); });
  set_counters(state, conv_flops(s), conv_bytes(s, 2.0),
               {{"n", static_cast<double>(s.n)},
                {"c", static_cast<double>(s.c)},
                {"h", static_cast<double>(s.h)},
                {"w", static_cast<double>(s.w)},
                {"k", static_cast<double>(s.k)},
                {"r", static_cast<double>(s.r)},
                {"s", static_cast<double>(s.s)},
                {"stride", static_cast<double>(s.stride)},
                {"pad", static_cast<double>(s.pad)},
                {"groups", static_cast<double>(s.groups)},
                {"p", static_cast<double>(s.p())},
                {"q", static_cast<double>(s.q())},
                {"algorithm", static_cast<double>(conv.algorithm())}});
}

void bm_upsample(benchmark::State& state, UpsampleShape s, CudnnDType type) {
  Status st;
  const CudnnHandle* handle = cudnn_handle(&st);
  CAPSIM_BENCH_TRY(state, st);
  CudaStream stream;
  CAPSIM_BENCH_TRY(state, stream.create());
  CudnnUpsampleNearest2x up;
  CAPSIM_BENCH_TRY(state, up.init(*handle, s, type));
  // Upsampling only moves data; the FP16 run reads the BF16 fill as FP16 (BF16 values in [-1, 1)
  // are finite FP16 values).
  DeviceBuffer<__nv_bfloat16> x, y;
  CAPSIM_BENCH_TRY(state, random_buffer(&x, s.n * s.c * s.h * s.w, 43, stream.get()));
  CAPSIM_BENCH_TRY(state, y.allocate(4 * x.size()));
  const UpsampleArgs args{x.get(), y.get()};
  run_timed(state, stream.get(), [&] { return up.run(args, stream.get()); });
  set_counters(state, 0.0, upsample_bytes(s, 2.0),
               {{"n", static_cast<double>(s.n)},
                {"c", static_cast<double>(s.c)},
                {"h", static_cast<double>(s.h)},
                {"w", static_cast<double>(s.w)},
                {"scale", 2.0}});
}

}  // namespace

void register_cudnn_benchmarks() {
  // Conv args: n, c, h, w, k, r, s, stride, pad (groups 1). Upsample args: n, c, h, w.
  for (const auto& [family, type] : {std::pair{"BM_conv_cudnn_bf16", CudnnDType::kBF16},
                                     std::pair{"BM_conv_cudnn_fp16", CudnnDType::kFP16}}) {
    auto* b = benchmark::RegisterBenchmark(family, [type = type](benchmark::State& st) {
      const ConvShape s{st.range(0), st.range(1), st.range(2), st.range(3), st.range(4),
                        st.range(5), st.range(6), st.range(7), st.range(8), 1};
      bm_conv(st, s, type);
    });
    for (const ConvShape& s : conv_sweep()) b->Args({s.n, s.c, s.h, s.w, s.k, s.r, s.s, s.stride, s.pad});
    b->UseManualTime()->Unit(benchmark::kMicrosecond);
  }
  for (const auto& [family, type] : {std::pair{"BM_upsample_cudnn_bf16", CudnnDType::kBF16},
                                     std::pair{"BM_upsample_cudnn_fp16", CudnnDType::kFP16}}) {
    auto* b = benchmark::RegisterBenchmark(family, [type = type](benchmark::State& st) {
      bm_upsample(st, UpsampleShape{st.range(0), st.range(1), st.range(2), st.range(3)}, type);
    });
    for (const UpsampleShape& s : upsample_sweep()) b->Args({s.n, s.c, s.h, s.w});
    b->UseManualTime()->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace capsim::kernels::bench

#else

namespace capsim::kernels::bench {
void register_cudnn_benchmarks() {}
}  // namespace capsim::kernels::bench

#endif
