"""Writes a self-contained HTML report of a capsim result file.

usage: /usr/bin/python3 report.py RESULT.h5 -o REPORT.html

The page holds the run's attributes, the headline summary table, the plots of
reports/capsim_plots.py (the same as the notebooks in reports/notebooks; embedded as base64 PNG,
plots whose data are absent listed as "not in this result") and every table of the file (the
first 50 rows of larger ones, with a note). No external URLs. The page is written to a temporary
file in the target directory and renamed onto REPORT.html; on any error the script prints
"report: error: ..." on stderr, exits 1 and leaves an existing REPORT.html untouched (2 for a
usage error). `capsim report OUT.h5 -o REPORT.html` runs this script.
"""

import argparse
import base64
import html
import io
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MAX_ROWS = 50

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em 0; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.6em; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
.note { color: #666; font-size: 0.9em; }
.absent { color: #a33; }
figure { margin: 1em 0 2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
.scroll { overflow-x: auto; }
nav a { margin-right: 1em; }
"""


def fmt(value):
    """A number as a short readable string (thousands separators, 4 significant digits)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    if abs(v) >= 1e4:
        return f"{v:,.0f}"
    return f"{v:.4g}"


def esc(text):
    return html.escape(str(text), quote=True)


def table_html(header, rows, numeric):
    """An HTML table; ``numeric[i]`` right-aligns column i."""
    out = ["<div class='scroll'><table><thead><tr>"]
    out += [f"<th>{esc(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(
            f"<td class='num'>{esc(fmt(v))}</td>" if numeric[i] else f"<td>{esc(v)}</td>"
            for i, v in enumerate(row)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def figure_png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def build_html(path):
    import capsim_plots
    import capsim_reader

    try:
        result = capsim_plots.Result(path)
    except OSError as error:  # h5py: not HDF5, unreadable ...
        raise OSError(f"{path}: cannot read as a capsim result file ({error})") from None
    attrs = result.attrs
    name = attrs.get("scenario_name", "") or os.path.basename(path)
    kind = "projection" if result.is_projection else "simulation"
    parts = [f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
             f"<title>capsim report: {esc(name)}</title><style>{STYLE}</style></head><body>",
             f"<h1>capsim report: {esc(name)}</h1>",
             f"<p class='note'>{esc(os.path.basename(path))} ({kind})</p>",
             "<nav><a href='#summary'>Summary</a><a href='#plots'>Plots</a>"
             "<a href='#tables'>Tables</a><a href='#run'>Run</a></nav>"]

    # Headline summary.
    parts.append("<h2 id='summary'>Summary</h2>")
    if result.summary:
        rows = [(key, result.summary_attrs.get(key, {}).get("long_name", key), value,
                 result.summary_attrs.get(key, {}).get("units", ""))
                for key, value in result.summary.items()]
        parts.append(table_html(["metric", "description", "value", "units"], rows,
                                [False, False, True, False]))
    else:
        parts.append("<p class='note'>No summary metrics in this result.</p>")

    # Plots.
    parts.append("<h2 id='plots'>Plots</h2>")
    absent = []
    for plot_name, title in capsim_plots.PLOTS.items():
        try:
            fig = capsim_plots.plot(plot_name, result)
        except capsim_plots.NotInResult as why:
            absent.append((title, str(why)))
            continue
        parts.append(f"<figure id='plot-{esc(plot_name)}'><img alt='{esc(title)}' "
                     f"src='data:image/png;base64,{figure_png(fig)}'>"
                     f"<figcaption>{esc(title)}</figcaption></figure>")
    if absent:
        parts.append("<p>Not in this result:</p><ul class='absent'>" + "".join(
            f"<li>{esc(title)}: not in this result ({esc(why)})</li>" for title, why in absent)
            + "</ul>")

    # Tables.
    parts.append("<h2 id='tables'>Tables</h2>")
    if not result.tables:
        parts.append("<p class='note'>No tables in this result.</p>")
    for table in result.tables:
        frame = capsim_reader.read_table(path, table)
        column_attrs = capsim_reader.read_column_attributes(path, f"tables/{table}")
        parts.append(f"<h3 id='table-{esc(table)}'>{esc(table)}</h3>")
        if len(frame) == 0:
            parts.append(f"<p class='note'>Empty ({len(frame.columns)} columns, no rows).</p>")
            continue
        header = []
        numeric = []
        for column in frame.columns:
            units = column_attrs.get(column, {}).get("units", "")
            is_numeric = frame[column].dtype.kind in "fiub"
            numeric.append(is_numeric)
            header.append(f"{column} ({units})" if is_numeric and units and units != "1"
                          else column)
        shown = frame.head(MAX_ROWS)
        parts.append(table_html(header, shown.itertuples(index=False), numeric))
        if len(frame) > MAX_ROWS:
            parts.append(f"<p class='note'>Showing the first {MAX_ROWS} of {len(frame):,} rows "
                         f"(all of them: capsim_reader.read_table(path, {table!r})).</p>")

    # Run attributes and the scenario.
    parts.append("<h2 id='run'>Run</h2>")
    parts.append(table_html(["attribute", "value"],
                            [(k, str(v)) for k, v in attrs.items()], [False, False]))
    scenario = capsim_reader.read_scenario(path)
    if scenario:
        parts.append("<details><summary>Resolved scenario</summary><pre>"
                     f"{esc(scenario)}</pre></details>")
    parts.append("</body></html>\n")
    return "".join(parts)


def write_atomically(text, output):
    """Writes ``text`` to a temporary file next to ``output`` and renames it onto ``output``."""
    directory = os.path.dirname(os.path.abspath(output))
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(output)}.", suffix=".tmp",
                                dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, output)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(prog="report.py",
                                     description="Writes a self-contained HTML report of a "
                                                 "capsim result file.")
    parser.add_argument("result", help="capsim result file (.h5)")
    parser.add_argument("-o", "--output", required=True, help="HTML file to write")
    args = parser.parse_args(argv)
    try:
        import matplotlib
        matplotlib.use("Agg")
        if not os.path.isfile(args.result):
            raise OSError(f"{args.result}: no such file")
        if os.path.isdir(args.output):
            raise OSError(f"{args.output}: is a directory")
        directory = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(directory):
            raise OSError(f"{args.output}: cannot write: directory '{directory}' does not exist")
        text = build_html(args.result)
        write_atomically(text, args.output)
    except ImportError as error:
        print(f"report: error: {error} ({sys.executable} needs h5py, numpy, pandas and "
              "matplotlib; see scripts/install-deps.sh)", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001  (one message, exit 1, output untouched)
        print(f"report: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
