#ifndef CAPSIM_CONFIG_FILE_IO_H_
#define CAPSIM_CONFIG_FILE_IO_H_

#include <string>

#include "sim/status.h"

namespace capsim::config {

// The whole content of the file at `path`; errors read "PATH: cannot open: REASON" (a missing
// file, a directory, no permission).
Result<std::string> ReadTextFile(const std::string& path);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_FILE_IO_H_
