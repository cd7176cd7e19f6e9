"""Checks a synthetic capsim result file (tests/reports/write_fixture.cc) from Python.

usage: /usr/bin/python3 check_result_file.py FILE.h5    (and FILE_replicated.h5 next to it,
                                                        written by the same fixture writer)
       /usr/bin/python3 check_result_file.py --generic FILE.h5   (any result file: the xarray
                                                                 views only)
Exits 0 when every check passes, 1 on a failed check, 77 (skipped) when xarray or h5netcdf
is not installed.
"""

import os
import sys
import warnings

SKIP = 77

try:
    import h5py
    import h5netcdf  # noqa: F401  (the engine xarray uses)
    import pandas as pd
    import xarray as xr
except ImportError as error:
    print(f"skipping: {error}")
    sys.exit(SKIP)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "reports"))
import capsim_reader  # noqa: E402


def check(path):
    # Root attributes read as plain str/int.
    with h5py.File(path, "r") as f:
        assert f.attrs["schema"] == "capsim.run", f.attrs["schema"]
        assert isinstance(f.attrs["capsim_version"], str)
        assert int(f.attrs["schema_version"]) == 1
        assert int(f.attrs["seed"]) == 18446744073709551557
        assert f["scenario"].asstr()[()].startswith("name: synthetic")

        def numeric_has_units(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu":
                assert isinstance(obj.attrs.get("units"), str), f"{name}: no units"
                assert isinstance(obj.attrs.get("long_name"), str), f"{name}: no long_name"

        f.visititems(numeric_has_units)

    # xarray via h5netcdf sees named dimensions, with units.
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. h5netcdf complaining about the layout
        ts = xr.open_dataset(path, group="timeseries", engine="h5netcdf")
        assert dict(ts.sizes) == {"time": 5}, ts.sizes
        assert list(ts.data_vars) == ["avatar_sessions", "gpu_busy", "power_w"], ts.data_vars
        assert ts["time"].attrs["units"] == "s"
        assert ts["power_w"].attrs["units"] == "W"
        assert ts["power_w"].dims == ("time",)
        assert float(ts["gpu_busy"].sel(time=120.0)) == 130.0
        ts.close()

        jobs = xr.open_dataset(path, group="tables/jobs", engine="h5netcdf")
        assert dict(jobs.sizes) == {"row": 3}, jobs.sizes
        assert jobs["gpu_hours"].attrs["units"] == "GPU h"
        assert list(jobs["name"].values) == ["frontier-pretrain", "avocado-distill",
                                             "ünïcode-job"]
        jobs.close()

        events = xr.open_dataset(path, group="tables/job_events", engine="h5netcdf")
        assert dict(events.sizes) == {"row": 0}, events.sizes
        events.close()

        summary = xr.open_dataset(path, group="summary", engine="h5netcdf")
        assert summary["avatar.ttff_p99_s"].attrs["units"] == "s"
        summary.close()

    # capsim_reader
    jobs = capsim_reader.read_table(path, "jobs")
    assert isinstance(jobs, pd.DataFrame)
    assert list(jobs.columns) == ["name", "kind", "submit_s", "gpu_hours"], jobs.columns
    assert len(jobs) == 3
    assert jobs["name"].tolist() == ["frontier-pretrain", "avocado-distill", "ünïcode-job"]
    assert jobs["gpu_hours"].tolist() == [1.5e6, 2.5e4, 0.5]

    events = capsim_reader.read_table(path, "job_events")
    assert list(events.columns) == ["event", "time_s"], events.columns
    assert len(events) == 0

    ts = capsim_reader.read_timeseries(path)
    assert ts.index.name == "time"
    assert ts.index.tolist() == [0, 60, 120, 180, 240]
    assert list(ts.columns) == ["avatar_sessions", "gpu_busy", "power_w"], ts.columns
    assert ts.loc[120.0, "gpu_busy"] == 130.0

    summary = capsim_reader.read_summary(path)
    assert list(summary) == ["avatar.ttff_p99_s", "training.delay_h", "cost.total_usd"]
    assert summary["cost.total_usd"] == 2.7e10
    assert capsim_reader.read_summary_units(path)["training.delay_h"] == "h"

    # A single run: no confidence intervals, no replications.
    ci = capsim_reader.read_summary_ci(path)
    assert list(ci) == list(summary)
    for key, (mean, half_width, replications) in ci.items():
        assert mean == summary[key] and half_width != half_width and replications == 1, key
    assert capsim_reader.read_replications(path) is None

    ds = capsim_reader.open_timeseries(path)
    assert "time" in ds.dims
    ds.close()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--generic":
        check_xarray_generic(sys.argv[2])
        print(f"{sys.argv[2]}: ok")
        return 0
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    check(sys.argv[1])
    check_open(sys.argv[1])
    stem, extension = os.path.splitext(sys.argv[1])
    check_replicated(f"{stem}_replicated{extension}")
    print(f"{sys.argv[1]}: ok")
    return 0


def check_replicated(path):
    """The replicated variant of the fixture (SyntheticReplicatedResult): means with 95%
    half-widths over 3 replications and the /replications table with dotted column names."""
    summary = capsim_reader.read_summary(path)
    assert summary == {"avatar.ttff_p99_s": 0.81, "training.delay_h": 12.5,
                       "cost.total_usd": 2.7e10}, summary
    ci = capsim_reader.read_summary_ci(path)
    assert list(ci) == list(summary)
    assert ci["avatar.ttff_p99_s"] == (0.81, 0.04968, 3), ci
    assert ci["training.delay_h"] == (12.5, 1.242, 3), ci
    mean, half_width, replications = ci["cost.total_usd"]  # known to one replication only
    assert (mean, replications) == (2.7e10, 1) and half_width != half_width, ci
    with h5py.File(path, "r") as f:
        assert "ci95_half_width" not in f["summary/cost.total_usd"].attrs
        assert f["summary/avatar.ttff_p99_s"].attrs["replications"].dtype.kind == "i"
        for name in f["replications"]:
            assert isinstance(f["replications"][name].attrs.get("units"), str), name
            assert isinstance(f["replications"][name].attrs.get("long_name"), str), name

    reps = capsim_reader.read_replications(path)
    assert isinstance(reps, pd.DataFrame)
    assert reps.index.name == "row" and len(reps) == 3
    assert list(reps.columns) == ["replication", "seed", "avatar.ttff_p99_s",
                                  "training.delay_h", "cost.total_usd"], reps.columns
    assert reps["replication"].tolist() == [0, 1, 2]
    assert reps["avatar.ttff_p99_s"].tolist() == [0.79, 0.81, 0.83]
    assert reps["cost.total_usd"].isna().tolist() == [True, False, True]
    attributes = capsim_reader.read_column_attributes(path, "replications")
    assert attributes["training.delay_h"] == {"units": "h", "long_name": "Training delay"}

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        group = xr.open_dataset(path, group="replications", engine="h5netcdf")
        assert dict(group.sizes) == {"row": 3}, group.sizes
        assert group["avatar.ttff_p99_s"].dims == ("row",)
        assert group["avatar.ttff_p99_s"].attrs["units"] == "s"
        group.close()

    ds = check_xarray_generic(path)
    assert ds.sizes["replications_row"] == 3
    assert ds["replications.seed"].dims == ("replications_row",)
    assert list(ds["replications.training.delay_h"].values) == [12, 12.5, 13]
    assert ds["replications.avatar.ttff_p99_s"].attrs == {
        "long_name": "Time to first frame, p99", "units": "s", "group": "replications"}
    assert ds["avatar.ttff_p99_s"].attrs["ci95_half_width"] == 0.04968
    assert ds["avatar.ttff_p99_s"].attrs["replications"] == 3
    assert "ci95_half_width" not in ds["cost.total_usd"].attrs
    assert ds.attrs["tables"] == ["jobs", "job_events", "requests"]



# ---- xarray views of the whole file: xarray.open_dataset and capsim_reader.open -------------

def check_xarray_generic(path):
    """Checks any capsim result file: the root opens with h5netcdf, the timeseries group (when
    present) has dim ``time`` and units on every variable, and capsim_reader.open merges it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        root = xr.open_dataset(path, engine="h5netcdf")
        assert root.attrs["schema"] == "capsim.run", root.attrs
        root.close()
        with h5py.File(path, "r") as f:
            has_timeseries = "timeseries" in f and "time" in f["timeseries"]
        if has_timeseries:
            ts = xr.open_dataset(path, group="timeseries", engine="h5netcdf")
            assert "time" in ts.dims, ts.dims
            for name in list(ts.data_vars) + ["time"]:
                assert ts[name].dims == ("time",), (name, ts[name].dims)
                assert isinstance(ts[name].attrs.get("units"), str), f"{name}: no units"
            ts.close()

    ds = capsim_reader.open(path)
    summary = capsim_reader.read_summary(path)
    tables = capsim_reader.list_tables(path)
    assert ds.attrs["schema"] == "capsim.run"
    assert ds.attrs["tables"] == tables
    for key, value in summary.items():
        name = key if ds[key].attrs.get("group") == "summary" else f"summary.{key}"
        assert ds[name].attrs["group"] == "summary", (key, name)
        assert ds[name].dims == (), name
        assert float(ds[name]) == value or (value != value and float(ds[name]) != float(ds[name]))
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
    if has_timeseries:
        series = capsim_reader.read_timeseries(path)
        assert ds["time"].attrs["units"] == "s"
        for name in series.columns:
            assert ds[name].dims == ("time",), name
            assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
    else:
        assert "time" not in ds.dims
    replications = capsim_reader.read_replications(path)
    if replications is None:
        assert "replications_row" not in ds.dims
    else:
        assert ds.sizes["replications_row"] == len(replications)
        for column in replications.columns:
            name = f"replications.{column}"
            assert ds[name].dims == ("replications_row",), name
            assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
    for table in tables:
        frame = capsim_reader.read_table(path, table)
        dim = f"{table}_row"
        assert ds.sizes[dim] == len(frame), (table, ds.sizes[dim], len(frame))
        for column in frame.columns:
            name = f"{table}.{column}"
            if name not in ds or ds[name].attrs.get("group") != f"tables/{table}":
                name = f"tables.{table}.{column}"
            assert ds[name].dims == (dim,), (name, ds[name].dims)
            numeric = frame[column].dtype.kind in "fiu"
            assert ("units" in ds[name].attrs) == numeric, name
            if len(frame):
                assert list(ds[name].values[:3]) == list(frame[column].values[:3]) or numeric
    return ds


def check_open(path):
    """The synthetic fixture (tests/reports/write_fixture.cc) through the xarray views, plus a
    synthetic projection file and one without timeseries or tables
    (tests/reports/make_projection_fixture.py)."""
    import tempfile

    ds = check_xarray_generic(path)
    assert ds.sizes["time"] == 5
    assert float(ds["gpu_busy"].sel(time=120.0)) == 130.0
    assert ds["power_w"].attrs["units"] == "W"
    assert ds["power_w"].attrs["long_name"] == "Facility power"
    assert ds["power_w"].attrs["group"] == "timeseries"
    assert float(ds["avatar.ttff_p99_s"]) == 0.81
    assert ds["avatar.ttff_p99_s"].attrs["units"] == "s"
    assert ds["avatar.ttff_p99_s"].attrs["group"] == "summary"
    assert ds["cost.total_usd"].attrs["long_name"] == "Total cost"
    assert ds.sizes["jobs_row"] == 3 and ds.sizes["job_events_row"] == 0
    assert list(ds["jobs.name"].values) == ["frontier-pretrain", "avocado-distill", "ünïcode-job"]
    assert ds["jobs.name"].dtype == object
    assert ds["jobs.gpu_hours"].attrs["units"] == "GPU h"
    assert list(ds["jobs.gpu_hours"].values) == [1.5e6, 2.5e4, 0.5]
    assert ds["job_events.time_s"].dims == ("job_events_row",)
    assert ds.attrs["seed"] == 18446744073709551557
    assert ds.attrs["scenario_name"] == "synthetic"
    # The writer always writes the requests table (here without columns or rows).
    assert ds.attrs["tables"] == ["jobs", "job_events", "requests"], ds.attrs["tables"]
    assert capsim_reader.list_tables(path) == ["jobs", "job_events", "requests"]
    assert ds.sizes["requests_row"] == 0
    assert not capsim_reader.is_projection(path)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_projection_fixture

    with tempfile.TemporaryDirectory() as tmp:
        projection = os.path.join(tmp, "projection.h5")
        make_projection_fixture.write(projection)
        ds = check_xarray_generic(projection)
        assert capsim_reader.is_projection(projection)
        assert ds.sizes["time"] == 730 and ds.sizes["quarters_row"] == 8
        assert ds["mw.ohio.avg"].attrs["units"] == "MW"
        assert ds["quarters.quarter"].values[0] == "2026Q1"
        assert ds["quarters.capex_usd"].attrs["units"] == "USD"
        assert float(ds["projection.days"]) == 730
        assert ds["sensitivity.input"].dims == ("sensitivity_row",)
        # A summary key that is also a series name is renamed summary.<key>.
        assert ds["cash_out_usd"].dims == ("time",)
        assert ds["summary.cash_out_usd"].dims == ()
        assert ds["summary.cash_out_usd"].attrs["units"] == "USD"

        bare = os.path.join(tmp, "bare.h5")
        make_projection_fixture.write(bare, timeseries=False, tables=False)
        ds = check_xarray_generic(bare)
        assert dict(ds.sizes) == {}, ds.sizes
        assert capsim_reader.list_tables(bare) == []
        assert float(ds["projection.days"]) == 730


if __name__ == "__main__":
    sys.exit(main())
