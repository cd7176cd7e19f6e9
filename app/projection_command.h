#ifndef CAPSIM_APP_PROJECTION_COMMAND_H_
#define CAPSIM_APP_PROJECTION_COMMAND_H_

#include "app/cli_args.h"
#include "app/commands.h"

namespace capsim::app {

// `capsim validate` of a projection file: loads it (and its compare variants), lists problems.
int ValidateProjection(const CliArgs& args, Console& c);

// `capsim run` of a projection file (a top-level `projection:` key): resolves service rates
// (replica-level capacity searches run once and are cached for the variants), runs the plan and
// the same plan without avatars (the training baseline), then each `compare` variant, writes the
// result file and prints capex by quarter, MW, cost per avatar-minute, training delay and the
// summary. Exit 0 on success, 1 on bad input or a failed run.
int RunProjectionCommand(const CliArgs& args, Console& c);

}  // namespace capsim::app

#endif  // CAPSIM_APP_PROJECTION_COMMAND_H_
