#ifndef CAPSIM_APP_EXPLAIN_COMMAND_H_
#define CAPSIM_APP_EXPLAIN_COMMAND_H_

#include <string>
#include <vector>

#include "app/commands.h"

namespace capsim::app {

// `capsim explain SCENARIO.yaml --workload NAME [--set key.path=value]...`: prints how the
// workload's step is priced — every operation with its shape, repeat count, time, the bound
// (compute, memory, network, latency), the efficiency used and the calibration-profile entry it
// came from (measured or published) — and the resulting step time, tokens/s and MFU. For an
// avatar service it prices one face-model frame batch of its tier. `args` are the words after
// "explain"; returns the exit status (0 success, 1 bad input, 2 usage error).
int RunExplain(const std::vector<std::string>& args, Console& console);
// The usage line of the explain command.
std::string ExplainUsage();

}  // namespace capsim::app

#endif  // CAPSIM_APP_EXPLAIN_COMMAND_H_
