"""Writes a synthetic capsim *projection* result file with h5py (for the reports tests).

usage: /usr/bin/python3 make_projection_fixture.py OUT.h5 [--no-timeseries] [--no-tables]

The layout follows reports/result_schema.h exactly (schema "capsim.run", version 1): root
attributes; /scenario; /summary/<key> scalars; /timeseries/time as the dimension scale "time"
(seconds since the start) with every series attached; /tables/<name>/row as the dimension scale
"row" with every column attached; numeric datasets carry units and long_name; groups track
creation order; chunked, deflate + shuffle. The contents are what a two-year projection with
two sites, three workloads and two trainings writes (daily samples, eight quarters); the numbers
are made up but consistent (cash out = capex + opex, quarters sum the days, ...).
``--no-timeseries`` / ``--no-tables`` leave those groups out (a file with the summary only).
"""

import sys

import h5py
import numpy as np

DAY = 86400.0
START_YEAR = 2026
DAYS = 2 * 365
SITES = {"ohio": 300.0, "texas": 200.0}            # MW at full build-out
WORKLOADS = ["avatar", "pretrain", "distill"]
TRAININGS = [  # name, kind, pool, start_day, deadline_day, finish_day, tokens_target
    ("frontier-v2", "training", "ohio-b200", 30, 400, 455, 3.0e13),
    ("avocado-distill", "distillation", "texas-h100", 200, 500, 470, 4.0e12),
]
TEXT = h5py.string_dtype("utf-8")


def _write(group, name, values, units=None, long_name=None, scale=None):
    """A 1-D column; numeric ones get units and long_name; attached to ``scale`` if given."""
    values = np.asarray(values)
    text = values.dtype.kind in "OUS"
    kwargs = {}
    if len(values) > 0:
        kwargs = dict(chunks=(min(len(values), 4096),), compression="gzip", compression_opts=4,
                      shuffle=True)
    if text:
        ds = group.create_dataset(name, data=np.asarray(values, dtype=object), dtype=TEXT, **kwargs)
    else:
        ds = group.create_dataset(name, data=values.astype(np.float64), **kwargs)
        ds.attrs["units"] = units or "1"
    ds.attrs["long_name"] = long_name or name
    if scale is not None:
        ds.dims[0].attach_scale(scale)
    return ds


def _table(f, name, columns):
    """/tables/<name> from [(column, values, units, long_name)] (units None for text)."""
    group = f["tables"].create_group(name, track_order=True)
    rows = len(columns[0][1])
    row = group.create_dataset("row", data=np.arange(rows, dtype=np.int64))
    row.attrs["units"] = "1"
    row.attrs["long_name"] = "row index"
    row.make_scale("row")
    for column, values, units, long_name in columns:
        assert len(values) == rows, (name, column)
        _write(group, column, values, units, long_name, scale=row)


def _quarter(day):
    month = int((day % 365) / 365 * 12)
    return f"{START_YEAR + int(day // 365)}Q{month // 3 + 1}"


