#include "app/explain_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>

#include "config/scenario_loader.h"
#include "models/face_ops.h"
#include "models/perf_model.h"
#include "models/step_pricing.h"

namespace capsim::app {
namespace {

// Concatenates the pieces (GCC 12 misreports -Wrestrict on chains of std::string operator+).
std::string Cat(std::initializer_list<std::string_view> pieces) {
  std::string out;
  for (std::string_view p : pieces) out.append(p);
  return out;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Seconds with a unit that keeps 3-4 significant digits.
std::string Time(double s) {
  if (s >= 1) return Fixed(s, 3) + " s";
  if (s >= 1e-3) return Fixed(s * 1e3, 3) + " ms";
  return Fixed(s * 1e6, 2) + " us";
}

std::string Shape(const models::Operation& op) {
  using models::OpClass;
  switch (op.op_class) {
    case OpClass::kGemm:
      return Cat({std::to_string(op.m), "x", std::to_string(op.n), "x", std::to_string(op.k)});
    case OpClass::kAttentionPrefill:
    case OpClass::kAttentionDecode:
      return Cat({"b", std::to_string(op.batch), " h", std::to_string(op.heads), "/",
                  std::to_string(op.kv_heads), " d", std::to_string(op.head_dim), " q",
                  std::to_string(op.q_len), " kv", std::to_string(op.kv_len)});
    case OpClass::kConv:
      return Cat({"b", std::to_string(op.batch), " ", std::to_string(op.channels_in), "->",
                  std::to_string(op.channels_out), " ", std::to_string(op.height), "x",
                  std::to_string(op.width), " k", std::to_string(op.kernel)});
    case OpClass::kCollective:
      return Cat({models::CollectiveName(op.collective), " n", std::to_string(op.ranks),
                  op.tier == models::LinkTier::kScaleUp ? " scale-up " : " scale-out ",
                  Fixed(op.bytes / 1e6, 1), " MB"});
    case OpClass::kMemory:
      return Cat({Fixed(op.bytes / 1e6, 1), " MB"});
  }
  return "";
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// Prints the per-operation table of `ops` priced by `perf`; returns the step time.
double PrintOps(const std::vector<models::Operation>& ops, const models::PerfModel& perf,
                std::ostream& out) {
  double total = 0;
  for (const models::Operation& op : ops) total += perf.Price(op).time_s * op.repeat;
  out << Pad("operation", 34) << Pad("class", 18) << Pad("dtype", 6) << Pad("shape", 34)
      << Pad("repeat", 9) << Pad("time each", 12) << Pad("share", 8) << Pad("bound", 9)
      << Pad("eff", 6) << "profile entry\n";
  for (const models::Operation& op : ops) {
    const models::OpCost c = perf.Price(op);
    const double share = total > 0 ? c.time_s * op.repeat / total : 0;
    std::string entry = "-";
    if (c.point != nullptr) {
      entry = Cat({c.point->measured ? "measured" : "published", " @ ", Fixed(c.point->size, 0),
                   ": ", c.point->source});
      if (c.curve != nullptr && (c.curve->op_class != op.op_class || c.curve->dtype != op.dtype)) {
        std::string fallback = "(";
        fallback.append(models::OpClassName(c.curve->op_class));
        fallback.append("/");
        fallback.append(models::DTypeName(c.curve->dtype));
        fallback.append(" curve) ");
        entry.insert(0, fallback);
      }
    }
    char repeat[32];
    std::snprintf(repeat, sizeof repeat, "%g", op.repeat);
    out << Pad(op.name, 34) << Pad(std::string(models::OpClassName(op.op_class)), 18)
        << Pad(std::string(models::DTypeName(op.dtype)), 6) << Pad(Shape(op), 34) << Pad(repeat, 9)
        << Pad(Time(c.time_s), 12) << Pad(Fixed(100 * share, 1) + "%", 8) << Pad(c.bound, 9)
        << Pad(Fixed(c.efficiency, 2), 6) << entry << '\n';
  }
  return total;
}

void PrintProfile(const models::PerfModel& perf, std::ostream& out) {
  const models::ProfileProvenance& p = perf.profile().provenance;
  out << "profile: " << perf.profile().gpu << " (" << p.kind;
  if (!p.gpu_name.empty()) out << ", " << p.gpu_name;
  if (!p.date.empty()) out << ", " << p.date;
  out << "; source: " << p.source << ")\n";
}

void PrintStep(const models::PricedStep& step, double priced_total, std::ostream& out) {
  out << "\nops total " << Time(priced_total) << "; step time " << Time(step.step_time_s) << " for "
      << Fixed(step.tokens_per_step, 0) << " tokens on " << step.gpus << " GPUs\n";
  out << "throughput " << Fixed(step.tokens_per_gpu_second * step.gpus, 0) << " tokens/s ("
      << Fixed(step.tokens_per_gpu_second, 1) << " per GPU); model FLOPs/token "
      << Fixed(step.model_flops_per_token / 1e9, 2) << " G; MFU " << Fixed(100 * step.mfu, 1)
      << "%\n";
}

}  // namespace

std::string ExplainUsage() {
  return "capsim explain SCENARIO.yaml --workload NAME [--set key.path=value]...\n";
}

int RunExplain(const std::vector<std::string>& args, Console& c) {
  std::string scenario_path, workload;
  std::vector<std::string> overrides;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--workload" || args[i] == "--set") && i + 1 < args.size()) {
      (args[i] == "--workload" ? workload : overrides.emplace_back()) = args[i + 1];
      ++i;
    } else if (!args[i].empty() && args[i][0] != '-' && scenario_path.empty()) {
      scenario_path = args[i];
    } else {
      c.err << "capsim explain: unexpected argument '" << args[i] << "'\nusage: " << ExplainUsage();
      return 2;
    }
  }
  if (scenario_path.empty() || workload.empty()) {
    c.err << "usage: " << ExplainUsage();
    return 2;
  }
  Result<models::Scenario> loaded = config::LoadScenario(scenario_path, overrides);
  if (!loaded.ok()) {
    for (const std::string& p : loaded.status().problems()) c.err << p << '\n';
    return 1;
  }
  const models::Scenario& sc = loaded.value();
  const models::PoolSpec& pool = sc.pools.front();
  Result<models::PerfModel> perf = models::PerfModelFor(sc, pool);
  if (!perf.ok()) {
    for (const std::string& p : perf.status().problems())
      c.err << scenario_path << ": " << p << '\n';
    return 1;
  }
  const models::PerfModel& pm = perf.value();
  for (const models::TrainingSpec& t : sc.trainings) {
    if (t.name != workload) continue;
    const models::ModelSpec* m = sc.catalog.FindModel(t.model);
    Result<models::PricedStep> step = models::PriceTrainingStep(*m, t, pm);
    if (!step.ok()) {
      for (const std::string& p : step.status().problems()) c.err << p << '\n';
      return 1;
    }
    c.out << "workload " << t.name << ": one training step of " << t.model << " on " << t.gpus
          << " x " << pool.gpu << " (tp " << t.layout.tp << ", pp " << t.layout.pp << ", dp "
          << t.layout.dp << "; batch " << Fixed(t.layout.global_batch_tokens, 0) << " tokens, seq "
          << t.layout.seq_len << ", micro " << t.layout.micro_batch_seqs
          << "); one GPU's operations\n";
    if (t.efficiency > 0) {
      c.out << "note: the run uses the fixed efficiency " << t.efficiency
            << " instead of this priced step\n";
    }
    PrintProfile(pm, c.out);
    const double total = PrintOps(step.value().ops, pm, c.out);
    PrintStep(step.value(), total, c.out);
    return 0;
  }
  for (const models::DistillationSpec& d : sc.distillations) {
    if (d.name != workload) continue;
    Result<models::PricedStep> step = models::PriceDistillationStep(
        *sc.catalog.FindModel(d.teacher), *sc.catalog.FindModel(d.student), d, pm);
    if (!step.ok()) {
      for (const std::string& p : step.status().problems()) c.err << p << '\n';
      return 1;
    }
    c.out << "workload " << d.name << ": one micro-batch of one replica (tp " << d.layout.tp
          << ") — " << d.teacher << " forward with logits + " << d.student << " training step, "
          << d.layout.micro_batch_seqs << " x " << d.layout.seq_len << " tokens\n";
    if (d.efficiency > 0) {
      c.out << "note: the run uses the fixed efficiency " << d.efficiency
            << " instead of this priced step\n";
    }
    PrintProfile(pm, c.out);
    const double total = PrintOps(step.value().ops, pm, c.out);
    PrintStep(step.value(), total, c.out);
    return 0;
  }
  for (const models::AvatarSpec& a : sc.avatars) {
    if (a.name != workload) continue;
    const models::FaceModelSpec* face = nullptr;
    for (const models::FaceModelSpec& f : sc.catalog.face_models) {
      if (f.tier == a.tier && face == nullptr) face = &f;
    }
    if (face == nullptr) {
      c.err << scenario_path << ": avatar tier '" << a.tier
            << "' has no face model with an operation list in the catalog\n";
      return 1;
    }
    const std::vector<models::Operation> ops = models::FaceFrameOps(*face, 1);
    c.out << "workload " << a.name << ": one frame of the " << a.tier << " face model ("
          << face->name << ") on one " << pool.gpu << "\n";
    PrintProfile(pm, c.out);
    const double t = PrintOps(ops, pm, c.out);
    const double period = 1.0 / a.fps;
    c.out << "\nframe time " << Time(t) << " = " << Fixed(100 * t / period, 1) << "% of the "
          << Time(period) << " frame period at " << a.fps << " fps. The run itself uses the "
          << "reference GPU share " << a.face.gpu_share << " while speaking (workloads.md §1).\n";
    return 0;
  }
  c.err << scenario_path << ": no workload named '" << workload << "'\n";
  return 1;
}

}  // namespace capsim::app
