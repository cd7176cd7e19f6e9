#include "app/cli_args.h"

#include <charconv>

#include "config/quantity.h"

namespace capsim::app {
namespace {

bool IsCommand(const std::string& s) {
  return s == "run" || s == "validate" || s == "summary" || s == "help" || s == "version";
}

}  // namespace

std::string UsageText() {
  return "usage:\n"
         "  capsim run SCENARIO.yaml [-o OUT.h5] [--seed N] [--set key.path=value]... "
         "[--replications K [--precision 5% [--precision-metrics KEY,...]]] [--quiet]\n"
         "      (a scenario with a top-level projection: key runs as a fleet-level projection)\n"
         "  capsim validate SCENARIO.yaml [--set key.path=value]...\n"
         "  capsim summary OUT.h5 [--json]\n"
         "  capsim explain SCENARIO.yaml --workload NAME [--set key.path=value]...\n"
         "  capsim capacity SCENARIO.yaml --workload NAME [--ttft-p99 T] [--tpot-p99 T] "
         "[--lo R] [--hi R] [--load R --max-replicas N] [-o OUT.h5]\n"
         "  capsim calibrate BENCH.json [more.json...] -o PROFILE.yaml [--gpu NAME] "
         "[--base PROFILE.yaml]\n"
         "  capsim report OUT.h5 -o REPORT.html\n"
         "  capsim help | version\n";
}

Result<CliArgs> ParseCliArgs(const std::vector<std::string>& args) {
  CliArgs out;
  if (args.empty()) return Status::Error("capsim: missing command\n" + UsageText());
  out.command = args[0];
  if (out.command == "--help" || out.command == "-h") out.command = "help";
  if (out.command == "--version") out.command = "version";
  if (!IsCommand(out.command)) {
    return Status::Error(
        "capsim: unknown command '" + args[0] +
        "'; expected run, validate, summary, explain, capacity, calibrate, report, "
        "help or version");
  }
  std::vector<std::string> problems;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* flag) -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        problems.push_back(std::string("capsim: ") + flag + " needs a value");
        return std::nullopt;
      }
      return args[++i];
    };
    if (a == "-o" || a == "--output") {
      if (auto v = value("-o")) out.output = *v;
    } else if (a == "--seed") {
      if (auto v = value("--seed")) {
        uint64_t seed = 0;
        auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), seed);
        if (ec != std::errc() || ptr != v->data() + v->size()) {
          problems.push_back("capsim: --seed " + *v + ": expected a non-negative integer");
        } else {
          out.seed = seed;
        }
      }
    } else if (a == "--replications") {
      if (auto v = value("--replications")) {
        int k = 0;
        auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), k);
        if (ec != std::errc() || ptr != v->data() + v->size() || k < 1 || k > kMaxReplications) {
          problems.push_back("capsim: --replications " + *v + ": expected an integer from 1 to " +
                             std::to_string(kMaxReplications));
        } else {
          out.replications = k;
        }
      }
    } else if (a == "--precision") {
      if (auto v = value("--precision")) {
        Result<double> x = config::ParseQuantity(*v, config::Dimension::kFraction);
        if (!x.ok() || x.value() <= 0) {
          problems.push_back("capsim: --precision " + *v +
                             ": expected a fraction above 0 such as '5%' or 0.05");
        } else {
          out.precision = x.value();
        }
      }
    } else if (a == "--precision-metrics") {
      if (auto v = value("--precision-metrics")) {
        std::string item;
        for (char ch : *v + ",") {
          if (ch != ',') {
            item += ch;
          } else if (!item.empty()) {
            out.precision_metrics.push_back(item);
            item.clear();
          }
        }
        if (out.precision_metrics.empty()) {
          problems.push_back("capsim: --precision-metrics needs metric keys, comma-separated");
        }
      }
    } else if (a == "--set") {
      if (auto v = value("--set")) {
        if (v->find('=') == std::string::npos || v->front() == '=') {
          problems.push_back("capsim: --set " + *v + ": expected key.path=value");
        } else {
          out.overrides.push_back(*v);
        }
      }
    } else if (a.rfind("--set=", 0) == 0) {
      out.overrides.push_back(a.substr(6));
    } else if (a == "--json") {
      out.json = true;
    } else if (a == "--quiet" || a == "-q") {
      out.quiet = true;
    } else if (!a.empty() && a[0] == '-') {
      problems.push_back("capsim: unknown option '" + a + "'");
    } else if (out.input.empty()) {
      out.input = a;
    } else {
      problems.push_back("capsim: unexpected argument '" + a + "'");
    }
  }
  bool needs_input = out.command == "run" || out.command == "validate" || out.command == "summary";
  if (needs_input && out.input.empty()) {
    problems.push_back("capsim " + out.command + ": missing " +
                       (out.command == "summary" ? "result file" : "scenario file"));
  }
  if ((out.replications > 1 || out.precision) && out.command != "run") {
    problems.push_back("capsim " + out.command +
                       ": --replications and --precision apply to run only");
  }
  if (!out.precision_metrics.empty() && !out.precision) {
    problems.push_back("capsim: --precision-metrics needs --precision");
  }
  if (!problems.empty()) return Status::Errors(std::move(problems));
  return out;
}

}  // namespace capsim::app