def build(days=DAYS):
    t = np.arange(days, dtype=np.float64)
    rng = np.random.default_rng(7)
    series = []  # (name, values, units, long_name)

    # Sites: power coming online in steps; GPUs arriving ahead of it wait for power.
    online = {s: np.minimum(mw, mw * np.floor(1 + t / 180) / 4) for s, mw in SITES.items()}
    site_avg = {s: 0.8 * online[s] * (0.9 + 0.05 * np.sin(t / 20)) for s in SITES}
    site_peak = {s: np.minimum(online[s], site_avg[s] * 1.12) for s in SITES}
    mw_total = sum(site_avg.values())
    gpus_owned = np.floor(mw_total * 1e6 / 1400.0 / 8) * 8          # ~1.4 kW per GPU all-in
    gpus_rented = np.where(t < 120, 2048.0, 0.0)
    awaiting = np.where((t % 180) < 30, 0.1 * gpus_owned, 0.0)
    usable = gpus_owned + gpus_rented - awaiting
    avatar = usable * (0.25 + 0.1 * t / days) * (1 + 0.02 * rng.standard_normal(days))
    pretrain = np.where(t >= 30, usable * 0.45, 0.0)
    distill = np.where(t >= 200, usable * 0.12, 0.0)
    restarting = 0.01 * pretrain
    idle = np.maximum(usable - avatar - pretrain - distill - restarting, 0.0)

    capex_servers = np.where(t % 90 == 0, 4.0e8, 0.0) + 1.0e5
    capex_network = 0.12 * capex_servers
    capex_storage = 0.05 * capex_servers
    capex_installation = 0.03 * capex_servers
    capex_facility = sum(np.where(t % 180 < 60, mw * 11.7e6 / 4 / 60, 0.0) for mw in SITES.values())
    capex = capex_servers + capex_network + capex_storage + capex_installation + capex_facility
    depreciation = np.cumsum(capex_servers + capex_network + capex_storage) / (5 * 365)
    energy = mw_total * 1.2 * 24 * 70.0                               # MWh x $70/MWh
    maintenance = 0.0001 * np.cumsum(capex)
    lease = np.full(days, 1.5e5)
    colocation = np.where(t < 365, 8.0e4, 0.0)
    rent = gpus_rented * 24 * 2.5
    opex = energy + maintenance + lease + colocation + rent
    cash_out = capex + opex
    for name, values, long_name in [
            ("capex_usd", capex, "capital spending"),
            ("depreciation_usd", depreciation, "depreciation (not cash)"),
            ("energy_usd", energy, "energy cost"),
            ("maintenance_usd", maintenance, "maintenance cost"),
            ("lease_usd", lease, "facility lease"),
            ("colocation_usd", colocation, "colocation fees"),
            ("rent_usd", rent, "rented GPUs"),
            ("opex_usd", opex, "operating spending"),
            ("cash_out_usd", cash_out, "cash out (capex + opex)")]:
        series.append((name, values, "USD/d", long_name + " per day"))
    for s in SITES:
        series.append((f"mw.{s}.avg", site_avg[s], "MW", f"site {s} IT power, daily mean"))
        series.append((f"mw.{s}.peak", site_peak[s], "MW", f"site {s} IT power, daily peak"))
    for w, values in zip(WORKLOADS, [avatar, pretrain, distill]):
        series.append((f"gpus.{w}", values, "GPU", f"GPUs running {w}, daily mean"))
    series += [("gpus.idle", idle, "GPU", "idle GPUs, daily mean"),
               ("gpus.awaiting_power", awaiting, "GPU", "GPUs delivered and waiting for power"),
               ("gpus.restarting", restarting, "GPU", "GPUs restarting after failures"),
               ("gpus.owned", gpus_owned, "GPU", "GPUs owned"),
               ("gpus.rented", gpus_rented, "GPU", "GPUs rented")]
    admitted = np.clip(0.97 + 0.03 * np.sin(t / 30), 0, 1)
    series += [("avatar.ai-replica.admitted_fraction", admitted, "1",
                "share of avatar sessions admitted"),
               ("avatar.ai-replica.sessions_peak", avatar / 0.9, "1", "peak concurrent sessions")]
    training_rows = []
    for name, kind, pool, start, deadline, finish, target in TRAININGS:
        plan = np.clip((t - start) / (deadline - start), 0, 1)
        progress = np.clip((t - start) / (finish - start), 0, 1)
        series.append((f"training.{name}.progress", progress, "1", f"{name}: share of tokens done"))
        series.append((f"training.{name}.plan", plan, "1", f"{name}: planned share of tokens"))
        training_rows.append((name, kind, pool, start, deadline, finish, target))

    quarter_of_day = np.array([_quarter(d) for d in t], dtype=object)
    quarters = list(dict.fromkeys(quarter_of_day))

    def per_quarter(values, how=np.sum):
        return np.array([how(values[quarter_of_day == q]) for q in quarters])

    avatar_minutes = per_quarter(avatar * 0.9 * 24 * 60)
    quarter_columns = [("quarter", np.array(quarters, dtype=object), None, "calendar quarter")]
    for name, values, long_name in [
            ("capex_servers_usd", capex_servers, "capex: servers"),
            ("capex_network_usd", capex_network, "capex: network"),
            ("capex_storage_usd", capex_storage, "capex: storage"),
            ("capex_installation_usd", capex_installation, "capex: installation"),
            ("capex_facility_usd", capex_facility, "capex: facility build"),
            ("capex_usd", capex, "capex"), ("depreciation_usd", depreciation, "depreciation"),
            ("energy_usd", energy, "energy"), ("maintenance_usd", maintenance, "maintenance"),
            ("lease_usd", lease, "facility lease"), ("colocation_usd", colocation, "colocation"),
            ("rent_usd", rent, "GPU rent"), ("opex_usd", opex, "opex"),
            ("cash_out_usd", cash_out, "cash out")]:
        quarter_columns.append((name, per_quarter(values), "USD", long_name))
    quarter_columns += [
        ("mw_avg", per_quarter(mw_total, np.mean), "MW", "IT power, mean"),
        ("mw_peak", per_quarter(sum(site_peak.values()), np.max), "MW", "IT power, peak"),
        ("gpus_owned_end", per_quarter(gpus_owned, lambda v: v[-1]), "GPU", "GPUs owned at the end"),
        ("avatar_minutes", avatar_minutes, "min", "avatar-minutes served"),
        ("cost_per_avatar_minute_usd", per_quarter(opex + depreciation) * 0.3 / avatar_minutes,
         "USD/min", "cost per avatar-minute"),
        ("capex_to_stay_on_schedule_usd", np.where(np.arange(len(quarters)) == 3, 2.5e8, 0.0),
         "USD", "extra capex to keep the trainings on schedule")]

    site_quarter_columns = [
        ("site", np.array([s for s in SITES for _ in quarters], dtype=object), None, "site"),
        ("quarter", np.array([q for _ in SITES for q in quarters], dtype=object), None, "quarter"),
        ("mw_avg", np.concatenate([per_quarter(site_avg[s], np.mean) for s in SITES]), "MW",
         "IT power, mean"),
        ("mw_peak", np.concatenate([per_quarter(site_peak[s], np.max) for s in SITES]), "MW",
         "IT power, peak"),
        ("power_online_mw", np.concatenate([per_quarter(online[s], np.max) for s in SITES]), "MW",
         "critical IT power online"),
        ("energy_usd", np.concatenate([per_quarter(site_avg[s] * 1.2 * 24 * 70) for s in SITES]),
         "USD", "energy cost")]

    def date(day):
        return f"{START_YEAR + int(day // 365)}-{int(day % 365 // 30.5) + 1:02d}-01"

    trainings_columns = [
        ("name", [r[0] for r in training_rows], None, "training"),
        ("kind", [r[1] for r in training_rows], None, "kind"),
        ("pool", [r[2] for r in training_rows], None, "pool"),
        ("start", [date(r[3]) for r in training_rows], None, "start date"),
        ("deadline", [date(r[4]) for r in training_rows], None, "deadline"),
        ("finish", [date(r[5]) for r in training_rows], None, "finish date (projected)"),
        ("start_day", [r[3] for r in training_rows], "d", "start, days since the start"),
        ("deadline_day", [r[4] for r in training_rows], "d", "deadline, days since the start"),
        ("finish_day", [r[5] for r in training_rows], "d", "finish, days since the start"),
        ("days_late", [max(r[5] - r[4], 0) for r in training_rows], "d", "days past the deadline"),
        ("delay_days", [float("nan"), -30.0], "d", "delay vs the plan (NaN: not applicable)"),
        ("tokens_done", [r[6] for r in training_rows], "1", "tokens processed"),
        ("tokens_target", [r[6] for r in training_rows], "1", "token target"),
        ("gpu_hours", [2.1e7, 3.0e6], "GPU h", "GPU-hours"),
        ("cost_usd", [5.2e8, 7.0e7], "USD", "cost"),
        ("delay_cost_usd", [6.0e7, float("nan")], "USD", "value of the delay")]
    trainings_columns = [(n, np.array(v, dtype=object if u is None else float), u, ln)
                         for n, v, u, ln in trainings_columns]

    sensitivity_inputs = [("GPU price", 0.0082, 0.0121), ("energy price", 0.0097, 0.0105),
                          ("utilisation", 0.0126, 0.0084), ("PUE", 0.0099, 0.0103),
                          ("session length", 0.0104, 0.0098), ("server life", 0.0113, 0.0094)]
    base = 0.0101
    sensitivity_columns = [
        ("input", np.array([r[0] for r in sensitivity_inputs], dtype=object), None, "input varied"),
        ("low_label", np.array(["-20%"] * len(sensitivity_inputs), dtype=object), None,
         "low value"),
        ("high_label", np.array(["+20%"] * len(sensitivity_inputs), dtype=object), None,
         "high value"),
        ("low_usd", np.array([r[1] for r in sensitivity_inputs]), "USD/min",
         "cost per avatar-minute at the low value"),
        ("high_usd", np.array([r[2] for r in sensitivity_inputs]), "USD/min",
         "cost per avatar-minute at the high value"),
        ("base_usd", np.full(len(sensitivity_inputs), base), "USD/min",
         "cost per avatar-minute, base case")]

    unit_costs_columns = [
        ("item", np.array(["server", "network", "facility", "energy"], dtype=object), None, "item"),
        ("stage", np.array(["capex", "capex", "capex", "opex"], dtype=object), None, "stage"),
        ("units", np.array(["USD/GPU", "USD/GPU", "USD/W", "USD/kWh"], dtype=object), None,
         "units of value"),
        ("value", np.array([42000.0, 5000.0, 11.7, 0.07]), "1", "value (in its units)")]
    service_rates_columns = [
        ("workload", np.array(["avatar", "pretrain"], dtype=object), None, "workload"),
        ("gpu", np.array(["H100-SXM", "B200"], dtype=object), None, "GPU type"),
        ("units", np.array(["sessions/GPU", "tokens/s/GPU"], dtype=object), None,
         "units of value"),
        ("source", np.array(["simulated", "published"], dtype=object), None, "where it comes from"),
        ("value", np.array([6.5, 9000.0]), "1", "service rate (in its units)")]

    summary = [
        ("projection.days", float(days), "d", "days projected"),
        ("projection.start_day", 20454.0, "d", "first day (days since 1970-01-01: 2026-01-01)"),
        ("cash_out_usd", float(cash_out.sum()), "USD", "cash out over the projection"),
        ("cost.capex_usd", float(capex.sum()), "USD", "capex over the projection"),
        ("cost.opex_usd", float(opex.sum()), "USD", "opex over the projection"),
        ("cost.per_avatar_minute_usd", base, "USD/min", "cost per avatar-minute"),
        ("power.peak_mw", float(sum(site_peak.values()).max()), "MW", "peak IT power"),
        ("training.days_late_max", 55.0, "d", "latest training, days past its deadline"),
    ]
    tables = [("quarters", quarter_columns), ("site_quarters", site_quarter_columns),
              ("trainings", trainings_columns), ("sensitivity", sensitivity_columns),
              ("unit_costs", unit_costs_columns), ("service_rates", service_rates_columns)]
    return t * DAY, series, summary, tables


