#include "config/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/file_io.h"
#include "config/overrides.h"
#include "config/suggest.h"

namespace capsim::config {
namespace {

constexpr int kOverrideLine = INT_MAX;  // sorts --set problems after those in the file

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void Diagnostics::AddOverrideOrigin(const std::string& path, const std::string& text) {
  overrides_[path] = text;
}

const std::string* Diagnostics::OverrideFor(std::string_view path) const {
  const std::string* best = nullptr;
  size_t best_length = 0;
  for (const auto& [p, text] : overrides_) {
    const bool covers = path == p || (path.size() > p.size() && path.substr(0, p.size()) == p &&
                                      (path[p.size()] == '.' || path[p.size()] == '['));
    if (covers && (best == nullptr || p.size() >= best_length)) {
      best = &text;
      best_length = p.size();
    }
  }
  return best;
}

void Diagnostics::Add(const YAML::Mark& mark, std::string_view path, std::string_view message) {
  const std::string where = path.empty() ? "" : std::string(path) + ": ";
  if (const std::string* origin = OverrideFor(path)) {
    lines_.push_back({kOverrideLine, 0, "--set " + *origin + ": " + where + std::string(message)});
    return;
  }
  std::string prefix = file_;
  if (mark.line >= 0) {
    prefix += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  lines_.push_back({mark.line, mark.column, prefix + ": " + where + std::string(message)});
}

void Diagnostics::AddUnknownKey(const YAML::Mark& mark, std::string_view parent,
                                std::string_view key, const std::vector<std::string>& allowed) {
  std::string message = "unknown key '" + std::string(key) + "'";
  const std::string path = ChildPath(parent, key);
  const std::string* origin = OverrideFor(path);
  if (origin)
    message += " at " + (parent.empty() ? std::string("the top level") : std::string(parent));
  if (auto match = ClosestMatch(key, allowed)) {
    message += "; did you mean '" + *match + "'?";
  } else {
    message += "; allowed keys: " + JoinNames(allowed);
  }
  if (AllDigits(key)) {
    message += " (a comma inside { } separates entries: write '$270K' or quote the value)";
  }
  if (origin) {
    lines_.push_back({kOverrideLine, 0, "--set " + *origin + ": " + message});
  } else {
    Add(mark, path, message);
  }
}

Status Diagnostics::ToStatus() const {
  std::vector<Line> sorted = lines_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Line& a, const Line& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  std::vector<std::string> out;
  for (Line& l : sorted) out.push_back(std::move(l.text));
  return Status::Errors(std::move(out));
}

std::string ChildPath(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string IndexPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string DescribeNode(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

MapReader::MapReader(const YAML::Node& node, std::string path, std::vector<std::string> allowed,
                     Diagnostics* diagnostics)
    : path_(std::move(path)), mark_(YAML::Mark::null_mark()), diagnostics_(diagnostics) {
  if (!node.IsDefined()) {
    absent_ = true;
    return;
  }
  mark_ = node.Mark();
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    valid_ = false;
    absent_ = true;
    diagnostics_->Add(
        mark_, path_,
        "expected a mapping with keys " + JoinNames(allowed) + ", got " + DescribeNode(node));
    return;
  }
  for (const auto& kv : node) {
    const YAML::Node& key_node = kv.first;
    if (!key_node.IsScalar()) {
      diagnostics_->Add(key_node.Mark(), path_,
                        "keys must be plain names, got " + DescribeNode(key_node));
      continue;
    }
    const std::string key = key_node.Scalar();
    if (const Entry* first = Find(key)) {
      diagnostics_->Add(
          key_node.Mark(), PathOf(key),
          "duplicate key (first at line " + std::to_string(first->key_node.Mark().line + 1) + ")");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      diagnostics_->AddUnknownKey(key_node.Mark(), path_, key, allowed);
      continue;
    }
    entries_.push_back({key, key_node, kv.second});
  }
}

const MapReader::Entry* MapReader::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

bool MapReader::Has(std::string_view key) const { return Find(key) != nullptr; }

YAML::Node MapReader::Get(std::string_view key) const {
  const Entry* e = Find(key);
  return e ? e->value : YAML::Node(YAML::NodeType::Undefined);
}

YAML::Mark MapReader::MarkOf(std::string_view key) const {
  const Entry* e = Find(key);
  if (e == nullptr) return mark_;
  // A null value ("key:") has no useful mark of its own; point at the key.
  return e->value.IsNull() ? e->key_node.Mark() : e->value.Mark();
}

bool MapReader::Require(std::string_view key) const {
  if (Has(key)) return true;
  if (!absent_) diagnostics_->Add(mark_, path_, "missing required key '" + std::string(key) + "'");
  return false;
}

void MapReader::Report(std::string_view key, std::string_view message) const {
  diagnostics_->Add(MarkOf(key), PathOf(key), message);
}

bool MapReader::Scalar(std::string_view key, std::string_view what, std::string* out,
                       Need need) const {
  const Entry* e = Find(key);
  if (e == nullptr) {
    if (need == Need::kRequired) Require(key);
    return false;
  }
  if (!e->value.IsScalar()) {
    Report(key, "expected " + std::string(what) + ", got " + DescribeNode(e->value));
    return false;
  }
  *out = e->value.Scalar();
  return true;
}

bool CheckBound(const MapReader& reader, std::string_view key, double value, Bound bound) {
  const YAML::Node node = reader.Get(key);
  const std::string got = ", got '" + (node.IsScalar() ? node.Scalar() : std::string()) + "'";
  switch (bound) {
    case Bound::kAny:
      return true;
    case Bound::kNonNegative:
      if (value >= 0) return true;
      reader.Report(key, "must not be negative" + got);
      return false;
    case Bound::kPositive:
      if (value > 0) return true;
      reader.Report(key, "must be positive" + got);
      return false;
    case Bound::kAtLeastOne:
      if (value >= 1) return true;
      reader.Report(key, "must be at least 1" + got);
      return false;
  }
  return true;
}

bool MapReader::GetQuantity(std::string_view key, Dimension dimension, double* out, Need need,
                            Bound bound) const {
  std::string text;
  const std::string what =
      DimensionName(dimension) + " such as '" + DimensionExample(dimension) + "'";
  if (!Scalar(key, what, &text, need)) return false;
  Result<double> value = ParseQuantity(text, dimension);
  if (!value.ok()) {
    Report(key, value.status().problems()[0]);
    return false;
  }
  if (!CheckBound(*this, key, value.value(), bound)) return false;
  *out = value.value();
  return true;
}

bool MapReader::GetInt(std::string_view key, int* out, Need need, Bound bound) const {
  std::string text;
  if (!Scalar(key, "a whole number such as '64'", &text, need)) return false;
  Result<double> value = ParseQuantity(text, Dimension::kCount);
  if (!value.ok()) {
    Report(key, value.status().problems()[0]);
    return false;
  }
  const double v = value.value();
  if (std::floor(v) != v) {
    Report(key, "'" + text + "' is not a whole number");
    return false;
  }
  if (std::fabs(v) > INT_MAX) {
    Report(key, "'" + text + "' is too large");
    return false;
  }
  if (!CheckBound(*this, key, v, bound)) return false;
  *out = static_cast<int>(v);
  return true;
}

bool MapReader::GetUint64(std::string_view key, uint64_t* out, Need need) const {
  std::string text;
  if (!Scalar(key, "a whole number such as '42'", &text, need)) return false;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    Report(key, "expected a whole number from 0 to 18446744073709551615, got '" + text + "'");
    return false;
  }
  *out = v;
  return true;
}

bool MapReader::GetBool(std::string_view key, bool* out, Need need) const {
  std::string text;
  if (!Scalar(key, "true or false", &text, need)) return false;
  const std::string lower = Lower(text);
  if (lower == "true" || lower == "yes" || lower == "on") {
    *out = true;
  } else if (lower == "false" || lower == "no" || lower == "off") {
    *out = false;
  } else {
    Report(key, "expected true or false, got '" + text + "'");
    return false;
  }
  return true;
}

bool MapReader::GetString(std::string_view key, std::string* out, Need need) const {
  std::string text;
  if (!Scalar(key, "a name", &text, need)) return false;
  if (text.empty()) {
    Report(key, "must not be empty");
    return false;
  }
  *out = text;
  return true;
}

std::vector<YAML::Node> MapReader::GetList(std::string_view key, Need need) const {
  const Entry* e = Find(key);
  if (e == nullptr) {
    if (need == Need::kRequired) Require(key);
    return {};
  }
  if (e->value.IsNull()) return {};
  if (!e->value.IsSequence()) {
    Report(key, "expected a list, got " + DescribeNode(e->value));
    return {};
  }
  std::vector<YAML::Node> items;
  for (const YAML::Node& item : e->value) items.push_back(item);
  return items;
}

MapReader MapReader::GetMap(std::string_view key, std::vector<std::string> allowed,
                            Need need) const {
  if (!Has(key) && need == Need::kRequired) Require(key);
  return MapReader(Get(key), PathOf(key), std::move(allowed), diagnostics_);
}

Result<YAML::Node> ReadYamlFile(const std::string& path, std::string* text) {
  Result<std::string> content = ReadTextFile(path);
  if (!content.ok()) return content.status();
  *text = std::move(content).value();
  try {
    return YAML::Load(*text);
  } catch (const YAML::ParserException& e) {
    return Status::Error(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    return Status::Error(path + ": invalid YAML: " + e.msg);
  }
}

Result<YAML::Node> ReadTopMapping(const std::string& path,
                                  const std::vector<std::string>& overrides, std::string_view what,
                                  const std::vector<std::string>& top_keys,
                                  Diagnostics* diagnostics, std::string* text) {
  Result<YAML::Node> parsed = ReadYamlFile(path, text);
  if (!parsed.ok()) return parsed.status();
  YAML::Node root = parsed.value();
  if (!root.IsDefined() || root.IsNull()) {
    return Status::Error(path + ": the file is empty; expected " + std::string(what) +
                         " mapping with keys " + JoinNames(top_keys));
  }
  if (!root.IsMap()) {
    return Status::Error(path + ":" + std::to_string(root.Mark().line + 1) + ":" +
                         std::to_string(root.Mark().column + 1) +
                         ": the top level must be a mapping with keys " + JoinNames(top_keys) +
                         "; got " + DescribeNode(root));
  }
  try {
    for (const std::string& text_override : overrides) {
      Result<Override> o = ParseOverride(text_override);
      Status applied = o.ok() ? ApplyOverride(o.value(), &root) : o.status();
      if (!applied.ok()) {
        diagnostics->AddLine(applied.problems()[0]);
      } else {
        diagnostics->AddOverrideOrigin(o.value().path, o.value().text);
      }
    }
  } catch (const YAML::Exception& e) {
    diagnostics->AddLine(path + ": " + e.msg);
  }
  return root;
}

std::string ResolvedText(const std::string& text, bool overridden, const YAML::Node& root) {
  if (!overridden) return text;  // exactly what was run, comments included
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace capsim::config
