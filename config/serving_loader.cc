#include "config/serving_loader.h"

#include <filesystem>

#include "config/suggest.h"
#include "config/trace_reader.h"
#include "models/autoscaler.h"
#include "models/transformer_ops.h"

namespace capsim::config {
namespace {

const std::vector<std::string> kArrivalKinds = {"poisson", "diurnal-poisson", "bursty", "offline",
                                                "trace"};
const std::vector<std::string> kRouting = {"round-robin", "least-outstanding", "prefix-affinity"};
const std::vector<std::string> kPreemption = {"recompute", "swap"};
const std::vector<std::string> kTraceFormats = {"azure", "mooncake"};

// The index of `value` in `names`, reporting an unknown one under `key`; -1 when unknown.
int Choice(const MapReader& r, const std::string& key, const std::string& what,
           const std::vector<std::string>& names, const std::string& value) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == value) return static_cast<int>(i);
  }
  r.Report(key, UnknownNameMessage(what, value, names));
  return -1;
}

void ReadLength(const MapReader& lengths, const std::string& key, models::LognormalLength* l) {
  const MapReader r = lengths.GetMap(key, {"median", "mean", "max"});
  r.GetQuantity("median", Dimension::kCount, &l->median, Need::kOptional, Bound::kPositive);
  r.GetQuantity("mean", Dimension::kCount, &l->mean, Need::kOptional, Bound::kPositive);
  double max = static_cast<double>(l->max);
  if (r.GetQuantity("max", Dimension::kCount, &max, Need::kOptional, Bound::kAtLeastOne)) {
    l->max = static_cast<int64_t>(max);
  }
  if (l->mean < l->median) r.Report("mean", "must be at least the median (lognormal lengths)");
}

void ReadTrace(const MapReader& a, const std::string& scenario_path, models::ServingSpec* s) {
  std::string file, format = "azure";
  if (!a.GetString("file", &file, Need::kRequired)) return;
  if (a.GetString("format", &format) &&
      Choice(a, "format", "trace format", kTraceFormats, format) < 0) {
    return;
  }
  std::filesystem::path p(file);
  if (p.is_relative()) p = std::filesystem::path(scenario_path).parent_path() / p;
  s->trace_path = p.string();
  Result<std::vector<models::Request>> trace =
      format == "azure" ? ReadAzureTrace(s->trace_path) : ReadMooncakeTrace(s->trace_path);
  if (!trace.ok()) {
    for (const std::string& problem : trace.status().problems()) a.Report("file", problem);
    return;
  }
  s->trace = std::move(trace).value();
  a.GetQuantity("time_scale", Dimension::kDimensionless, &s->replay.time_scale, Need::kOptional,
                Bound::kPositive);
  a.GetQuantity("start", Dimension::kTime, &s->replay.start_s, Need::kOptional,
                Bound::kNonNegative);
}

