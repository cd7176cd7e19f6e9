#ifndef CAPSIM_REPORTS_RESULT_WRITER_H_
#define CAPSIM_REPORTS_RESULT_WRITER_H_

#include <string>

#include "models/result.h"
#include "sim/status.h"

namespace capsim::reports {

// Checks, before a long run, that a result file could be created at `path`: its directory
// exists, is a directory and is writable, and `path` is not itself a directory. Errors read
// "out/x.h5: cannot write: directory 'out' does not exist".
Status CheckWritable(const std::string& path);

// Writes `result` as a capsim result file (layout in reports/result_schema.h) to a temporary
// file next to `path` and renames it onto `path` only once everything succeeded; on failure
// the temporary file is removed, an existing `path` is left untouched and the Status names
// the path and what failed. The result is validated first (equal column lengths, unique and
// valid names, no NUL bytes in text). Empty units are written as "1" (dimensionless) and an
// empty long_name as the dataset name. The file is built in memory first (peak memory about
// twice the compressed file size), then written, fsync'ed and renamed. Thread-safe (HDF5
// calls are serialised).
Status WriteResultFile(const models::RunResult& result, const std::string& path);

}  // namespace capsim::reports

#endif  // CAPSIM_REPORTS_RESULT_WRITER_H_
