#include "models/calendar.h"

#include <cstdio>

namespace capsim::models {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// The value of the decimal digits `text` (all digits, non-empty), or -1.
int Digits(std::string_view text) {
  if (text.empty()) return -1;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  const int64_t yy = static_cast<int64_t>(y) - (m <= 2 ? 1 : 0);
  const int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const int64_t yoe = yy - era * 400;                                   // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t days, int* y, unsigned* m, unsigned* d) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  *d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2 ? 1 : 0));
}

std::string DateLabel(int64_t days) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02u", y, m, d);
  return buffer;
}

std::string QuarterLabel(int64_t days) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return std::to_string(y) + "Q" + std::to_string((m - 1) / 3 + 1);
}

int64_t QuarterStartDay(int64_t days) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return DaysFromCivil(y, (m - 1) / 3 * 3 + 1, 1);
}

int64_t NextQuarterStartDay(int64_t days) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  unsigned next = (m - 1) / 3 * 3 + 4;
  if (next > 12) {
    next -= 12;
    ++y;
  }
  return DaysFromCivil(y, next, 1);
}

std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.size() == 6 && (text[4] == 'Q' || text[4] == 'q')) {
    const int y = Digits(text.substr(0, 4));
    const int q = Digits(text.substr(5, 1));
    if (y < 1000 || q < 1 || q > 4) return std::nullopt;
    return DaysFromCivil(y, static_cast<unsigned>(q - 1) * 3 + 1, 1);
  }
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int y = Digits(text.substr(0, 4));
  const int m = Digits(text.substr(5, 2));
  const int d = Digits(text.substr(8, 2));
  if (y < 1000 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(m))) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

}  // namespace capsim::models
