#include "models/calendar.h"

#include <gtest/gtest.h>

namespace capsim::models {
namespace {

TEST(CalendarTest, KnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2026, 1, 1), 20454);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  // 2024 is a leap year (366 days), 2100 is not, 2000 is.
  EXPECT_EQ(DaysFromCivil(2025, 1, 1) - DaysFromCivil(2024, 1, 1), 366);
  EXPECT_EQ(DaysFromCivil(2101, 1, 1) - DaysFromCivil(2100, 1, 1), 365);
  EXPECT_EQ(DaysFromCivil(2001, 1, 1) - DaysFromCivil(2000, 1, 1), 366);
  EXPECT_EQ(DaysFromCivil(2024, 3, 1) - DaysFromCivil(2024, 2, 28), 2);
}

TEST(CalendarTest, CivilFromDaysInvertsDaysFromCivil) {
  for (int64_t day = -800000; day <= 800000; day += 97) {
    int y = 0;
    unsigned m = 0, d = 0;
    CivilFromDays(day, &y, &m, &d);
    ASSERT_EQ(DaysFromCivil(y, m, d), day);
  }
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(20454, &y, &m, &d);
  EXPECT_EQ(y, 2026);
  EXPECT_EQ(m, 1u);
  EXPECT_EQ(d, 1u);
}

TEST(CalendarTest, Labels) {
  EXPECT_EQ(DateLabel(20454), "2026-01-01");
  EXPECT_EQ(DateLabel(DaysFromCivil(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(QuarterLabel(DaysFromCivil(2026, 7, 1)), "2026Q3");
  EXPECT_EQ(QuarterLabel(DaysFromCivil(2026, 6, 30)), "2026Q2");
  EXPECT_EQ(QuarterLabel(DaysFromCivil(2026, 12, 31)), "2026Q4");
  EXPECT_EQ(QuarterLabel(20454), "2026Q1");
}

TEST(CalendarTest, QuarterBoundaries) {
  EXPECT_EQ(QuarterStartDay(DaysFromCivil(2026, 8, 15)), DaysFromCivil(2026, 7, 1));
  EXPECT_EQ(QuarterStartDay(DaysFromCivil(2026, 7, 1)), DaysFromCivil(2026, 7, 1));
  EXPECT_EQ(QuarterStartDay(DaysFromCivil(2026, 6, 30)), DaysFromCivil(2026, 4, 1));
  EXPECT_EQ(NextQuarterStartDay(DaysFromCivil(2026, 6, 30)), DaysFromCivil(2026, 7, 1));
  EXPECT_EQ(NextQuarterStartDay(DaysFromCivil(2026, 7, 1)), DaysFromCivil(2026, 10, 1));
  EXPECT_EQ(NextQuarterStartDay(DaysFromCivil(2026, 11, 5)), DaysFromCivil(2027, 1, 1));
  // Q1 of a leap year is 91 days, of a common year 90.
  EXPECT_EQ(NextQuarterStartDay(DaysFromCivil(2028, 1, 1)) - DaysFromCivil(2028, 1, 1), 91);
  EXPECT_EQ(NextQuarterStartDay(DaysFromCivil(2026, 1, 1)) - DaysFromCivil(2026, 1, 1), 90);
}

TEST(CalendarTest, ParseDateAcceptsDatesAndQuarters) {
  EXPECT_EQ(ParseDate("2026-01-01"), 20454);
  EXPECT_EQ(ParseDate("2024-02-29"), DaysFromCivil(2024, 2, 29));
  EXPECT_EQ(ParseDate("2026Q3"), DaysFromCivil(2026, 7, 1));
  EXPECT_EQ(ParseDate("2026q4"), DaysFromCivil(2026, 10, 1));
  EXPECT_EQ(ParseDate("2027Q1"), DaysFromCivil(2027, 1, 1));
}

TEST(CalendarTest, ParseDateRejectsOtherText) {
  for (const char* bad :
       {"", "2026", "2026-1-1", "2026-13-01", "2026-00-10", "2026-04-31", "2025-02-29", "2026Q5",
        "2026Q0", "26Q1", "2026/01/01", "2026-01-01x", "abcd-ef-gh", "0999-01-01"}) {
    EXPECT_FALSE(ParseDate(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace capsim::models
