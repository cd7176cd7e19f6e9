#include "config/trace_reader.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "config/file_io.h"

namespace capsim::config {
namespace {

constexpr std::string_view kAzureHeader = "TIMESTAMP,ContextTokens,GeneratedTokens";

// Collects problem lines, up to kMaxTraceProblems.
class Problems {
 public:
  explicit Problems(const std::string& name) : name_(name) {}

  // Records "NAME:LINE[:COLUMN]: message"; false once the limit is reached.
  bool Add(size_t line, size_t column, const std::string& message) {
    std::string where = name_;
    where.append(":").append(std::to_string(line));
    if (column > 0) where.append(":").append(std::to_string(column));
    where.append(": ").append(message);
    list_.push_back(std::move(where));
    return !full();
  }
  // True when no more problems should be collected.
  bool full() const { return list_.size() >= kMaxTraceProblems; }
  bool empty() const { return list_.empty(); }
  // The collected problems as a Status (with a note when parsing stopped early).
  Status ToStatus() && {
    if (full()) list_.push_back(name_ + ": too many problems; stopped reading");
    return Status::Errors(std::move(list_));
  }

 private:
  const std::string& name_;
  std::vector<std::string> list_;
};

// Calls `fn(line_number, line)` for each line of `text` (CR of CRLF removed; a final newline
// does not start another line) until it returns false. A line over kMaxTraceLineBytes is
// reported and stops the walk. Returns false if the walk was stopped by a problem.
bool ForEachLine(std::string_view text, Problems& problems,
                 const std::function<bool(size_t, std::string_view)>& fn) {
  size_t pos = 0;
  for (size_t number = 1; pos < text.size(); ++number) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() > kMaxTraceLineBytes) {
      problems.Add(number, 0,
                   "line is " + std::to_string(line.size()) + " bytes long; the limit is " +
                       std::to_string(kMaxTraceLineBytes));
      return false;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!fn(number, line)) return false;
  }
  return true;
}

std::string Quote(std::string_view s) {
  constexpr size_t kShown = 60;
  std::string out("'");
  out.append(s.substr(0, kShown));
  if (s.size() > kShown) out.append("...");
  out.append("'");
  return out;
}

// Checks a token count read from field `field`; empty when valid, else the problem.
std::optional<std::string> CheckTokens(std::string_view field, int64_t v) {
  if (v < 0) return std::string(field) + ": " + std::to_string(v) + " is negative";
  if (v == 0) return std::string(field) + ": must be >= 1, got 0";
  if (v > kMaxTraceTokens) {
    return std::string(field) + ": " + std::to_string(v) + " exceeds the limit of " +
           std::to_string(kMaxTraceTokens) + " tokens";
  }
  return std::nullopt;
}

// A base-10 integer filling all of `s` (an optional leading '-').
std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Nanoseconds since 1970-01-01 00:00:00 of `YYYY-MM-DD HH:MM:SS[.f{1,9}]` (or 'T' between
// date and time), or nullopt.
std::optional<int64_t> ParseTimestampNs(std::string_view s) {
  if (s.size() < 19) return std::nullopt;
  auto digits = [&](size_t at, size_t n) -> std::optional<int64_t> {
    int64_t v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  const auto h = digits(11, 2), mi = digits(14, 2), sec = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !sec) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > DaysInMonth(*y, *mo) || *h > 23 || *mi > 59 ||
      *sec > 59) {
    return std::nullopt;
  }
  int64_t frac_ns = 0;
  if (s.size() > 19) {
    const size_t n = s.size() - 20;
    if (s[19] != '.' || n < 1 || n > 9) return std::nullopt;
    const auto f = digits(20, n);
    if (!f) return std::nullopt;
    frac_ns = *f;
    for (size_t i = n; i < 9; ++i) frac_ns *= 10;
  }
  const int64_t seconds = DaysFromCivil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *sec;
  return seconds * 1'000'000'000 + frac_ns;
}

