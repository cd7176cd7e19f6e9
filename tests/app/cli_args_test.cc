#include "app/cli_args.h"

#include <gtest/gtest.h>

namespace capsim::app {
namespace {

TEST(CliArgs, ParsesRunWithEveryOption) {
  Result<CliArgs> r = ParseCliArgs({"run", "s.yaml", "-o", "out/x.h5", "--seed", "9", "--set",
                                    "a.b=1", "--set=c[0].d=2 min", "--quiet"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().command, "run");
  EXPECT_EQ(r.value().input, "s.yaml");
  EXPECT_EQ(r.value().output, "out/x.h5");
  EXPECT_EQ(r.value().seed, 9u);
  EXPECT_EQ(r.value().overrides, (std::vector<std::string>{"a.b=1", "c[0].d=2 min"}));
  EXPECT_TRUE(r.value().quiet);
}

TEST(CliArgs, Replications) {
  Result<CliArgs> r = ParseCliArgs({"run", "s.yaml", "--replications", "12"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().replications, 12);
  EXPECT_EQ(ParseCliArgs({"run", "s.yaml"}).value().replications, 1);
  for (const char* bad : {"0", "-3", "x", "2.5", "10001"}) {
    Result<CliArgs> b = ParseCliArgs({"run", "s.yaml", "--replications", bad});
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_EQ(b.status().problems()[0], std::string("capsim: --replications ") + bad +
                                            ": expected an integer from 1 to 10000");
  }
  Result<CliArgs> summary = ParseCliArgs({"summary", "o.h5", "--replications", "3"});
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().problems()[0],
            "capsim summary: --replications and --precision apply to run only");
  EXPECT_FALSE(ParseCliArgs({"run", "s.yaml", "--replications"}).ok());
}

TEST(CliArgs, SummaryJson) {
  Result<CliArgs> r = ParseCliArgs({"summary", "out.h5", "--json"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().json);
}

TEST(CliArgs, ReportsEveryProblem) {
  Result<CliArgs> r = ParseCliArgs({"run", "--seed", "x", "--bogus", "--set", "noequals"});
  ASSERT_FALSE(r.ok());
  const std::string s = r.status().ToString();
  EXPECT_NE(s.find("--seed x: expected a non-negative integer"), std::string::npos) << s;
  EXPECT_NE(s.find("unknown option '--bogus'"), std::string::npos) << s;
  EXPECT_NE(s.find("--set noequals: expected key.path=value"), std::string::npos) << s;
  EXPECT_NE(s.find("missing scenario file"), std::string::npos) << s;
  EXPECT_EQ(r.status().problems().size(), 4u);
}

TEST(CliArgs, UnknownCommandAndMissingValue) {
  EXPECT_FALSE(ParseCliArgs({}).ok());
  EXPECT_NE(ParseCliArgs({"frobnicate"}).status().ToString().find("unknown command"),
            std::string::npos);
  EXPECT_NE(ParseCliArgs({"run", "s.yaml", "-o"}).status().ToString().find("-o needs a value"),
            std::string::npos);
  EXPECT_NE(ParseCliArgs({"run", "a.yaml", "b.yaml"}).status().ToString().find("unexpected"),
            std::string::npos);
}

TEST(CliArgs, HelpAndVersionAliases) {
  EXPECT_EQ(ParseCliArgs({"--help"}).value().command, "help");
  EXPECT_EQ(ParseCliArgs({"--version"}).value().command, "version");
}

}  // namespace
}  // namespace capsim::app
