"""Executes every notebook of reports/notebooks headless (nbclient) on one result file and checks
which figures they saved.

usage: /usr/bin/python3 run_notebooks.py RESULT.h5 OUT_DIR [FIGURE ...]

Each notebook runs with CAPSIM_RESULT=RESULT.h5, CAPSIM_FIGURES=OUT_DIR/figures and
CAPSIM_REPORTS_DIR=<repository>/reports; the executed notebooks are kept in OUT_DIR. Passes when
every notebook ran without error, OUT_DIR/figures holds exactly FIGURE.png for each FIGURE named
(e.g. latency utilisation power), every notebook with an expected figure displayed it inline,
and every other notebook said "not in this result". Exits 0 on success, 1 on a failure, 2 on a
usage error, 77 (skipped) when /usr/bin/python3 lacks nbclient, nbformat, ipykernel or
matplotlib.
"""

import glob
import os
import shutil
import sys
import time

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPORTS = os.path.normpath(os.path.join(HERE, "..", "..", "reports"))
CELL_TIMEOUT_S = 120

try:
    import ipykernel  # noqa: F401  (the kernel nbclient starts)
    import matplotlib  # noqa: F401
    import nbclient
    import nbformat
except ImportError as error:
    print(f"skipping: {error}")
    sys.exit(SKIP)


def outputs_text(nb):
    """All stream and text outputs of the executed notebook, joined."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            elif "data" in output:
                parts.append(output["data"].get("text/plain", ""))
    return "\n".join(parts)


def has_image(nb):
    return any("image/png" in output.get("data", {})
               for cell in nb.cells for output in cell.get("outputs", []))


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    result, out_dir, expected = os.path.abspath(argv[1]), os.path.abspath(argv[2]), set(argv[3:])
    if not os.path.isfile(result):
        print(f"{result}: no such file")
        return 1
    notebooks = sorted(glob.glob(os.path.join(REPORTS, "notebooks", "*.ipynb")))
    names = {os.path.splitext(os.path.basename(p))[0] for p in notebooks}
    if not notebooks or not expected <= names:
        print(f"expected figures {sorted(expected - names)} have no notebook in {REPORTS}/notebooks")
        return 1
    figures = os.path.join(out_dir, "figures")
    shutil.rmtree(figures, ignore_errors=True)
    os.makedirs(figures)
    os.environ.update(CAPSIM_RESULT=result, CAPSIM_FIGURES=figures, CAPSIM_REPORTS_DIR=REPORTS,
                      MPLBACKEND="module://matplotlib_inline.backend_inline",
                      PYTHONDONTWRITEBYTECODE="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    os.environ.pop("DISPLAY", None)
    failures = []
    for path in notebooks:
        name = os.path.splitext(os.path.basename(path))[0]
        nb = nbformat.read(path, as_version=4)
        started = time.monotonic()
        try:
            nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                    resources={"metadata": {"path": os.path.dirname(path)}}
                                    ).execute()
        except Exception as error:  # CellExecutionError, DeadKernelError, timeouts ...
            failures.append(f"{name}: execution failed: {error}")
            continue
        finally:
            nbformat.write(nb, os.path.join(out_dir, f"{name}.ipynb"))
        text = outputs_text(nb)
        print(f"{name}: ran in {time.monotonic() - started:.1f} s")
        if name in expected and not has_image(nb):
            failures.append(f"{name}: no figure displayed in the notebook")
        if name not in expected and "not in this result" not in text:
            failures.append(f"{name}: no figure expected, but the notebook did not say "
                            f"'not in this result'")
    saved = {os.path.splitext(f)[0] for f in os.listdir(figures) if f.endswith(".png")}
    for missing in sorted(expected - saved):
        failures.append(f"{missing}.png: expected but not saved")
    for extra in sorted(saved - expected):
        failures.append(f"{extra}.png: saved but not expected (its data should be absent)")
    for name in sorted(saved):
        if os.path.getsize(os.path.join(figures, f"{name}.png")) < 1000:
            failures.append(f"{name}.png: suspiciously small")
    for failure in failures:
        print(f"FAIL {failure}")
    if failures:
        return 1
    print(f"{result}: {len(notebooks)} notebooks ran; figures {', '.join(sorted(saved))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
