// `capsim report OUT.h5 -o REPORT.html`: checks the input and the output in C++, runs
// reports/report.py, and on every error exits non-zero with a clear message and leaves an
// existing report untouched.
#include "app/report_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "reports/result_writer.h"
#include "tests/reports/synthetic_result.h"
#include "tests/reports/temp_dir.h"

namespace capsim::app {
namespace {

using reports::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPython[] = "/usr/bin/python3";

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

// Sets (or unsets, with nullopt) an environment variable for the scope of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool PythonHasPlotting() {
  return ::access(kPython, X_OK) == 0 &&
         std::system("/usr/bin/python3 -c 'import matplotlib, h5py, pandas' >/dev/null 2>&1") ==
             0;
}

class ReportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_TRUE(reports::WriteResultFile(reports::testing::SyntheticResult(), result_).ok());
  }

  Outcome Report(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Console console{out, err, false, nullptr};
    const int code = RunReport(args, console);
    return {code, out.str(), err.str()};
  }

  // Runs a failing report onto an existing output and checks that the output survived and
  // that nothing else was left in the directory.
  Outcome Fails(const std::vector<std::string>& args, int code = 1) {
    std::ofstream(output_) << "previous report";
    Outcome o = Report(args);
    EXPECT_EQ(o.code, code) << o.err;
    EXPECT_EQ(ReadFile(output_), "previous report");
    EXPECT_TRUE(o.out.empty()) << o.out;
    return o;
  }

  std::vector<std::string> Entries() const { return dir_.Entries(); }

  TempDir dir_;
  const std::string result_ = dir_.File("run.h5");
  const std::string output_ = dir_.File("report.html");
};

TEST_F(ReportCommandTest, MissingOutputIsAUsageError) {
  const Outcome o = Fails({result_}, 2);
  EXPECT_THAT(o.err, HasSubstr("-o REPORT.html is required"));
  EXPECT_THAT(o.err, HasSubstr("usage: capsim report OUT.h5 -o REPORT.html"));
}

TEST_F(ReportCommandTest, OutputFlagWithoutValueIsAUsageError) {
  EXPECT_THAT(Fails({result_, "-o"}, 2).err, HasSubstr("-o needs a value"));
}

TEST_F(ReportCommandTest, MissingResultArgumentIsAUsageError) {
  EXPECT_THAT(Fails({"-o", output_}, 2).err, HasSubstr("no result file given"));
}

TEST_F(ReportCommandTest, UnknownOptionAndSecondInputAreUsageErrors) {
  EXPECT_THAT(Fails({result_, "-o", output_, "--pdf"}, 2).err, HasSubstr("unknown option '--pdf'"));
  EXPECT_THAT(Fails({result_, result_, "-o", output_}, 2).err,
              HasSubstr("more than one result file"));
}

TEST_F(ReportCommandTest, HelpPrintsUsage) {
  const Outcome o = Report({"--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_THAT(o.out, HasSubstr("capsim report OUT.h5 -o REPORT.html"));
}

TEST_F(ReportCommandTest, MissingInputFileNamesIt) {
  const std::string missing = dir_.File("nope.h5");
  const Outcome o = Fails({missing, "-o", output_});
  EXPECT_THAT(o.err, HasSubstr(missing));
}

TEST_F(ReportCommandTest, NotACapsimFileIsRefusedBeforePython) {
  const std::string text = dir_.File("text.h5");
  std::ofstream(text) << "not hdf5 at all\n";
  // A Python that would fail loudly if it were run: it must not be.
  ScopedEnv python("CAPSIM_PYTHON", "/bin/false");
  const Outcome o = Fails({text, "-o", output_});
  EXPECT_THAT(o.err, HasSubstr(text));
  EXPECT_THAT(o.err, Not(HasSubstr("/bin/false")));
}

TEST_F(ReportCommandTest, OutputDirectoryMissing) {
  const Outcome o = Report({result_, "-o", dir_.File("no/such/dir/report.html")});
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.err, HasSubstr("does not exist"));
}

TEST_F(ReportCommandTest, OutputIsADirectory) {
  const std::string sub = dir_.File("sub");
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  const Outcome o = Report({result_, "-o", sub});
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.err, HasSubstr("is a directory"));
}

TEST_F(ReportCommandTest, OutputDirectoryNotWritable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write into read-only directories";
  const std::string sub = dir_.File("ro");
  ASSERT_EQ(::mkdir(sub.c_str(), 0555), 0);
  const Outcome o = Report({result_, "-o", sub + "/report.html"});
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.err, HasSubstr("not writable"));
}

