// The perf model's hot path: pricing operations. BM_PriceOperation prices a realistic mixed list
// of ~100 operations (one transformer layer's GEMMs, attention, norms and collectives for
// prefill and decode batches, plus face-model convolutions); items_per_second = operations.
// BM_StepTime prices the same list through StepTime. Uses data/profiles/H100-SXM.published.yaml.
#include <benchmark/benchmark.h>

#include <optional>
#include <vector>

#include "config/catalog_loader.h"
#include "config/profile_io.h"
#include "models/perf_model.h"

namespace {

using capsim::models::CollectiveKind;
using capsim::models::DType;
using capsim::models::LinkTier;
using capsim::models::Operation;
using capsim::models::PerfModel;

std::optional<PerfModel> H100Model(benchmark::State& state) {
  auto catalog = capsim::config::LoadCatalog(capsim::config::DefaultCatalogPath());
  auto profile = capsim::config::LoadProfile(std::string(CAPSIM_SOURCE_DIR) +
                                             "/data/profiles/H100-SXM.published.yaml");
  if (!catalog.ok() || !profile.ok() || catalog.value().FindGpu("H100-SXM") == nullptr) {
    state.SkipWithError("cannot load the catalog or the H100 profile");
    return std::nullopt;
  }
  auto model =
      PerfModel::Create(*catalog.value().FindGpu("H100-SXM"), {450e9, 50e9}, profile.value());
  if (!model.ok()) {
    state.SkipWithError(model.status().ToString().c_str());
    return std::nullopt;
  }
  return std::move(model).value();
}

std::vector<Operation> MixedOps() {
  using namespace capsim::models;
  std::vector<Operation> ops;
  for (int64_t tokens : {1, 8, 64, 512, 2048, 8192}) {  // decode and prefill batch sizes
    for (DType t : {DType::kBF16, DType::kFP8}) {
      ops.push_back(Gemm("qkv", tokens, 6144, 4096, t));
      ops.push_back(Gemm("o", tokens, 4096, 4096, t));
      ops.push_back(Gemm("up", tokens, 28672, 4096, t));
      ops.push_back(Gemm("down", tokens, 4096, 14336, t));
    }
    ops.push_back(Memory("norm", tokens * 4096.0 * 4, tokens * 4096.0 * 5, DType::kBF16));
    ops.push_back(Memory("act", tokens * 14336.0 * 6, tokens * 14336.0 * 4, DType::kBF16));
    ops.push_back(Collective("tp.ar", CollectiveKind::kAllReduce, LinkTier::kScaleUp, 8,
                             tokens * 4096.0 * 2, DType::kBF16));
  }
  for (int64_t len : {512, 2048, 8192, 32768}) {
    ops.push_back(AttentionPrefill("prefill", 1, 32, 8, 128, len, len, DType::kBF16));
    ops.push_back(AttentionDecode("decode", 64, 32, 8, 128, len, DType::kBF16));
  }
  for (int64_t hw : {64, 128, 256, 512}) {
    ops.push_back(Conv2d("face.conv", 4, 64, 64, hw, hw, 3, DType::kBF16));
    ops.push_back(Conv2d("face.up", 4, 128, 64, hw, hw, 3, DType::kFP16));
  }
  for (CollectiveKind k :
       {CollectiveKind::kAllGather, CollectiveKind::kReduceScatter, CollectiveKind::kAllToAll}) {
    for (double bytes : {1e6, 1e8, 1e9}) {
      ops.push_back(Collective("dp", k, LinkTier::kScaleOut, 64, bytes, DType::kBF16));
      ops.push_back(Collective("ep", k, LinkTier::kScaleUp, 8, bytes, DType::kBF16));
    }
  }
  return ops;
}

void BM_PriceOperation(benchmark::State& state) {
  std::optional<PerfModel> model = H100Model(state);
  if (!model) return;
  const std::vector<Operation> ops = MixedOps();
  for (auto _ : state) {
    for (const Operation& op : ops) benchmark::DoNotOptimize(model->Price(op));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ops.size()));
  state.counters["ops"] = static_cast<double>(ops.size());
}
BENCHMARK(BM_PriceOperation);

void BM_StepTime(benchmark::State& state) {
  std::optional<PerfModel> model = H100Model(state);
  if (!model) return;
  const std::vector<Operation> ops = MixedOps();
  for (auto _ : state) benchmark::DoNotOptimize(model->StepTime(ops));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ops.size()));
}
BENCHMARK(BM_StepTime);

}  // namespace
