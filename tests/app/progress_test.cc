// Progress reports: the redrawn terminal line and the periodic plain lines, on a fake clock.
#include "app/progress.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace capsim::app {
namespace {

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Not a terminal: a line only once 10 s of wall time have passed since the last one; the ETA
// extrapolates the wall time per simulated second (20 s for half the horizon: 20 s more).
TEST(ProgressReporter, PlainLinesEveryIntervalWithRateAndEta) {
  std::ostringstream out;
  double now = 100;
  ProgressReporter p(out, /*terminal=*/false, 10, [&] { return now; });
  now = 105;
  p.Update(3600, 86400, 1000);
  EXPECT_EQ(out.str(), "");  // 5 s: not yet
  now = 120;
  p.Update(43200, 86400, 40'000'000);
  EXPECT_EQ(out.str(), "progress: 50%, simulated 12.0 h of 24.0 h, 2.00 M events/s, ETA 20 s\n");
  now = 125;
  p.Update(50000, 86400, 50'000'000);
  EXPECT_EQ(Count(out.str(), "\n"), 1);
  now = 131;
  p.Update(86400, 86400, 60'000'000);
  EXPECT_EQ(Count(out.str(), "progress: "), 2);
  EXPECT_NE(out.str().find("100%, simulated 24.0 h of 24.0 h, 1.94 M events/s, ETA 0 s\n"),
            std::string::npos)
      << out.str();
  p.Finish();
  EXPECT_EQ(out.str().back(), '\n');
}

// A terminal: every update redraws one line in place (carriage return, a bar), ended by Finish.
TEST(ProgressReporter, TerminalRedrawsOneLineWithABar) {
  std::ostringstream out;
  double now = 0;
  ProgressReporter p(out, /*terminal=*/true, 10, [&] { return now; });
  now = 1;
  p.Update(21600, 86400, 1'000'000);
  now = 2;
  p.Update(43200, 86400, 2'000'000);
  const std::string s = out.str();
  EXPECT_EQ(Count(s, "\r"), 2);
  EXPECT_EQ(Count(s, "\n"), 0);
  EXPECT_NE(s.find("[######                  ] 25%"), std::string::npos) << s;
  EXPECT_NE(s.find("[############            ] 50%"), std::string::npos) << s;
  p.Finish();
  EXPECT_EQ(Count(out.str(), "\n"), 1);
}

}  // namespace
}  // namespace capsim::app
