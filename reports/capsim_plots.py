"""The plots of a capsim result file, shared by reports/notebooks/*.ipynb and reports/report.py.

    import capsim_plots as cp
    result = cp.Result("out/default.h5")
    fig = cp.plot("utilisation", result)          # a matplotlib Figure, or raises NotInResult
    cp.show("power", result, figures_dir="figs")   # notebooks: draw, save figs/power.png, or
                                                   # print why the data are absent
    for name, title in cp.PLOTS.items(): ...       # every plot, in report order

Figures are built with matplotlib.figure.Figure (no pyplot state), so any backend works (Agg
when headless). Each plot needs particular data; when they are absent ``plot`` raises
NotInResult with the reason and nothing is drawn or saved.

Two kinds of result file are understood: simulations (``capsim run`` of a scenario: series such
as ``avatar_gpus``, ``it_power``; tables jobs, requests) and projections (summary key
``projection.days``; series ``gpus.<workload>``, ``mw.<site>.avg``, ``training.<name>.progress``;
tables quarters, trainings, sensitivity ...).
"""

import os
import re

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
import numpy as np

import capsim_reader

# name -> title, in the order the report shows them (figure files are <name>.png).
PLOTS = {
    "latency": "Latency CDFs by workload",
    "utilisation": "GPUs by workload over time",
    "power": "Power by site over time",
    "finance": "Capex and opex by quarter",
    "training": "Training progress vs plan",
    "sensitivity": "Sensitivity of the cost per avatar-minute",
}

# Timeseries of a simulation that partition the pool's GPUs, bottom to top.
SIM_GPU_SERIES = [("avatar_gpus", "avatar"), ("serving_gpus", "LLM serving"),
                  ("training_gpus", "training"), ("distillation_gpus", "distillation"),
                  ("idle_gpus", "idle")]
# gpus.<name> series of a projection that are not workloads (stacked after the workloads, or
# totals drawn as a line).
PROJECTION_GPU_STATES = [("restarting", "restarting"), ("idle", "idle"),
                         ("awaiting_power", "awaiting power")]
PROJECTION_GPU_TOTALS = ["owned", "rented"]
# quarters-table columns: capex and opex components (cash), in stacking order.
CAPEX_COLUMNS = [("capex_servers_usd", "servers"), ("capex_network_usd", "network"),
                 ("capex_storage_usd", "storage"), ("capex_installation_usd", "installation"),
                 ("capex_facility_usd", "facility build")]
OPEX_COLUMNS = [("energy_usd", "energy"), ("maintenance_usd", "maintenance"),
                ("lease_usd", "facility lease"), ("colocation_usd", "colocation"),
                ("rent_usd", "GPU rent")]
# Latency columns of the requests table, with or without the _s suffix.
REQUEST_LATENCIES = ["ttft", "tpot", "e2e", "queueing"]
# Summary percentiles "<workload>.<metric>_p<NN>_s" that are not latencies.
NOT_LATENCY = re.compile(r"offset")
WATTS_PER = {"W": 1e-6, "kW": 1e-3, "MW": 1.0, "GW": 1e3}


class NotInResult(Exception):
    """The data a plot needs are not in the result file (the message says which)."""


class Result:
    """A capsim result file read once for plotting: summary, timeseries and tables (lazily)."""

    def __init__(self, path):
        self.path = path
        self.attrs = capsim_reader.read_attributes(path)  # also checks it is a capsim file
        self.summary = capsim_reader.read_summary(path)
        self.summary_attrs = capsim_reader.read_column_attributes(path, "summary")
        self.tables = capsim_reader.list_tables(path)
        self._ts = None
        self._table_cache = {}

    @property
    def is_projection(self):
        return "projection.days" in self.summary

    @property
    def timeseries(self):
        """All series as a DataFrame indexed by time [s] (empty when the file has none)."""
        if self._ts is None:
            try:
                self._ts = capsim_reader.read_timeseries(self.path)
            except KeyError:
                import pandas as pd
                self._ts = pd.DataFrame(index=pd.Index([], name="time", dtype=float))
            self.ts_attrs = capsim_reader.read_column_attributes(self.path, "timeseries")
        return self._ts

    def units(self, series):
        self.timeseries  # noqa: B018  (loads ts_attrs)
        return self.ts_attrs.get(series, {}).get("units", "")

    def table(self, name):
        """Table ``name`` as a DataFrame, or None when absent or empty."""
        if name not in self.tables:
            return None
        if name not in self._table_cache:
            self._table_cache[name] = capsim_reader.read_table(self.path, name)
        table = self._table_cache[name]
        return table if len(table) > 0 else None


