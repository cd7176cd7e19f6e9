"""Checks a synthetic capsim result file (tests/reports/write_fixture.cc) from Python.

usage: /usr/bin/python3 check_result_file.py FILE.h5
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

    ds = capsim_reader.open_timeseries(path)
    assert "time" in ds.dims
    ds.close()


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    check(sys.argv[1])
    print(f"{sys.argv[1]}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
