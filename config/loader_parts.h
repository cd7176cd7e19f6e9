#ifndef CAPSIM_CONFIG_LOADER_PARTS_H_
#define CAPSIM_CONFIG_LOADER_PARTS_H_

// Readers shared by the scenario loader (config/scenario_loader.cc, config/workload_loader.cc)
// and the projection loader (config/projection_loader.cc); not part of the config layer's API.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/workload_loader.h"
#include "config/yaml_reader.h"
#include "models/calibration.h"
#include "models/catalog.h"
#include "models/scenario.h"

namespace capsim::config {

// Loads the catalog named by top's `catalog:` (relative to the file at `path`), else
// `catalog_path` when non-empty, else DefaultCatalogPath(); reports its problems, nullopt then.
std::optional<models::Catalog> ReadCatalog(const MapReader& top, const std::string& path,
                                           const std::string& catalog_path);

// Reads top's `calibration:` (GPU type -> profile file relative to `path`, or the kind of a
// shipped profile such as `published`) and appends each loaded profile to `*profiles`; returns
// the GPU types with an entry, loaded or not (so a missing one is not reported twice).
std::set<std::string> ReadCalibrationProfiles(const MapReader& top, const std::string& path,
                                              const models::Catalog& catalog,
                                              std::vector<models::CalibrationProfile>* profiles);

// Reads the optional `failures:` mapping of `top` (enabled when present).
void ReadFailures(const MapReader& top, models::FailureSpec* f);

// The keys a `kind: training` / `kind: distillation` workload item of a scenario allows.
const std::vector<std::string>& TrainingKeys();
const std::vector<std::string>& DistillationKeys();

// Reads a training workload item (all but `name` and `pool`), checking sizes against ctx.pool.
void ReadTraining(const MapReader& item, const WorkloadContext& ctx, models::TrainingSpec* s);

// Reads a distillation workload item (all but `name` and `pool`), checking sizes against ctx.pool.
void ReadDistillation(const MapReader& item, const WorkloadContext& ctx,
                      models::DistillationSpec* s);

// Reads `order` of the policy mapping `r` (when present) into *order: a list naming each of
// `names` exactly once, highest priority first; problems name the item's key path.
void ReadWorkloadOrder(const MapReader& r, const std::vector<std::string>& names,
                       std::vector<std::string>* order);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_LOADER_PARTS_H_