def plot(name, result):
    """Figure ``name`` (a key of PLOTS) of ``result`` (a Result or a path); raises
    NotInResult when the data it needs are absent."""
    if not isinstance(result, Result):
        result = Result(result)
    if name not in PLOTS:
        raise KeyError(f"unknown plot {name!r}; known: {', '.join(PLOTS)}")
    return globals()[f"plot_{name}"](result)


def save(fig, name, figures_dir):
    """Saves ``fig`` as <figures_dir>/<name>.png (nothing when figures_dir is empty);
    returns the path written or None."""
    if not figures_dir:
        return None
    os.makedirs(figures_dir, exist_ok=True)
    path = os.path.join(figures_dir, f"{name}.png")
    fig.savefig(path, dpi=110)
    return path


def show(name, result, figures_dir=None):
    """For notebooks: draws plot ``name``, saves it into ``figures_dir`` (if given) and returns
    the Figure; when its data are absent prints "<name>: not in this result: <why>", saves
    nothing and returns None."""
    try:
        fig = plot(name, result)
    except NotInResult as why:
        print(f"{name}: not in this result: {why}")
        return None
    path = save(fig, name, figures_dir)
    if path:
        print(f"saved {path}")
    return fig


def figures_dir_from_env():
    """The figures directory from $CAPSIM_FIGURES ("" or unset: do not save)."""
    return os.environ.get("CAPSIM_FIGURES") or None


# ---- helpers ------------------------------------------------------------------------------

def _new_figure(width=10, height=5.5, rows=1, cols=1, **kwargs):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, **kwargs)
    return fig, axes


def _time_axis(seconds, result=None):
    """(values, label) of a time axis: calendar dates for a projection that names its start
    day (summary projection.start_day, days since 1970-01-01), else days, hours or minutes since
    the start depending on the span."""
    seconds = np.asarray(seconds, dtype=float)
    span = float(seconds.max() - seconds.min()) if len(seconds) else 0.0
    start_day = result.summary.get("projection.start_day") if result is not None else None
    if span >= 3 * 86400 and start_day is not None and np.isfinite(start_day):
        return _to_date(seconds, start_day), "date (UTC)"
    if span >= 3 * 86400:
        return seconds / 86400, "time since start (days)"
    if span >= 3 * 3600:
        return seconds / 3600, "time since start (h)"
    return seconds / 60, "time since start (min)"


def _set_xlabel(ax, xlabel):
    """Labels the x axis; calendar axes get concise, non-overlapping date ticks."""
    ax.set_xlabel(xlabel)
    if xlabel.startswith("date"):
        import matplotlib.dates as mdates
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _to_date(seconds, start_day):
    """Seconds since the start of a projection beginning on ``start_day`` (days since
    1970-01-01) as numpy datetime64 values."""
    since_epoch = np.round(float(start_day) * 86400 + np.asarray(seconds, dtype=float))
    dates = since_epoch.astype("int64").astype("datetime64[s]")
    return dates[()] if dates.ndim == 0 else dates


def _usd_scale(values):
    """(divisor, label) so that USD amounts read as $, $k, $M or $B."""
    top = float(np.nanmax(np.abs(values))) if np.size(values) else 0.0
    for divisor, label in [(1e9, "billion USD"), (1e6, "million USD"), (1e3, "thousand USD")]:
        if top >= divisor:
            return divisor, label
    return 1.0, "USD"


def _prefixed(columns, prefix, suffix=""):
    """{middle: column} for columns named <prefix><middle><suffix>, in order."""
    out = {}
    for column in columns:
        if column.startswith(prefix) and column.endswith(suffix) and \
                len(column) > len(prefix) + len(suffix):
            out[column[len(prefix):len(column) - len(suffix)]] = column
    return out


def _scenario(result):
    return result.attrs.get("scenario_name", "") or os.path.basename(result.path)


# ---- latency ------------------------------------------------------------------------------

