#ifndef CAPSIM_CONFIG_YAML_READER_H_
#define CAPSIM_CONFIG_YAML_READER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/quantity.h"
#include "sim/status.h"

namespace capsim::config {

// Collects problems found in one YAML file, each formatted "FILE:LINE:COL: KEY.PATH: MESSAGE",
// or "--set KEY=VALUE: KEY.PATH: MESSAGE" when the key path was written by a --set override.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  // Records that `path` (e.g. "workloads[0].fps") and everything under it came from `text`.
  void AddOverrideOrigin(const std::string& path, const std::string& text);
  // Records a problem about `path` found at `mark` (a null mark omits LINE:COL).
  void Add(const YAML::Mark& mark, std::string_view path, std::string_view message);
  // Records the unknown key `key` of the mapping at `parent`, suggesting the closest of `allowed`.
  void AddUnknownKey(const YAML::Mark& mark, std::string_view parent, std::string_view key,
                     const std::vector<std::string>& allowed);
  // Records an already formatted problem line.
  void AddLine(std::string line) { lines_.push_back({-1, -1, std::move(line)}); }

  bool empty() const { return lines_.empty(); }
  const std::string& file() const { return file_; }
  // The problems sorted by position in the file (--set problems last); requires !empty().
  Status ToStatus() const;

 private:
  struct Line {
    int line;
    int column;
    std::string text;
  };
  // The --set text that wrote `path` or one of its parents, or nullptr.
  const std::string* OverrideFor(std::string_view path) const;

  std::string file_;
  std::map<std::string, std::string> overrides_;
  std::vector<Line> lines_;
};

// "parent.key" (or "key" at the top level).
std::string ChildPath(std::string_view parent, std::string_view key);
// "parent[index]".
std::string IndexPath(std::string_view parent, size_t index);
// "a mapping", "a list", "a scalar 'x'" or "nothing", for "expected ..., got ..." messages.
std::string DescribeNode(const YAML::Node& node);

// Whether a key must be present.
enum class Need { kOptional, kRequired };
// A range check applied to numbers after parsing.
enum class Bound { kAny, kNonNegative, kPositive, kAtLeastOne };

// Reads one YAML mapping at a key path, reporting every problem to a Diagnostics: the node not
// being a mapping, keys outside `allowed`, duplicate keys, missing required keys, values that do
// not parse or are out of range. Getters leave `*out` unchanged unless a valid value was read.
class MapReader {
 public:
  // A reader of `node` with the keys `allowed`; a null node reads as an empty mapping, an undefined
  // one (an absent key) as an empty mapping whose required keys are not reported.
  MapReader(const YAML::Node& node, std::string path, std::vector<std::string> allowed,
            Diagnostics* diagnostics);

  // Whether the node was a mapping (or null).
  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  const YAML::Mark& mark() const { return mark_; }
  Diagnostics* diagnostics() const { return diagnostics_; }
  // Whether `key` is present (with any value).
  bool Has(std::string_view key) const;
  // The value of `key`, or an undefined node.
  YAML::Node Get(std::string_view key) const;
  // The key path of `key` in this mapping.
  std::string PathOf(std::string_view key) const { return ChildPath(path_, key); }
  // The mark of `key`'s value (the mapping's mark when absent).
  YAML::Mark MarkOf(std::string_view key) const;
  // Reports "missing required key 'key'" when `key` is absent; returns whether it is present.
  bool Require(std::string_view key) const;
  // Reports a problem about `key`'s value.
  void Report(std::string_view key, std::string_view message) const;

  // Reads a quantity of `dimension` (SI units) and checks `bound`.
  bool GetQuantity(std::string_view key, Dimension dimension, double* out,
                   Need need = Need::kOptional, Bound bound = Bound::kAny) const;
  // Reads a whole number (K/M/B/T suffixes allowed) that fits an int and checks `bound`.
  bool GetInt(std::string_view key, int* out, Need need = Need::kOptional,
              Bound bound = Bound::kAny) const;
  // Reads an unsigned 64-bit integer.
  bool GetUint64(std::string_view key, uint64_t* out, Need need = Need::kOptional) const;
  // Reads true/false (also yes/no, on/off).
  bool GetBool(std::string_view key, bool* out, Need need = Need::kOptional) const;
  // Reads a non-empty scalar.
  bool GetString(std::string_view key, std::string* out, Need need = Need::kOptional) const;
  // The items of a list value (empty, with a problem, when present but not a list).
  std::vector<YAML::Node> GetList(std::string_view key, Need need = Need::kOptional) const;
  // A reader of a nested mapping (absent optional → an empty, valid reader).
  MapReader GetMap(std::string_view key, std::vector<std::string> allowed,
                   Need need = Need::kOptional) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  const Entry* Find(std::string_view key) const;
  // The scalar text of `key`'s value; reports and returns false when it is not a scalar.
  bool Scalar(std::string_view key, std::string_view what, std::string* out, Need need) const;

  std::string path_;
  YAML::Mark mark_;
  bool valid_ = true;
  bool absent_ = false;  // absent or not a mapping: missing required keys are not reported again
  std::vector<Entry> entries_;
  Diagnostics* diagnostics_;
};

// Reads and parses the YAML file at `path`, setting `*text` to its contents. Errors read
// "PATH: cannot open: REASON" or "PATH:LINE:COL: invalid YAML: REASON".
Result<YAML::Node> ReadYamlFile(const std::string& path, std::string* text);

// The top-level mapping of the YAML file at `path` (its text in *text) with `overrides`
// ("key.path=value", config/overrides.h) applied in order; each override's origin, or its
// problem, is recorded in *diagnostics, as is a YAML exception while applying them. Errors
// (cannot read, invalid YAML, empty, not a mapping) name `what` ("a scenario") and `top_keys`.
Result<YAML::Node> ReadTopMapping(const std::string& path,
                                  const std::vector<std::string>& overrides, std::string_view what,
                                  const std::vector<std::string>& top_keys,
                                  Diagnostics* diagnostics, std::string* text);

// The text stored as what was run: the file as written when nothing was overridden, else
// `root` emitted as YAML (comments dropped).
std::string ResolvedText(const std::string& text, bool overridden, const YAML::Node& root);

// Reports `value` if it violates `bound` ("must be positive, got '0 s'"); returns whether it holds.
bool CheckBound(const MapReader& reader, std::string_view key, double value, Bound bound);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_YAML_READER_H_
