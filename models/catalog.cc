#include "models/catalog.h"

#include <algorithm>
#include <cassert>

namespace capsim::models {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

ParamCounts ArchitectureParams(const ModelSpec& model) {
  assert(model.HasArchitecture());
  const double h = static_cast<double>(model.hidden);
  const double d =
      static_cast<double>(model.head_dim > 0 ? model.head_dim : model.hidden / model.heads);
  const double q_width = static_cast<double>(model.heads) * d;
  const double kv_width = static_cast<double>(model.kv_heads) * d;
  const double attention = h * (q_width + 2 * kv_width) + q_width * h;  // Q, K, V, O
  const double norms = 2 * h;                                           // pre-attention, pre-FFN
  const double dense_ffn = 3 * h * static_cast<double>(model.ffn);      // gate, up, down
  double ffn_all = dense_ffn, ffn_active = dense_ffn, experts_per_layer = 0;
  if (model.IsMoe()) {
    const double one_expert = 3 * h * static_cast<double>(model.expert_ffn);
    const double router = h * static_cast<double>(model.experts);
    experts_per_layer = one_expert * static_cast<double>(model.experts);
    ffn_all = dense_ffn + router + experts_per_layer;
    ffn_active = dense_ffn + router + one_expert * static_cast<double>(model.active_experts);
  }
  const double layers = static_cast<double>(model.layers);
  const double table = static_cast<double>(model.vocab) * h;

  ParamCounts c;
  c.per_layer = attention + norms + ffn_all;
  c.expert = experts_per_layer * layers;
  c.embedding = model.tied_embeddings ? table : 2 * table;
  c.total = layers * c.per_layer + c.embedding + h;         // + final norm
  c.per_token = layers * (attention + ffn_active) + table;  // LM head: table (tied or not)
  return c;
}

const GpuSpec* Catalog::FindGpu(std::string_view name) const { return FindByName(gpus, name); }
const ModelSpec* Catalog::FindModel(std::string_view name) const {
  return FindByName(models, name);
}
const AvatarTierSpec* Catalog::FindTier(std::string_view name) const {
  return FindByName(avatar_tiers, name);
}
const NodeSpec* Catalog::FindNode(std::string_view name) const { return FindByName(nodes, name); }
const NetworkSpec* Catalog::FindNetwork(std::string_view name) const {
  return FindByName(networks, name);
}
const FaceModelSpec* Catalog::FindFaceModel(std::string_view name) const {
  return FindByName(face_models, name);
}

}  // namespace capsim::models
