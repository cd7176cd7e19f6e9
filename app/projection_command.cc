#include "app/projection_command.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <map>
#include <tuple>

#include "app/progress.h"
#include "app/replicate.h"
#include "config/projection_loader.h"
#include "config/scenario_loader.h"
#include "models/projection.h"
#include "models/projection_report.h"
#include "models/replications.h"
#include "models/service_rates.h"
#include "reports/result_writer.h"
#include "reports/summary_format.h"

namespace capsim::app {
namespace {

constexpr double kProgressLineInterval_s = 10;

void PrintProblems(const Status& s, std::ostream& err) {
  for (const std::string& p : s.problems()) err << p << '\n';
}

// Replica-level sessions per GPU, measured once per (scenario, workload, GPU) for all variants.
class ReplicaRateCache {
 public:
  Result<double> Get(const models::ProjectionSpec& spec, const models::ProjectionAvatarSpec& a,
                     const std::string& gpu) {
    const auto key = std::make_tuple(a.rate_scenario, a.rate_workload, gpu);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    Result<models::Scenario> loaded = config::LoadScenario(a.rate_scenario);
    if (!loaded.ok()) return loaded.status();
    models::Scenario sc = std::move(loaded).value();
    // The projection's profiles price GPUs the rate scenario has none for.
    for (const models::CalibrationProfile& p : spec.profiles) {
      if (sc.ProfileFor(p.gpu) == nullptr) sc.profiles.push_back(p);
    }
    const models::AvatarSpec* avatar = nullptr;
    for (const models::AvatarSpec& s : sc.avatars) {
      if (s.name == a.rate_workload) avatar = &s;
    }
    if (avatar == nullptr) {
      return Status::Error(a.rate_scenario + ": no avatar workload named '" + a.rate_workload +
                           "' (avatar '" + a.name + "' service_rate)");
    }
    Result<double> v = models::ReplicaSessionsPerGpu(sc, *avatar, gpu);
    if (!v.ok()) return v.status();
    cache_.emplace(key, v.value());
    return v.value();
  }