void ReadArrivals(const MapReader& item, const std::string& scenario_path, models::ServingSpec* s) {
  const MapReader a = item.GetMap("arrivals",
                                  {"kind", "rate", "peak_rate", "peak_to_mean", "peak_time", "cv",
                                   "count", "file", "format", "time_scale", "start"},
                                  Need::kRequired);
  std::string kind;
  if (!a.GetString("kind", &kind, Need::kRequired)) return;
  using Source = models::ServingSpec::Source;
  switch (Choice(a, "kind", "arrival kind", kArrivalKinds, kind)) {
    case 0:
    case 2:
      s->source = kind == "poisson" ? Source::kPoisson : Source::kBursty;
      s->arrivals.kind = models::ArrivalSpec::Kind::kPoisson;
      a.GetQuantity("rate", Dimension::kRate, &s->arrivals.peak_rate_per_s, Need::kRequired,
                    Bound::kPositive);
      if (kind == "bursty") {
        a.GetQuantity("cv", Dimension::kDimensionless, &s->cv, Need::kRequired, Bound::kPositive);
      }
      return;
    case 1:
      s->source = Source::kDiurnal;
      s->arrivals.kind = models::ArrivalSpec::Kind::kDiurnalPoisson;
      a.GetQuantity("peak_rate", Dimension::kRate, &s->arrivals.peak_rate_per_s, Need::kRequired,
                    Bound::kPositive);
      a.GetQuantity("peak_to_mean", Dimension::kDimensionless, &s->arrivals.peak_to_mean,
                    Need::kRequired, Bound::kAtLeastOne);
      a.GetQuantity("peak_time", Dimension::kTime, &s->arrivals.peak_time_s, Need::kOptional,
                    Bound::kNonNegative);
      return;
    case 3: {
      s->source = Source::kOffline;
      int count = 0;
      if (a.GetInt("count", &count, Need::kRequired, Bound::kAtLeastOne)) {
        s->offline_count = static_cast<uint64_t>(count);
      }
      return;
    }
    case 4:
      s->source = Source::kTrace;
      ReadTrace(a, scenario_path, s);
      return;
    default:
      return;
  }
}

void ReadEngine(const MapReader& item, models::ReplicaConfig* e) {
  const MapReader r = item.GetMap("engine", {"max_batched_tokens", "max_seqs", "chunked_prefill",
                                             "prefix_caching", "preemption"});
  double tokens = static_cast<double>(e->max_num_batched_tokens);
  if (r.GetQuantity("max_batched_tokens", Dimension::kCount, &tokens, Need::kOptional,
                    Bound::kAtLeastOne)) {
    e->max_num_batched_tokens = static_cast<int64_t>(tokens);
  }
  int seqs = static_cast<int>(e->max_num_seqs);
  if (r.GetInt("max_seqs", &seqs, Need::kOptional, Bound::kAtLeastOne)) e->max_num_seqs = seqs;
  r.GetBool("chunked_prefill", &e->chunked_prefill);
  r.GetBool("prefix_caching", &e->prefix_caching);
  std::string mode;
  if (r.GetString("preemption", &mode) &&
      Choice(r, "preemption", "preemption mode", kPreemption, mode) == 1) {
    e->preemption = models::PreemptionMode::kSwap;
  }
}

// The catalog model named `name` when it exists and has an architecture, else nullptr.
const models::ModelSpec* ServedModel(const WorkloadContext& ctx, const std::string& name) {
  if (ctx.catalog == nullptr) return nullptr;
  const models::ModelSpec* m = ctx.catalog->FindModel(name);
  return m != nullptr && m->HasArchitecture() ? m : nullptr;
}

// Reads the tensor-parallel degree under `key` into `*par` and checks that it splits `model`
// (when known).
void ReadTp(const MapReader& r, const std::string& key, const models::ModelSpec* model,
            models::Parallelism* par) {
  if (!r.GetInt(key, &par->tp, Need::kOptional, Bound::kAtLeastOne) || model == nullptr) return;
  const Status s = models::CheckParallelism(*model, *par);
  for (const std::string& problem : s.problems()) r.Report(key, problem);
}

// Reads `disaggregation` (the pools' sizes and tp) into `*s->disaggregated`; the co-located
// form's `replicas`, `parallelism` and the `routing` it alone has are reported when present.
void ReadDisaggregation(const MapReader& item, const models::ModelSpec* model,
                        models::ServingSpec* s) {
  const std::string coexist = " cannot be combined with 'disaggregation'";
  if (item.Has("replicas")) {
    item.Report("replicas", "'replicas'" + coexist +
                                "; give prefill_replicas and decode_replicas under it instead");
  }
  if (item.Has("parallelism")) {
    item.Report("parallelism",
                "'parallelism'" + coexist + "; give prefill_tp and decode_tp under it instead");
  }
  if (item.Has("routing")) {
    item.Report("routing", "'routing'" + coexist +
                               ": disaggregated requests always go to the prefill and then the "
                               "decode replica with the fewest outstanding tokens");
  }
  const MapReader d = item.GetMap(
      "disaggregation", {"prefill_replicas", "decode_replicas", "prefill_tp", "decode_tp"});
  models::DisaggregatedConfig& c = s->disaggregated.emplace();
  d.GetInt("prefill_replicas", &c.prefill_replicas, Need::kRequired, Bound::kAtLeastOne);
  d.GetInt("decode_replicas", &c.decode_replicas, Need::kRequired, Bound::kAtLeastOne);
  ReadTp(d, "prefill_tp", model, &c.prefill_par);
  ReadTp(d, "decode_tp", model, &c.decode_par);
}

