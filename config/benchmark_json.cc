#include "config/benchmark_json.h"

#include "config/file_io.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "config/suggest.h"
#include "models/operation.h"
#include "models/perf_model.h"

namespace capsim::config {
namespace {

using models::CurveMetric;
using models::DType;
using models::OpClass;

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4), compact.
constexpr std::array<uint32_t, 64> kK = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void Sha256Block(const unsigned char* block, std::array<uint32_t, 8>* state) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i) {
    w[i] = (uint32_t{block[4 * i]} << 24) | (uint32_t{block[4 * i + 1]} << 16) |
           (uint32_t{block[4 * i + 2]} << 8) | uint32_t{block[4 * i + 3]};
  }
  for (int i = 16; i < 64; ++i) {
    const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::array<uint32_t, 8> v = *state;
  for (int i = 0; i < 64; ++i) {
    const uint32_t s1 = Rotr(v[4], 6) ^ Rotr(v[4], 11) ^ Rotr(v[4], 25);
    const uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
    const uint32_t t1 = v[7] + s1 + ch + kK[i] + w[i];
    const uint32_t s0 = Rotr(v[0], 2) ^ Rotr(v[0], 13) ^ Rotr(v[0], 22);
    const uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
    const uint32_t t2 = s0 + maj;
    v = {t1 + t2, v[0], v[1], v[2], v[3] + t1, v[4], v[5], v[6]};
  }
  for (int i = 0; i < 8; ++i) (*state)[i] += v[i];
}

// ---------------------------------------------------------------------------------------------

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Whether `word` occurs in `text` not followed by a letter or digit.
bool HasToken(std::string_view text, std::string_view word) {
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const size_t end = at + word.size();
    if (end == text.size() || !std::isalnum(static_cast<unsigned char>(text[end]))) return true;
  }
  return false;
}

std::string Describe(const BenchmarkFile& f, const BenchmarkRun& r) {
  return f.path + ": benchmarks[" + std::to_string(r.index) + "] (" + r.name + ")";
}

