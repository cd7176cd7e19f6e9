#include "config/catalog_loader.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "config/suggest.h"
#include "config/yaml_reader.h"

namespace capsim::config {
namespace {

const std::vector<std::string> kFigureKeys = {"value", "source", "confidence"};
const std::vector<std::string> kConfidenceTags = {"FIRM", "SECONDARY", "ESTIMATE"};

// Checks the source and confidence tag of the figure `figure`.
void CheckProvenance(const MapReader& figure) {
  std::string source;
  figure.GetString("source", &source, Need::kRequired);
  std::string tag;
  if (figure.GetString("confidence", &tag, Need::kRequired) &&
      std::find(kConfidenceTags.begin(), kConfidenceTags.end(), tag) == kConfidenceTags.end()) {
    figure.Report("confidence", UnknownNameMessage("confidence tag", tag, kConfidenceTags));
  }
}

// Reads the figure `key` of `item`: { value: QUANTITY, source: TEXT, confidence: TAG }.
void ReadFigure(const MapReader& item, const std::string& key, Dimension dimension, double* out,
                Bound bound, Need need = Need::kRequired) {
  const MapReader figure = item.GetMap(key, kFigureKeys, need);
  if (!figure.valid() || !item.Has(key)) return;
  figure.GetQuantity("value", dimension, out, Need::kRequired, bound);
  CheckProvenance(figure);
}

// Reads a true/false figure.
void ReadFlag(const MapReader& item, const std::string& key, bool* out) {
  const MapReader figure = item.GetMap(key, kFigureKeys, Need::kRequired);
  if (!figure.valid() || !item.Has(key)) return;
  figure.GetBool("value", out, Need::kRequired);
  CheckProvenance(figure);
}

// Reads the list `key` of `top`, calling `read(item_reader, index)` for each mapping in it and
// reporting names used twice.
template <typename T, typename ReadFn>
std::vector<T> ReadList(const MapReader& top, const std::string& key, const std::string& noun,
                        const std::vector<std::string>& keys, ReadFn read) {
  std::vector<T> out;
  std::map<std::string, int> first_line;
  const std::vector<YAML::Node> items = top.GetList(key, Need::kRequired);
  for (size_t i = 0; i < items.size(); ++i) {
    const MapReader item(items[i], IndexPath(top.PathOf(key), i), keys, top.diagnostics());
    if (!item.valid()) continue;
    T spec;
    if (item.GetString("name", &spec.name, Need::kRequired)) {
      auto [it, inserted] = first_line.emplace(spec.name, item.MarkOf("name").line + 1);
      if (!inserted) {
        item.Report("name", "duplicate " + noun + " name '" + spec.name + "' (first at line " +
                                std::to_string(it->second) + ")");
      }
    }
    read(item, &spec);
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace

std::string DefaultCatalogPath() {
  const char* env = std::getenv("CAPSIM_DATA_DIR");
  const std::string dir = env != nullptr && *env != '\0' ? env : CAPSIM_DATA_DIR;
  return dir + "/catalog.yaml";
}

Result<models::Catalog> LoadCatalog(const std::string& path) {
  std::string text;
  Result<YAML::Node> root = ReadYamlFile(path, &text);
  if (!root.ok()) return root.status();
  Diagnostics diagnostics(path);
  models::Catalog catalog;
  try {
    if (!root.value().IsMap()) {
      return Status::Error(path + ": the top level must be a mapping with keys gpus, models, " +
                           "avatar_tiers; got " + DescribeNode(root.value()));
    }
    const MapReader top(root.value(), "", {"gpus", "models", "avatar_tiers"}, &diagnostics);
    catalog.gpus = ReadList<models::GpuSpec>(
        top, "gpus", "GPU",
        {"name", "bf16", "fp8", "memory", "memory_bandwidth", "tdp", "idle_power", "list_price",
         "bf16_gemm_efficiency", "video_encoder"},
        [](const MapReader& item, models::GpuSpec* g) {
          ReadFigure(item, "bf16", Dimension::kFlops, &g->bf16_flops, Bound::kPositive);
          ReadFigure(item, "fp8", Dimension::kFlops, &g->fp8_flops, Bound::kPositive);
          ReadFigure(item, "memory", Dimension::kBytes, &g->memory_bytes, Bound::kPositive);
          ReadFigure(item, "memory_bandwidth", Dimension::kBandwidth, &g->memory_bandwidth,
                     Bound::kPositive);
          ReadFigure(item, "tdp", Dimension::kPower, &g->tdp_watts, Bound::kPositive);
          ReadFigure(item, "idle_power", Dimension::kPower, &g->idle_watts, Bound::kNonNegative);
          ReadFigure(item, "list_price", Dimension::kMoney, &g->list_price_usd, Bound::kPositive);
          ReadFigure(item, "bf16_gemm_efficiency", Dimension::kFraction, &g->bf16_gemm_efficiency,
                     Bound::kPositive);
          ReadFlag(item, "video_encoder", &g->has_video_encoder);
          if (g->idle_watts > g->tdp_watts && g->tdp_watts > 0) {
            item.Report("idle_power", "idle power is above the TDP");
          }
        });
    catalog.models = ReadList<models::ModelSpec>(
        top, "models", "model", {"name", "params", "active_params"},
        [](const MapReader& item, models::ModelSpec* m) {
          ReadFigure(item, "params", Dimension::kCount, &m->params, Bound::kPositive);
          m->active_params = m->params;  // dense unless stated
          ReadFigure(item, "active_params", Dimension::kCount, &m->active_params, Bound::kPositive,
                     Need::kOptional);
          if (m->active_params > m->params) {
            item.Report("active_params", "more active parameters than parameters");
          }
        });
    catalog.avatar_tiers = ReadList<models::AvatarTierSpec>(
        top, "avatar_tiers", "avatar tier",
        {"name", "face_gpu_share", "idle_gpu_share", "first_frame_latency"},
        [](const MapReader& item, models::AvatarTierSpec* t) {
          ReadFigure(item, "face_gpu_share", Dimension::kDimensionless, &t->face_gpu_share,
                     Bound::kPositive);
          ReadFigure(item, "idle_gpu_share", Dimension::kDimensionless, &t->idle_gpu_share,
                     Bound::kNonNegative);
          ReadFigure(item, "first_frame_latency", Dimension::kTime, &t->first_frame_latency_s,
                     Bound::kNonNegative);
        });
  } catch (const YAML::Exception& e) {
    diagnostics.AddLine(path + ": " + e.msg);
  }
  if (!diagnostics.empty()) return diagnostics.ToStatus();
  return catalog;
}

}  // namespace capsim::config