def _latency_curves(result):
    """{workload: {metric: (seconds, quantiles, kind)}}; kind "cdf" (a full distribution) or
    "percentiles" (a few points from the summary)."""
    curves = {}
    cdf = result.table("latency_cdf")
    if cdf is not None and {"workload", "metric", "quantile", "seconds"} <= set(cdf.columns):
        for (workload, metric), group in cdf.groupby(["workload", "metric"], sort=False):
            group = group.sort_values("quantile")
            curves.setdefault(str(workload), {})[str(metric)] = (
                group["seconds"].to_numpy(float), group["quantile"].to_numpy(float), "cdf")
        return curves

    requests = result.table("requests")
    if requests is not None:
        by_workload = requests.groupby("workload", sort=False) if "workload" in requests \
            else [("serving", requests)]
        for workload, group in by_workload:
            for metric in REQUEST_LATENCIES:
                column = next((c for c in (f"{metric}_s", metric) if c in group.columns), None)
                if column is None:
                    continue
                values = np.sort(group[column].to_numpy(float))
                values = values[np.isfinite(values)]
                if len(values) == 0:
                    continue
                quantiles = np.arange(1, len(values) + 1) / len(values)
                if len(values) > 2000:  # enough points to draw the curve
                    keep = np.unique(np.linspace(0, len(values) - 1, 2000).astype(int))
                    values, quantiles = values[keep], quantiles[keep]
                curves.setdefault(str(workload), {})[metric] = (values, quantiles, "cdf")

    # Workloads with percentiles in the summary only ("avatar.ttff_p99_s").
    pattern = re.compile(r"^([^.]+)\.(.+)_p(\d+(?:\.\d+)?)_s$")
    points = {}
    for key, value in result.summary.items():
        match = pattern.match(key)
        if not match or NOT_LATENCY.search(match.group(2)) or not np.isfinite(value):
            continue
        workload, metric, percentile = match.group(1), match.group(2), float(match.group(3))
        if workload in curves:
            continue
        points.setdefault(workload, {}).setdefault(metric, []).append((value, percentile / 100))
    for workload, metrics in points.items():
        for metric, pairs in metrics.items():
            pairs.sort(key=lambda p: p[1])
            curves.setdefault(workload, {})[metric] = (
                np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]), "percentiles")
    return curves


def plot_latency(result):
    curves = _latency_curves(result)
    if not curves:
        raise NotInResult("no latency_cdf or requests table and no latency percentiles "
                          "(<workload>.<metric>_pNN_s) in the summary")
    n = len(curves)
    fig, axes = _new_figure(width=min(max(5.5 * n, 8), 16), height=5, cols=n, sharey=True)
    sources = set()
    for ax, (workload, metrics) in zip(axes[0], curves.items()):
        for metric, (seconds, quantiles, kind) in metrics.items():
            sources.add(kind)
            if kind == "cdf":
                zero = quantiles[seconds <= 0].max() if np.any(seconds <= 0) else 0.0
                label = metric + (f" ({100 * zero:.0f}% at 0 s)" if zero > 0 else "")
                ax.step(seconds, quantiles, where="post", label=label)
            else:
                ax.plot(seconds, quantiles, marker="o", label=f"{metric} (p" + ", p".join(
                    f"{100 * q:g}" for q in quantiles) + ")")
        positive = [s[s > 0] for s, _, _ in metrics.values()]
        positive = np.concatenate(positive) if positive else np.array([])
        if len(positive) and positive.max() / max(positive.min(), 1e-12) > 30:
            ax.set_xscale("log")
        ax.set_title(workload)
        ax.set_xlabel("latency (s)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small", loc="lower right")
    axes[0][0].set_ylabel("cumulative fraction (quantile)")
    axes[0][0].set_ylim(0, 1.02)
    note = "\n(points: percentiles from the summary)" if "percentiles" in sources else ""
    fig.suptitle(f"Latency CDFs by workload - {_scenario(result)}{note}")
    return fig


# ---- utilisation --------------------------------------------------------------------------

