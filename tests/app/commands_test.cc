// End-to-end tests of the capsim program's commands, in process: real scenario files, real
// result files, the same code path as the binary. Each bad-input case checks the exit status,
// the file:line:col and key path in the message, and that an existing result file is untouched.
#include "app/commands.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "reports/result_reader.h"

namespace capsim::app {
namespace {

namespace fs = std::filesystem;

const std::string kDefault = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/default.yaml";
// Keeps the end-to-end runs short: 3 simulated hours around the evening peak is not needed for
// the contract under test.
const std::vector<std::string> kShort = {"--set", "horizon=3 h"};

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

// Runs the program with stderr not a terminal; `clock` (if given) is its wall clock.
Outcome Capsim(std::vector<std::string> args, std::function<double()> clock = nullptr) {
  std::ostringstream out, err;
  Console console{out, err, false, std::move(clock)};
  std::vector<char*> argv{const_cast<char*>("capsim")};
  for (std::string& a : args) argv.push_back(a.data());
  const int code = Main(static_cast<int>(argv.size()), argv.data(), console);
  return {code, out.str(), err.str()};
}

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("capsim_app_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    output_ = (dir_ / "result.h5").string();
    std::ofstream(output_) << "previous result";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  // The default scenario with `from` replaced by `to` (which must occur exactly once).
  std::string DefaultWith(const std::string& from, const std::string& to) {
    std::ifstream in(kDefault);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
    text.replace(at, from.size(), to);
    return Write("scenario.yaml", text);
  }
  // The line number (1-based) of the first line of `path` containing `needle`.
  static int LineOf(const std::string& path, const std::string& needle) {
    std::ifstream in(path);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.find(needle) != std::string::npos) return n;
    }
    return -1;
  }
  // Runs `capsim run` expecting failure; checks the old result file survived.
  Outcome RunFails(std::vector<std::string> args) {
    std::vector<std::string> full = {"run"};
    full.insert(full.end(), args.begin(), args.end());
    if (std::find(args.begin(), args.end(), "-o") == args.end()) {
      full.push_back("-o");
      full.push_back(output_);
    }
    Outcome o = Capsim(full);
    EXPECT_NE(o.code, 0);
    std::ifstream in(output_);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "previous result") << "the existing result file was touched";
    return o;
  }

  fs::path dir_;
  std::string output_;
};

TEST_F(CommandsTest, MissingFile) {
  Outcome o = RunFails({(dir_ / "nope.yaml").string()});
  EXPECT_NE(o.err.find("nope.yaml: cannot open"), std::string::npos) << o.err;
}

TEST_F(CommandsTest, NotYaml) {
  std::string path = Write("bad.yaml", "name: x\nhorizon: [1 day\n");
  Outcome o = RunFails({path});
  EXPECT_NE(o.err.find(path + ":3:1:"), std::string::npos) << o.err;
}

TEST_F(CommandsTest, UnknownKeyWithSuggestion) {
  std::string path = DefaultWith("    fps: 25", "    fsp: 25");
  Outcome o = RunFails({path});
  const int line = LineOf(path, "fsp: 25");
  EXPECT_NE(o.err.find(path + ":" + std::to_string(line) + ":5: workloads[0]"), std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("did you mean 'fps'?"), std::string::npos) << o.err;
}