std::string Fmt(double v, const char* format = "%.3g") {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The counter `key` of `run` when present and positive.
std::optional<double> Counter(const BenchmarkRun& run, const std::string& key) {
  auto it = run.counters.find(key);
  if (it == run.counters.end()) return std::nullopt;
  return it->second;
}

// The size of one instance of `run` from its shape counters (FLOPs or bytes, as models/
// operation.h counts them), or nullopt when it has none; an error for inconsistent shapes.
Result<std::optional<double>> ShapeSize(const BenchmarkFamily& family, const BenchmarkRun& run) {
  auto get = [&](const char* key) { return Counter(run, key); };
  auto whole = [](double v) { return v > 0 && std::floor(v) == v && v < 9e15; };
  const double batch = get("batch").value_or(1);
  if (family.op_class == OpClass::kGemm) {
    auto m = get("m"), n = get("n"), k = get("k");
    if (!m && !n && !k) return std::optional<double>();
    if (!m || !n || !k || !whole(*m) || !whole(*n) || !whole(*k) || !whole(batch)) {
      return Status::Error("GEMM counters m, n, k (and batch) must all be positive whole numbers");
    }
    return std::optional<double>(2 * *m * *n * *k * batch);  // models::Gemm, per batch entry
  }
  if (family.op_class == OpClass::kAttentionPrefill ||
      family.op_class == OpClass::kAttentionDecode) {
    const bool decode = family.op_class == OpClass::kAttentionDecode;
    auto heads = get("heads"), head_dim = get("head_dim"), kv_len = get("kv_len");
    auto q_len = decode ? std::optional<double>(1) : get("q_len");
    if (!heads && !head_dim && !get("q_len") && !kv_len) return std::optional<double>();
    const double kv_heads = get("kv_heads").value_or(heads.value_or(0));
    const double kv = kv_len.value_or(q_len.value_or(0));
    if (!heads || !head_dim || !q_len || (decode && !kv_len) || !whole(*heads) ||
        !whole(*head_dim) || !whole(*q_len) || !whole(kv) || !whole(kv_heads) || !whole(batch) ||
        kv < *q_len || std::fmod(*heads, kv_heads) != 0) {
      return Status::Error(
          std::string("attention counters need batch, heads, head_dim, ") +
          (decode ? "kv_len" : "q_len") +
          " (kv_heads dividing heads, kv_len >= q_len), all positive whole numbers");
    }
    auto i = [](double v) { return static_cast<int64_t>(v); };
    if (decode) {
      return std::optional<double>(models::AttentionDecode("", i(batch), i(*heads), i(kv_heads),
                                                           i(*head_dim), i(kv), family.dtype)
                                       .bytes);
    }
    return std::optional<double>(models::AttentionPrefill("", i(batch), i(*heads), i(kv_heads),
                                                          i(*head_dim), i(*q_len), i(kv),
                                                          family.dtype)
                                     .flops);
  }
  if (family.metric == CurveMetric::kMemory) {
    if (auto bytes = get("bytes")) {
      if (!(*bytes > 0)) return Status::Error("counter 'bytes' must be positive");
      return std::optional<double>(*bytes);
    }
  }
  return std::optional<double>();
}

double TimeUnitSeconds(const std::string& unit, bool* ok) {
  *ok = true;
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1;
  *ok = false;
  return 0;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::array<uint32_t, 8> state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  size_t full = data.size() / 64;
  for (size_t i = 0; i < full; ++i) Sha256Block(bytes + 64 * i, &state);
  unsigned char tail[128] = {};
  const size_t rest = data.size() - 64 * full;
  if (rest > 0) std::memcpy(tail, bytes + 64 * full, rest);
  tail[rest] = 0x80;
  const size_t tail_size = rest + 9 <= 64 ? 64 : 128;
  const uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  for (size_t off = 0; off < tail_size; off += 64) Sha256Block(tail + off, &state);
  std::string hex;
  char buffer[9];
  for (uint32_t word : state) {
    std::snprintf(buffer, sizeof buffer, "%08x", word);
    hex += buffer;
  }
  return hex;
}

Result<BenchmarkFile> LoadBenchmarkJson(const std::string& path) {
  Result<std::string> content = ReadTextFile(path);
  if (!content.ok()) return content.status();
  const std::string& text = content.value();

  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (const size_t at = what.find("] ");
        what.rfind("[json.exception", 0) == 0 && at != std::string::npos) {
      what = what.substr(at + 2);
    }
    return Status::Error(path + ": invalid JSON at byte " + std::to_string(e.byte) + ": " + what);
  }
  BenchmarkFile file;
  file.path = path;
  file.sha256 = Sha256Hex(text);
  if (!root.is_object()) {
    return Status::Error(path + ": expected a Google Benchmark JSON object with 'context' and " +
                         "'benchmarks' (run with --benchmark_format=json)");
  }
  std::vector<std::string> problems;
  if (auto it = root.find("context"); it != root.end() && it->is_object()) {
    auto str = [&](const char* key, std::string* out) {
      if (auto v = it->find(key); v != it->end()) {
        if (v->is_string()) {
          *out = v->get<std::string>();
        } else if (v->is_number()) {
          *out = v->dump();
        }
      }
    };
    BenchmarkContext& c = file.context;
    str("date", &c.date);
    str("host_name", &c.host_name);
    str("gpu_name", &c.gpu_name);
    str("driver_version", &c.driver_version);
    str("cuda_runtime_version", &c.cuda_runtime_version);
    str("compute_capability", &c.compute_capability);
    str("capsim_kernels_version", &c.capsim_kernels_version);
  }
  auto list = root.find("benchmarks");
  if (list == root.end())
    return Status::Error(path + ": missing 'benchmarks' (not a Google Benchmark JSON file?)");
  if (!list->is_array()) return Status::Error(path + ": 'benchmarks' must be a list");
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& b = (*list)[i];
    const std::string where = path + ": benchmarks[" + std::to_string(i) + "]";
    if (!b.is_object()) {
      problems.push_back(where + ": expected an object");
      continue;
    }
    BenchmarkRun run;
    run.index = i;
    auto name = b.find("name");
    if (name == b.end() || !name->is_string()) {
      problems.push_back(where + ": missing 'name'");
      continue;
    }
    run.name = name->get<std::string>();
    if (auto v = b.find("run_type"); v != b.end() && v->is_string())
      run.run_type = v->get<std::string>();
    if (run.run_type.empty()) run.run_type = "iteration";
    if (auto v = b.find("aggregate_name"); v != b.end() && v->is_string()) {
      run.aggregate_name = v->get<std::string>();
    }
    if (auto v = b.find("run_name"); v != b.end() && v->is_string()) {
      run.run_name = v->get<std::string>();
    } else {
      run.run_name = run.name;
      const std::string suffix = "_" + run.aggregate_name;
      if (run.run_type == "aggregate" && run.run_name.size() > suffix.size() &&
          run.run_name.compare(run.run_name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        run.run_name.resize(run.run_name.size() - suffix.size());
      }
    }
    run.family = run.run_name.substr(0, run.run_name.find('/'));
    if (auto v = b.find("error_occurred"); v != b.end() && v->is_boolean()) {
      run.error_occurred = v->get<bool>();
    }
    std::string unit = "ns";
    if (auto v = b.find("time_unit"); v != b.end() && v->is_string()) unit = v->get<std::string>();
    bool unit_ok = true;
    const double factor = TimeUnitSeconds(unit, &unit_ok);
    if (!unit_ok) {
      problems.push_back(where + " (" + run.name + "): unknown time_unit '" + unit +
                         "'; known: ns, us, ms, s");
      continue;
    }
    auto real_time = b.find("real_time");
    if (!run.error_occurred && (real_time == b.end() || !real_time->is_number())) {
      problems.push_back(where + " (" + run.name + "): missing numeric 'real_time'");
      continue;
    }
    if (real_time != b.end() && real_time->is_number()) {
      run.real_time_s = real_time->get<double>() * factor;
    }
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (it.value().is_number() && it.key() != "real_time" && it.key() != "cpu_time") {
        run.counters[it.key()] = it.value().get<double>();
      }
    }
    file.runs.push_back(std::move(run));
  }
  if (!problems.empty()) return Status::Errors(std::move(problems));
  return file;
}