def write(path, timeseries=True, tables=True):
    time, series, summary, table_list = build()
    with h5py.File(path, "w", track_order=True) as f:
        f.attrs["schema"] = "capsim.run"
        f.attrs["schema_version"] = np.int32(1)
        f.attrs["capsim_version"] = "0.1.0"
        f.attrs["seed"] = np.uint64(42)
        f.attrs["created"] = "2026-01-01T00:00:00Z"
        f.attrs["scenario_name"] = "projection-synthetic"
        f.create_dataset("scenario", data="name: projection-synthetic\nprojection:\n  years: 2\n",
                         dtype=TEXT)
        group = f.create_group("summary", track_order=True)
        for key, value, units, long_name in summary:
            ds = group.create_dataset(key, data=np.float64(value))
            ds.attrs["units"] = units
            ds.attrs["long_name"] = long_name
        if timeseries:
            group = f.create_group("timeseries", track_order=True)
            scale = _write(group, "time", time, "s", "time since the start of the run")
            scale.make_scale("time")
            for name, values, units, long_name in series:
                _write(group, name, values, units, long_name, scale=scale)
        tables_group = f.create_group("tables", track_order=True)
        if tables:
            for name, columns in table_list:
                _table(f, name, columns)
        del tables_group


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__)
        return 2
    write(args[0], timeseries="--no-timeseries" not in argv, tables="--no-tables" not in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
