#ifndef CAPSIM_APP_COMMANDS_H_
#define CAPSIM_APP_COMMANDS_H_

#include <functional>
#include <ostream>

#include "app/cli_args.h"

namespace capsim::app {

// Where a command writes: its normal output, its diagnostics, and whether stderr is a terminal
// (progress is shown only there). Injected so that tests can capture both streams.
struct Console {
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;
  // Wall-clock seconds for progress reports (empty: the steady clock); tests inject one.
  std::function<double()> clock;
};

// Runs the parsed command and returns the process exit status (0 success, 1 bad input or a
// failed run, 2 usage errors).
int RunCommand(const CliArgs& args, Console& console);

// The whole program: parses argv and runs the command.
int Main(int argc, char** argv, Console& console);

}  // namespace capsim::app

#endif  // CAPSIM_APP_COMMANDS_H_