def plot_utilisation(result):
    ts = result.timeseries
    x, xlabel = _time_axis(ts.index.to_numpy(), result) if len(ts) else (None, "")
    layers = []  # (label, values, style)
    total = None
    projection = _prefixed(ts.columns, "gpus.")
    if projection:
        states = {name for name, _ in PROJECTION_GPU_STATES} | set(PROJECTION_GPU_TOTALS)
        for name, column in projection.items():
            if name not in states:
                layers.append((name, ts[column].to_numpy(float), {}))
        for name, label in PROJECTION_GPU_STATES:
            if name in projection:
                style = {"color": "0.85"} if name == "idle" else \
                    {"color": "0.6"} if name == "awaiting_power" else \
                    {"color": "tab:red", "alpha": 0.5}
                layers.append((label, ts[projection[name]].to_numpy(float), style))
        totals = [projection[n] for n in PROJECTION_GPU_TOTALS if n in projection]
        if totals:
            total = (" + ".join(PROJECTION_GPU_TOTALS[:len(totals)]) + " GPUs",
                     ts[totals].sum(axis=1).to_numpy(float))
    else:
        present = [(c, label) for c, label in SIM_GPU_SERIES if c in ts.columns]
        for column, label in present:
            values = ts[column].to_numpy(float)
            if np.any(values != 0) or column == "idle_gpus":
                layers.append((label, values, {"color": "0.85"} if column == "idle_gpus" else {}))
    if not layers or x is None:
        raise NotInResult("no GPU series (gpus.<workload> or avatar_gpus, training_gpus, ... "
                          "idle_gpus) in the timeseries")
    fig, axes = _new_figure()
    ax = axes[0][0]
    colors = matplotlib.colormaps["tab10"].colors
    bottom = np.zeros(len(x))
    for i, (label, values, style) in enumerate(layers):
        values = np.nan_to_num(values)
        kwargs = {"color": colors[i % len(colors)], "linewidth": 0}
        kwargs.update(style)
        ax.fill_between(x, bottom, bottom + values, step="post", label=label, **kwargs)
        bottom = bottom + values
    if total is not None:
        ax.step(x, total[1], where="post", color="black", linewidth=1.2, label=total[0])
    _set_xlabel(ax, xlabel)
    ax.set_ylabel("GPUs")
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(0, None)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1),
              fontsize="small")
    ax.grid(True, alpha=0.3)
    kind = "daily means, " if result.is_projection else ""
    ax.set_title(f"GPUs by workload over time ({kind}stacked) - {_scenario(result)}")
    return fig


# ---- power --------------------------------------------------------------------------------

def plot_power(result):
    ts = result.timeseries
    sites = {}
    for column in ts.columns:
        match = re.match(r"^mw\.(.+)\.(avg|peak)$", column)
        if match:
            sites.setdefault(match.group(1), {})[match.group(2)] = column
    fig = None
    if sites:
        x, xlabel = _time_axis(ts.index.to_numpy(), result)
        fig, axes = _new_figure()
        ax = axes[0][0]
        colors = matplotlib.colormaps["tab10"].colors
        for i, (site, columns) in enumerate(sites.items()):
            color = colors[i % len(colors)]
            if "avg" in columns:
                ax.plot(x, ts[columns["avg"]], color=color, label=f"{site} mean")
            if "peak" in columns:
                ax.plot(x, ts[columns["peak"]], color=color, linestyle="--", linewidth=0.9,
                        label=f"{site} peak")
        averages = [c["avg"] for c in sites.values() if "avg" in c]
        if len(averages) > 1:
            ax.plot(x, ts[averages].sum(axis=1), color="black", label="all sites, mean")
        ax.set_title(f"Power by site (daily mean and peak) - {_scenario(result)}")
    elif "it_power" in ts.columns and len(ts):
        x, xlabel = _time_axis(ts.index.to_numpy(), result)
        factor = WATTS_PER.get(result.units("it_power") or "W", 1e-6)
        fig, axes = _new_figure()
        ax = axes[0][0]
        ax.plot(x, ts["it_power"].to_numpy(float) * factor, color="tab:blue",
                label="IT power, all pools")
        ax.set_title(f"IT power over time - {_scenario(result)}")
    if fig is None:
        raise NotInResult("no power series (mw.<site>.avg / mw.<site>.peak or it_power) in "
                          "the timeseries")
    _set_xlabel(ax, xlabel)
    ax.set_ylabel("power (MW)")
    ax.set_ylim(0, None)
    ax.set_xlim(x.min(), x.max())
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return fig


# ---- finance ------------------------------------------------------------------------------

