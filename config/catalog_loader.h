#ifndef CAPSIM_CONFIG_CATALOG_LOADER_H_
#define CAPSIM_CONFIG_CATALOG_LOADER_H_

#include <string>

#include "models/catalog.h"
#include "sim/status.h"

namespace capsim::config {

// The catalog used when none is named: $CAPSIM_DATA_DIR/catalog.yaml when that variable is set
// and non-empty, else catalog.yaml in the data/ folder of the source tree this was built from.
std::string DefaultCatalogPath();

// Loads the hardware/model/avatar-tier catalog at `path` (format: data/catalog.yaml, where every
// figure is { value, source, confidence }); all problems are returned, one
// "FILE:LINE:COL: KEY.PATH: MESSAGE" line each.
Result<models::Catalog> LoadCatalog(const std::string& path);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_CATALOG_LOADER_H_