 private:
  std::map<std::tuple<std::string, std::string, std::string>, double> cache_;
};

// One projection: rates resolved (once, whatever the replications), then `replications` runs of
// the plan with and without avatars, each built into a result and combined.
Result<models::RunResult> Project(models::ProjectionSpec spec, ReplicaRateCache& cache,
                                  const models::ProjectionOptions& options, const CliArgs& args,
                                  std::ostream& err) {
  const models::ProjectionSpec& view = spec;
  Status rates = models::ResolveServiceRates(
      &spec, [&](const models::ProjectionAvatarSpec& a, const std::string& gpu) {
        return cache.Get(view, a, gpu);
      });
  if (!rates.ok()) return rates;
  return Replicate(
      args, spec.seed,
      [&](uint64_t seed, int index) -> Result<models::RunResult> {
        models::ProjectionSpec s = spec;
        s.seed = seed;
        models::ProjectionOptions with = options;
        if (index > 0) with.progress = nullptr;  // only the first replication reports
        Result<models::ProjectionTrace> trace = models::RunProjection(s, with);
        if (!trace.ok()) return trace.status();
        models::ProjectionOptions alone;
        alone.with_avatars = false;
        Result<models::ProjectionTrace> baseline = models::RunProjection(s, alone);
        if (!baseline.ok()) return baseline.status();
        return models::BuildProjectionResult(s, trace.value(), baseline.value());
      },
      err);
}

double Metric(const models::RunResult& r, const std::string& key) {
  for (const models::SummaryMetric& m : r.summary) {
    if (m.key == key) return m.value;
  }
  return std::nan("");
}

// The first summary key starting with `prefix` and ending with `suffix`, or "".
std::string FindKey(const models::RunResult& r, const std::string& prefix,
                    const std::string& suffix) {
  for (const models::SummaryMetric& m : r.summary) {
    if (m.key.rfind(prefix, 0) == 0 && m.key.size() >= suffix.size() &&
        m.key.compare(m.key.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return m.key;
    }
  }
  return "";
}

// The headline numbers compared across variants.
struct Headline {
  const char* name;
  const char* units;
  const char* long_name;
  std::string prefix, suffix;  // key = prefix...suffix (first match), or exact when suffix empty
};
const std::vector<Headline>& Headlines() {
  static const std::vector<Headline> h = {
      {"capex_usd", "USD", "capital expenditure", "capex.total_usd", ""},
      {"cash_out_usd", "USD", "cash out (capex + opex)", "cash_out_usd", ""},
      {"expense_usd", "USD", "depreciation + opex", "expense_usd", ""},
      {"power_peak_mw", "MW", "facility power peak", "power.peak_mw", ""},
      {"gpus_owned_end", "GPU", "owned GPUs at the end", "gpus.owned_end", ""},
      {"avatar_cost_per_minute_usd", "USD/min", "cost per avatar-minute", "avatar.",
       ".cost_per_minute_usd"},
      {"fleet_expense_per_avatar_minute_usd", "USD/min",
       "fleet expense (depreciation + opex) per avatar-minute",
       "fleet.expense_per_avatar_minute_usd", ""},
      {"avatar_admitted_fraction", "1", "sessions admitted", "avatar.", ".admitted_fraction"},
      {"avatar_peak_gpus", "GPU", "avatar GPUs, peak", "avatar.", ".peak_gpus"},
      {"training_delay_days", "d", "training delay caused by avatars", "training.", ".delay_days"},
      {"training_finish_day", "d", "training finish, days after the start (extrapolated)",
       "training.", ".projected_finish_day"},
      {"capex_to_stay_on_schedule_usd", "USD", "capex keeping training on schedule",
       "capex.to_stay_on_schedule_usd", ""},
  };
  return h;
}

double HeadlineValue(const models::RunResult& r, const Headline& h) {
  const std::string key = h.suffix.empty() ? h.prefix : FindKey(r, h.prefix, h.suffix);
  return key.empty() ? std::nan("") : Metric(r, key);
}

std::string Money(double usd) {
  char buf[64];
  if (std::isnan(usd)) return "n/a";
  if (usd == 0) return "$0";
  const double a = std::fabs(usd);
  if (a >= 1e9) {
    std::snprintf(buf, sizeof buf, "$%.2fB", usd / 1e9);
  } else if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "$%.1fM", usd / 1e6);
  } else if (a >= 1e3) {
    std::snprintf(buf, sizeof buf, "$%.1fK", usd / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "$%.4f", usd);
  }
  return buf;
}

const models::Table* FindTable(const models::RunResult& r, const std::string& name) {
  for (const auto& [n, t] : r.extra_tables) {
    if (n == name) return &t;
  }
  return nullptr;
}

const std::vector<double>* Col(const models::Table& t, const std::string& name) {
  for (const models::Column& c : t.numeric) {
    if (c.name == name) return &c.values;
  }
  return nullptr;
}

// Capex by quarter, MW, cost per avatar-minute and each training's delay.
void PrintHeadlines(const models::RunResult& r, std::ostream& out) {
  if (const models::Table* q = FindTable(r, "quarters")) {
    out << "quarter   capex        opex         depreciation  MW avg   MW peak  $/avatar-min  "
           "capex to keep training on schedule\n";
    const auto& labels = q->text.front().values;
    for (size_t i = 0; i < labels.size(); ++i) {
      auto v = [&](const char* c) { return (*Col(*q, c))[i]; };
      char line[256];
      std::snprintf(line, sizeof line, "%-9s %-12s %-12s %-13s %-8.1f %-8.1f %-13s %s\n",
                    labels[i].c_str(), Money(v("capex_usd")).c_str(), Money(v("opex_usd")).c_str(),
                    Money(v("depreciation_usd")).c_str(), v("mw_avg"), v("mw_peak"),
                    std::isnan(v("cost_per_avatar_minute_usd"))
                        ? "-"
                        : Money(v("cost_per_avatar_minute_usd")).c_str(),
                    Money(v("capex_to_stay_on_schedule_usd")).c_str());
      out << line;
    }
  }
  if (const models::Table* t = FindTable(r, "trainings")) {
    for (size_t i = 0; i < t->text.front().values.size(); ++i) {
      const double delay = (*Col(*t, "delay_days"))[i];
      out << t->text[1].values[i] << " " << t->text.front().values[i] << ": finish "
          << t->text[5].values[i] << ", delayed " << std::fixed << std::setprecision(1) << delay
          << " days by avatars";
      const double late = (*Col(*t, "days_late"))[i];
      if (!std::isnan(late)) {
        out << (late > 0 ? ", " : ", ") << std::fabs(late)
            << (late > 0 ? " days late" : " days early");
      }
      out << std::defaultfloat << '\n';
    }
  }
}

}  // namespace

int ValidateProjection(const CliArgs& args, Console& c) {
  Result<models::ProjectionSpec> spec = config::LoadProjection(args.input, args.overrides);
  if (!spec.ok()) {
    PrintProblems(spec.status(), c.err);
    c.err << args.input << ": " << spec.status().problems().size() << " problem(s)\n";
    return 1;
  }
  c.out << args.input << ": OK (" << spec.value().name << ", projection)\n";
  return 0;
}

