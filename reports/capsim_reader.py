"""Read capsim result files (HDF5, schema "capsim.run") into pandas and xarray.

Layout (see reports/result_schema.h): root attributes describe the run; /summary holds one
scalar per headline metric; /timeseries holds series on a shared ``time`` axis (seconds);
/tables/<name> holds one 1-D dataset per column on a shared ``row`` axis. Numeric datasets
carry ``units`` and ``long_name`` attributes; stored order is creation order. A run with
replications (``capsim run --replications K``) stores means in /summary, each with attributes
``ci95_half_width`` and ``replications``, and one row per replication in /replications (laid
out like a table: columns "replication", "seed", then one per summary key).

    import capsim_reader as cr
    jobs = cr.read_table("out/default.h5", "jobs")        # pandas.DataFrame
    ts = cr.read_timeseries("out/default.h5")             # indexed by time [s]
    cr.read_summary("out/default.h5")["avatar.ttff_p99_s"]
    mean, half_width, k = cr.read_summary_ci("out/default.h5")["avatar.ttff_p99_s"]
    reps = cr.read_replications("out/default.h5")         # DataFrame, or None for one run
    ds = cr.open_timeseries("out/default.h5")             # xarray.Dataset, dim "time"
    ds = cr.open("out/default.h5")                        # everything in one xarray.Dataset
    cr.list_tables("out/default.h5")                      # ["jobs", "job_events", ...]

Needs h5py and pandas; open and open_timeseries also need xarray (open_timeseries h5netcdf).
"""

import h5py
import numpy as np
import pandas as pd

SCHEMA = "capsim.run"
SUPPORTED_SCHEMA_VERSION = 1


def _open(path):
    """Opens a capsim result file read-only, checking its schema."""
    f = h5py.File(path, "r")
    schema = f.attrs.get("schema")
    if schema != SCHEMA:
        f.close()
        raise ValueError(f"{path}: not a capsim result file (schema {schema!r})")
    version = int(f.attrs.get("schema_version", 0))
    if version > SUPPORTED_SCHEMA_VERSION:
        f.close()
        raise ValueError(f"{path}: schema_version {version} is newer than this reader "
                         f"supports ({SUPPORTED_SCHEMA_VERSION})")
    return f


def _names(group):
    """Member names of an h5py group in stored (creation) order."""
    return list(group.keys())  # h5py follows the tracked creation order the writer sets


def _column(dataset):
    """A 1-D dataset as a numpy array (text columns as Python str objects)."""
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return np.asarray(dataset.asstr()[()], dtype=object)
    return dataset[()]


def read_table(path, name):
    """Table ``name`` ("jobs", "job_events", ...) as a DataFrame, columns in stored order."""
    with _open(path) as f:
        group = f["tables"][name]
        columns = {c: _column(group[c]) for c in _names(group) if c != "row"}
        return pd.DataFrame(columns, index=pd.RangeIndex(len(group["row"]), name="row"))


def read_timeseries(path):
    """All series as a DataFrame indexed by ``time`` (seconds since the start of the run)."""
    with _open(path) as f:
        group = f["timeseries"]
        index = pd.Index(group["time"][()], name="time")
        return pd.DataFrame({c: group[c][()] for c in _names(group) if c != "time"},
                            index=index)


def read_summary(path):
    """Headline metrics as an ordered dict {flat key: float} (units via read_summary_units)."""
    with _open(path) as f:
        group = f["summary"]
        return {key: float(group[key][()]) for key in _names(group)}


def read_summary_ci(path):
    """Headline metrics with their confidence intervals, as an ordered dict {flat key: (mean,
    half_width, replications)}: half_width is the 95% confidence half-width (NaN for a single
    run, attribute ``ci95_half_width`` absent) and replications the number of runs averaged
    (1 when the attribute is absent)."""
    with _open(path) as f:
        group = f["summary"]
        out = {}
        for key in _names(group):
            attrs = group[key].attrs
            out[key] = (float(group[key][()]), float(attrs.get("ci95_half_width", np.nan)),
                        int(attrs.get("replications", 1)))
        return out


def read_replications(path):
    """The per-replication values (/replications) as a DataFrame indexed by ``row``, columns
    "replication", "seed", then one per summary key, in stored order; None when the file has
    no replications (a single run)."""
    with _open(path) as f:
        if "replications" not in f:
            return None
        group = f["replications"]
        columns = {c: _column(group[c]) for c in _names(group) if c != "row"}
        return pd.DataFrame(columns, index=pd.RangeIndex(len(group["row"]), name="row"))


def read_summary_units(path):
    """Units of the headline metrics as a dict {flat key: units}."""
    with _open(path) as f:
        group = f["summary"]
        return {key: group[key].attrs.get("units", "") for key in _names(group)}


def open_timeseries(path):
    """The timeseries as an xarray.Dataset (dimension ``time``), read via h5netcdf."""
    import xarray as xr

    _open(path).close()
    return xr.open_dataset(path, group="timeseries", engine="h5netcdf")


def list_tables(path):
    """Names of the tables under /tables, in stored order ([] when there are none)."""
    with _open(path) as f:
        return _names(f["tables"]) if "tables" in f else []