def plot_finance(result):
    quarters = result.table("quarters")
    if quarters is None or "quarter" not in quarters.columns:
        raise NotInResult("no quarters table")
    capex = [(c, label) for c, label in CAPEX_COLUMNS if c in quarters.columns]
    if not capex and "capex_usd" in quarters.columns:
        capex = [("capex_usd", "capex")]
    opex = [(c, label) for c, label in OPEX_COLUMNS if c in quarters.columns]
    if not opex and "opex_usd" in quarters.columns:
        opex = [("opex_usd", "opex")]
    if not capex and not opex:
        raise NotInResult("the quarters table has no capex or opex columns")
    labels = quarters["quarter"].astype(str).tolist()
    x = np.arange(len(labels))
    cash = quarters[[c for c, _ in capex + opex]].fillna(0).to_numpy(float)
    cumulative = np.cumsum(cash.sum(axis=1))
    divisor, unit = _usd_scale(cumulative)
    capex_colors = matplotlib.colormaps["Blues"](np.linspace(0.9, 0.4, max(len(capex), 1)))
    opex_colors = ["tab:orange", "tab:red", "tab:purple", "tab:pink", "tab:brown", "gold"]
    colors = {c: capex_colors[i] for i, (c, _) in enumerate(capex)}
    colors.update({c: opex_colors[i % len(opex_colors)] for i, (c, _) in enumerate(opex)})

    has_depreciation = "depreciation_usd" in quarters.columns
    fig, axes = _new_figure(width=11, height=8.5, rows=2, sharex=True)
    # Cash view: a waterfall of cumulative cash out, each quarter's bar stacked by component
    # and floating on the total of the quarters before it.
    ax = axes[0][0]
    base = np.concatenate([[0.0], cumulative[:-1]])
    for i, (column, label) in enumerate(capex + opex):
        kind = "capex" if (column, label) in capex else "opex"
        ax.bar(x, cash[:, i] / divisor, bottom=base / divisor, color=colors[column], width=0.7,
               label=f"{kind}: {label}")
        base = base + cash[:, i]
    ax.step(np.concatenate([x - 0.35, [x[-1] + 0.35]]),
            np.concatenate([cumulative, [cumulative[-1]]]) / divisor, where="post",
            color="black", linewidth=0.8, label="cumulative cash out")
    for xi, top, added in zip(x, cumulative, cash.sum(axis=1)):
        ax.annotate(f"+{added / divisor:.3g}", (xi, top / divisor), ha="center", va="bottom",
                    fontsize="small", xytext=(0, 2), textcoords="offset points")
    ax.set_ylim(0, cumulative.max() / divisor * 1.08 if cumulative.max() > 0 else 1)
    ax.set_ylabel(f"cumulative cash out ({unit})")
    ax.set_title("Cash view: each quarter's capex + opex added to the cumulative cash out")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    ax.grid(True, axis="y", alpha=0.3)

    # Income-statement view: depreciation (not cash) + opex per quarter.
    ax = axes[1][0]
    pnl = ([("depreciation_usd", "depreciation (not cash)")] if has_depreciation else []) + opex
    values = quarters[[c for c, _ in pnl]].fillna(0).to_numpy(float)
    divisor2, unit2 = _usd_scale(values.sum(axis=1))
    bottom = np.zeros(len(x))
    for i, (column, label) in enumerate(pnl):
        color = "0.55" if column == "depreciation_usd" else colors[column]
        hatch = "//" if column == "depreciation_usd" else None
        ax.bar(x, values[:, i] / divisor2, bottom=bottom / divisor2, color=color, width=0.7,
               hatch=hatch, label=label)
        bottom = bottom + values[:, i]
    ax.set_ylim(0, bottom.max() / divisor2 * 1.08 if bottom.max() > 0 else 1)
    ax.set_ylabel(f"per quarter ({unit2})")
    title = "Income-statement view: depreciation + opex per quarter"
    if not has_depreciation:
        title += " (no depreciation column)"
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_xticks(x, labels, rotation=45 if len(labels) > 12 else 0)
    ax.set_xlabel("quarter")
    fig.suptitle(f"Capex and opex by quarter - {_scenario(result)}")
    return fig


# ---- training -----------------------------------------------------------------------------

