#ifndef CAPSIM_APP_REPORT_COMMAND_H_
#define CAPSIM_APP_REPORT_COMMAND_H_

#include <string>
#include <vector>

#include "app/commands.h"

namespace capsim::app {

// `capsim report OUT.h5 -o REPORT.html`: writes a self-contained HTML report (summary, plots,
// tables) of a capsim result file by running reports/report.py with Python. Checks first, in
// C++, that OUT.h5 is a readable capsim result file (reports/result_reader.h) and that
// REPORT.html can be written (reports::CheckWritable); then runs
//   $CAPSIM_PYTHON (default /usr/bin/python3) <reports>/report.py OUT.h5 -o REPORT.html
// where <reports> is $CAPSIM_REPORTS_DIR, else the source tree's reports/ (compile-time
// CAPSIM_SOURCE_DIR). The script's output is relayed (stdout on success, stderr on failure).
// The script writes atomically, so a failure leaves an existing REPORT.html untouched. `args`
// are the words after "report"; returns the exit status (0 success, 1 bad input or a failed
// report, 2 usage error).
int RunReport(const std::vector<std::string>& args, Console& console);

// The usage line of the report command.
std::string ReportUsage();

}  // namespace capsim::app

#endif  // CAPSIM_APP_REPORT_COMMAND_H_
