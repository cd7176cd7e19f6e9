#include "models/catalog.h"

#include <algorithm>

namespace capsim::models {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const GpuSpec* Catalog::FindGpu(std::string_view name) const { return FindByName(gpus, name); }
const ModelSpec* Catalog::FindModel(std::string_view name) const {
  return FindByName(models, name);
}
const AvatarTierSpec* Catalog::FindTier(std::string_view name) const {
  return FindByName(avatar_tiers, name);
}

}  // namespace capsim::models
