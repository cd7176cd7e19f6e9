#include "config/catalog_loader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "config/suggest.h"
#include "config/yaml_reader.h"
#include "models/face_ops.h"

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

// Reads a whole-number figure.
void ReadIntFigure(const MapReader& item, const std::string& key, int* out, Bound bound,
                   Need need = Need::kRequired) {
  const MapReader figure = item.GetMap(key, kFigureKeys, need);
  if (!figure.valid() || !item.Has(key)) return;
  figure.GetInt("value", out, Need::kRequired, bound);
  CheckProvenance(figure);
}

// Reads a whole-number key of a shape mapping (provenance is the mapping's own).
void ReadShape(const MapReader& map, const std::string& key, int64_t* out, Need need,
               Bound bound = Bound::kAtLeastOne) {
  int v = 0;
  if (map.GetInt(key, &v, need, bound)) *out = v;
}

// Reads a dtype name ("bf16", "fp16", "fp8", "fp32").
void ReadDType(const MapReader& map, const std::string& key, models::DType* out) {
  static const std::vector<std::string> kNames = {"bf16", "fp16", "fp8", "fp32"};
  static const models::DType kTypes[] = {models::DType::kBF16, models::DType::kFP16,
                                         models::DType::kFP8, models::DType::kFP32};
  std::string name;
  if (!map.GetString(key, &name)) return;
  auto it = std::find(kNames.begin(), kNames.end(), name);
  if (it == kNames.end()) {
    map.Report(key, UnknownNameMessage("dtype", name, kNames));
    return;
  }
  *out = kTypes[it - kNames.begin()];
}

// Formats a parameter count as "70.55B".
std::string Billions(double count) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2fB", count / 1e9);
  return buf;
}

// Reads a model's `architecture` mapping (integers, with one source and confidence tag for the
// whole config) and checks it against the stated parameter counts.
void ReadArchitecture(const MapReader& item, models::ModelSpec* m) {
  static const std::vector<std::string> kKeys = {
      "layers", "hidden",    "heads",          "kv_heads",   "head_dim",        "ffn",
      "vocab",  "experts",   "active_experts", "expert_ffn", "tied_embeddings", "dtype",
      "source", "confidence"};
  if (!item.Has("architecture")) return;
  const MapReader a = item.GetMap("architecture", kKeys);
  if (!a.valid()) return;
  ReadShape(a, "layers", &m->layers, Need::kRequired);
  ReadShape(a, "hidden", &m->hidden, Need::kRequired);
  ReadShape(a, "heads", &m->heads, Need::kRequired);
  m->kv_heads = m->heads;  // multi-head attention unless stated
  ReadShape(a, "kv_heads", &m->kv_heads, Need::kOptional);
  ReadShape(a, "head_dim", &m->head_dim, Need::kOptional);
  ReadShape(a, "ffn", &m->ffn, Need::kOptional, Bound::kNonNegative);
  ReadShape(a, "vocab", &m->vocab, Need::kRequired);
  ReadShape(a, "experts", &m->experts, Need::kOptional, Bound::kNonNegative);
  ReadShape(a, "active_experts", &m->active_experts, Need::kOptional, Bound::kNonNegative);
  ReadShape(a, "expert_ffn", &m->expert_ffn, Need::kOptional, Bound::kNonNegative);
  a.GetBool("tied_embeddings", &m->tied_embeddings);
  ReadDType(a, "dtype", &m->dtype);
  CheckProvenance(a);
  if (m->layers <= 0 || m->hidden <= 0 || m->heads <= 0 || m->vocab <= 0) return;
  if (m->head_dim == 0) {
    if (m->hidden % m->heads != 0) {
      a.Report("heads", "hidden " + std::to_string(m->hidden) + " is not a multiple of " +
                            std::to_string(m->heads) + " heads; give head_dim");
      m->layers = 0;
      return;
    }
    m->head_dim = m->hidden / m->heads;
  }
  bool ok = true;
  if (m->kv_heads <= 0 || m->heads % m->kv_heads != 0) {
    a.Report("kv_heads", "must divide the " + std::to_string(m->heads) + " heads");
    ok = false;
  }
  if (m->IsMoe()) {
    if (m->active_experts < 1 || m->active_experts > m->experts || m->expert_ffn <= 0) {
      a.Report("experts", "a mixture of experts needs active_experts in 1..experts and expert_ffn");
      ok = false;
    }
  } else if (m->ffn <= 0) {
    a.Report("ffn", "a dense model needs ffn > 0");
    ok = false;
  }
  if (!ok) {
    m->layers = 0;  // no usable architecture
    return;
  }
  // The architecture must reproduce the model card's counts (3% covers biases and rounding).
  const models::ParamCounts c = models::ArchitectureParams(*m);
  if (m->params > 0 && std::fabs(c.total - m->params) > 0.03 * m->params) {
    item.Report("architecture", "gives " + Billions(c.total) + " parameters but params is " +
                                    Billions(m->params) + " (more than 3% apart)");
  }
  if (m->IsMoe() && m->active_params > 0 &&
      std::fabs(c.per_token - m->active_params) > 0.03 * m->active_params) {
    item.Report("architecture", "gives " + Billions(c.per_token) +
                                    " active parameters but active_params is " +
                                    Billions(m->active_params) + " (more than 3% apart)");
  }
}

