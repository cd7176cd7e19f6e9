#ifndef CAPSIM_CONFIG_SCENARIO_LOADER_H_
#define CAPSIM_CONFIG_SCENARIO_LOADER_H_

#include <string>
#include <vector>

#include "models/scenario.h"
#include "sim/status.h"

namespace capsim::config {

// Loads the scenario YAML file at `path` (keys: scenarios/README.md) into a validated Scenario in
// SI units, after applying `overrides` ("key.path=value" from --set; list items as
// "workloads[0].fps" or "workloads.0.fps"; values are YAML). The catalog is the scenario's
// `catalog:` (relative to the scenario file), else `catalog_path` when non-empty, else
// DefaultCatalogPath(). Every problem is reported, one line each:
// "FILE:LINE:COL: KEY.PATH: MESSAGE", or "--set KEY=VALUE: ..." for problems an override caused.
Result<models::Scenario> LoadScenario(const std::string& path,
                                      const std::vector<std::string>& overrides = {},
                                      const std::string& catalog_path = "");

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_SCENARIO_LOADER_H_
