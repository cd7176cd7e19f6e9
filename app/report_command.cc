#include "app/report_command.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>

#include "reports/result_reader.h"
#include "reports/result_writer.h"

extern char** environ;

#ifndef CAPSIM_SOURCE_DIR
#define CAPSIM_SOURCE_DIR "."
#endif

namespace capsim::app {
namespace {

constexpr char kDefaultPython[] = "/usr/bin/python3";
constexpr char kScript[] = "report.py";

struct ReportArgs {
  std::string input;
  std::string output;
  bool help = false;
};

Result<ReportArgs> ParseArgs(const std::vector<std::string>& args) {
  ReportArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-o" || a == "--output") {
      if (i + 1 >= args.size()) return Status::Error("report: " + a + " needs a value");
      out.output = args[++i];
    } else if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return Status::Error("report: unknown option '" + a + "'");
    } else if (!out.input.empty()) {
      return Status::Error("report: more than one result file ('" + out.input + "', '" + a + "')");
    } else {
      out.input = a;
    }
  }
  if (out.help) return out;
  if (out.input.empty()) return Status::Error("report: no result file given");
  if (out.output.empty()) return Status::Error("report: -o REPORT.html is required");
  return out;
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

struct ChildOutcome {
  bool started = false;
  std::string error;   // why it could not be started
  int status = 0;      // waitpid status
  std::string output;  // stdout and stderr together
};

// Runs `argv` with stdout and stderr captured together, the environment plus `extra_env`.
ChildOutcome RunCaptured(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env) {
  ChildOutcome outcome;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    outcome.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return outcome;
  }
  std::vector<std::string> env_strings = extra_env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    bool overridden = false;
    for (const std::string& extra : extra_env) {
      overridden =
          overridden || entry.compare(0, extra.find('=') + 1, extra, 0, extra.find('=') + 1) == 0;
    }
    if (!overridden) env_strings.push_back(entry);
  }
  std::vector<char*> env_ptrs;
  for (std::string& s : env_strings) env_ptrs.push_back(s.data());
  env_ptrs.push_back(nullptr);
  std::vector<std::string> argv_strings = argv;
  std::vector<char*> argv_ptrs;
  for (std::string& s : argv_strings) argv_ptrs.push_back(s.data());
  argv_ptrs.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int spawned =
      ::posix_spawn(&pid, argv_ptrs[0], &actions, nullptr, argv_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    outcome.error = std::strerror(spawned);
    return outcome;
  }
  outcome.started = true;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
    if (n > 0) {
      outcome.output.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  while (::waitpid(pid, &outcome.status, 0) < 0 && errno == EINTR) {
  }
  return outcome;
}

}  // namespace

std::string ReportUsage() { return "capsim report OUT.h5 -o REPORT.html"; }

int RunReport(const std::vector<std::string>& args, Console& console) {
  Result<ReportArgs> parsed = ParseArgs(args);
  if (!parsed.ok()) {
    for (const std::string& p : parsed.status().problems()) console.err << p << '\n';
    console.err << "usage: " << ReportUsage() << '\n';
    return 2;
  }
  const ReportArgs& a = parsed.value();
  if (a.help) {
    console.out << "usage: " << ReportUsage() << "\n"
                << "Writes a self-contained HTML report (summary, plots, tables) of a capsim "
                   "result file with reports/report.py.\n"
                << "Environment: CAPSIM_PYTHON (default " << kDefaultPython
                << "), CAPSIM_REPORTS_DIR (default " << CAPSIM_SOURCE_DIR << "/reports).\n";
    return 0;
  }
  // Cheap checks in C++ first, so that errors are clear and Python never sees a bad input.
  Result<reports::ResultFile> file = reports::ReadResultFile(a.input);
  if (!file.ok()) {
    for (const std::string& p : file.status().problems()) console.err << p << '\n';
    return 1;
  }
  if (Status w = reports::CheckWritable(a.output); !w.ok()) {
    for (const std::string& p : w.problems()) console.err << p << '\n';
    return 1;
  }
  const std::string python = EnvOr("CAPSIM_PYTHON", kDefaultPython);
  const std::string reports_dir =
      EnvOr("CAPSIM_REPORTS_DIR", std::string(CAPSIM_SOURCE_DIR) + "/reports");
  const std::string script = reports_dir + "/" + kScript;
  if (::access(python.c_str(), X_OK) != 0 || std::filesystem::is_directory(python)) {
    console.err << "report: Python '" << python
                << "' not found or not executable (set CAPSIM_PYTHON to a Python 3 with h5py, "
                   "pandas and matplotlib)\n";
    return 1;
  }
  if (!std::filesystem::is_regular_file(script)) {
    console.err << "report: '" << script
                << "' not found (set CAPSIM_REPORTS_DIR to capsim's reports directory)\n";
    return 1;
  }
  ChildOutcome child = RunCaptured({python, script, a.input, "-o", a.output},
                                   {"PYTHONDONTWRITEBYTECODE=1", "MPLBACKEND=Agg"});
  if (!child.started) {
    console.err << "report: cannot run '" << python << "': " << child.error << '\n';
    return 1;
  }
  const bool ok = WIFEXITED(child.status) && WEXITSTATUS(child.status) == 0;
  (ok ? console.out : console.err) << child.output;
  if (!ok) {
    if (!child.output.empty() && child.output.back() != '\n') console.err << '\n';
    console.err << "report: " << python << " " << script << " failed (";
    if (WIFEXITED(child.status)) {
      console.err << "exit status " << WEXITSTATUS(child.status);
    } else if (WIFSIGNALED(child.status)) {
      console.err << "killed by signal " << WTERMSIG(child.status);
    } else {
      console.err << "status " << child.status;
    }
    console.err << "); " << a.output << " not written\n";
    return 1;
  }
  return 0;
}

}  // namespace capsim::app
