#include "config/profile_io.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "config/suggest.h"
#include "config/yaml_reader.h"
#include "models/perf_model.h"

namespace capsim::config {
namespace {

using models::CollectiveKind;
using models::CurveMetric;
using models::DType;
using models::LinkTier;
using models::OpClass;

// The shortest text that reads back as `v`.
std::string FormatNumber(double v) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(v);
}

// `text` as a YAML double-quoted scalar.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
          out += hex;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A time in seconds as a quantity that reads back exactly: "4 us" when possible, else seconds.
std::string FormatTime(double seconds) {
  const double us = seconds * 1e6;
  if (us * 1e-6 == seconds) return FormatNumber(us) + " us";
  return FormatNumber(seconds) + " s";
}

template <typename E>
using Names = std::vector<std::pair<std::string, E>>;

const Names<OpClass>& ClassNames() {
  static const Names<OpClass> names = [] {
    Names<OpClass> n;
    for (OpClass c : {OpClass::kGemm, OpClass::kAttentionPrefill, OpClass::kAttentionDecode,
                      OpClass::kMemory, OpClass::kConv, OpClass::kCollective}) {
      n.emplace_back(std::string(models::OpClassName(c)), c);
    }
    return n;
  }();
  return names;
}

const Names<DType>& DTypeNames() {
  static const Names<DType> names = [] {
    Names<DType> n;
    for (DType t : {DType::kFP32, DType::kBF16, DType::kFP16, DType::kFP8}) {
      n.emplace_back(std::string(models::DTypeName(t)), t);
    }
    return n;
  }();
  return names;
}

const Names<CurveMetric>& MetricNames() {
  static const Names<CurveMetric> names = [] {
    Names<CurveMetric> n;
    for (CurveMetric m :
         {CurveMetric::kCompute, CurveMetric::kMemory, CurveMetric::kBusBandwidth}) {
      n.emplace_back(std::string(models::CurveMetricName(m)), m);
    }
    return n;
  }();
  return names;
}

const Names<CollectiveKind>& KindNames() {
  static const Names<CollectiveKind> names = [] {
    Names<CollectiveKind> n;
    for (CollectiveKind k : {CollectiveKind::kAllReduce, CollectiveKind::kAllGather,
                             CollectiveKind::kReduceScatter, CollectiveKind::kAllToAll}) {
      n.emplace_back(std::string(models::CollectiveName(k)), k);
    }
    return n;
  }();
  return names;
}

const Names<LinkTier>& TierNames() {
  static const Names<LinkTier> names = [] {
    Names<LinkTier> n;
    for (LinkTier t : {LinkTier::kScaleUp, LinkTier::kScaleOut}) {
      n.emplace_back(std::string(models::LinkTierName(t)), t);
    }
    return n;
  }();
  return names;
}

// Reads the name at `key` into `*out`; unknown names are reported with the known ones.
template <typename E>
bool ReadName(const MapReader& reader, std::string_view key, std::string_view noun,
              const Names<E>& names, E* out, Need need = Need::kRequired) {
  std::string text;
  if (!reader.GetString(key, &text, need)) return false;
  std::vector<std::string> known;
  for (const auto& [name, value] : names) {
    if (name == text) {
      *out = value;
      return true;
    }
    known.push_back(name);
  }
  reader.Report(key, UnknownNameMessage(noun, text, known));
  return false;
}

const std::vector<std::string> kTopKeys = {"gpu", "provenance", "launch_overhead",
                                           "collective_latency", "curves"};
const std::vector<std::string> kProvenanceKeys = {"kind", "gpu_name", "driver",
                                                  "cuda", "date",     "source"};
const std::vector<std::string> kCurveKeys = {"class", "collective", "tier",
                                             "dtype", "metric",     "points"};
const std::vector<std::string> kPointKeys = {"size", "efficiency", "measured", "source"};

void ReadProvenance(const MapReader& top, models::ProfileProvenance* p) {
  const MapReader prov = top.GetMap("provenance", kProvenanceKeys, Need::kRequired);
  if (!prov.valid() || !top.Has("provenance")) return;
  if (prov.GetString("kind", &p->kind, Need::kRequired) && p->kind != "measured" &&
      p->kind != "published") {
    prov.Report("kind", UnknownNameMessage("provenance kind", p->kind, {"measured", "published"}));
  }
  prov.GetString("gpu_name", &p->gpu_name);
  prov.GetString("driver", &p->driver);
  prov.GetString("cuda", &p->cuda);
  prov.GetString("date", &p->date);
  prov.GetString("source", &p->source, Need::kRequired);
}

struct CurveKey {
  OpClass op_class;
  DType dtype;
  CurveMetric metric;
  CollectiveKind kind;
  LinkTier tier;
  bool operator<(const CurveKey& o) const {
    return std::tie(op_class, dtype, metric, kind, tier) <
           std::tie(o.op_class, o.dtype, o.metric, o.kind, o.tier);
  }
};

// Reads one curve; returns false when it has problems (already reported).
bool ReadCurve(const MapReader& item, models::EfficiencyCurve* curve) {
  bool ok = ReadName(item, "class", "operation class", ClassNames(), &curve->op_class);
  ok &= ReadName(item, "dtype", "dtype", DTypeNames(), &curve->dtype);
  ok &= ReadName(item, "metric", "metric", MetricNames(), &curve->metric);
  if (ok) {
    const bool collective = curve->op_class == OpClass::kCollective;
    if (collective) {
      ok &= ReadName(item, "collective", "collective", KindNames(), &curve->collective);
      ok &= ReadName(item, "tier", "link tier", TierNames(), &curve->tier);
      if (curve->metric != CurveMetric::kBusBandwidth) {
        item.Report("metric", "collective curves measure bus_bandwidth");
        ok = false;
      }
    } else {
      for (const char* key : {"collective", "tier"}) {
        if (item.Has(key)) {
          item.Report(key, "only collective curves have '" + std::string(key) + "'");
          ok = false;
        }
      }
      if (curve->metric == CurveMetric::kBusBandwidth) {
        item.Report("metric",
                    "only collective curves measure bus_bandwidth; use compute or memory");
        ok = false;
      }
    }
  }
  const std::vector<YAML::Node> points = item.GetList("points", Need::kRequired);
  if (item.Has("points") && points.empty()) {
    item.Report("points", "a curve needs at least one point");
    ok = false;
  }
  std::vector<std::pair<models::EfficiencyPoint, YAML::Mark>> read;
  for (size_t i = 0; i < points.size(); ++i) {
    const MapReader p(points[i], IndexPath(item.PathOf("points"), i), kPointKeys,
                      item.diagnostics());
    if (!p.valid()) {
      ok = false;
      continue;
    }
    models::EfficiencyPoint point;
    bool point_ok = p.GetQuantity("size", Dimension::kDimensionless, &point.size, Need::kRequired,
                                  Bound::kPositive);
    if (p.GetQuantity("efficiency", Dimension::kFraction, &point.efficiency, Need::kRequired)) {
      if (!(point.efficiency > 0 && point.efficiency <= 1)) {
        p.Report("efficiency", "must be in (0, 1] (a fraction of the datasheet figure), got '" +
                                   p.Get("efficiency").Scalar() + "'");
        point_ok = false;
      }
    } else {
      point_ok = false;
    }
    point_ok &= p.GetBool("measured", &point.measured, Need::kRequired);
    point_ok &= p.GetString("source", &point.source, Need::kRequired);
    if (point_ok) read.emplace_back(std::move(point), p.MarkOf("size"));
    ok &= point_ok;
  }
  std::stable_sort(read.begin(), read.end(),
                   [](const auto& a, const auto& b) { return a.first.size < b.first.size; });
  for (size_t i = 1; i < read.size(); ++i) {
    if (read[i].first.size == read[i - 1].first.size) {
      item.diagnostics()->Add(read[i].second, item.PathOf("points"),
                              "two points with size " + FormatNumber(read[i].first.size) +
                                  " (first at line " + std::to_string(read[i - 1].second.line + 1) +
                                  "); sizes must differ");
      ok = false;
    }
  }
  for (auto& [point, mark] : read) curve->points.push_back(std::move(point));
  return ok;
}

}  // namespace

