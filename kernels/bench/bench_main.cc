// capsim_kernels_bench: the Google Benchmark harness whose JSON output `capsim calibrate` reads.
// See kernels/README.md for the naming convention and the counters.
#include <benchmark/benchmark.h>
#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstdio>
#include <string>

#include "bench_util.h"

#if defined(CAPSIM_HAVE_CUDNN)
#include <cudnn.h>
#endif

namespace {

std::string cuda_version_string(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

void register_all() {
  using namespace capsim::kernels::bench;
  register_gemm_benchmarks();
  register_attention_benchmarks();
  register_memory_benchmarks();
  register_norm_benchmarks();
  register_cudnn_benchmarks();
}

bool wants_list_only(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--benchmark_list_tests" || arg == "--benchmark_list_tests=true" || arg == "--benchmark_list_tests=1")
      return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const bool list_only = wants_list_only(argc, argv);
  benchmark::Initialize(&argc, argv);  // handles --help and the --benchmark_* flags
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (list_only) {  // listing the benchmark names needs no GPU
    register_all();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
  }

  int devices = 0;
  const cudaError_t err = cudaGetDeviceCount(&devices);
  if (err != cudaSuccess || devices == 0) {
    std::fprintf(stderr,
                 "capsim_kernels_bench: no CUDA GPU available (%s); nothing to measure. Run it on a machine with an "
                 "NVIDIA GPU and driver (see kernels/README.md).\n",
                 err != cudaSuccess ? cudaGetErrorString(err) : "cudaGetDeviceCount returned 0 devices");
    return 2;
  }
  int device = 0;
  cudaDeviceProp prop{};
  int driver = 0, runtime = 0;
  if (cudaGetDevice(&device) != cudaSuccess || cudaGetDeviceProperties(&prop, device) != cudaSuccess ||
      cudaDriverGetVersion(&driver) != cudaSuccess || cudaRuntimeGetVersion(&runtime) != cudaSuccess) {
    std::fprintf(stderr, "capsim_kernels_bench: cannot query the CUDA device\n");
    return 2;
  }

  benchmark::AddCustomContext("gpu_name", prop.name);
  benchmark::AddCustomContext("driver_version", cuda_version_string(driver));
  benchmark::AddCustomContext("cuda_runtime_version", cuda_version_string(runtime));
  benchmark::AddCustomContext("compute_capability", std::to_string(prop.major) + "." + std::to_string(prop.minor));
  benchmark::AddCustomContext("capsim_kernels_version", "1");
  benchmark::AddCustomContext("gpu_count", std::to_string(devices));
  benchmark::AddCustomContext("gpu_memory_bytes", std::to_string(prop.totalGlobalMem));
  benchmark::AddCustomContext("gpu_sm_count", std::to_string(prop.multiProcessorCount));
  benchmark::AddCustomContext("cublaslt_version", std::to_string(cublasLtGetVersion()));
#if defined(CAPSIM_HAVE_CUDNN)
  benchmark::AddCustomContext("cudnn_version", std::to_string(cudnnGetVersion()));
#else
  benchmark::AddCustomContext("cudnn_version", "none (built without cuDNN)");
#endif

  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