TEST_F(CommandsTest, WrongType) {
  std::string path = DefaultWith("      nodes: 64", "      nodes: { many: 64 }");
  Outcome o = RunFails({path});
  EXPECT_NE(o.err.find("fleet.pools[0].nodes"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find(path + ":" + std::to_string(LineOf(path, "many: 64"))), std::string::npos)
      << o.err;
}

TEST_F(CommandsTest, MissingRequiredKey) {
  std::string path = DefaultWith("horizon: 1 day", "");
  Outcome o = RunFails({path});
  EXPECT_NE(o.err.find("horizon"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("required"), std::string::npos) << o.err;
}

TEST_F(CommandsTest, NegativeCount) {
  std::string path = DefaultWith("      nodes: 64", "      nodes: -4");
  Outcome o = RunFails({path});
  EXPECT_NE(o.err.find("fleet.pools[0].nodes: must be at least 1"), std::string::npos) << o.err;
}

TEST_F(CommandsTest, UnknownGpuListsKnownOnes) {
  std::string path = DefaultWith("gpu: H100-SXM", "gpu: H1000");
  Outcome o = RunFails({path});
  EXPECT_NE(o.err.find("fleet.pools[0].gpu: unknown GPU 'H1000'; known: B200, GB200, H100-SXM"),
            std::string::npos)
      << o.err;
}

TEST_F(CommandsTest, WrongUnit) {
  std::string path = DefaultWith("      write: 1 min", "      write: 80 GHz");
  Outcome o = RunFails({path});
  EXPECT_NE(o.err.find("workloads[1].checkpoint.write"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("GHz"), std::string::npos) << o.err;
}

TEST_F(CommandsTest, SetOnUnknownKey) {
  Outcome o = RunFails({kDefault, "--set", "fleet.pools[0].nodez=32"});
  EXPECT_NE(o.err.find("--set fleet.pools[0].nodez=32: unknown key 'nodez'"), std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("did you mean 'nodes'?"), std::string::npos) << o.err;
}

TEST_F(CommandsTest, OutputDirectoryNotWritable) {
  // A regular file where the directory should be: no write permission can help (and root
  // ignores permission bits).
  std::string not_a_dir = Write("plain_file", "x");
  Outcome o = RunFails({kDefault, "-o", not_a_dir + "/result.h5"});
  EXPECT_NE(o.err.find("cannot write"), std::string::npos) << o.err;
  Outcome missing = RunFails({kDefault, "-o", (dir_ / "no_such_dir" / "r.h5").string()});
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
}

TEST_F(CommandsTest, ValidateListsAllProblemsAtOnce) {
  std::string path = DefaultWith("gpu: H100-SXM", "gpu: H1000");
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  text.replace(text.find("    fps: 25"), 11, "    fps: 0");
  text.replace(text.find("      nodes: 64"), 15, "      nodes: 64x");
  Write("scenario.yaml", text);
  Outcome o = Capsim({"validate", path});
  EXPECT_EQ(o.code, 1);
  int lines = 0;
  for (char c : o.err) lines += c == '\n';
  EXPECT_EQ(lines, 4) << o.err;  // three problems and the count line
  EXPECT_NE(o.err.find("3 problem(s)"), std::string::npos) << o.err;
  EXPECT_EQ(Capsim({"validate", kDefault}).code, 0);
}

TEST_F(CommandsTest, RunWritesAFileThatSummaryReadsBack) {
  std::vector<std::string> args = {"run", kDefault, "-o", output_};
  args.insert(args.end(), kShort.begin(), kShort.end());
  Outcome run = Capsim(args);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("time to first frame p99"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("cost of the period"), std::string::npos) << run.out;
  Outcome table = Capsim({"summary", output_});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("time to first frame p99"), std::string::npos);
  Outcome json = Capsim({"summary", output_, "--json"});
  ASSERT_EQ(json.code, 0);
  for (const char* key : {"\"avatar.ttff_p99_s\":", "\"training.delay_s\":", "\"cost.total_usd\":",
                          "\"gpu_hours.training\":", "\"avatar.frame_miss_rate\":",
                          "\"avatar.peak_sessions\":", "\"avatar.sessions_rejected\":"}) {
    EXPECT_NE(json.out.find(key), std::string::npos) << key << " in " << json.out;
  }
}

// Not on a terminal, a run prints a plain progress line every 10 s of wall time (a fake clock
// that advances 4 s per reading: a line every third sample of the 3 h run), and none with
// --quiet.
TEST_F(CommandsTest, ProgressLinesWhenNotATerminalAndNoneWhenQuiet) {
  std::vector<std::string> args = {"run", kDefault, "-o", output_};
  args.insert(args.end(), kShort.begin(), kShort.end());
  double now = 0;
  auto clock = [&now] { return now += 4; };
  Outcome run = Capsim(args, clock);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.err.find("progress: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(" h of 3.0 h, "), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find('\r'), std::string::npos);
  args.push_back("--quiet");
  now = 0;
  Outcome quiet = Capsim(args, clock);
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("progress: "), std::string::npos) << quiet.err;
  EXPECT_EQ(quiet.out, "");
}

TEST_F(CommandsTest, SameSeedSameSummaryOtherSeedDiffers) {
  auto run = [&](const std::string& out, const char* seed) {
    std::vector<std::string> args = {"run", kDefault, "-o", out, "--seed", seed, "--quiet"};
    args.insert(args.end(), kShort.begin(), kShort.end());
    EXPECT_EQ(Capsim(args).code, 0);
    return Capsim({"summary", out, "--json"}).out;
  };
  const std::string a = run((dir_ / "a.h5").string(), "5");
  const std::string b = run((dir_ / "b.h5").string(), "5");
  const std::string c = run((dir_ / "c.h5").string(), "6");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

// --replications K: K runs of the same scenario with distinct seeds, means with 95% intervals in
// the summary (read back from the file) and every replication's values under /replications;
// --precision stops once the chosen metric is precise enough.
TEST_F(CommandsTest, ReplicationsGiveIntervalsAndKeepEachRun) {
  std::vector<std::string> args = {"run",   kDefault,        "-o", output_, "--replications", "3",
                                   "--set", "horizon=30 min"};
  Outcome run = Capsim(args);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("(mean ± 95% CI half-width over 3 replications)"), std::string::npos)
      << run.out;
  Result<reports::ResultFile> file = reports::ReadResultFile(output_);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  bool found = false;
  for (const models::SummaryMetric& m : file.value().summary) {
    if (m.key != "avatar.sessions_arrived") continue;  // a Poisson count: differs by seed
    found = true;
    EXPECT_EQ(m.replications, 3);
    EXPECT_TRUE(std::isfinite(m.half_width));
    EXPECT_GT(m.half_width, 0);
  }
  EXPECT_TRUE(found);
  Outcome stopped =
      Capsim({"run", kDefault, "-o", output_, "--set", "horizon=30 min", "--precision", "50%",
              "--precision-metrics", "avatar.ttff_p99_s", "--quiet"});
  ASSERT_EQ(stopped.code, 0) << stopped.err;
  EXPECT_NE(stopped.err.find("replications: 4, every chosen metric within 50% (95% CI)"),
            std::string::npos)
      << stopped.err;
  Outcome unknown = Capsim({"run", kDefault, "-o", output_, "--set", "horizon=30 min",
                            "--precision", "5%", "--precision-metrics", "no.such_metric"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("--precision: no summary metric 'no.such_metric'"), std::string::npos)
      << unknown.err;
}

TEST_F(CommandsTest, SummaryOfANonResultFileFails) {
  Outcome o = Capsim({"summary", output_});  // "previous result" is not HDF5
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find(output_), std::string::npos) << o.err;
}

TEST_F(CommandsTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Capsim({"run"}).code, 2);
  EXPECT_EQ(Capsim({"explode"}).code, 2);
  EXPECT_EQ(Capsim({"help"}).code, 0);
}

}  // namespace
}  // namespace capsim::app
