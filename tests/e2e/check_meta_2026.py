"""End to end: `capsim run scenarios/meta-2026.yaml` prints capex by quarter, MW, the cost per
avatar-minute and the training delay, writes a projection result whose tables agree with its
summary, and `capsim report` turns it into a page with every projection plot.

usage: check_meta_2026.py CAPSIM SOURCE_DIR WORK_DIR
Exits 77 (skipped) when /usr/bin/python3 lacks h5py or pandas.
"""
import os
import subprocess
import sys

try:
    import numpy as np
    import pandas  # noqa: F401
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)


def main():
    capsim, source, work = sys.argv[1:4]
    sys.path.insert(0, os.path.join(source, "reports"))
    import capsim_reader as cr

    out = os.path.join(work, "meta_2026.h5")
    run = subprocess.run([capsim, "run", os.path.join(source, "scenarios", "meta-2026.yaml"),
                          "-o", out], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    text = run.stdout
    # The headline lines a planner reads: capex by quarter, MW, $/avatar-minute, training delay.
    assert "quarter   capex" in text and "MW avg" in text and "$/avatar-min" in text, text
    for q in ("2026Q1", "2026Q2", "2026Q3", "2026Q4"):
        assert q in text, q
    assert "delayed" in text and "days by avatars" in text, text

    s = cr.read_summary(out)
    quarters = cr.read_table(out, "quarters")
    assert list(quarters["quarter"]) == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    # The quarters add up to the year (capex, opex) and the capex components to the capex.
    assert np.isclose(quarters["capex_usd"].sum(), s["capex.total_usd"], rtol=1e-9)
    assert np.isclose(quarters["opex_usd"].sum(), s["opex.total_usd"], rtol=1e-9)
    parts = ["capex_servers_usd", "capex_network_usd", "capex_storage_usd",
             "capex_installation_usd", "capex_facility_usd"]
    assert np.allclose(quarters[parts].sum(axis=1), quarters["capex_usd"], rtol=1e-9)
    # 1.3 M GPUs owned at the year's end (350,000 H100 + 950,000 delivered).
    assert s["gpus.owned_end"] == 1_300_000
    # Prometheus draws at most its 1 GW of IT power x PUE 1.15.
    assert 0 < s["site.prometheus.mw_peak"] <= 1000 * 1.15 + 1e-6
    # Avatar sessions per GPU came from the replica-level pipeline, once per GPU type.
    rates = cr.read_table(out, "service_rates")
    avatar = rates[rates["workload"] == "ai-replica"]
    assert sorted(avatar["gpu"]) == ["B200", "GB200"], avatar  # its pools: GB200 and B200
    assert all("replica-level" in src for src in avatar["source"])
    assert all(0.5 < v < 50 for v in avatar["value"]), avatar
    cost = s["avatar.ai-replica.cost_per_minute_usd"]
    assert 0 < cost < 0.10, cost  # below the $0.10/min list price (facilities-and-finance §8)
    trainings = cr.read_table(out, "trainings")
    assert set(trainings["name"]) == {"frontier-pretrain", "research", "open-distill"}
    frontier = trainings[trainings["name"] == "frontier-pretrain"].iloc[0]
    assert frontier["delay_days"] == 0  # first in the policy order: avatars never take from it
    assert frontier["finish_day"] <= frontier["deadline_day"]
    sens = cr.read_table(out, "sensitivity")
    assert (sens["low_usd"] != sens["high_usd"]).all()
    assert np.allclose(sens["base_usd"], cost)

    html = os.path.join(work, "meta_2026.html")
    rep = subprocess.run([capsim, "report", out, "-o", html], capture_output=True, text=True,
                         check=False)
    if rep.returncode != 0 and "matplotlib" in (rep.stdout + rep.stderr):
        print("skipped: no matplotlib")
        sys.exit(77)
    assert rep.returncode == 0, rep.stdout + rep.stderr
    page = open(html, encoding="utf-8").read()
    assert page.count("data:image/png;base64,") >= 5, "expected the five projection plots"
    assert "http://" not in page and "https://" not in page.replace("https://www.w3.org", "")
    print("meta-2026: capex", s["capex.total_usd"], "cost/min", cost)


if __name__ == "__main__":
    main()