int RunProjectionCommand(const CliArgs& args, Console& c) {
  Result<models::ProjectionSpec> loaded = config::LoadProjection(args.input, args.overrides);
  if (!loaded.ok()) {
    PrintProblems(loaded.status(), c.err);
    return 1;
  }
  models::ProjectionSpec spec = std::move(loaded).value();
  if (args.seed) spec.seed = *args.seed;
  std::string output = args.output;
  if (output.empty()) {
    std::string name = spec.name.empty() ? "result" : spec.name;
    for (char& ch : name) {
      if (ch == '/' || ch == '\\' || ch == ' ') ch = '_';
    }
    std::filesystem::create_directories("out");
    output = "out/" + name + ".h5";
  }
  if (Status w = reports::CheckWritable(output); !w.ok()) {
    PrintProblems(w, c.err);
    return 1;
  }
  const auto started = std::chrono::steady_clock::now();
  ProgressReporter progress(c.err, c.err_is_terminal, kProgressLineInterval_s,
                            c.clock ? c.clock : WallSeconds);
  models::ProjectionOptions options;
  if (!args.quiet) {
    options.progress = [&](double t, uint64_t events) {
      progress.Update(t, spec.horizon_s, events);
    };
  }
  ReplicaRateCache cache;
  Result<models::RunResult> result = Project(spec, cache, options, args, c.err);
  progress.Finish();
  if (!result.ok()) {
    PrintProblems(result.status(), c.err);
    return 1;
  }
  models::RunResult& r = result.value();
  // Variants: the same file with their overrides, the same seed.
  if (!spec.variants.empty()) {
    models::Table t;
    models::TextColumn names{"variant", "variant", {"base"}};
    std::vector<std::vector<double>> cols(Headlines().size());
    for (size_t h = 0; h < Headlines().size(); ++h)
      cols[h].push_back(HeadlineValue(r, Headlines()[h]));
    for (const models::ProjectionVariant& v : spec.variants) {
      std::vector<std::string> overrides = args.overrides;
      overrides.insert(overrides.end(), v.overrides.begin(), v.overrides.end());
      Result<models::ProjectionSpec> vs = config::LoadProjection(args.input, overrides);
      if (!vs.ok()) {
        c.err << "compare." << v.name << ":\n";
        PrintProblems(vs.status(), c.err);
        return 1;
      }
      models::ProjectionSpec variant = std::move(vs).value();
      variant.seed = spec.seed;
      Result<models::RunResult> vr = Project(std::move(variant), cache, {}, args, c.err);
      if (!vr.ok()) {
        c.err << "compare." << v.name << ":\n";
        PrintProblems(vr.status(), c.err);
        return 1;
      }
      names.values.push_back(v.name);
      for (size_t h = 0; h < Headlines().size(); ++h) {
        const double value = HeadlineValue(vr.value(), Headlines()[h]);
        cols[h].push_back(value);
        r.summary.push_back({std::string("variant.") + v.name + "." + Headlines()[h].name, value,
                             Headlines()[h].units,
                             std::string(Headlines()[h].long_name) + " (" + v.name + ")"});
      }
    }
    t.text.push_back(std::move(names));
    for (size_t h = 0; h < Headlines().size(); ++h) {
      t.numeric.push_back({Headlines()[h].name, Headlines()[h].units, Headlines()[h].long_name,
                           std::move(cols[h])});
    }
    r.extra_tables.emplace_back("variants", std::move(t));
  }
  if (Status w = reports::WriteResultFile(r, output); !w.ok()) {
    PrintProblems(w, c.err);
    return 1;
  }
  if (!args.quiet) {
    c.out << "projection " << spec.name << ", seed " << spec.seed << ", " << spec.horizon_s / 86400
          << " days\n";
    PrintHeadlines(r, c.out);
    if (const models::Table* t = FindTable(r, "variants")) {
      c.out << "variants (same seed):\n";
      for (size_t i = 0; i < t->text.front().values.size(); ++i) {
        auto col = [&](const char* name) { return (*Col(*t, name))[i]; };
        c.out << "  " << std::left << std::setw(14) << t->text.front().values[i] << std::right
              << " capex " << Money(col("capex_usd")) << ", expense " << Money(col("expense_usd"))
              << ", $/avatar-min " << Money(col("avatar_cost_per_minute_usd")) << " (fleet "
              << Money(col("fleet_expense_per_avatar_minute_usd")) << "), admitted " << std::fixed
              << std::setprecision(4) << col("avatar_admitted_fraction") << ", peak MW "
              << std::setprecision(1) << col("power_peak_mw");
        if (!std::isnan(col("training_finish_day"))) {
          c.out << ", training ends day " << col("training_finish_day") << " (delay "
                << col("training_delay_days") << " d)";
        }
        c.out << std::defaultfloat << '\n';
      }
    }
    c.out << reports::FormatSummaryTable(r.summary);
    c.out << "wrote " << output << '\n';
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  c.err << "projection: " << static_cast<uint64_t>(Metric(r, "projection.events")) << " events in "
        << std::fixed << std::setprecision(2) << wall << " s wall\n";
  return 0;
}

}  // namespace capsim::app
