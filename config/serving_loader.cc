#include "config/serving_loader.h"

#include <filesystem>

#include "config/suggest.h"
#include "config/trace_reader.h"

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

void ReadArrivals(const MapReader& item, const std::string& scenario_path,
                  models::ServingSpec* s) {
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
  const MapReader r = item.GetMap(
      "engine", {"max_batched_tokens", "max_seqs", "chunked_prefill", "prefix_caching",
                 "preemption"});
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

}  // namespace

const std::vector<std::string>& ServingKeys() {
  static const std::vector<std::string> keys = {
      "name", "kind",   "model",   "replicas", "parallelism", "arrivals",
      "lengths", "engine", "routing", "slo"};
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
      item.Report("model", "model '" + s->model + "' has no architecture in the catalog; "
                           "serving is priced op by op and needs one");
    }
  }
  item.GetInt("replicas", &s->cluster.replicas, Need::kRequired, Bound::kAtLeastOne);
  const MapReader p = item.GetMap("parallelism", {"tp", "pp"});
  p.GetInt("tp", &s->cluster.par.tp, Need::kOptional, Bound::kAtLeastOne);
  p.GetInt("pp", &s->cluster.par.pp, Need::kOptional, Bound::kAtLeastOne);
  if (ctx.pool != nullptr) {
    const int gpus = s->Gpus();
    const int pool = ctx.pool->nodes * ctx.pool->gpus_per_node;
    if (gpus > pool) {
      item.Report("replicas", std::to_string(s->cluster.replicas) + " replicas of " +
                                  std::to_string(gpus / s->cluster.replicas) + " GPUs need " +
                                  std::to_string(gpus) + " GPUs; the pool has " +
                                  std::to_string(pool));
    }
  }
  ReadArrivals(item, scenario_path, s);
  const MapReader lengths = item.GetMap("lengths", {"input", "output"});
  ReadLength(lengths, "input", &s->lengths.input);
  ReadLength(lengths, "output", &s->lengths.output);
  ReadEngine(item, &s->cluster.replica);
  std::string routing = "least-outstanding";
  if (item.GetString("routing", &routing)) {
    const int r = Choice(item, "routing", "routing policy", kRouting, routing);
    if (r == 0) s->cluster.routing = models::RoutingPolicy::kRoundRobin;
    if (r == 2) s->cluster.routing = models::RoutingPolicy::kPrefixAffinity;
  }
  const MapReader slo = item.GetMap("slo", {"ttft", "tpot"});
  slo.GetQuantity("ttft", Dimension::kTime, &s->cluster.ttft_bound_s, Need::kOptional,
                  Bound::kPositive);
  slo.GetQuantity("tpot", Dimension::kTime, &s->cluster.tpot_bound_s, Need::kOptional,
                  Bound::kPositive);
}

}  // namespace capsim::config
