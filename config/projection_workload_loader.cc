// workloads: avatars, serving, training and distillation of a projection (scenarios/README.md,
// "Projections").

#include <algorithm>
#include <climits>
#include <filesystem>
#include <set>

#include "config/loader_parts.h"
#include "config/projection_parts.h"
#include "config/suggest.h"

namespace capsim::config {
namespace {

const std::vector<std::string> kKinds = {"avatar", "serving", "training", "distillation"};
const std::vector<std::string> kAvatarKeys = {"name",
                                              "kind",
                                              "tier",
                                              "pools",
                                              "adoption",
                                              "sessions_per_user_per_day",
                                              "session_mean",
                                              "diurnal",
                                              "headroom",
                                              "load_time",
                                              "sessions_per_gpu",
                                              "service_rate",
                                              "slo",
                                              "stages",
                                              "price"};
const std::vector<std::string> kServingKeys = {"name",    "kind",           "model",
                                               "pools",   "tokens_per_day", "growth",
                                               "diurnal", "headroom",       "tokens_per_gpu"};
const std::vector<std::string> kStageNames = {"face", "llm", "asr", "tts", "encode"};

std::vector<std::string> WithDates(std::vector<std::string> keys) {
  keys.push_back("start");
  keys.push_back("deadline");
  keys.push_back("job_size");
  return keys;
}

std::vector<std::string> AllKeys() {
  std::vector<std::string> keys = kAvatarKeys;
  for (const std::vector<std::string>& list :
       {kServingKeys, WithDates(TrainingKeys()), WithDates(DistillationKeys())}) {
    for (const std::string& k : list) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  }
  return keys;
}

// Reads the required `pools` list: names of pools or clouds, each once.
std::vector<std::string> ReadPoolNames(const MapReader& item, const models::ProjectionSpec& spec) {
  std::vector<std::string> known;
  for (const models::ProjectionPoolSpec& p : spec.pools) known.push_back(p.name);
  for (const models::CloudSpec& c : spec.clouds) known.push_back(c.name);
  std::vector<std::string> names;
  const std::vector<YAML::Node> items = item.GetList("pools", Need::kRequired);
  if (items.empty() && item.Has("pools")) {
    item.Report("pools", "needs at least one pool or cloud name");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = IndexPath(item.PathOf("pools"), i);
    Diagnostics* d = item.diagnostics();
    if (!items[i].IsScalar()) {
      d->Add(items[i].Mark(), path, "expected a pool or cloud name, got " + DescribeNode(items[i]));
      continue;
    }
    const std::string name = items[i].Scalar();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      d->Add(items[i].Mark(), path, UnknownNameMessage("pool or cloud", name, known));
    } else if (std::find(names.begin(), names.end(), name) != names.end()) {
      d->Add(items[i].Mark(), path, "names '" + name + "' twice");
    } else {
      names.push_back(name);
    }
  }
  return names;
}

// Reads the optional map `key` of GPU type -> a positive quantity of `dimension` (source "given").
std::vector<models::ServiceRate> ReadRates(const MapReader& item, std::string_view key,
                                           Dimension dimension, const ProjectionContext& ctx) {
  std::vector<models::ServiceRate> rates;
  if (!item.Has(key)) return rates;
  const YAML::Node node = item.Get(key);
  if (!node.IsMap()) {
    item.Report(key, "expected a mapping of GPU type to " + DimensionName(dimension) + ", got " +
                         DescribeNode(node));
    return rates;
  }
  std::vector<std::string> gpus;
  if (ctx.catalog != nullptr) {
    for (const models::GpuSpec& g : ctx.catalog->gpus) gpus.push_back(g.name);
  }
  for (const auto& entry : node) {
    const std::string gpu = entry.first.Scalar();
    const std::string path = ChildPath(item.PathOf(key), gpu);
    Diagnostics* d = item.diagnostics();
    if (ctx.catalog != nullptr && ctx.catalog->FindGpu(gpu) == nullptr) {
      d->Add(entry.first.Mark(), path, UnknownNameMessage("GPU", gpu, gpus));
      continue;
    }
    Result<double> v = entry.second.IsScalar()
                           ? ParseQuantity(entry.second.Scalar(), dimension)
                           : Result<double>(Status::Error("expected " + DimensionName(dimension) +
                                                          ", got " + DescribeNode(entry.second)));
    if (!v.ok()) {
      d->Add(entry.second.Mark(), path, v.status().problems()[0]);
    } else if (v.value() <= 0) {
      d->Add(entry.second.Mark(), path, "must be positive, got '" + entry.second.Scalar() + "'");
    } else {
      rates.push_back({gpu, v.value(), "given"});
    }
  }
  return rates;
}

// diurnal: { peak_to_mean (>= 1), peak_time (a time of day) }.
void ReadDiurnal(const MapReader& item, double* peak_to_mean, double* peak_time_s) {
  const MapReader r = item.GetMap("diurnal", {"peak_to_mean", "peak_time"});
  r.GetQuantity("peak_to_mean", Dimension::kDimensionless, peak_to_mean, Need::kOptional,
                Bound::kAtLeastOne);
  double t = *peak_time_s;
  if (r.GetQuantity("peak_time", Dimension::kTime, &t, Need::kOptional, Bound::kNonNegative)) {
    if (t >= 86400) {
      r.Report("peak_time", "must be a time of day, below 24 h");
    } else {
      *peak_time_s = t;
    }
  }
}

void ReadAdoption(const MapReader& item, const ProjectionContext& ctx,
                  models::ProjectionAvatarSpec* s) {
  const std::vector<YAML::Node> cohorts = item.GetList("adoption", Need::kRequired);
  if (cohorts.empty() && item.Has("adoption")) {
    item.Report("adoption", "needs at least one { name, users, midpoint, ramp } cohort");
  }
  for (size_t i = 0; i < cohorts.size(); ++i) {
    const MapReader r(cohorts[i], IndexPath(item.PathOf("adoption"), i),
                      {"name", "users", "midpoint", "ramp"}, item.diagnostics());
    models::AdoptionCohort c;
    r.GetString("name", &c.name, Need::kRequired);
    r.GetQuantity("users", Dimension::kCount, &c.users, Need::kRequired, Bound::kPositive);
    // A midpoint before the start is a cohort already partly adopted: any date is fine.
    GetDate(r, "midpoint", ctx, &c.midpoint_s, Need::kRequired, DateRange::kAny);
    r.GetQuantity("ramp", Dimension::kTime, &c.ramp_s, Need::kOptional, Bound::kPositive);
    s->adoption.push_back(std::move(c));
  }
}

// stages: { face, llm, asr, tts, encode } GPU-second shares, normalised to sum 1.
void ReadStageShares(const MapReader& item, models::ProjectionAvatarSpec* s) {
  if (!item.Has("stages")) return;
  const MapReader r = item.GetMap("stages", kStageNames);
  if (!r.valid()) return;
  double sum = 0;
  bool ok = true;
  for (const auto& entry : item.Get("stages")) {
    const std::string stage = entry.first.Scalar();
    double share = 0;
    if (!r.Has(stage)) continue;  // an unknown key, already reported
    if (!r.GetQuantity(stage, Dimension::kFraction, &share)) {
      ok = false;
      continue;
    }
    s->stage_shares.emplace_back(stage, share);
    sum += share;
  }
  if (!ok) return;
  if (sum <= 0) {
    item.Report("stages", "the stage shares sum to 0; give at least one positive share");
    s->stage_shares.clear();
    return;
  }
  for (auto& [stage, share] : s->stage_shares) share /= sum;
}

void ReadAvatar(const MapReader& item, const ProjectionContext& ctx,
                const models::ProjectionSpec& spec, models::ProjectionAvatarSpec* s) {
  if (item.GetString("tier", &s->tier, Need::kRequired) && ctx.catalog != nullptr &&
      ctx.catalog->FindTier(s->tier) == nullptr) {
    std::vector<std::string> tiers;
    for (const models::AvatarTierSpec& t : ctx.catalog->avatar_tiers) tiers.push_back(t.name);
    item.Report("tier", UnknownNameMessage("avatar tier", s->tier, tiers));
  }
  s->pools = ReadPoolNames(item, spec);
  ReadAdoption(item, ctx, s);
  item.GetQuantity("sessions_per_user_per_day", Dimension::kDimensionless,
                   &s->sessions_per_user_per_day, Need::kOptional, Bound::kPositive);
  item.GetQuantity("session_mean", Dimension::kTime, &s->session_mean_s, Need::kOptional,
                   Bound::kPositive);
  ReadDiurnal(item, &s->peak_to_mean, &s->peak_time_s);
  item.GetQuantity("headroom", Dimension::kFraction, &s->headroom_fraction);
  item.GetQuantity("load_time", Dimension::kTime, &s->load_time_s, Need::kOptional,
                   Bound::kNonNegative);
  s->sessions_per_gpu = ReadRates(item, "sessions_per_gpu", Dimension::kDimensionless, ctx);
  if (item.Has("service_rate")) {
    const MapReader r = item.GetMap("service_rate", {"scenario", "workload"});
    std::string file;
    if (r.GetString("scenario", &file, Need::kRequired)) {
      std::filesystem::path p(file);
      if (p.is_relative()) p = std::filesystem::path(ctx.path).parent_path() / p;
      s->rate_scenario = p.string();
      if (!std::filesystem::exists(p)) {
        r.Report("scenario", "no such file: " + s->rate_scenario +
                                 " (a replica-level scenario, relative to this file)");
      }
    }
    r.GetString("workload", &s->rate_workload, Need::kRequired);
  }
  const MapReader slo = item.GetMap("slo", {"admitted"});
  slo.GetQuantity("admitted", Dimension::kFraction, &s->slo_admitted, Need::kOptional,
                  Bound::kPositive);
  ReadStageShares(item, s);
  double usd_per_s = 0;
  if (item.GetQuantity("price", Dimension::kMoneyRate, &usd_per_s, Need::kOptional,
                       Bound::kNonNegative)) {
    s->price_usd_per_minute = usd_per_s * 60;
  }
}

void ReadServing(const MapReader& item, const ProjectionContext& ctx,
                 const models::ProjectionSpec& spec, models::ProjectionServingSpec* s) {
  if (item.GetString("model", &s->model, Need::kRequired) && ctx.catalog != nullptr &&
      ctx.catalog->FindModel(s->model) == nullptr) {
    std::vector<std::string> models;
    for (const models::ModelSpec& m : ctx.catalog->models) models.push_back(m.name);
    item.Report("model", UnknownNameMessage("model", s->model, models));
  }
  s->pools = ReadPoolNames(item, spec);
  item.GetQuantity("tokens_per_day", Dimension::kCount, &s->tokens_per_day, Need::kRequired,
                   Bound::kPositive);
  item.GetQuantity("growth", Dimension::kDimensionless, &s->growth_per_year, Need::kOptional,
                   Bound::kPositive);
  ReadDiurnal(item, &s->peak_to_mean, &s->peak_time_s);
  item.GetQuantity("headroom", Dimension::kFraction, &s->headroom_fraction);
  s->tokens_per_gpu_s = ReadRates(item, "tokens_per_gpu", Dimension::kRate, ctx);
}

// A training or distillation job: `pool` (required, a pool), `start`, `deadline`, and the keys
// of the scenario job, sized against a view of the pool with no node limit.
void ReadJob(const MapReader& item, const std::string& name, const ProjectionContext& ctx,
             const models::ProjectionSpec& spec, models::ProjectionJobSpec* job) {
  std::string pool_name;
  models::PoolSpec view;
  WorkloadContext wctx;
  wctx.catalog = ctx.catalog;
  wctx.scenario_path = ctx.path;
  if (item.GetString("pool", &pool_name, Need::kRequired)) {
    std::vector<std::string> pools;
    for (const models::ProjectionPoolSpec& p : spec.pools) {
      pools.push_back(p.name);
      if (p.name != pool_name) continue;
      view.name = p.name;
      view.site = p.site;
      view.gpu = p.gpu;
      view.gpus_per_node = p.gpus_per_node;
      // No node limit: the fleet grows by deliveries, so the pool's size is checked by the run.
      view.nodes = INT_MAX / 2 / std::max(1, p.gpus_per_node);
      wctx.pool = &view;
    }
    const bool cloud = std::any_of(spec.clouds.begin(), spec.clouds.end(),
                                   [&](const models::CloudSpec& c) { return c.name == pool_name; });
    if (cloud) {
      item.Report("pool",
                  "'" + pool_name + "' is a cloud; training and distillation run on a pool");
    } else if (wctx.pool == nullptr) {
      item.Report("pool", UnknownNameMessage("pool", pool_name, pools));
    }
  }
  if (job->kind == models::ProjectionJobSpec::Kind::kTraining) {
    job->training.name = name;
    job->training.pool = pool_name;
    ReadTraining(item, wctx, &job->training);
  } else {
    job->distillation.name = name;
    job->distillation.pool = pool_name;
    ReadDistillation(item, wctx, &job->distillation);
  }
  const bool started =
      GetDate(item, "start", ctx, &job->start_s, Need::kOptional, DateRange::kInside) ||
      !item.Has("start");
  if (GetDate(item, "deadline", ctx, &job->deadline_s, Need::kOptional, DateRange::kInsideOrEnd) &&
      started && job->deadline_s <= job->start_s) {
    item.Report("deadline", "must be after the job's start");
  }
  // `job_size`: the workload is many independent jobs of this many GPUs (failures and
  // preemptions hit one of them, not the whole allocation).
  if (item.GetInt("job_size", &job->job_size_gpus, Need::kOptional, Bound::kAtLeastOne) &&
      wctx.pool != nullptr && job->job_size_gpus % wctx.pool->gpus_per_node != 0) {
    item.Report("job_size", "must be a multiple of the pool's gpus_per_node (" +
                                std::to_string(wctx.pool->gpus_per_node) + "), got " +
                                std::to_string(job->job_size_gpus));
  }
}

}  // namespace