// Whether every shape field `layer`'s op class needs was read (a reported problem leaves 0).
bool LayerComplete(const models::FaceLayerSpec& l) {
  switch (l.op_class) {
    case models::OpClass::kConv:
      return l.channels_in > 0 && l.channels_out > 0 && l.height > 0 && l.width > 0 && l.kernel > 0;
    case models::OpClass::kGemm:
      return l.m > 0 && l.n > 0 && l.k > 0;
    case models::OpClass::kAttentionPrefill:
      return l.heads > 0 && l.head_dim > 0 && l.tokens > 0 && l.context > 0;
    default:
      return l.bytes > 0;
  }
}

// Reads one face-model layer: { name, op: conv|gemm|attention|memory, shape keys, repeat,
// source, confidence }.
void ReadFaceLayer(const MapReader& l, models::FaceLayerSpec* layer) {
  static const std::vector<std::string> kOps = {"conv", "gemm", "attention", "memory"};
  l.GetString("name", &layer->name, Need::kRequired);
  std::string op;
  if (l.GetString("op", &op, Need::kRequired)) {
    if (op == "conv") {
      layer->op_class = models::OpClass::kConv;
      ReadShape(l, "channels_in", &layer->channels_in, Need::kRequired);
      ReadShape(l, "channels_out", &layer->channels_out, Need::kRequired);
      ReadShape(l, "height", &layer->height, Need::kRequired);
      ReadShape(l, "width", &layer->width, Need::kRequired);
      ReadShape(l, "kernel", &layer->kernel, Need::kRequired);
    } else if (op == "gemm") {
      layer->op_class = models::OpClass::kGemm;
      ReadShape(l, "m", &layer->m, Need::kRequired);
      ReadShape(l, "n", &layer->n, Need::kRequired);
      ReadShape(l, "k", &layer->k, Need::kRequired);
    } else if (op == "attention") {
      layer->op_class = models::OpClass::kAttentionPrefill;
      ReadShape(l, "heads", &layer->heads, Need::kRequired);
      ReadShape(l, "head_dim", &layer->head_dim, Need::kRequired);
      ReadShape(l, "tokens", &layer->tokens, Need::kRequired);
      ReadShape(l, "context", &layer->context, Need::kRequired);
    } else if (op == "memory") {
      layer->op_class = models::OpClass::kMemory;
      l.GetQuantity("bytes", Dimension::kBytes, &layer->bytes, Need::kRequired, Bound::kPositive);
      l.GetQuantity("flops", Dimension::kCount, &layer->flops, Need::kOptional,
                    Bound::kNonNegative);
    } else {
      l.Report("op", UnknownNameMessage("layer op", op, kOps));
    }
  }
  l.GetQuantity("repeat", Dimension::kDimensionless, &layer->repeat, Need::kOptional,
                Bound::kPositive);
  l.GetString("source", &layer->source, Need::kRequired);
  std::string tag;
  if (l.GetString("confidence", &tag, Need::kRequired) &&
      std::find(kConfidenceTags.begin(), kConfidenceTags.end(), tag) == kConfidenceTags.end()) {
    l.Report("confidence", UnknownNameMessage("confidence tag", tag, kConfidenceTags));
  }
}

