#ifndef CAPSIM_CONFIG_OVERRIDES_H_
#define CAPSIM_CONFIG_OVERRIDES_H_

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/status.h"

namespace capsim::config {

// One command-line override "KEY.PATH=VALUE" (`--set`), e.g. "workloads[0].fps=30" or
// "workloads.0.fps=30" (both name list item 0), "policy.order=[a, b]" (VALUE is YAML).
struct Override {
  struct Segment {
    std::string key;  // mapping key, or empty for a list index
    int index = -1;   // list index, or -1 for a mapping key
  };
  std::string text;               // as given on the command line
  std::string path;               // normalized key path, e.g. "workloads[0].fps"
  std::vector<Segment> segments;  // the path, one step per key or index
  YAML::Node value;               // VALUE parsed as a YAML scalar, list or mapping
};

// Parses "KEY.PATH=VALUE"; errors read "--set TEXT: MESSAGE".
Result<Override> ParseOverride(std::string_view text);

// Writes `override.value` at its path in `*root` (a mapping), creating missing mapping keys on
// the way; list indices must exist. Errors read "--set TEXT: MESSAGE".
Status ApplyOverride(const Override& override, YAML::Node* root);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_OVERRIDES_H_
