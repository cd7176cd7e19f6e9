#ifndef CAPSIM_APP_CLI_ARGS_H_
#define CAPSIM_APP_CLI_ARGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/status.h"

namespace capsim::app {

// The parsed command line of the `capsim` program.
struct CliArgs {
  std::string command;                 // run | validate | summary | help | version
  std::string input;                   // the scenario (run, validate) or result file (summary)
  std::string output;                  // -o/--output (run); default out/<scenario name>.h5
  std::optional<uint64_t> seed;        // --seed
  std::vector<std::string> overrides;  // --set key.path=value, in order
  bool json = false;                   // --json (summary)
  bool quiet = false;                  // --quiet: no summary table on stdout, no progress
  int replications = 1;                // --replications K (run): K runs, means with 95% CIs
  // --precision X (run): replicate until each chosen metric's 95% half-width is at most X of
  // its mean (sequential stopping), at most --replications K (default 100) replications.
  std::optional<double> precision;
  std::vector<std::string> precision_metrics;  // --precision-metrics a,b (default: every metric)
};

// The most replications one run takes.
inline constexpr int kMaxReplications = 10000;

// Parses argv (without the program name) into CliArgs; errors name the offending argument.
Result<CliArgs> ParseCliArgs(const std::vector<std::string>& args);

// The usage text printed by `capsim help` and on argument errors.
std::string UsageText();

}  // namespace capsim::app

#endif  // CAPSIM_APP_CLI_ARGS_H_
