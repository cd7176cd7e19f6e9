#ifndef CAPSIM_CONFIG_BENCHMARK_JSON_H_
#define CAPSIM_CONFIG_BENCHMARK_JSON_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/calibration.h"
#include "models/catalog.h"
#include "sim/status.h"

namespace capsim::config {

// The `context` of a Google Benchmark JSON file (--benchmark_format=json), with the custom keys
// the capsim kernel harness adds; absent keys are empty.
struct BenchmarkContext {
  std::string date, host_name;
  std::string gpu_name, driver_version, cuda_runtime_version, compute_capability;
  std::string capsim_kernels_version;
};

// One entry of `benchmarks`.
struct BenchmarkRun {
  size_t index = 0;            // position in the file's `benchmarks` list
  std::string name;            // "BM_gemm_cublaslt_bf16/8192/8192/8192" (+ "_median" etc.)
  std::string run_name;        // name without the aggregate suffix
  std::string family;          // run_name up to the first '/'
  std::string run_type;        // "iteration" | "aggregate"
  std::string aggregate_name;  // "median", "mean", ... (aggregates only)
  bool error_occurred = false;
  double real_time_s = 0;                  // per iteration, converted from time_unit
  std::map<std::string, double> counters;  // every other numeric member
};

// A parsed benchmark file.
struct BenchmarkFile {
  std::string path;
  std::string sha256;  // of the file's bytes, lowercase hex
  BenchmarkContext context;
  std::vector<BenchmarkRun> runs;
};

// The SHA-256 digest of `data` in lowercase hex (FIPS 180-4).
std::string Sha256Hex(std::string_view data);

// Reads and parses a Google Benchmark JSON file; errors name the file, and for malformed JSON
// the parser's byte offset ("F: invalid JSON at byte 17: ...").
Result<BenchmarkFile> LoadBenchmarkJson(const std::string& path);

// What a benchmark family of the kernel harness measures. Library-backed (best) kernels define
// the curves; the hand-written comparison kernels (tiled GEMM, naive attention) and the
// layernorm/softmax kernels are reported but not fitted.
struct BenchmarkFamily {
  std::string_view name;  // "BM_gemm_cublaslt_bf16"
  models::OpClass op_class;
  models::DType dtype;
  models::CurveMetric metric;  // kCompute: counter flop_per_second; kMemory: bytes_per_second
  bool fitted;                 // defines a curve (true) or is only reported (false)
};
// The known families, in a fixed order.
const std::vector<BenchmarkFamily>& KnownBenchmarkFamilies();
// The family named `name`, or nullptr.
const BenchmarkFamily* FindBenchmarkFamily(std::string_view name);

// The catalog GPU a benchmark context's gpu_name denotes ("NVIDIA H100 80GB HBM3" -> H100-SXM,
// "NVIDIA H200" -> H200, ... ), or nullopt when it cannot be told.
std::optional<std::string> InferCatalogGpu(std::string_view gpu_name);

// The catalog GPU of `files`: `requested` (--gpu) when given, else inferred from the contexts.
// Errors: files reporting different GPUs, a file whose GPU is not `requested`, an unknown
// `requested`, and no way to infer the GPU (asking for --gpu).
Result<std::string> ResolveBenchmarkGpu(const std::vector<BenchmarkFile>& files,
                                        const std::string& requested,
                                        const models::Catalog& catalog);

// One benchmark result turned into an efficiency.
struct FittedRun {
  std::string file;
  std::string name;  // run name
  const BenchmarkFamily* family = nullptr;
  double size = 0;        // FLOPs (compute) or bytes (memory) of one instance
  double efficiency = 0;  // rate / datasheet figure of the GPU
};

// A measured profile and what went into it.
struct FitResult {
  models::CalibrationProfile profile;  // measured curves only; launch/collective from defaults
  std::vector<FittedRun> fitted;       // runs that define curve points
  std::vector<FittedRun> reported;     // comparison runs, not fitted
  std::vector<FittedRun> cache_resident;  // memory runs above the HBM figure, small enough for L2
  std::vector<FittedRun> memory_bound;    // compute runs below the machine balance (FLOP/byte)
};

// Memory benchmarks moving at most this many bytes may run from the GPU's L2 cache (50-126 MB
// on the catalog's GPUs) and then beat the HBM datasheet figure; above it they may not.
inline constexpr double kCacheResidentBytes = 256.0 * 1024 * 1024;

// Fits efficiency curves for `gpu` from `files`: the median aggregate of each run when present,
// else its iterations; size from the shape counters (m, n, k, batch; attention shapes; bytes) by
// the formulas of models/operation.h, else rate x real_time; efficiency = rate / datasheet
// figure; one point per distinct size (median over duplicates), sorted. A memory run above the
// HBM figure that moves <= kCacheResidentBytes is set aside in `cache_resident`, and a compute
// run whose FLOPs per byte moved (counter "bytes") fall below the GPU's machine balance (peak
// FLOP/s / HBM bandwidth) in `memory_bound`: the roofline prices those by bandwidth, and their
// low FLOP efficiency would drag the compute curve down for square problems of the same FLOPs.
// Errors, one line each: unknown families (with the known ones), missing counters, other
// efficiencies above 1 ("exceeds datasheet peak: wrong --gpu?"), and no usable benchmark.
Result<FitResult> FitBenchmarks(const std::vector<BenchmarkFile>& files,
                                const models::GpuSpec& gpu);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_BENCHMARK_JSON_H_
