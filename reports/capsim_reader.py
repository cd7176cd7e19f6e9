"""Read capsim result files (HDF5, schema "capsim.run") into pandas and xarray.

Layout (see reports/result_schema.h): root attributes describe the run; /summary holds one
scalar per headline metric; /timeseries holds series on a shared ``time`` axis (seconds);
/tables/<name> holds one 1-D dataset per column on a shared ``row`` axis. Numeric datasets
carry ``units`` and ``long_name`` attributes; stored order is creation order.

    import capsim_reader as cr
    jobs = cr.read_table("out/default.h5", "jobs")        # pandas.DataFrame
    ts = cr.read_timeseries("out/default.h5")             # indexed by time [s]
    cr.read_summary("out/default.h5")["avatar.ttff_p99_s"]
    ds = cr.open_timeseries("out/default.h5")             # xarray.Dataset, dim "time"

Needs h5py and pandas; open_timeseries also needs xarray and h5netcdf.
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
