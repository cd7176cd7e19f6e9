#ifndef CAPSIM_APP_REPLICATE_H_
#define CAPSIM_APP_REPLICATE_H_

#include <cstdint>
#include <ostream>

#include "app/cli_args.h"
#include "models/replications.h"

namespace capsim::app {

// Runs `run` as the command line asks: once; --replications K times in parallel; or, with
// --precision, sequentially stopped at most K (default 100) replications, saying on `err` how
// many ran and which chosen metrics missed the target if the cap was reached.
Result<models::RunResult> Replicate(const CliArgs& args, uint64_t seed,
                                    const models::ReplicationRun& run, std::ostream& err);

// Replications `Replicate` runs at most for these arguments.
int MaxReplications(const CliArgs& args);

}  // namespace capsim::app

#endif  // CAPSIM_APP_REPLICATE_H_