const std::vector<BenchmarkFamily>& KnownBenchmarkFamilies() {
  static const std::vector<BenchmarkFamily> families = {
      {"BM_gemm_cublaslt_bf16", OpClass::kGemm, DType::kBF16, CurveMetric::kCompute, true},
      {"BM_gemm_cublaslt_fp8", OpClass::kGemm, DType::kFP8, CurveMetric::kCompute, true},
      {"BM_gemm_tiled_bf16", OpClass::kGemm, DType::kBF16, CurveMetric::kCompute, false},
      {"BM_attention_prefill_flash_bf16", OpClass::kAttentionPrefill, DType::kBF16,
       CurveMetric::kCompute, true},
      {"BM_attention_prefill_naive_bf16", OpClass::kAttentionPrefill, DType::kBF16,
       CurveMetric::kCompute, false},
      {"BM_attention_decode_bf16", OpClass::kAttentionDecode, DType::kBF16, CurveMetric::kMemory,
       true},
      {"BM_memory_copy", OpClass::kMemory, DType::kBF16, CurveMetric::kMemory, true},
      {"BM_memory_triad", OpClass::kMemory, DType::kBF16, CurveMetric::kMemory, true},
      {"BM_layernorm_bf16", OpClass::kMemory, DType::kBF16, CurveMetric::kMemory, false},
      {"BM_softmax_bf16", OpClass::kMemory, DType::kBF16, CurveMetric::kMemory, false},
      {"BM_conv_cudnn_bf16", OpClass::kConv, DType::kBF16, CurveMetric::kCompute, true},
      {"BM_upsample_cudnn_bf16", OpClass::kConv, DType::kBF16, CurveMetric::kCompute, true},
  };
  return families;
}