// The file's text, refusing files over kMaxTraceFileBytes before reading them.
Result<std::string> ReadBoundedFile(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxTraceFileBytes) {
    return Status::Error(path + ": file is " + std::to_string(size) +
                         " bytes; the limit for a trace is " + std::to_string(kMaxTraceFileBytes));
  }
  return ReadTextFile(path);
}

}  // namespace

Result<std::vector<models::Request>> ParseAzureTrace(std::string_view text,
                                                     const std::string& name) {
  if (text.empty())
    return Status::Error(name + ": empty file; expected the header " + std::string(kAzureHeader));
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
  Problems problems(name);
  std::vector<models::Request> out;
  int64_t first_ns = 0, last_ns = 0;
  size_t last_line = 0;
  bool saw_header = false;
  ForEachLine(text, problems, [&](size_t number, std::string_view line) {
    if (number == 1) {
      if (line != kAzureHeader) {
        problems.Add(1, 0, "bad header " + Quote(line) + "; expected " + std::string(kAzureHeader));
        return false;  // the rows cannot be trusted
      }
      saw_header = true;
      return true;
    }
    if (line.empty()) return problems.Add(number, 0, "empty line");
    // Split into fields, remembering each field's 1-based column.
    std::vector<std::pair<std::string_view, size_t>> fields;
    size_t start = 0;
    for (;;) {
      const size_t comma = line.find(',', start);
      fields.emplace_back(line.substr(start, comma - start), start + 1);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (fields.size() != 3) {
      return problems.Add(number, 0,
                          "expected 3 columns (" + std::string(kAzureHeader) + "), found " +
                              std::to_string(fields.size()));
    }
    bool row_ok = true;
    const std::optional<int64_t> ns = ParseTimestampNs(fields[0].first);
    if (!ns) {
      row_ok = false;
      if (!problems.Add(number, fields[0].second,
                        "TIMESTAMP: cannot parse " + Quote(fields[0].first) +
                            "; expected YYYY-MM-DD HH:MM:SS.fffffff")) {
        return false;
      }
    }
    int64_t tokens[2] = {0, 0};
    static constexpr std::string_view kNames[2] = {"ContextTokens", "GeneratedTokens"};
    for (int i = 0; i < 2; ++i) {
      const auto& [field, column] = fields[i + 1];
      const std::optional<int64_t> v = ParseInt(field);
      std::optional<std::string> problem;
      if (!v) {
        problem = std::string(kNames[i]) + ": " + Quote(field) + " is not an integer";
      } else {
        problem = CheckTokens(kNames[i], *v);
        tokens[i] = *v;
      }
      if (problem) {
        row_ok = false;
        if (!problems.Add(number, column, *problem)) return false;
      }
    }
    if (!row_ok) return true;
    if (!out.empty() && *ns < last_ns) {
      return problems.Add(number, fields[0].second,
                          "TIMESTAMP " + std::string(fields[0].first) + " is earlier than line " +
                              std::to_string(last_line) + "'s; the trace must be sorted by time");
    }
    if (out.empty()) first_ns = *ns;
    last_ns = *ns;
    last_line = number;
    models::Request r;
    r.id = out.size();
    r.arrival_s = static_cast<double>(*ns - first_ns) * 1e-9;
    r.input_tokens = tokens[0];
    r.output_tokens = tokens[1];
    out.push_back(std::move(r));
    return true;
  });
  if (!problems.empty()) return std::move(problems).ToStatus();
  if (!saw_header || out.empty()) return Status::Error(name + ": no requests after the header");
  return out;
}

Result<std::vector<models::Request>> ReadAzureTrace(const std::string& path) {
  Result<std::string> text = ReadBoundedFile(path);
  if (!text.ok()) return text.status();
  return ParseAzureTrace(text.value(), path);
}

Result<std::vector<models::Request>> ParseMooncakeTrace(std::string_view text,
                                                        const std::string& name) {
  if (text.empty()) return Status::Error(name + ": empty file; expected one JSON object a line");
  Problems problems(name);
  std::vector<models::Request> out;
  double last_ms = 0;
  size_t last_line = 0;
  ForEachLine(text, problems, [&](size_t number, std::string_view line) {
    if (line.empty()) return problems.Add(number, 0, "empty line");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      return problems.Add(number, e.byte, std::string("malformed JSON: ") + e.what());
    }
    if (!j.is_object()) {
      return problems.Add(number, 0, "expected a JSON object, found " + std::string(j.type_name()));
    }
    bool row_ok = true;
    auto fail = [&](const std::string& message) {
      row_ok = false;
      return problems.Add(number, 0, message);
    };
    // timestamp: a non-negative number of milliseconds.
    double ms = 0;
    const auto ts = j.find("timestamp");
    if (ts == j.end()) {
      if (!fail("missing field 'timestamp'")) return false;
    } else if (!ts->is_number()) {
      if (!fail("timestamp: expected a number, found " + std::string(ts->type_name()))) {
        return false;
      }
    } else {
      ms = ts->get<double>();
      if (!std::isfinite(ms) || ms < 0) {
        if (!fail("timestamp: " + ts->dump() + " is negative")) return false;
      }
    }
    // input_length, output_length: token counts.
    int64_t tokens[2] = {0, 0};
    static constexpr const char* kNames[2] = {"input_length", "output_length"};
    for (int i = 0; i < 2; ++i) {
      const auto it = j.find(kNames[i]);
      std::optional<std::string> problem;
      if (it == j.end()) {
        problem = std::string("missing field '") + kNames[i] + "'";
      } else if (!it->is_number_integer()) {
        problem = std::string(kNames[i]) + ": expected an integer, found " + it->dump();
      } else if (it->is_number_unsigned() &&
                 it->get<uint64_t>() > static_cast<uint64_t>(kMaxTraceTokens)) {
        problem = std::string(kNames[i]) + ": " + it->dump() + " exceeds the limit of " +
                  std::to_string(kMaxTraceTokens) + " tokens";
      } else {
        tokens[i] = it->get<int64_t>();
        problem = CheckTokens(kNames[i], tokens[i]);
      }
      if (problem && !fail(*problem)) return false;
    }
    // hash_ids: the prefix blocks.
    std::vector<uint64_t> blocks;
    const auto ids = j.find("hash_ids");
    if (ids == j.end()) {
      if (!fail("missing field 'hash_ids'")) return false;
    } else if (!ids->is_array()) {
      if (!fail("hash_ids: expected an array, found " + std::string(ids->type_name()))) {
        return false;
      }
    } else {
      blocks.reserve(ids->size());
      for (size_t k = 0; k < ids->size(); ++k) {
        const nlohmann::json& id = (*ids)[k];
        if (!id.is_number_unsigned()) {
          if (!fail("hash_ids[" + std::to_string(k) + "]: expected a non-negative integer, found " +
                    id.dump())) {
            return false;
          }
          break;
        }
        blocks.push_back(id.get<uint64_t>());
      }
    }
    if (!row_ok) return true;
    if (!out.empty() && ms < last_ms) {
      return problems.Add(number, 0,
                          "timestamp " + ts->dump() + " is earlier than line " +
                              std::to_string(last_line) + "'s; the trace must be sorted by time");
    }
    last_ms = ms;
    last_line = number;
    models::Request r;
    r.id = out.size();
    r.arrival_s = ms / 1000.0;
    r.input_tokens = tokens[0];
    r.output_tokens = tokens[1];
    r.prefix_blocks = std::move(blocks);
    out.push_back(std::move(r));
    return true;
  });
  if (!problems.empty()) return std::move(problems).ToStatus();
  if (out.empty()) return Status::Error(name + ": no requests");
  return out;
}

Result<std::vector<models::Request>> ReadMooncakeTrace(const std::string& path) {
  Result<std::string> text = ReadBoundedFile(path);
  if (!text.ok()) return text.status();
  return ParseMooncakeTrace(text.value(), path);
}

}  // namespace capsim::config
