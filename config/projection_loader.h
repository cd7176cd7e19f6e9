#ifndef CAPSIM_CONFIG_PROJECTION_LOADER_H_
#define CAPSIM_CONFIG_PROJECTION_LOADER_H_

#include <string>
#include <vector>

#include "models/projection_spec.h"
#include "sim/status.h"

namespace capsim::config {

// Whether the YAML file at `path` is a projection: its top level is a mapping with a
// `projection` key (false when it cannot be read or parsed; LoadScenario then reports why).
bool IsProjectionFile(const std::string& path);

// Loads the projection YAML file at `path` (keys: scenarios/README.md, "Projections") into a
// validated ProjectionSpec in SI units, after applying `overrides` ("key.path=value", as
// LoadScenario); the catalog is the file's `catalog:`, else `catalog_path`, else
// DefaultCatalogPath(). Every problem is reported, one line each ("FILE:LINE:COL: KEY.PATH:
// MESSAGE"); each `compare` variant is loaded too, its new problems prefixed "compare.NAME: ".
Result<models::ProjectionSpec> LoadProjection(const std::string& path,
                                              const std::vector<std::string>& overrides = {},
                                              const std::string& catalog_path = "");

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_PROJECTION_LOADER_H_