// Reports when the serving GPUs exceed the pool's, under `disaggregation` or `replicas`.
void CheckPoolSize(const MapReader& item, const WorkloadContext& ctx,
                   const models::ServingSpec& s) {
  if (ctx.pool == nullptr) return;
  const int gpus = s.Gpus();
  const int pool = ctx.pool->nodes * ctx.pool->gpus_per_node;
  if (gpus <= pool) return;
  if (s.disaggregated) {
    const models::DisaggregatedConfig& d = *s.disaggregated;
    item.Report("disaggregation", std::to_string(d.prefill_replicas) + " prefill replicas of " +
                                      std::to_string(d.prefill_par.tp) + " GPUs and " +
                                      std::to_string(d.decode_replicas) + " decode replicas of " +
                                      std::to_string(d.decode_par.tp) + " GPUs need " +
                                      std::to_string(gpus) + " GPUs; the pool has " +
                                      std::to_string(pool));
    return;
  }
  item.Report("replicas", std::to_string(s.cluster.replicas) + " replicas of " +
                              std::to_string(gpus / s.cluster.replicas) + " GPUs need " +
                              std::to_string(gpus) + " GPUs; the pool has " + std::to_string(pool));
}

// `autoscale: { min, max, target_utilization, interval, load_time, scale_down_delay, signal }`:
// replicas between min and max follow the load (models/autoscaler.h); `replicas` is the count
// at the start. Co-located replicas only.
void ReadAutoscale(const MapReader& item, models::ServingSpec* s) {
  if (item.Has("disaggregation")) {
    item.Report("autoscale", "applies to co-located replicas, not to disaggregation");
    return;
  }
  const MapReader a = item.GetMap("autoscale", {"min", "max", "target_utilization", "interval",
                                                "load_time", "scale_down_delay", "signal"});
  models::AutoscaleConfig c;
  c.min_replicas = c.max_replicas = s->cluster.replicas;
  a.GetInt("min", &c.min_replicas, Need::kOptional, Bound::kAtLeastOne);
  a.GetInt("max", &c.max_replicas, Need::kRequired, Bound::kAtLeastOne);
  a.GetQuantity("target_utilization", Dimension::kFraction, &c.target_utilization);
  a.GetQuantity("interval", Dimension::kTime, &c.interval_s, Need::kOptional, Bound::kPositive);
  a.GetQuantity("load_time", Dimension::kTime, &c.load_time_s, Need::kOptional,
                Bound::kNonNegative);
  a.GetQuantity("scale_down_delay", Dimension::kTime, &c.scale_down_delay_s, Need::kOptional,
                Bound::kNonNegative);
  std::string signal;
  if (a.GetString("signal", &signal)) {
    const int k = Choice(a, "signal", "autoscale signal", {"offered-load", "busy-time"}, signal);
    if (k == 1) c.signal = models::AutoscaleSignal::kBusyTime;
  }
  if (!a.valid() || !a.Has("max")) return;
  bool ok = true;
  if (c.max_replicas < c.min_replicas) {
    a.Report("max", std::to_string(c.max_replicas) + " is below min (" +
                        std::to_string(c.min_replicas) + ")");
    ok = false;
  } else if (s->cluster.replicas < c.min_replicas || s->cluster.replicas > c.max_replicas) {
    item.Report("replicas",
                std::to_string(s->cluster.replicas) +
                    " (the replicas at the start) must lie in autoscale [min, max] = [" +
                    std::to_string(c.min_replicas) + ", " + std::to_string(c.max_replicas) + "]");
    ok = false;
  }
  if (a.Has("target_utilization") && c.target_utilization <= 0) {
    a.Report("target_utilization", "must be greater than 0");
    ok = false;
  }
  if (ok && models::CheckAutoscale(c, s->cluster.replicas).ok()) s->cluster.autoscale = c;
}

}  // namespace

