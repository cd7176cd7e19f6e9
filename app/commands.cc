#include "app/commands.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <string>
#include <vector>

#include "app/calibrate_command.h"
#include "app/capacity_command.h"
#include "app/explain_command.h"
#include "app/progress.h"
#include "app/projection_command.h"
#include "app/replicate.h"
#include "app/report_command.h"
#include "config/projection_loader.h"
#include "config/scenario_loader.h"
#include "models/policy_comparison.h"
#include "models/replications.h"
#include "reports/result_reader.h"
#include "reports/result_writer.h"
#include "reports/summary_format.h"

namespace capsim::app {
namespace {

// Wall seconds between progress lines when stderr is not a terminal.
constexpr double kProgressLineInterval_s = 10;

void PrintProblems(const Status& s, std::ostream& err) {
  for (const std::string& p : s.problems()) err << p << '\n';
}

std::string DefaultOutput(const models::Scenario& sc) {
  std::string name = sc.name.empty() ? "result" : sc.name;
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == ' ') c = '_';
  }
  return "out/" + name + ".h5";
}

int Validate(const CliArgs& args, Console& c) {
  if (config::IsProjectionFile(args.input)) return ValidateProjection(args, c);
  Result<models::Scenario> sc = config::LoadScenario(args.input, args.overrides);
  if (!sc.ok()) {
    PrintProblems(sc.status(), c.err);
    c.err << args.input << ": " << sc.status().problems().size() << " problem(s)\n";
    return 1;
  }
  c.out << args.input << ": OK (" << sc.value().name << ")\n";
  return 0;
}

int Run(const CliArgs& args, Console& c) {
  if (config::IsProjectionFile(args.input)) return RunProjectionCommand(args, c);
  Result<models::Scenario> loaded = config::LoadScenario(args.input, args.overrides);
  if (!loaded.ok()) {
    PrintProblems(loaded.status(), c.err);
    return 1;
  }
  const models::Scenario& sc = loaded.value();
  const std::string output = args.output.empty() ? DefaultOutput(sc) : args.output;
  if (args.output.empty()) std::filesystem::create_directories("out");
  // Fail before a long run, not after it.
  if (Status w = reports::CheckWritable(output); !w.ok()) {
    PrintProblems(w, c.err);
    return 1;
  }
  models::RunOptions options;
  options.seed = args.seed.value_or(sc.seed);
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  // Progress on stderr: a redrawn bar on a terminal, a line every 10 s of wall time elsewhere;
  // none with --quiet.
  ProgressReporter progress(c.err, c.err_is_terminal, kProgressLineInterval_s,
                            c.clock ? c.clock : WallSeconds);
  if (!args.quiet) {
    options.progress = [&](double t, double horizon, uint64_t events) {
      progress.Update(t, horizon, events);
    };
  }
  // Replications run in parallel; only the first reports progress.
  Result<models::RunResult> result = Replicate(
      args, options.seed,
      [&](uint64_t seed, int index) {
        models::RunOptions o = options;
        o.seed = seed;
        if (index > 0) o.progress = nullptr;
        return models::RunScenarioWithPolicies(sc, o);
      },
      c.err);
  progress.Finish();
  if (!result.ok()) {
    PrintProblems(result.status(), c.err);
    return 1;
  }
  if (Status w = reports::WriteResultFile(result.value(), output); !w.ok()) {
    PrintProblems(w, c.err);
    return 1;
  }
  if (!args.quiet) {
    c.out << "scenario " << sc.name << ", seed " << options.seed << ", horizon "
          << sc.horizon_s / 3600 << " h\n";
    c.out << reports::FormatSummaryTable(result.value().summary);
    c.out << "wrote " << output << '\n';
  }
  const double wall = elapsed();
  uint64_t events = 0;
  for (const auto& m : result.value().summary) {
    if (m.key == "run.events") events = static_cast<uint64_t>(m.value);
  }
  c.err << "run: " << events << " events in " << std::fixed << std::setprecision(2) << wall
        << " s wall\n";
  return 0;
}

int Summary(const CliArgs& args, Console& c) {
  Result<reports::ResultFile> file = reports::ReadResultFile(args.input);
  if (!file.ok()) {
    PrintProblems(file.status(), c.err);
    return 1;
  }
  if (args.json) {
    c.out << reports::FormatSummaryJson(file.value().summary) << '\n';
  } else {
    c.out << "scenario " << file.value().scenario_name << ", seed " << file.value().seed << '\n';
    c.out << reports::FormatSummaryTable(file.value().summary);
  }
  return 0;
}

}  // namespace

int RunCommand(const CliArgs& args, Console& console) {
  if (args.command == "help") {
    console.out << UsageText();
    return 0;
  }
  if (args.command == "version") {
    console.out << "capsim " << CAPSIM_VERSION << '\n';
    return 0;
  }
  if (args.command == "validate") return Validate(args, console);
  if (args.command == "run") return Run(args, console);
  if (args.command == "summary") return Summary(args, console);
  console.err << "capsim: unknown command '" << args.command << "'\n";
  return 2;
}

int Main(int argc, char** argv, Console& console) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Commands with their own argument syntax.
  if (!args.empty() && (args[0] == "calibrate" || args[0] == "explain" || args[0] == "capacity" ||
                        args[0] == "report")) {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "report") return RunReport(rest, console);
    if (args[0] == "capacity") return RunCapacity(rest, console);
    return args[0] == "calibrate" ? RunCalibrate(rest, console) : RunExplain(rest, console);
  }
  Result<CliArgs> parsed = ParseCliArgs(args);
  if (!parsed.ok()) {
    PrintProblems(parsed.status(), console.err);
    return 2;
  }
  return RunCommand(parsed.value(), console);
}

}  // namespace capsim::app