def read_attributes(path):
    """Root attributes (schema, schema_version, capsim_version, seed, created, scenario_name)
    as a dict of plain Python str/int/float."""
    with _open(path) as f:
        return {key: _plain(value) for key, value in f.attrs.items()}


def read_scenario(path):
    """The resolved scenario text stored in the file ("" when absent)."""
    with _open(path) as f:
        return f["scenario"].asstr()[()] if "scenario" in f else ""


def read_column_attributes(path, group):
    """{dataset name: {"units": ..., "long_name": ...}} for the datasets of ``group``
    ("timeseries", "summary", "tables/jobs", ...); units are "" for text columns."""
    with _open(path) as f:
        if group not in f:
            return {}
        g = f[group]
        return {name: {"units": _plain(g[name].attrs.get("units", "")),
                       "long_name": _plain(g[name].attrs.get("long_name", name))}
                for name in _names(g)}


def is_projection(path):
    """True for a projection result (its summary has ``projection.days``)."""
    with _open(path) as f:
        return "summary" in f and "projection.days" in f["summary"]


def _plain(value):
    """An HDF5 attribute value as a plain Python value (bytes decoded, numpy scalars unwrapped)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _attrs(dataset, name):
    """units and long_name of ``dataset`` (units omitted for text columns)."""
    attrs = {"long_name": _plain(dataset.attrs.get("long_name", name))}
    if "units" in dataset.attrs:
        attrs["units"] = _plain(dataset.attrs["units"])
    return attrs


def open(path):  # noqa: A001  (capsim_reader.open, like xarray.open_dataset)
    """The whole result as one in-memory xarray.Dataset.

    - timeseries: one variable per series on dim ``time`` (the coordinate, seconds);
    - summary: one scalar variable per metric, named by its key ("avatar.ttff_p99_s"), or
      ``summary.<key>`` when a series has that name (projections have both a series and a
      total "cash_out_usd");
      a mean over replications also keeps its ``ci95_half_width`` and ``replications``
      attributes;
    - tables: one variable per column named ``<table>.<column>`` on dim ``<table>_row`` (the
      coordinate, 0..n-1); text columns hold Python str objects. Should such a name be taken
      by a series or a summary key, the column is named ``tables.<table>.<column>`` instead;
    - replications (only with them): one variable per column of /replications named
      ``replications.<column>`` ("replications.seed", "replications.avatar.ttff_p99_s") on
      dim ``replications_row`` (the coordinate, 0..K-1).

    Every variable keeps its ``units`` and ``long_name`` attributes (text columns have no
    units) and gains ``group`` ("timeseries", "summary", "tables/<name>" or "replications").
    The root
    attributes (schema, schema_version, capsim_version, seed, created, scenario_name) are the
    Dataset's attrs; ``ds.attrs["tables"]`` lists the tables. Files without timeseries, tables
    or replications simply lack those variables.
    """
    import xarray as xr

    variables = {}
    coords = {}
    with _open(path) as f:
        attrs = {key: _plain(value) for key, value in f.attrs.items()}
        if "timeseries" in f and "time" in f["timeseries"]:
            group = f["timeseries"]
            coords["time"] = xr.Variable("time", group["time"][()],
                                         dict(_attrs(group["time"], "time"), group="timeseries"))
            for name in _names(group):
                if name != "time":
                    variables[name] = xr.Variable(
                        "time", group[name][()], dict(_attrs(group[name], name), group="timeseries"))
        if "summary" in f:
            group = f["summary"]
            for key in _names(group):
                name = f"summary.{key}" if key in variables else key
                attrs_of = dict(_attrs(group[key], key), group="summary")
                for ci in ("ci95_half_width", "replications"):
                    if ci in group[key].attrs:
                        attrs_of[ci] = _plain(group[key].attrs[ci])
                variables[name] = xr.Variable((), float(group[key][()]), attrs_of)
        tables = list_tables_in(f)
        for table in tables:
            group = f["tables"][table]
            dim = f"{table}_row"
            rows = len(group["row"]) if "row" in group else 0
            coords[dim] = xr.Variable(dim, np.arange(rows, dtype=np.int64),
                                      {"long_name": f"row of table {table}", "units": "1",
                                       "group": f"tables/{table}"})
            for column in _names(group):
                if column == "row":
                    continue
                name = f"{table}.{column}"
                if name in variables or name in coords:
                    name = f"tables.{table}.{column}"
                variables[name] = xr.Variable(dim, _column(group[column]),
                                              dict(_attrs(group[column], column),
                                                   group=f"tables/{table}"))
        if "replications" in f:
            group = f["replications"]
            dim = "replications_row"
            rows = len(group["row"]) if "row" in group else 0
            coords[dim] = xr.Variable(dim, np.arange(rows, dtype=np.int64),
                                      {"long_name": "replication row", "units": "1",
                                       "group": "replications"})
            for column in _names(group):
                if column != "row":
                    variables[f"replications.{column}"] = xr.Variable(
                        dim, _column(group[column]),
                        dict(_attrs(group[column], column), group="replications"))
        attrs["tables"] = tables
    return xr.Dataset(variables, coords=coords, attrs=attrs)


def list_tables_in(f):
    """Table names of an already open h5py.File, in stored order."""
    return _names(f["tables"]) if "tables" in f else []