const std::vector<std::string>& ServingKeys() {
  static const std::vector<std::string> keys = {
      "name",    "kind",   "model",   "replicas", "parallelism",    "arrivals",
      "lengths", "engine", "routing", "slo",      "disaggregation", "autoscale", "pool"};
  return keys;
}

void ReadServing(const MapReader& item, const WorkloadContext& ctx,
                 const std::string& scenario_path, models::ServingSpec* s) {
  if (item.GetString("model", &s->model, Need::kRequired) && ctx.catalog != nullptr) {
    const models::ModelSpec* m = ctx.catalog->FindModel(s->model);
    if (m == nullptr) {
      std::vector<std::string> names;
      for (const models::ModelSpec& x : ctx.catalog->models) names.push_back(x.name);
      item.Report("model", UnknownNameMessage("model", s->model, names));
    } else if (!m->HasArchitecture()) {
      item.Report("model", "model '" + s->model +
                               "' has no architecture in the catalog; "
                               "serving is priced op by op and needs one");
    }
  }
  if (item.Has("disaggregation")) {
    ReadDisaggregation(item, ServedModel(ctx, s->model), s);
  } else {
    item.GetInt("replicas", &s->cluster.replicas, Need::kRequired, Bound::kAtLeastOne);
    const MapReader p = item.GetMap("parallelism", {"tp", "pp"});
    p.GetInt("tp", &s->cluster.par.tp, Need::kOptional, Bound::kAtLeastOne);
    p.GetInt("pp", &s->cluster.par.pp, Need::kOptional, Bound::kAtLeastOne);
  }
  CheckPoolSize(item, ctx, *s);
  if (item.Has("autoscale")) ReadAutoscale(item, s);
  ReadArrivals(item, scenario_path, s);
  const MapReader lengths = item.GetMap("lengths", {"input", "output"});
  ReadLength(lengths, "input", &s->lengths.input);
  ReadLength(lengths, "output", &s->lengths.output);
  ReadEngine(item, &s->cluster.replica);
  std::string routing = "least-outstanding";
  if (!s->disaggregated && item.GetString("routing", &routing)) {
    const int r = Choice(item, "routing", "routing policy", kRouting, routing);
    if (r == 0) s->cluster.routing = models::RoutingPolicy::kRoundRobin;
    if (r == 2) s->cluster.routing = models::RoutingPolicy::kPrefixAffinity;
  }
  const MapReader slo = item.GetMap("slo", {"ttft", "tpot"});
  slo.GetQuantity("ttft", Dimension::kTime, &s->cluster.ttft_bound_s, Need::kOptional,
                  Bound::kPositive);
  slo.GetQuantity("tpot", Dimension::kTime, &s->cluster.tpot_bound_s, Need::kOptional,
                  Bound::kPositive);
  if (s->disaggregated) {
    // One engine for both pools: the decode side uses its batch limits and KV cache (it never
    // prefills, preempts or caches prefixes).
    models::DisaggregatedConfig& d = *s->disaggregated;
    d.prefill = s->cluster.replica;
    d.decode = s->cluster.replica;
    d.ttft_bound_s = s->cluster.ttft_bound_s;
    d.tpot_bound_s = s->cluster.tpot_bound_s;
  }
}

}  // namespace capsim::config
