#include "reports/summary_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace capsim::reports {
namespace {

// Number of UTF-8 code points (display width for the labels we print).
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string WithThousandsSeparators(long long value) {
  const bool negative = value < 0;
  const std::string digits = std::to_string(std::llabs(value));  // |value| < 1e15 here
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

// 4 significant digits with an exponent that is a multiple of 3 ("123.5e-6").
std::string Engineering(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3e", std::fabs(value));  // "d.ddde[+-]XX"
  const std::string_view text(buffer);
  const size_t e = text.find('e');
  const int exponent = std::atoi(buffer + e + 1);
  const std::string digits = std::string(text.substr(0, 1)) + std::string(text.substr(2, e - 2));
  const int engineering = exponent >= 0 ? exponent / 3 * 3 : -((-exponent + 2) / 3 * 3);
  const size_t integer_digits = static_cast<size_t>(exponent - engineering) + 1;
  std::string fraction = digits.substr(integer_digits);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  std::string out = value < 0 ? "-" : "";
  out += digits.substr(0, integer_digits);
  if (!fraction.empty()) out += "." + fraction;
  return out + "e" + std::to_string(engineering);
}

std::string GroupOf(const std::string& key) {
  const size_t dot = key.find('.');
  return dot == std::string::npos ? "other" : key.substr(0, dot);
}

std::string LabelOf(const models::SummaryMetric& metric) {
  return metric.long_name.empty() ? metric.key : metric.long_name;
}

bool HasInterval(const models::SummaryMetric& metric) { return !std::isnan(metric.half_width); }

// Whether the file or JSON form records `metric`'s replication count.
bool RecordsReplications(const models::SummaryMetric& metric) {
  return HasInterval(metric) || metric.replications != 1;
}

void AppendJsonString(std::string_view text, std::string& out) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof(escape), "\\u%04x", static_cast<unsigned char>(c));
          out += escape;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendJsonNumber(double value, std::string& out) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

}  // namespace

std::string FormatHumanValue(double value) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return "0";
  const double magnitude = std::fabs(value);
  if (magnitude < 1e-3 || magnitude >= 1e15) return Engineering(value);
  if (magnitude < 1000) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.4g", value);
    if (std::fabs(std::strtod(buffer, nullptr)) < 1000) return buffer;  // else rounded to 1000
  }
  return WithThousandsSeparators(std::llround(value));
}

std::string FormatSummaryTable(const std::vector<models::SummaryMetric>& metrics) {
  if (metrics.empty()) return "(no summary metrics)\n";
  std::vector<std::string> groups;
  std::vector<std::string> values;
  size_t label_width = 0;
  size_t value_width = 0;
  for (const models::SummaryMetric& metric : metrics) {
    const std::string group = GroupOf(metric.key);
    bool known = false;
    for (const std::string& g : groups) known = known || g == group;
    if (!known) groups.push_back(group);
    values.push_back(FormatHumanValue(metric.value));
    label_width = std::max(label_width, DisplayWidth(LabelOf(metric)));
    value_width = std::max(value_width, DisplayWidth(values.back()));
  }
  // Replicated metrics: the half-widths and the replication count of the header line (the
  // largest; rows with another count note theirs).
  std::vector<std::string> half_widths(metrics.size());
  size_t half_width_width = 0;
  int replications = 0;
  for (size_t i = 0; i < metrics.size(); ++i) {
    if (!HasInterval(metrics[i])) continue;
    half_widths[i] = FormatHumanValue(metrics[i].half_width);
    half_width_width = std::max(half_width_width, DisplayWidth(half_widths[i]));
    replications = std::max(replications, metrics[i].replications);
  }
  const bool replicated = half_width_width > 0;
  std::string out;
  if (replicated) {
    out += "(mean ± 95% CI half-width over " + std::to_string(replications) + " replications)\n";
  }
  for (const std::string& group : groups) {
    out += group + "\n";
    for (size_t i = 0; i < metrics.size(); ++i) {
      if (GroupOf(metrics[i].key) != group) continue;
      const std::string label = LabelOf(metrics[i]);
      const bool has_units = !metrics[i].units.empty() && metrics[i].units != "1";
      const bool own_count = replicated && metrics[i].replications != replications;
      out += "  " + label + std::string(label_width - DisplayWidth(label), ' ') + "  ";
      out += std::string(value_width - DisplayWidth(values[i]), ' ') + values[i];
      if (HasInterval(metrics[i])) {
        out += " ± " + std::string(half_width_width - DisplayWidth(half_widths[i]), ' ') +
               half_widths[i];
      } else if (replicated && (has_units || own_count)) {
        out += std::string(3 + half_width_width, ' ');  // keeps the units aligned
      }
      if (has_units) out += "  " + metrics[i].units;
      if (own_count) out += "  (n=" + std::to_string(metrics[i].replications) + ")";
      out += "\n";
    }
  }
  return out;
}

std::string FormatSummaryJson(const std::vector<models::SummaryMetric>& metrics) {
  if (metrics.empty()) return "{}\n";
  std::string out = "{\n";
  for (size_t i = 0; i < metrics.size(); ++i) {
    const models::SummaryMetric& metric = metrics[i];
    out += "  ";
    AppendJsonString(metric.key, out);
    out += ": ";
    AppendJsonNumber(metric.value, out);
    if (HasInterval(metric)) {
      out += ",\n  ";
      AppendJsonString(metric.key + ":ci95_half_width", out);
      out += ": ";
      AppendJsonNumber(metric.half_width, out);
    }
    if (RecordsReplications(metric)) {
      out += ",\n  ";
      AppendJsonString(metric.key + ":replications", out);
      out += ": " + std::to_string(metric.replications);
    }
    out += i + 1 < metrics.size() ? ",\n" : "\n";
  }
  return out + "}\n";
}

}  // namespace capsim::reports