def plot_training(result):
    ts = result.timeseries
    progress = {}  # label -> (name, progress column, plan column or None)
    for prefix in ("training.", "distillation."):
        plans = _prefixed(ts.columns, prefix, ".plan")
        for name, column in _prefixed(ts.columns, prefix, ".progress").items():
            label = name if prefix == "training." else f"{name} (distillation)"
            progress[label] = (name, column, plans.get(name))
    if not progress:
        raise NotInResult("no training.<name>.progress series in the timeseries")
    trainings = result.table("trainings")
    x, xlabel = _time_axis(ts.index.to_numpy(), result)
    calendar = xlabel.startswith("date")
    in_days = xlabel.endswith("(days)")
    fig, axes = _new_figure()
    ax = axes[0][0]
    colors = matplotlib.colormaps["tab10"].colors
    for i, (label, (name, column, plan)) in enumerate(progress.items()):
        color = colors[i % len(colors)]
        ax.plot(x, 100 * ts[column].to_numpy(float), color=color, linewidth=2,
                label=f"{label}: projected")
        if plan is not None:
            ax.plot(x, 100 * ts[plan].to_numpy(float), color=color, linestyle="--",
                    label=f"{label}: plan")
        if trainings is None or not (calendar or in_days) or "name" not in trainings.columns:
            continue
        row = trainings[trainings["name"] == name]
        if not len(row) or "deadline_day" not in row or not np.isfinite(row["deadline_day"].iloc[0]):
            continue
        deadline = float(row["deadline_day"].iloc[0])
        at = _to_date(deadline * 86400, result.summary["projection.start_day"]) if calendar \
            else deadline
        ax.axvline(at, color=color, linestyle=":", linewidth=1)
        late = float(row["days_late"].iloc[0]) if "days_late" in row else float("nan")
        text = f"{name} deadline" + (f"\n{late:g} d late" if late > 0 else "")
        ax.annotate(text, (at, 3 + 12 * i), fontsize="small", color=color, xytext=(3, 0),
                    textcoords="offset points")
    _set_xlabel(ax, xlabel)
    ax.set_ylabel("tokens done (% of target)")
    ax.set_ylim(0, 105)
    ax.set_xlim(x.min(), x.max())
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    ax.set_title(f"Training progress vs plan - {_scenario(result)}")
    return fig


# ---- sensitivity --------------------------------------------------------------------------

def plot_sensitivity(result):
    table = result.table("sensitivity")
    needed = {"input", "low_usd", "high_usd"}
    if table is None or not needed <= set(table.columns):
        raise NotInResult("no sensitivity table (input, low_usd, high_usd, base_usd)")
    table = table.copy()
    base = float(np.nanmedian(table["base_usd"])) if "base_usd" in table else \
        float(result.summary.get("cost.per_avatar_minute_usd", np.nan))
    if not np.isfinite(base):
        base = float(np.nanmean((table["low_usd"] + table["high_usd"]) / 2))
    table["swing"] = (table["high_usd"] - table["low_usd"]).abs()
    table = table.sort_values("swing", kind="stable")
    y = np.arange(len(table))
    fig, axes = _new_figure(width=10, height=1.5 + 0.5 * len(table))
    ax = axes[0][0]
    for side, color in (("low", "tab:blue"), ("high", "tab:orange")):
        values = table[f"{side}_usd"].to_numpy(float)
        ax.barh(y, values - base, left=base, color=color, height=0.6,
                label=f"input at its {side} value")
        labels = table[f"{side}_label"].astype(str).tolist() if f"{side}_label" in table \
            else [side] * len(table)
        for yi, value, label in zip(y, values, labels):
            ax.annotate(f"{label}: {value:.4g}", (value, yi), fontsize="small", va="center",
                        ha="left" if value >= base else "right",
                        xytext=(3 if value >= base else -3, 0), textcoords="offset points")
    ax.axvline(base, color="black", linewidth=1, label=f"base {base:.4g} USD/min")
    ax.set_yticks(y, table["input"].astype(str).tolist())
    ax.set_xlabel("cost per avatar-minute (USD/min)")
    low, high = np.nanmin(table[["low_usd", "high_usd"]].to_numpy()), \
        np.nanmax(table[["low_usd", "high_usd"]].to_numpy())
    pad = 0.25 * max(high - low, abs(base) * 0.01)
    ax.set_xlim(min(low, base) - pad, max(high, base) + pad)
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title(f"Sensitivity of the cost per avatar-minute - {_scenario(result)}")
    return fig