Result<models::CalibrationProfile> LoadProfile(const std::string& path) {
  std::string text;
  Result<YAML::Node> root = ReadYamlFile(path, &text);
  if (!root.ok()) return root.status();
  Diagnostics diagnostics(path);
  models::CalibrationProfile profile;
  try {
    if (!root.value().IsMap()) {
      return Status::Error(path + ": the top level must be a mapping with keys " +
                           JoinNames(kTopKeys) + "; got " + DescribeNode(root.value()));
    }
    const MapReader top(root.value(), "", kTopKeys, &diagnostics);
    top.GetString("gpu", &profile.gpu, Need::kRequired);
    ReadProvenance(top, &profile.provenance);
    top.GetQuantity("launch_overhead", Dimension::kTime, &profile.launch_overhead_s,
                    Need::kRequired, Bound::kNonNegative);
    top.GetQuantity("collective_latency", Dimension::kTime, &profile.collective_latency_s,
                    Need::kRequired, Bound::kNonNegative);
    std::map<CurveKey, int> first_line;
    const std::vector<YAML::Node> curves = top.GetList("curves", Need::kRequired);
    for (size_t i = 0; i < curves.size(); ++i) {
      const MapReader item(curves[i], IndexPath("curves", i), kCurveKeys, &diagnostics);
      if (!item.valid()) continue;
      models::EfficiencyCurve curve;
      if (!ReadCurve(item, &curve)) continue;
      const bool collective = curve.op_class == OpClass::kCollective;
      const CurveKey key{curve.op_class, curve.dtype, curve.metric,
                         collective ? curve.collective : CollectiveKind::kAllReduce,
                         collective ? curve.tier : LinkTier::kScaleUp};
      auto [it, inserted] = first_line.emplace(key, item.mark().line + 1);
      if (!inserted) {
        diagnostics.Add(item.mark(), item.path(),
                        "a second '" + curve.Label() + "' curve (first at line " +
                            std::to_string(it->second) + ")");
        continue;
      }
      profile.curves.push_back(std::move(curve));
    }
  } catch (const YAML::Exception& e) {
    diagnostics.AddLine(path + ": " + e.msg);
  }
  if (!diagnostics.empty()) return diagnostics.ToStatus();
  if (Status s = models::ValidateProfile(profile); !s.ok()) {
    std::vector<std::string> lines;
    for (const std::string& problem : s.problems()) lines.push_back(path + ": " + problem);
    return Status::Errors(std::move(lines));
  }
  return profile;
}

