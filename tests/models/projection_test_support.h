#ifndef CAPSIM_TESTS_MODELS_PROJECTION_TEST_SUPPORT_H_
#define CAPSIM_TESTS_MODELS_PROJECTION_TEST_SUPPORT_H_

// Small ProjectionSpecs built in C++ (the models layer cannot read YAML): a catalog holding the
// data/catalog.yaml figures of the H100-SXM and B200, the lipsync-2d tier and the Llama 3 8B
// architecture, flat calibration profiles for both GPUs, and one owned site with one pool.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/projection.h"
#include "models/projection_spec.h"
#include "tests/models/llm_test_support.h"
#include "tests/models/test_scenario.h"

namespace capsim::models::testing {

inline constexpr double kDaySeconds = 86400;
inline constexpr double kYearSeconds = 365.25 * kDaySeconds;

// H100-SXM as in data/catalog.yaml (hardware.md §1, §3).
inline GpuSpec H100() {
  GpuSpec g;
  g.name = "H100-SXM";
  g.bf16_flops = 989e12;
  g.fp8_flops = 1979e12;
  g.memory_bytes = 80e9;
  g.memory_bandwidth = 3.35e12;
  g.tdp_watts = 700;
  g.idle_watts = 90;
  g.list_price_usd = 27500;
  g.bf16_gemm_efficiency = 0.80;
  g.scale_up_bandwidth = 450e9;
  g.scale_up_domain = 8;
  return g;
}

// B200 as in data/catalog.yaml.
inline GpuSpec B200() {
  GpuSpec g;
  g.name = "B200";
  g.bf16_flops = 2250e12;
  g.fp8_flops = 4500e12;
  g.memory_bytes = 180e9;
  g.memory_bandwidth = 8.0e12;
  g.tdp_watts = 1000;
  g.idle_watts = 130;
  g.list_price_usd = 35000;
  g.bf16_gemm_efficiency = 0.776;
  g.scale_up_bandwidth = 900e9;
  g.scale_up_domain = 8;
  return g;
}

// The avatar tiers of data/catalog.yaml (workloads.md §1).
inline std::vector<AvatarTierSpec> CatalogTiers() {
  return {{"lipsync-2d", 0.7, 0, 0.2},
          {"warp-gaussian", 0.4, 0.4, 0.25},
          {"video-diffusion", 3, 3, 0.9}};
}

inline Catalog ProjectionCatalog() {
  Catalog c;
  c.gpus = {H100(), B200()};
  c.models.push_back(Llama8b());
  c.models.push_back({"dense-1b", 1e9, 1e9});
  c.models.push_back({"moe-10b", 10e9, 1e9});
  c.avatar_tiers = CatalogTiers();
  // Servers as in data/catalog.yaml: 8 NICs of 400 Gb/s each (the perf model's scale-out link).
  c.nodes.push_back({"HGX-H100-8", "H100-SXM", 8, 1680, 8, 50e9, 270000});
  c.nodes.push_back({"DGX-B200", "B200", 8, 6300, 8, 50e9, 0});
  return c;
}

// FlatProfile() for another GPU name.
inline CalibrationProfile FlatProfileFor(const std::string& gpu) {
  CalibrationProfile p = FlatProfile();
  p.gpu = gpu;
  return p;
}

// One owned site "site" (PUE 1.2, $0.10/kWh, `site_watts` online from t = 0, no build cost or
// facility upkeep so that IT costs stand alone) and one H100 pool "pool" of `gpus` GPUs owned
// at the start (bought a year before). No workloads; step 15 min.
inline ProjectionSpec BaseSpec(int gpus, double days, double site_watts = 1e9) {
  ProjectionSpec s;
  s.name = "test-plan";
  s.seed = 11;
  s.start_day = 20454;  // 2026-01-01
  s.horizon_s = days * kDaySeconds;
  s.step_s = 900;
  s.catalog = ProjectionCatalog();
  s.profiles = {FlatProfileFor("H100-SXM"), FlatProfileFor("B200")};
  ProjectionSiteSpec site;
  site.name = "site";
  site.pue = 1.2;
  site.energy_price_usd_per_joule = 0.10 / 3.6e6;
  site.power = {{0, site_watts}};
  site.build_cost_usd_per_watt = 0;
  site.facility_maintenance_fraction = 0;
  s.sites.push_back(site);
  ProjectionPoolSpec pool;
  pool.name = "pool";
  pool.site = "site";
  pool.gpu = "H100-SXM";
  pool.gpus_per_node = 8;
  pool.host_power_fraction = 0.3;
  pool.initial_gpus = gpus;
  pool.initial_age_s = kYearSeconds;
  s.pools.push_back(pool);
  return s;
}

// Users constant over any horizon: one cohort whose logistic midpoint is far in the past.
inline AdoptionCohort ConstantUsers(double users) {
  return {"everyone", users, -1e12, 30 * kDaySeconds};
}

// An avatar workload with constant Poisson demand (peak_to_mean 1): `sessions_per_day` arrivals
// a day of mean length `mean_s`, `sessions_per_gpu` on H100s, no headroom, no load time.
inline ProjectionAvatarSpec ConstantAvatar(const std::string& name,
                                           const std::vector<std::string>& pools,
                                           double sessions_per_day, double mean_s,
                                           double sessions_per_gpu) {
  ProjectionAvatarSpec a;
  a.name = name;
  a.tier = "lipsync-2d";
  a.pools = pools;
  a.adoption = {ConstantUsers(sessions_per_day)};
  a.sessions_per_user_per_day = 1;
  a.session_mean_s = mean_s;
  a.peak_to_mean = 1;
  a.headroom_fraction = 0;
  a.load_time_s = 0;
  a.sessions_per_gpu = {{"H100-SXM", sessions_per_gpu, "given"}};
  return a;
}

// LLM serving at a constant `tokens_per_s` (no growth, flat profile) at `rate` tokens/s/GPU.
inline ProjectionServingSpec ConstantServing(const std::string& name,
                                             const std::vector<std::string>& pools,
                                             double tokens_per_s, double rate) {
  ProjectionServingSpec v;
  v.name = name;
  v.model = "llama-3-8b";
  v.pools = pools;
  v.tokens_per_day = tokens_per_s * kDaySeconds;
  v.growth_per_year = 1;
  v.peak_to_mean = 1;
  v.headroom_fraction = 0;
  v.tokens_per_gpu_s = {{"H100-SXM", rate, "given"}};
  return v;
}

// A gang training of dense-1b on `gpus` GPUs of `pool` at a fixed 40% MFU.
inline ProjectionJobSpec FixedTraining(const std::string& name, const std::string& pool, int gpus,
                                       double tokens) {
  ProjectionJobSpec j;
  j.kind = ProjectionJobSpec::Kind::kTraining;
  j.training.name = name;
  j.training.pool = pool;
  j.training.model = "dense-1b";
  j.training.gpus = gpus;
  j.training.tokens = tokens;
  j.training.efficiency = 0.4;
  j.training.checkpoint_interval_s = 1800;
  j.training.checkpoint_write_s = 60;
  j.training.restart_s = 600;
  return j;
}

// Tokens/s per GPU of FixedTraining on an H100: 989 TFLOP/s x 0.4 / (6 x 1e9 FLOP/token).
inline double FixedTrainingRate() { return 989e12 * 0.4 / 6e9; }

inline ProjectionTrace MustRun(const ProjectionSpec& spec, ProjectionOptions options = {}) {
  Result<ProjectionTrace> t = RunProjection(spec, options);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  if (!t.ok()) return ProjectionTrace{};
  return std::move(t).value();
}

inline double SumOf(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

// GPU-seconds workload `w` held over the horizon, all slots.
inline double HeldGpuSeconds(const WorkloadTrace& w) {
  double s = 0;
  for (const auto& slot : w.gpu_s) s += SumOf(slot);
  return s;
}

// Erlang B blocking probability of `c` servers at offered load `a` erlangs, by the stable
// recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
inline double ErlangB(int c, double a) {
  double b = 1;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return b;
}

// An H100 cloud named "cloud": `reserved` GPUs reserved from the start for the whole run at
// `reserved_price` per GPU-hour, and up to `on_demand` more on demand at `on_demand_price`.
inline CloudSpec TestCloud(int reserved, double reserved_price, int on_demand = 0,
                           double on_demand_price = 0) {
  CloudSpec c;
  c.name = "cloud";
  c.gpu = "H100-SXM";
  c.reserved_gpus = reserved;
  c.reserved_usd_per_gpu_hour = reserved_price;
  c.on_demand_max_gpus = on_demand;
  c.on_demand_usd_per_gpu_hour = on_demand_price;
  return c;
}

}  // namespace capsim::models::testing

#endif  // CAPSIM_TESTS_MODELS_PROJECTION_TEST_SUPPORT_H_