const BenchmarkFamily* FindBenchmarkFamily(std::string_view name) {
  for (const BenchmarkFamily& f : KnownBenchmarkFamilies()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<std::string> InferCatalogGpu(std::string_view gpu_name) {
  const std::string n = Upper(gpu_name);
  if (n.find("GB200") != std::string::npos) return "GB200";
  if (n.find("B200") != std::string::npos) return "B200";
  if (n.find("H200") != std::string::npos) return "H200";
  if (n.find("H100") != std::string::npos) {
    if (n.find("PCIE") != std::string::npos || n.find("NVL") != std::string::npos)
      return std::nullopt;
    if (n.find("HBM3") != std::string::npos || n.find("SXM") != std::string::npos)
      return "H100-SXM";
    return std::nullopt;
  }
  if (n.find("MI300X") != std::string::npos) return "MI300X";
  if (HasToken(n, "L40S")) return "L40S";
  if (HasToken(n, "L4")) return "L4";
  return std::nullopt;
}

Result<std::string> ResolveBenchmarkGpu(const std::vector<BenchmarkFile>& files,
                                        const std::string& requested,
                                        const models::Catalog& catalog) {
  std::vector<std::string> known;
  for (const models::GpuSpec& g : catalog.gpus) known.push_back(g.name);
  std::vector<std::string> problems;
  const BenchmarkFile* first = nullptr;
  for (const BenchmarkFile& f : files) {
    if (f.context.gpu_name.empty()) continue;
    if (first == nullptr) {
      first = &f;
    } else if (f.context.gpu_name != first->context.gpu_name) {
      problems.push_back(f.path + ": GPU mismatch: context.gpu_name '" + f.context.gpu_name +
                         "' differs from '" + first->context.gpu_name + "' in " + first->path +
                         "; calibrate one GPU type at a time");
    }
  }
  if (!requested.empty()) {
    if (catalog.FindGpu(requested) == nullptr) {
      return Status::Error("--gpu: " + UnknownNameMessage("GPU", requested, known));
    }
    for (const BenchmarkFile& f : files) {
      const std::optional<std::string> inferred = InferCatalogGpu(f.context.gpu_name);
      if (inferred && *inferred != requested) {
        problems.push_back(f.path + ": GPU mismatch: context.gpu_name '" + f.context.gpu_name +
                           "' is a " + *inferred + ", not --gpu " + requested);
      }
    }
    if (!problems.empty()) return Status::Errors(std::move(problems));
    return requested;
  }
  if (!problems.empty()) return Status::Errors(std::move(problems));
  const std::string name = first ? first->context.gpu_name : std::string();
  const std::optional<std::string> inferred = InferCatalogGpu(name);
  if (!inferred) {
    return Status::Error((first           ? first->path
                          : files.empty() ? std::string("calibrate")
                                          : files.front().path) +
                         ": cannot tell the catalog GPU from context.gpu_name '" + name +
                         "'; pass --gpu NAME (known: " + JoinNames(known) + ")");
  }
  if (catalog.FindGpu(*inferred) == nullptr) {
    return Status::Error(
        first->path + ": context.gpu_name '" + name + "' is a " + *inferred +
        ", which is not in the catalog; pass --gpu NAME (known: " + JoinNames(known) + ")");
  }
  return *inferred;
}

Result<FitResult> FitBenchmarks(const std::vector<BenchmarkFile>& files,
                                const models::GpuSpec& gpu) {
  std::vector<std::string> problems;
  FitResult result;
  std::vector<std::string> known;
  for (const BenchmarkFamily& f : KnownBenchmarkFamilies()) known.emplace_back(f.name);
  size_t skipped = 0, total = 0;
  for (const BenchmarkFile& file : files) {
    std::set<std::string> with_median, unknown;
    for (const BenchmarkRun& r : file.runs) {
      if (r.run_type == "aggregate" && r.aggregate_name == "median" && !r.error_occurred) {
        with_median.insert(r.run_name);
      }
    }
    for (const BenchmarkRun& r : file.runs) {
      ++total;
      const BenchmarkFamily* family = FindBenchmarkFamily(r.family);
      if (family == nullptr) {
        if (unknown.insert(r.family).second) {
          problems.push_back(Describe(file, r) + ": " +
                             UnknownNameMessage("benchmark family", r.family, known));
        }
        continue;
      }
      if (r.error_occurred) {
        ++skipped;
        continue;
      }
      if (r.run_type == "aggregate" ? r.aggregate_name != "median"
                                    : with_median.count(r.run_name) > 0) {
        continue;
      }
      const bool compute = family->metric == CurveMetric::kCompute;
      const std::string rate_key = compute ? "flop_per_second" : "bytes_per_second";
      const std::optional<double> rate = Counter(r, rate_key);
      if (!rate) {
        problems.push_back(Describe(file, r) + ": missing counter '" + rate_key + "'");
        continue;
      }
      if (!(*rate > 0) || !std::isfinite(*rate)) {
        problems.push_back(Describe(file, r) + ": counter '" + rate_key + "' must be positive");
        continue;
      }
      Result<std::optional<double>> shape = ShapeSize(*family, r);
      if (!shape.ok()) {
        problems.push_back(Describe(file, r) + ": " + shape.status().problems()[0]);
        continue;
      }
      FittedRun fit;
      fit.file = file.path;
      fit.name = r.run_name;
      fit.family = family;
      fit.size = shape.value().value_or(*rate * r.real_time_s);
      const double peak =
          compute ? models::DatasheetPeakFlops(gpu, family->dtype) : gpu.memory_bandwidth;
      fit.efficiency = *rate / peak;
      if (!(fit.size > 0)) {
        problems.push_back(Describe(file, r) + ": no size: neither shape counters nor real_time");
        continue;
      }
      const std::optional<double> moved = Counter(r, "bytes");
      if (compute && moved && *moved > 0 && fit.size / *moved < peak / gpu.memory_bandwidth) {
        result.memory_bound.push_back(std::move(fit));
        continue;
      }
      if (fit.efficiency > 1 && !compute && fit.size <= kCacheResidentBytes) {
        result.cache_resident.push_back(std::move(fit));
        continue;
      }
      if (fit.efficiency > 1) {
        problems.push_back(Describe(file, r) + ": " + rate_key + " " + Fmt(*rate) + " is " +
                           Fmt(fit.efficiency * 100, "%.0f") + "% of the " + gpu.name +
                           " datasheet figure " + Fmt(peak) +
                           ": exceeds datasheet peak: wrong --gpu?");
        continue;
      }
      (family->fitted ? result.fitted : result.reported).push_back(std::move(fit));
    }
  }
  if (!problems.empty()) return Status::Errors(std::move(problems));
  if (result.fitted.empty()) {
    std::string names;
    for (const BenchmarkFile& f : files) names += (names.empty() ? "" : ", ") + f.path;
    return Status::Error(names + ": no usable benchmark (" + std::to_string(total) + " entries, " +
                         std::to_string(skipped) + " with errors, " +
                         std::to_string(result.reported.size()) +
                         " comparison kernels that define no curve)");
  }

  // One curve per (class, dtype, metric); one point per distinct size, the median efficiency.
  using Key = std::tuple<OpClass, DType, CurveMetric>;
  std::map<Key, std::map<double, std::vector<const FittedRun*>>> groups;
  for (const FittedRun& f : result.fitted) {
    groups[{f.family->op_class, f.family->dtype, f.family->metric}][f.size].push_back(&f);
  }
  models::CalibrationProfile& profile = result.profile;
  profile.gpu = gpu.name;
  for (const auto& [key, by_size] : groups) {
    models::EfficiencyCurve curve;
    std::tie(curve.op_class, curve.dtype, curve.metric) = key;
    for (const auto& [size, runs] : by_size) {
      std::vector<double> effs;
      std::string source;
      for (const FittedRun* r : runs) {
        effs.push_back(r->efficiency);
        const std::string base = std::filesystem::path(r->file).filename().string();
        source += (source.empty() ? "" : "; ") + base + ": " + r->name;
      }
      if (runs.size() > 1) source = "median of " + std::to_string(runs.size()) + ": " + source;
      curve.points.push_back({size, Median(effs), true, source});
    }
    profile.curves.push_back(std::move(curve));
  }

  models::ProfileProvenance& p = profile.provenance;
  p.kind = "measured";
  auto join = [&](std::string BenchmarkContext::*field) {
    std::vector<std::string> seen;
    for (const BenchmarkFile& f : files) {
      const std::string& v = f.context.*field;
      if (!v.empty() && std::find(seen.begin(), seen.end(), v) == seen.end()) seen.push_back(v);
    }
    return JoinNames(seen);
  };
  p.gpu_name = join(&BenchmarkContext::gpu_name);
  p.driver = join(&BenchmarkContext::driver_version);
  p.cuda = join(&BenchmarkContext::cuda_runtime_version);
  p.date = join(&BenchmarkContext::date);
  for (const BenchmarkFile& f : files) {
    p.source += (p.source.empty() ? "" : ", ") + f.path + " (sha256 " + f.sha256 + ")";
  }
  if (const std::string v = join(&BenchmarkContext::capsim_kernels_version); !v.empty()) {
    p.source += "; capsim_kernels_version " + v;
  }
  return result;
}

}  // namespace capsim::config