// Reads the list `key` of `top`, calling `read(item_reader, index)` for each mapping in it and
// reporting names used twice.
template <typename T, typename ReadFn>
std::vector<T> ReadList(const MapReader& top, const std::string& key, const std::string& noun,
                        const std::vector<std::string>& keys, ReadFn read,
                        Need need = Need::kRequired) {
  std::vector<T> out;
  std::map<std::string, int> first_line;
  const std::vector<YAML::Node> items = top.GetList(key, need);
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
                           "avatar_tiers, nodes, networks, face_models; got " +
                           DescribeNode(root.value()));
    }
    const MapReader top(root.value(), "",
                        {"gpus", "models", "avatar_tiers", "nodes", "networks", "face_models"},
                        &diagnostics);
    catalog.gpus = ReadList<models::GpuSpec>(
        top, "gpus", "GPU",
        {"name", "bf16", "fp8", "memory", "memory_bandwidth", "tdp", "idle_power", "list_price",
         "bf16_gemm_efficiency", "video_encoder", "video_encoders", "scale_up_bandwidth",
         "scale_up_domain"},
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
          ReadIntFigure(item, "video_encoders", &g->video_encoders, Bound::kNonNegative);
          ReadFigure(item, "scale_up_bandwidth", Dimension::kBandwidth, &g->scale_up_bandwidth,
                     Bound::kNonNegative);
          ReadIntFigure(item, "scale_up_domain", &g->scale_up_domain, Bound::kAtLeastOne);
          if (item.Has("video_encoders") && g->has_video_encoder != (g->video_encoders > 0)) {
            item.Report("video_encoders", "disagrees with video_encoder");
          }
          if (g->idle_watts > g->tdp_watts && g->tdp_watts > 0) {
            item.Report("idle_power", "idle power is above the TDP");
          }
        });
    catalog.models = ReadList<models::ModelSpec>(
        top, "models", "model", {"name", "params", "active_params", "architecture"},
        [](const MapReader& item, models::ModelSpec* m) {
          ReadFigure(item, "params", Dimension::kCount, &m->params, Bound::kPositive);
          m->active_params = m->params;  // dense unless stated
          ReadFigure(item, "active_params", Dimension::kCount, &m->active_params, Bound::kPositive,
                     Need::kOptional);
          if (m->active_params > m->params) {
            item.Report("active_params", "more active parameters than parameters");
          }
          ReadArchitecture(item, m);
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
    catalog.nodes = ReadList<models::NodeSpec>(
        top, "nodes", "node",
        {"name", "gpu", "gpus_per_node", "host_power", "nics", "nic_bandwidth", "list_price"},
        [&catalog](const MapReader& item, models::NodeSpec* n) {
          if (item.GetString("gpu", &n->gpu, Need::kRequired) &&
              catalog.FindGpu(n->gpu) == nullptr) {
            std::vector<std::string> names;
            for (const models::GpuSpec& g : catalog.gpus) names.push_back(g.name);
            item.Report("gpu", UnknownNameMessage("GPU", n->gpu, names));
          }
          ReadIntFigure(item, "gpus_per_node", &n->gpus_per_node, Bound::kAtLeastOne);
          ReadFigure(item, "host_power", Dimension::kPower, &n->host_power_watts,
                     Bound::kNonNegative);
          ReadIntFigure(item, "nics", &n->nics, Bound::kNonNegative);
          ReadFigure(item, "nic_bandwidth", Dimension::kBandwidth, &n->nic_bandwidth,
                     Bound::kNonNegative);
          ReadFigure(item, "list_price", Dimension::kMoney, &n->list_price_usd, Bound::kPositive,
                     Need::kOptional);
        },
        Need::kOptional);
    catalog.networks = ReadList<models::NetworkSpec>(
        top, "networks", "network",
        {"name", "tier", "bandwidth", "latency", "oversubscription", "full_bisection_gpus"},
        [](const MapReader& item, models::NetworkSpec* n) {
          static const std::vector<std::string> kTiers = {"scale-up", "scale-out"};
          std::string tier;
          if (item.GetString("tier", &tier, Need::kRequired)) {
            if (tier == "scale-up") {
              n->tier = models::LinkTier::kScaleUp;
            } else if (tier == "scale-out") {
              n->tier = models::LinkTier::kScaleOut;
            } else {
              item.Report("tier", UnknownNameMessage("network tier", tier, kTiers));
            }
          }
          // Scale-up bandwidth defaults to the GPU's own (GpuSpec::scale_up_bandwidth).
          ReadFigure(item, "bandwidth", Dimension::kBandwidth, &n->bandwidth, Bound::kPositive,
                     tier == "scale-up" ? Need::kOptional : Need::kRequired);
          ReadFigure(item, "latency", Dimension::kTime, &n->latency_s, Bound::kNonNegative);
          n->oversubscription = 1;
          ReadFigure(item, "oversubscription", Dimension::kDimensionless, &n->oversubscription,
                     Bound::kPositive, Need::kOptional);
          if (n->oversubscription < 1) {
            item.Report("oversubscription", "must be at least 1 (7 means 1:7)");
          }
          ReadIntFigure(item, "full_bisection_gpus", &n->full_bisection_gpus, Bound::kNonNegative,
                        Need::kOptional);
        },
        Need::kOptional);
    catalog.face_models = ReadList<models::FaceModelSpec>(
        top, "face_models", "face model",
        {"name", "tier", "params", "resolution", "steps", "dtype", "reference_speed", "layers",
         "flops_per_frame", "bytes_per_frame"},
        [&catalog](const MapReader& item, models::FaceModelSpec* f) {
          if (item.GetString("tier", &f->tier, Need::kRequired) &&
              catalog.FindTier(f->tier) == nullptr) {
            std::vector<std::string> names;
            for (const models::AvatarTierSpec& t : catalog.avatar_tiers) names.push_back(t.name);
            item.Report("tier", UnknownNameMessage("avatar tier", f->tier, names));
          }
          ReadFigure(item, "params", Dimension::kCount, &f->params, Bound::kPositive);
          int resolution = 0, steps = 1;
          ReadIntFigure(item, "resolution", &resolution, Bound::kAtLeastOne);
          ReadIntFigure(item, "steps", &steps, Bound::kAtLeastOne, Need::kOptional);
          f->resolution = resolution;
          f->steps = steps;
          ReadDType(item, "dtype", &f->dtype);
          if (item.Has("reference_speed")) {
            const MapReader speed =
                item.GetMap("reference_speed", {"value", "gpu", "gpus", "source", "confidence"});
            speed.GetQuantity("value", Dimension::kRate, &f->reference_fps, Need::kRequired,
                              Bound::kPositive);
            speed.GetString("gpu", &f->reference_gpu, Need::kRequired);
            speed.GetInt("gpus", &f->reference_gpus, Need::kOptional, Bound::kAtLeastOne);
            CheckProvenance(speed);
          }
          const bool has_layers = item.Has("layers"), has_flops = item.Has("flops_per_frame");
          if (has_layers == has_flops) {
            item.Report(has_layers ? "flops_per_frame" : "name",
                        "give either layers or flops_per_frame + bytes_per_frame, not " +
                            std::string(has_layers ? "both" : "neither"));
          }
          if (has_layers) {
            const std::vector<YAML::Node> layers = item.GetList("layers", Need::kRequired);
            for (size_t i = 0; i < layers.size(); ++i) {
              const MapReader l(layers[i], IndexPath(item.PathOf("layers"), i),
                                {"name", "op", "channels_in", "channels_out", "height", "width",
                                 "kernel", "m", "n", "k", "heads", "head_dim", "tokens", "context",
                                 "bytes", "flops", "repeat", "source", "confidence"},
                                item.diagnostics());
              if (!l.valid()) continue;
              models::FaceLayerSpec layer;
              ReadFaceLayer(l, &layer);
              f->layers.push_back(std::move(layer));
            }
            if (std::all_of(f->layers.begin(), f->layers.end(), LayerComplete)) {
              f->flops_per_frame = models::FaceLayerFlopsPerFrame(*f);
            }
          } else if (has_flops) {
            ReadFigure(item, "flops_per_frame", Dimension::kCount, &f->flops_per_frame,
                       Bound::kPositive);
            ReadFigure(item, "bytes_per_frame", Dimension::kBytes, &f->bytes_per_frame,
                       Bound::kPositive);
          }
        },
        Need::kOptional);
  } catch (const YAML::Exception& e) {
    diagnostics.AddLine(path + ": " + e.msg);
  }
  if (!diagnostics.empty()) return diagnostics.ToStatus();
  return catalog;
}

}  // namespace capsim::config
