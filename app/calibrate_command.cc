#include "app/calibrate_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <tuple>
#include <vector>

#include "config/benchmark_json.h"
#include "config/catalog_loader.h"
#include "config/profile_io.h"
#include "models/perf_model.h"

namespace capsim::app {
namespace {

constexpr models::OpClass kOpClasses[] = {models::OpClass::kGemm,
                                          models::OpClass::kAttentionPrefill,
                                          models::OpClass::kAttentionDecode,
                                          models::OpClass::kMemory,
                                          models::OpClass::kConv,
                                          models::OpClass::kCollective};

struct CalibrateArgs {
  std::vector<std::string> inputs;
  std::string output;
  std::string gpu;
  std::string base;
  std::vector<std::string> skip;  // op classes whose measured curves are not kept (--skip)
  bool help = false;
};

Result<CalibrateArgs> ParseArgs(const std::vector<std::string>& args) {
  CalibrateArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* into) -> Status {
      if (i + 1 >= args.size()) return Status::Error(a + ": missing value");
      *into = args[++i];
      return Status::Ok();
    };
    Status s = Status::Ok();
    if (a == "-o" || a == "--output") {
      s = value(&out.output);
    } else if (a == "--gpu") {
      s = value(&out.gpu);
    } else if (a == "--base") {
      s = value(&out.base);
    } else if (a == "--skip") {
      std::string list;
      s = value(&list);
      for (size_t start = 0; s.ok() && start <= list.size();) {
        const size_t comma = std::min(list.find(',', start), list.size());
        const std::string name = list.substr(start, comma - start);
        bool known = false;
        for (models::OpClass c : kOpClasses) known = known || OpClassName(c) == name;
        if (!known) {
          std::string names;
          for (models::OpClass c : kOpClasses) {
            names += (names.empty() ? "" : ", ") + std::string(OpClassName(c));
          }
          s = Status::Error("--skip: unknown operation class '" + name + "' (known: " + names +
                            ")");
        }
        out.skip.push_back(name);
        start = comma + 1;
      }
    } else if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (a.size() > 1 && a[0] == '-') {
      s = Status::Error("unknown option '" + a + "' for calibrate");
    } else {
      out.inputs.push_back(a);
    }
    if (!s.ok()) return s;
  }
  if (out.help) return out;
  if (out.inputs.empty()) return Status::Error("calibrate: no benchmark JSON file given");
  if (out.output.empty()) return Status::Error("calibrate: -o PROFILE.yaml is required");
  return out;
}

std::string Fmt(double v, const char* format = "%.3g") {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

bool SameCurve(const models::EfficiencyCurve& a, const models::EfficiencyCurve& b) {
  if (a.op_class != b.op_class || a.dtype != b.dtype || a.metric != b.metric) return false;
  return a.op_class != models::OpClass::kCollective ||
         (a.collective == b.collective && a.tier == b.tier);
}

void PrintCurve(std::ostream& out, const models::EfficiencyCurve& c, const char* from) {
  const double lo = c.points.front().size, hi = c.points.back().size;
  double emin = 1, emax = 0;
  for (const models::EfficiencyPoint& p : c.points) {
    emin = std::min(emin, p.efficiency);
    emax = std::max(emax, p.efficiency);
  }
  const char* unit = c.metric == models::CurveMetric::kCompute ? "FLOP" : "B";
  char line[256];
  std::snprintf(line, sizeof line, "  %-50s %6zu  %9s .. %-9s %-4s %5.3f .. %-5.3f  %s\n",
                c.Label().c_str(), c.points.size(), Fmt(lo).c_str(), Fmt(hi).c_str(), unit, emin,
                emax, from);
  out << line;
}

}  // namespace

std::string CalibrateUsage() {
  return "usage: capsim calibrate BENCH.json [more.json ...] -o PROFILE.yaml [--gpu NAME] "
         "[--base PROFILE.yaml] [--skip CLASS[,CLASS...]]\n"
         "  --skip: operation classes (gemm, attention_prefill, ...) whose measured curves are "
         "dropped, so they come from the base profile\n";
}

