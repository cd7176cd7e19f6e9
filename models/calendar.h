#ifndef CAPSIM_MODELS_CALENDAR_H_
#define CAPSIM_MODELS_CALENDAR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capsim::models {

// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (day 0), for projection dates
// and quarter labels. Pure functions (H. Hinnant's days_from_civil / civil_from_days).

// Days since 1970-01-01 of the civil date y-m-d (m in 1..12, d in 1..31; not range checked).
int64_t DaysFromCivil(int y, unsigned m, unsigned d);

// Sets *y, *m, *d to the civil date of `days` (days since 1970-01-01).
void CivilFromDays(int64_t days, int* y, unsigned* m, unsigned* d);

// The date of `days` as "YYYY-MM-DD" ("2026-07-01").
std::string DateLabel(int64_t days);

// The calendar quarter holding `days` as "YYYYQn" ("2026Q3").
std::string QuarterLabel(int64_t days);

// The first day of the calendar quarter holding `days`.
int64_t QuarterStartDay(int64_t days);

// The first day of the calendar quarter after the one holding `days`.
int64_t NextQuarterStartDay(int64_t days);

// Parses "YYYY-MM-DD" (a valid date, years 1000..9999) or a quarter "YYYYQn" (n in 1..4; the
// first day of that quarter) into days since 1970-01-01; nullopt when `text` is neither.
std::optional<int64_t> ParseDate(std::string_view text);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_CALENDAR_H_
