#include "config/overrides.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "config/yaml_reader.h"

namespace capsim::config {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status Fail(std::string_view text, std::string_view message) {
  return Status::Error("--set " + std::string(text) + ": " + std::string(message));
}

// Appends the index segment "N" to `out`; false when N is not a non-negative int.
bool AddIndex(std::string_view digits, std::vector<Override::Segment>* out) {
  int index = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (!AllDigits(digits) || ec != std::errc() || end != digits.data() + digits.size()) return false;
  out->push_back({"", index});
  return true;
}

std::string Where(std::string_view path) {
  if (path.empty()) return "the top level";
  std::string out = "'";  // built in steps: GCC 12 warns (-Wrestrict) on "'" + string
  return out.append(path).append("'");
}

}  // namespace

Result<Override> ParseOverride(std::string_view text) {
  Override o;
  o.text = std::string(text);
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) return Fail(text, "expected KEY.PATH=VALUE");
  const std::string_view key = Trim(text.substr(0, eq));
  if (key.empty()) return Fail(text, "the key path is empty");
  // Split at '.', then peel "[N]" suffixes off each part.
  size_t start = 0;
  while (start <= key.size()) {
    size_t dot = key.find('.', start);
    if (dot == std::string_view::npos) dot = key.size();
    std::string_view part = key.substr(start, dot - start);
    const size_t bracket = part.find('[');
    const std::string_view name = part.substr(0, bracket);
    if (name.empty() && bracket != 0) return Fail(text, "empty key in the key path");
    if (!name.empty()) {
      if (name.find(']') != std::string_view::npos)
        return Fail(text, "unbalanced ']' in the key path");
      if (AllDigits(name) && !o.segments.empty()) {
        if (!AddIndex(name, &o.segments))
          return Fail(text, "bad list index '" + std::string(name) + "'");
      } else {
        o.segments.push_back({std::string(name), -1});
      }
    }
    for (size_t b = bracket; b != std::string_view::npos;) {
      const size_t close = part.find(']', b);
      if (close == std::string_view::npos) return Fail(text, "unbalanced '[' in the key path");
      if (o.segments.empty() || !AddIndex(part.substr(b + 1, close - b - 1), &o.segments)) {
        return Fail(text, "bad list index '" + std::string(part.substr(b, close - b + 1)) + "'");
      }
      b = close + 1;
      if (b < part.size() && part[b] != '[') return Fail(text, "unexpected text after ']'");
      if (b == part.size()) b = std::string_view::npos;
    }
    start = dot + 1;
  }
  for (const Override::Segment& s : o.segments) {
    o.path = s.index < 0 ? ChildPath(o.path, s.key) : IndexPath(o.path, s.index);
  }
  try {
    o.value = YAML::Load(std::string(Trim(text.substr(eq + 1))));
  } catch (const YAML::Exception& e) {
    return Fail(text, "cannot parse the value as YAML: " + e.msg);
  }
  return o;
}

Status ApplyOverride(const Override& o, YAML::Node* root) {
  try {
    YAML::Node cur;
    cur.reset(*root);
    std::string walked;
    for (size_t i = 0; i < o.segments.size(); ++i) {
      const Override::Segment& s = o.segments[i];
      const bool last = i + 1 == o.segments.size();
      if (s.index < 0) {
        if (!cur.IsMap()) return Fail(o.text, Where(walked) + " is not a mapping");
        const std::string child_path = ChildPath(walked, s.key);
        if (last) {
          cur[s.key] = o.value;
          break;
        }
        YAML::Node child = cur[s.key];
        if (!child.IsDefined() || child.IsNull()) {
          if (o.segments[i + 1].index >= 0) {
            return Fail(o.text, "there is no list at '" + child_path + "'");
          }
          cur[s.key] = YAML::Node(YAML::NodeType::Map);
          child.reset(cur[s.key]);
        }
        cur.reset(child);
        walked = child_path;
      } else {
        if (!cur.IsSequence()) return Fail(o.text, Where(walked) + " is not a list");
        if (static_cast<size_t>(s.index) >= cur.size()) {
          return Fail(o.text, "index " + std::to_string(s.index) + " is out of range: '" + walked +
                                  "' has " + std::to_string(cur.size()) + " items");
        }
        if (last) {
          cur[static_cast<size_t>(s.index)] = o.value;
          break;
        }
        YAML::Node child = cur[static_cast<size_t>(s.index)];
        cur.reset(child);
        walked = IndexPath(walked, s.index);
      }
    }
  } catch (const YAML::Exception& e) {
    return Fail(o.text, e.msg);
  }
  return Status::Ok();
}

}  // namespace capsim::config
