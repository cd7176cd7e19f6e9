#ifndef CAPSIM_APP_CAPACITY_COMMAND_H_
#define CAPSIM_APP_CAPACITY_COMMAND_H_

#include <string>
#include <vector>

#include "app/commands.h"

namespace capsim::app {

// `capsim capacity SCENARIO.yaml --workload NAME [--ttft-p99 T] [--tpot-p99 T] [--e2e-p99 T]
//  [--max-rejected F] [--lo R] [--hi R] [--tolerance R] [--load R --max-replicas N]
//  [--warmup T] [--duration T] [-o OUT.h5] [--set key.path=value]...`: for an llm-serving
// workload, the largest Poisson request rate its replicas hold with every given p99 bound met
// (bisection between --lo and --hi), or with --load the fewest replicas that hold that rate;
// common random numbers across points. Prints every evaluated point and, with -o, writes them
// to /tables/capacity of a result file. `args` are the words after "capacity"; returns the exit
// status (0 success, 1 bad input or no answer in range, 2 usage error).
int RunCapacity(const std::vector<std::string>& args, Console& console);
// The usage line of the capacity command.
std::string CapacityUsage();

}  // namespace capsim::app

#endif  // CAPSIM_APP_CAPACITY_COMMAND_H_