std::string ProfileToYaml(const models::CalibrationProfile& profile) {
  const models::ProfileProvenance& p = profile.provenance;
  std::string out =
      "# capsim calibration profile (format: data/profiles/README.md)\n"
      "gpu: " +
      Quote(profile.gpu) + "\nprovenance: { kind: " + Quote(p.kind);
  for (const auto& [key, value] :
       {std::pair<const char*, const std::string*>{"gpu_name", &p.gpu_name},
        {"driver", &p.driver},
        {"cuda", &p.cuda},
        {"date", &p.date},
        {"source", &p.source}}) {
    if (!value->empty()) out += std::string(", ") + key + ": " + Quote(*value);
  }
  out += " }\nlaunch_overhead: " + FormatTime(profile.launch_overhead_s) +
         "\ncollective_latency: " + FormatTime(profile.collective_latency_s) + "\ncurves:\n";
  for (const models::EfficiencyCurve& c : profile.curves) {
    out += "  - { class: " + std::string(models::OpClassName(c.op_class));
    if (c.op_class == OpClass::kCollective) {
      out += ", collective: " + std::string(models::CollectiveName(c.collective)) +
             ", tier: " + std::string(models::LinkTierName(c.tier));
    }
    out += ", dtype: " + std::string(models::DTypeName(c.dtype)) +
           ", metric: " + std::string(models::CurveMetricName(c.metric)) + ", points: [\n";
    for (size_t i = 0; i < c.points.size(); ++i) {
      const models::EfficiencyPoint& pt = c.points[i];
      out += "      { size: " + FormatNumber(pt.size) +
             ", efficiency: " + FormatNumber(pt.efficiency) +
             ", measured: " + (pt.measured ? "true" : "false") + ", source: " + Quote(pt.source) +
             (i + 1 < c.points.size() ? " },\n" : " }\n");
    }
    out += "    ] }\n";
  }
  return out;
}

Status WriteProfile(const models::CalibrationProfile& profile, const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path tmp = target.parent_path() /
                       ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()));
  {
    errno = 0;
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      const int err = errno;
      return Status::Error(path + ": cannot write: " +
                           (err ? std::strerror(err) : std::string("cannot create file")));
    }
    out << ProfileToYaml(profile);
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return Status::Error(path + ": cannot write: write failed");
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return Status::Error(path + ": cannot write: " + ec.message());
  }
  return Status::Ok();
}

}  // namespace capsim::config