TEST_F(ReportCommandTest, PythonMissing) {
  ScopedEnv python("CAPSIM_PYTHON", dir_.File("no-python3"));
  const Outcome o = Fails({result_, "-o", output_});
  EXPECT_THAT(o.err, HasSubstr("no-python3' not found or not executable"));
  EXPECT_THAT(o.err, HasSubstr("CAPSIM_PYTHON"));
}

TEST_F(ReportCommandTest, ReportScriptMissing) {
  ScopedEnv reports("CAPSIM_REPORTS_DIR", dir_.path());
  const Outcome o = Fails({result_, "-o", output_});
  EXPECT_THAT(o.err, HasSubstr(dir_.File("report.py") + "' not found"));
  EXPECT_THAT(o.err, HasSubstr("CAPSIM_REPORTS_DIR"));
}

TEST_F(ReportCommandTest, FailingScriptIsReportedWithItsOutput) {
  // A stand-in interpreter and script: /bin/sh runs <dir>/report.py, which fails.
  const std::string fake_reports = dir_.File("fake_reports");
  ASSERT_EQ(::mkdir(fake_reports.c_str(), 0755), 0);
  std::ofstream(fake_reports + "/report.py") << "echo \"report: error: boom ($1 $2 $3)\" >&2\n"
                                                "exit 3\n";
  ScopedEnv python("CAPSIM_PYTHON", "/bin/sh");
  ScopedEnv reports("CAPSIM_REPORTS_DIR", fake_reports);
  const Outcome o = Fails({result_, "-o", output_});
  EXPECT_THAT(o.err, HasSubstr("report: error: boom (" + result_ + " -o " + output_ + ")"));
  EXPECT_THAT(o.err, HasSubstr("failed (exit status 3)"));
  EXPECT_THAT(o.err, HasSubstr(output_ + " not written"));
}

TEST_F(ReportCommandTest, ScriptKilledBySignalIsAFailure) {
  const std::string fake_reports = dir_.File("fake_reports");
  ASSERT_EQ(::mkdir(fake_reports.c_str(), 0755), 0);
  std::ofstream(fake_reports + "/report.py") << "kill -9 $$\n";
  ScopedEnv python("CAPSIM_PYTHON", "/bin/sh");
  ScopedEnv reports("CAPSIM_REPORTS_DIR", fake_reports);
  EXPECT_THAT(Fails({result_, "-o", output_}).err, HasSubstr("killed by signal 9"));
}

TEST_F(ReportCommandTest, WritesASelfContainedReport) {
  if (!PythonHasPlotting()) GTEST_SKIP() << kPython << " lacks matplotlib, h5py or pandas";
  ScopedEnv python("CAPSIM_PYTHON", std::nullopt);        // the default /usr/bin/python3
  ScopedEnv reports("CAPSIM_REPORTS_DIR", std::nullopt);  // the compiled-in source tree
  std::ofstream(output_) << "previous report";
  const Outcome o = Report({result_, "-o", output_});
  ASSERT_EQ(o.code, 0) << o.err << o.out;
  EXPECT_THAT(o.out, HasSubstr("wrote " + output_));
  const std::string html = ReadFile(output_);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_THAT(html, HasSubstr("capsim report: synthetic"));
  // The headline summary, every table, a plot and the plots whose data are absent.
  EXPECT_THAT(html, HasSubstr("avatar.ttff_p99_s"));
  EXPECT_THAT(html, HasSubstr("Time to first frame, p99"));
  EXPECT_THAT(html, HasSubstr("frontier-pretrain"));
  EXPECT_THAT(html, HasSubstr("id='table-job_events'"));
  EXPECT_THAT(html, HasSubstr("data:image/png;base64,"));
  EXPECT_THAT(html, HasSubstr("not in this result"));
  // Self-contained: no external resources.
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("src='/")));
  // No temporary file left behind.
  EXPECT_EQ(Entries(), (std::vector<std::string>{"report.html", "run.h5"}));
}

TEST_F(ReportCommandTest, MainDispatchesReport) {
  std::ostringstream out, err;
  Console console{out, err, false, nullptr};
  const char* argv[] = {"capsim", "report", "--help"};
  EXPECT_EQ(Main(3, const_cast<char**>(argv), console), 0) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("capsim report OUT.h5 -o REPORT.html"));
}

}  // namespace
}  // namespace capsim::app
