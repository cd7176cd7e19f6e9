#ifndef CAPSIM_CONFIG_PROJECTION_PARTS_H_
#define CAPSIM_CONFIG_PROJECTION_PARTS_H_

// The pieces of the projection loader (config/projection_loader.cc, projection_fleet_loader.cc,
// projection_workload_loader.cc); not part of the config layer's API.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_reader.h"
#include "models/projection_spec.h"

namespace capsim::config {

// What the projection readers check dates, names and references against.
struct ProjectionContext {
  const models::Catalog* catalog = nullptr;  // nullptr when the catalog did not load
  std::string path;                          // the projection file (relative paths start there)
  bool dated = false;                        // projection.start was read: dates convert
  int64_t start_day = 0;                     // days since 1970-01-01
  double horizon_s = 0;                      // 0 when projection.horizon was not read
  std::vector<std::string> fabrics;          // the keys of finance.network_per_gpu
  // Pools, clouds and workloads share one namespace: name -> "the pool at line 12".
  std::map<std::string, std::string> names;
};

// Where a date must fall: anywhere, in [start, end) of the projection, or in [start, end].
enum class DateRange { kAny, kInside, kInsideOrEnd };

// Reads the date `key` of `r` ("2026-07-01" or "2026Q3") as seconds since the projection start
// into `*out_s`, checking `range`; returns whether a valid date was read.
bool GetDate(const MapReader& r, std::string_view key, const ProjectionContext& ctx, double* out_s,
             Need need, DateRange range);

// Records `name` (key `key` of `r`) as a `what` ("pool", "cloud", "workload"), reporting it when
// a pool, cloud or workload already has that name.
void ClaimName(const MapReader& r, std::string_view key, const std::string& name,
               const std::string& what, ProjectionContext* ctx);

// Reads `fleet:` (sites, pools, clouds, deliveries) into `*spec`.
void ReadProjectionFleet(const MapReader& top, ProjectionContext* ctx,
                         models::ProjectionSpec* spec);

// Reads `workloads:` into `*spec` (pools and clouds already read); returns the workload names in
// file order. `job_items[j]` is set to the workloads index of spec->jobs[j].
std::vector<std::string> ReadProjectionWorkloads(const MapReader& top, ProjectionContext* ctx,
                                                 models::ProjectionSpec* spec,
                                                 std::vector<size_t>* job_items);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_PROJECTION_PARTS_H_