std::vector<std::string> ReadProjectionWorkloads(const MapReader& top, ProjectionContext* ctx,
                                                 models::ProjectionSpec* spec,
                                                 std::vector<size_t>* job_items) {
  std::vector<std::string> names;
  const std::vector<YAML::Node> items = top.GetList("workloads", Need::kRequired);
  if (items.empty() && top.Has("workloads")) top.Report("workloads", "needs at least one workload");
  const std::vector<std::string> training_keys = WithDates(TrainingKeys());
  const std::vector<std::string> distillation_keys = WithDates(DistillationKeys());
  const std::vector<std::string> all_keys = AllKeys();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string kind;
    const YAML::Node& node = items[i];
    if (node.IsMap() && node["kind"].IsDefined() && node["kind"].IsScalar()) {
      kind = node["kind"].Scalar();
    }
    const std::vector<std::string>& keys = kind == "avatar"         ? kAvatarKeys
                                           : kind == "serving"      ? kServingKeys
                                           : kind == "training"     ? training_keys
                                           : kind == "distillation" ? distillation_keys
                                                                    : all_keys;
    const MapReader item(node, IndexPath(top.PathOf("workloads"), i), keys, top.diagnostics());
    if (!item.valid()) continue;
    std::string name;
    if (item.GetString("name", &name, Need::kRequired)) {
      ClaimName(item, "name", name, "workload", ctx);
      names.push_back(name);
    }
    if (item.Require("kind") && std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end()) {
      item.Report("kind", UnknownNameMessage("workload kind", kind, kKinds));
    }
    if (kind == "avatar") {
      models::ProjectionAvatarSpec s;
      s.name = name;
      ReadAvatar(item, *ctx, *spec, &s);
      spec->avatars.push_back(std::move(s));
    } else if (kind == "serving") {
      models::ProjectionServingSpec s;
      s.name = name;
      ReadServing(item, *ctx, *spec, &s);
      spec->servings.push_back(std::move(s));
    } else if (kind == "training" || kind == "distillation") {
      models::ProjectionJobSpec job;
      job.kind = kind == "training" ? models::ProjectionJobSpec::Kind::kTraining
                                    : models::ProjectionJobSpec::Kind::kDistillation;
      ReadJob(item, name, *ctx, *spec, &job);
      spec->jobs.push_back(std::move(job));
      job_items->push_back(i);
    }
  }
  return names;
}

}  // namespace capsim::config
