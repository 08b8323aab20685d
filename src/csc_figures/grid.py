"""Run the notebooks over a grid of parameters and check every sentence a reader sees.

    python -m csc_figures.grid            # the quick grid (`make test` runs it on a copy of the project)
    python -m csc_figures.grid --full     # every year and release held, more councils and dates (`make grid`)
    python -m csc_figures.grid --only 13_national_trends

Each notebook's runs share one kernel (csc_figures.run.execute_each's reasoning: the first cells reset
every piece of global state). A run fails the grid when it raises, or when what a reader sees (printed
text, Markdown, table headers) holds a `None`, a `nan`, empty brackets, '1 years', a raw judgement code or a
snake_case name in prose. Executed copies go to outputs/runs/grid/ (not committed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import nbformat

from . import paths

# Councils a reader might type, chosen for their awkward cases: a joint workforce return (Kingston and
# Richmond; North and West Northamptonshire), councils abolished in a reorganisation (Northamptonshire,
# Bournemouth), a short form ("Hull") and an ONS code.
COUNCILS_QUICK = ("Richmond upon Thames", "Northamptonshire", "Bournemouth")
COUNCILS_FULL = ("York", "Hull", "Kingston upon Thames", "Richmond upon Thames", "North Northamptonshire",
                 "West Northamptonshire", "Northamptonshire", "Bournemouth", "Bournemouth, Christchurch and Poole",
                 "E06000014", "816")


def _dates_full() -> list[str]:
    """Several as-at dates, all from the data: the day before the first SIF report (nothing graded yet), the
    first, a middle and the last 31 March the Ofsted files reach, the earliest and latest dated article, and
    the latest Ofsted file's as-at date. A new Ofsted file or article moves them with no code change."""
    from .articles import articles
    from .stories import inspection_judgements as ij

    inspections = ij.load_inspections()
    latest = ij.latest_as_of()
    sif_start = ij.framework_start(inspections, "SIF")
    marches = ij.march_dates(ij.first_march_after(sif_start).year, latest)
    published = articles()["published"].drop_nulls()
    days = {sif_start - dt.timedelta(days=1), marches[0], marches[len(marches) // 2], marches[-1], latest}
    days |= {_as_day(published.min()), _as_day(published.max())}
    return sorted(d.isoformat() for d in days)


def _as_day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def quick_grid() -> dict[str, list[dict[str, Any]]]:
    """Cheap enough for every `make test`: the data-building notebooks with awkward councils, and the
    national trends at the first, the article's next and the last year held."""
    return {
        "01_geography": [{"example_council": "Hull"}, {"example_council": "Northamptonshire"}],
        "02_inspections": [{"as_of": "2018-03-31"}],
        "03_workforce": [{"council": c} for c in COUNCILS_QUICK[:2]],
        "04_children": [{"council": c} for c in COUNCILS_QUICK],
        "13_national_trends": [{"year": 2018}, {"year": 2022}, {"year": 2025, "base_year": 2015}],
    }


def full_grid() -> dict[str, list[dict[str, Any]]]:
    """Every year and release held, every council of COUNCILS_FULL, several as-at dates."""
    from . import params as declared
    from . import workforce
    from .stories import national_trends as nt

    releases = workforce.vintages()
    cla_years = nt.series("looked_after")["year"].to_list()
    # base years for the section 47 change against the article's year: the first, second and a middle year held,
    # and the year before the article's (each other than the default)
    article_year = declared.defaults("13_national_trends")["year"]
    s47_years = [y for y in nt.series("section_47_enquiries")["year"].to_list() if y < article_year]
    base_years = sorted({s47_years[0], s47_years[1], s47_years[len(s47_years) // 2], s47_years[-1]}
                        - {declared.defaults("13_national_trends")["base_year"]})
    years = sorted(set(workforce.panel(releases[-1])["year"]))
    dates = _dates_full()
    return {
        "01_geography": [{"example_council": c} for c in COUNCILS_FULL],
        "02_inspections": [{"as_of": d} for d in dates],
        "03_workforce": [{"council": c} for c in COUNCILS_FULL],
        "04_children": [{"council": c} for c in COUNCILS_FULL],
        "10_ratings_vs_workforce": [{"year": y, "base_year": y - 1, "vintage": None} for y in years[1:]]
        + [{"vintage": v} for v in releases] + [{"method": "pooled"}]
        # dates[0] is the day before the first graded report: 10 refuses it, by design (tests/test_ratings.py)
        + [{"as_of": d} for d in dates[1:]],
        "11_council_profile": [{"council": c} for c in COUNCILS_FULL] + [{"year": y} for y in years]
        + [{"vintage": v} for v in releases],
        "12_inspection_judgements": [{"as_of": d} for d in dates] + [{"analysis_date": d} for d in dates[::2]]
        + [{"period_first_year": y} for y in sorted({int(dates[0][:4]), int(dates[-1][:4]) - 1})]
        + [{"opinion_piece_year": y} for y in sorted({int(d[:4]) for d in dates})]
        + [{"named_councils": list(COUNCILS_FULL)}],
        "13_national_trends": [{"year": y} for y in cla_years] + [{"base_year": b} for b in base_years],
        "14_reported_figures": [{}],  # its parameters hold one year and one phase: the defaults are the grid
        "15_revisions": [{"top": n} for n in (1, 5, 40)],
        "16_maps": [{"as_of": d} for d in dates] + [{"year": y} for y in years] + [{"vintage": v} for v in releases]
        + [{"measure": m} for p in declared.declared("16_maps") if p.name == "measure" for m in p.choices
           if m != p.default],
    }


# ---- what a reader sees ----------------------------------------------------------------------------

_TABLE_LINE = re.compile(r"^\s*[┌│╞├└╡║╔╚═─┬┴┼]")
_BORDER = re.compile(r"^\s*[┌╞├└╔╚]")


def reader_lines(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(kind, line) for every line a reader sees in the outputs: 'prose' for sentences and Markdown,
    'header' for a table's column names, 'body' for its rows (read for codes and gaps a reader would trip over)."""
    lines: list[tuple[str, str]] = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                text = out.get("text", "")
            elif out.get("output_type") in ("display_data", "execute_result"):
                data = out.get("data", {})
                if "text/markdown" in data:
                    text = data["text/markdown"]
                elif "text/plain" in data and not any(k.startswith(("image/", "application/vnd.vegalite"))
                                                       for k in data):
                    text = data["text/plain"]
                else:
                    continue
            else:
                continue
            previous_border = False
            for line in text.splitlines():
                if _TABLE_LINE.match(line):
                    # the row after a top border holds the column names
                    if line.lstrip().startswith("│"):
                        lines.append(("header" if previous_border else "body", line))
                    previous_border = bool(_BORDER.match(line)) and line.lstrip().startswith("┌")
                    continue
                previous_border = False
                if line.strip():
                    lines.append(("prose", line))
    return lines


# Paths, addresses and file names keep their underscores; so do the DfE column names a table of
# column names shows on purpose (03's map of each release's columns).
_ALLOWED = re.compile(r"(\S*/\S*|\S+\.(parquet|csv|ods|ipynb|txt)\b|`[^`]*`|https?://\S+)")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_JUDGEMENT_CODES = ("requires_improvement", "inadequate_", "outstanding_")
PROBLEMS = (
    ("None", re.compile(r"\bNone\b(?! of)")),  # "None of these ..." is a sentence
    ("nan", re.compile(r"\b(nan|NaN|inf)\b")),
    ("empty brackets", re.compile(r"\(\s*\)|\[\s*\]")),
    ("'1 years'", re.compile(r"\b(1|one) years\b")),
    ("'no years'", re.compile(r"\bno years\b")),
    ("'unavailable' where a figure belongs", re.compile(r"\b(as|of|was|from|to) unavailable\b")),
)
_ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")  # prose dates read '6 May 2022'; tables may keep ISO


def problems(lines: list[tuple[str, str]]) -> list[str]:
    """What a reader would trip over, one message per line."""
    found = []
    for kind, line in lines:
        for label, pattern in PROBLEMS:
            if pattern.search(line):
                found.append(f"{label}: {line.strip()[:160]}")
        cleaned = _ALLOWED.sub(" ", line)
        if kind == "prose" and _ISO_DATE.search(cleaned):
            found.append(f"ISO date in prose ({_ISO_DATE.search(cleaned)[0]}): {line.strip()[:160]}")
        if kind == "prose" and _SNAKE.search(cleaned):
            found.append(f"snake_case in prose ({_SNAKE.search(cleaned)[0]}): {line.strip()[:160]}")
        elif kind == "header" and _SNAKE.search(cleaned):
            found.append(f"snake_case column name ({_SNAKE.search(cleaned)[0]}): {line.strip()[:160]}")
        elif kind == "body" and _SNAKE.search(cleaned):
            found.append(f"raw code or snake_case in a table ({_SNAKE.search(cleaned)[0]}): {line.strip()[:160]}")
    return found


# ---- running -----------------------------------------------------------------------------------

def _run_notebook(name: str, param_sets: list[dict], folder: Path) -> list[tuple[str, list[str]]]:
    """Run one notebook once per parameter set in one kernel; (run name, problems) for each."""
    from jupyter_client.manager import KernelManager

    from . import run

    results = []
    kernel = KernelManager(kernel_name=run.KERNEL, config=run._local_kernel())
    kernel.start_kernel(cwd=str(folder))
    try:
        for values in param_sets:
            label = f"{name} " + (", ".join(f"{k}={v!r}" for k, v in values.items()) or "(defaults)")
            out = folder / name / f"{run.run_name(values) or 'defaults'}.ipynb"
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                run.execute(name, values, out=out, cwd=out.parent, kernel=kernel)
            except SystemExit as err:  # the runner's message: which cell, which error
                results.append((label, [str(err).splitlines()[0]]))
                continue
            except Exception as err:  # a refused value (UserError) is a grid failure too
                results.append((label, [f"{type(err).__name__}: {err}"]))
                continue
            results.append((label, problems(reader_lines(nbformat.read(out, as_version=4)))))
    finally:
        kernel.shutdown_kernel(now=True)
        run._remove_own_sockets()
    return results


def run_grid(grid: dict[str, list[dict]], folder: Path | None = None) -> list[tuple[str, list[str]]]:
    folder = folder or paths.OUTPUTS / "runs" / "grid"
    folder.mkdir(parents=True, exist_ok=True)
    from . import run

    os.environ.setdefault("CSC_FIGURES_ROOT", str(paths.ROOT))
    run.pin_environment()
    # never a published run: each run's charts and tables go under outputs/runs/<notebook>/<parameters>/
    for variable in (run.declared.PUBLISH_VARIABLE, run.declared.RUN_OUTPUTS_VARIABLE, "CSC_FIGURES_RECORD"):
        os.environ.pop(variable, None)
    results = []
    for name, param_sets in grid.items():
        os.environ[run.STEP_VARIABLE] = name  # tables.read checks each notebook's declared reads
        started = time.monotonic()
        results += _run_notebook(name, param_sets, folder)
        print(f"{name}: {len(param_sets)} runs in {time.monotonic() - started:.1f} s", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.grid", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the full grid (every year, release, more councils)")
    parser.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="only these notebooks")
    args = parser.parse_args(argv)
    grid = full_grid() if args.full else quick_grid()
    if args.only:
        unknown = sorted(set(args.only) - set(grid))
        if unknown:
            print(f"error: the grid has no notebook {', '.join(unknown)}; it has {', '.join(grid)}", file=sys.stderr)
            return 2
        grid = {k: v for k, v in grid.items() if k in args.only}
    started = time.monotonic()
    results = run_grid(grid)
    failed = [(label, found) for label, found in results if found]
    for label, found in failed:
        print(f"FAIL {label}")
        for line in found[:10]:
            print(f"    {line}")
    print(f"{len(results)} runs, {len(failed)} with problems, {time.monotonic() - started:.0f} s "
          f"({dt.datetime.now(dt.UTC):%H:%M} UTC)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