int RunCalibrate(const std::vector<std::string>& args, Console& console) {
  Result<CalibrateArgs> parsed = ParseArgs(args);
  if (!parsed.ok()) {
    console.err << "capsim: " << parsed.status().ToString() << "\n" << CalibrateUsage();
    return 2;
  }
  const CalibrateArgs& a = parsed.value();
  if (a.help) {
    console.out << CalibrateUsage();
    return 0;
  }
  auto fail = [&](const Status& s) {
    console.err << s.ToString() << "\n";
    return 1;
  };

  const std::string catalog_path = config::DefaultCatalogPath();
  Result<models::Catalog> catalog = config::LoadCatalog(catalog_path);
  if (!catalog.ok()) return fail(catalog.status());

  std::vector<config::BenchmarkFile> files;
  std::vector<std::string> problems;
  for (const std::string& input : a.inputs) {
    Result<config::BenchmarkFile> f = config::LoadBenchmarkJson(input);
    if (!f.ok()) {
      for (const std::string& p : f.status().problems()) problems.push_back(p);
      continue;
    }
    files.push_back(std::move(f).value());
  }
  if (!problems.empty()) return fail(Status::Errors(problems));

  Result<std::string> gpu_name = config::ResolveBenchmarkGpu(files, a.gpu, catalog.value());
  if (!gpu_name.ok()) return fail(gpu_name.status());
  const models::GpuSpec& gpu = *catalog.value().FindGpu(gpu_name.value());

  Result<config::FitResult> fit = config::FitBenchmarks(files, gpu);
  if (!fit.ok()) return fail(fit.status());
  models::CalibrationProfile profile = fit.value().profile;
  std::vector<std::string> skipped;
  std::erase_if(profile.curves, [&](const models::EfficiencyCurve& c) {
    const std::string name(OpClassName(c.op_class));
    if (std::find(a.skip.begin(), a.skip.end(), name) == a.skip.end()) return false;
    skipped.push_back(c.Label());
    return true;
  });

  // Curves the harness does not measure come from the base profile, point sources intact.
  const std::string base_path = !a.base.empty()
                                    ? a.base
                                    : (std::filesystem::path(catalog_path).parent_path() /
                                       "profiles" / (gpu.name + ".published.yaml"))
                                          .string();
  Result<models::CalibrationProfile> base = config::LoadProfile(base_path);
  if (!base.ok()) {
    std::vector<std::string> lines = base.status().problems();
    lines.push_back(
        "calibrate: the base profile supplies the curves benchmarks do not measure; "
        "pass --base PROFILE.yaml");
    return fail(Status::Errors(std::move(lines)));
  }
  if (base.value().gpu != gpu.name) {
    return fail(Status::Error(base_path + ": base profile is for '" + base.value().gpu +
                              "', not '" + gpu.name + "'"));
  }
  const size_t measured_curves = profile.curves.size();
  for (const models::EfficiencyCurve& c : base.value().curves) {
    const bool have =
        std::any_of(profile.curves.begin(), profile.curves.end(),
                    [&](const models::EfficiencyCurve& m) { return SameCurve(m, c); });
    if (!have) profile.curves.push_back(c);
  }
  profile.launch_overhead_s = base.value().launch_overhead_s;
  profile.collective_latency_s = base.value().collective_latency_s;
  profile.provenance.source += "; unmeasured curves, launch_overhead and collective_latency from " +
                               std::filesystem::path(base_path).filename().string() + " (" +
                               base.value().provenance.kind + ")";
  if (Status s = models::ValidateProfile(profile); !s.ok()) return fail(s);

  std::ostream& out = console.out;
  out << "calibrated " << gpu.name << " from " << files.size() << " file(s)";
  if (!profile.provenance.gpu_name.empty()) out << " (" << profile.provenance.gpu_name << ")";
  out << "\n  curve                                              points  sizes                     "
         "efficiency      from\n";
  for (size_t i = 0; i < profile.curves.size(); ++i) {
    PrintCurve(out, profile.curves[i], i < measured_curves ? "measured" : "base");
  }
  if (!fit.value().reported.empty()) {
    out << "not fitted (comparison kernels):\n";
    for (const config::FittedRun& r : fit.value().reported) {
      out << "  " << r.name << "  size " << Fmt(r.size) << "  efficiency "
          << Fmt(r.efficiency, "%.3f") << "\n";
    }
  }
  for (const std::string& label : skipped) {
    out << "measured but dropped (--skip), taken from the base profile: " << label << "\n";
  }
  if (!fit.value().memory_bound.empty()) {
    out << "not fitted (memory-bound: FLOP/byte below the machine balance " +
               Fmt(models::DatasheetPeakFlops(gpu, fit.value().memory_bound[0].family->dtype) /
                   gpu.memory_bandwidth) +
               "; priced by bandwidth):\n";
    for (const config::FittedRun& r : fit.value().memory_bound) {
      out << "  " << r.name << "  FLOP " << Fmt(r.size) << "  efficiency "
          << Fmt(r.efficiency, "%.3f") << "\n";
    }
  }
  if (!fit.value().cache_resident.empty()) {
    out << "not fitted (faster than HBM: working set fits in L2):\n";
    for (const config::FittedRun& r : fit.value().cache_resident) {
      out << "  " << r.name << "  bytes " << Fmt(r.size) << "  " << Fmt(r.efficiency * 100, "%.0f")
          << "% of the HBM figure\n";
    }
  }
  if (Status s = config::WriteProfile(profile, a.output); !s.ok()) return fail(s);
  out << "wrote " << a.output << "\n";
  return 0;
}

}  // namespace capsim::app
