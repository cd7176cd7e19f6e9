#ifndef CAPSIM_APP_CALIBRATE_COMMAND_H_
#define CAPSIM_APP_CALIBRATE_COMMAND_H_

#include <string>
#include <vector>

#include "app/commands.h"

namespace capsim::app {

// `capsim calibrate BENCH.json [more.json ...] -o PROFILE.yaml [--gpu NAME] [--base PROFILE]`:
// fits a measured calibration profile from Google Benchmark JSON files of the kernel harness
// (config/benchmark_json.h) for the catalog GPU (--gpu, else inferred from the files), fills the
// curves the benchmarks do not measure (collectives, launch overhead, ...) from the base profile
// (default: data/profiles/<GPU>.published.yaml next to the catalog), prints the fitted curves,
// and writes PROFILE.yaml only when everything succeeded. `args` are the words after
// "calibrate"; returns the exit status (0 success, 1 bad input, 2 usage error).
int RunCalibrate(const std::vector<std::string>& args, Console& console);

// The usage line of the calibrate command.
std::string CalibrateUsage();

}  // namespace capsim::app

#endif  // CAPSIM_APP_CALIBRATE_COMMAND_H_
