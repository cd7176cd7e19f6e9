#ifndef CAPSIM_REPORTS_RESULT_READER_H_
#define CAPSIM_REPORTS_RESULT_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "models/result.h"
#include "sim/status.h"

namespace capsim::reports {

// The headline contents of a capsim result file (what `capsim summary OUT.h5` shows).
struct ResultFile {
  int schema_version = 0;
  std::string capsim_version;
  uint64_t seed = 0;
  std::string created;  // ISO-8601 UTC creation time ("" if absent)
  std::string scenario_name;
  std::string scenario_text;  // the resolved scenario YAML stored in the file
  // In stored (creation) order; half_width and replications come from the ci95_half_width
  // and replications attributes (absent: NaN and 1).
  std::vector<models::SummaryMetric> summary;
};

// Reads the root attributes, the scenario text and the summary metrics of the capsim result
// file at `path`; fails with a message naming `path` when the file is missing, is not HDF5,
// is not a capsim result (schema attribute missing or different) or has a newer
// schema_version than this build supports. Thread-safe (HDF5 calls are serialised).
Result<ResultFile> ReadResultFile(const std::string& path);

}  // namespace capsim::reports

#endif  // CAPSIM_REPORTS_RESULT_READER_H_
