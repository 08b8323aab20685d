"""A release drill: bring in a synthetic next release the documented way, in a scratch clone, and test.

`make drill` (python -m csc_figures.drill) clones this checkout's HEAD into a temporary folder with
nothing beside it, writes a synthetic next workforce release and a synthetic next Ofsted outcomes
file into the clone's data/raw/, adds their entries to data/sources.toml (nothing else is edited),
then runs `make all`, commits the rebuilt outputs as a maintainer accepting a release would, and
runs `make test`. It prints each step's minutes. It proves that a new release needs no code change;
the synthetic files are never committed here.

The synthetic files are made from the newest real ones, so that they pass every check: the
workforce release repeats the newest year as the next one with every count 2% higher (each rate DfE
computes from counts recomputed from them) and revises one council's sickness absence rate a year
earlier; the Ofsted file repeats the newest file with its as-at date a
year later and one new inspection (of the council in `NEW_INSPECTION`) in its history and as-at
sheets.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import paths, sources
from .dates import day_words

SCALE = 1.02  # every count in the synthetic year, against the newest real year
REVISED_MEASURE, REVISION = "absence_rate", 0.3  # the synthetic release's one revision (points, a year earlier)
# The synthetic Ofsted file's one new inspection: a council, its fieldwork and report, its judgements.
NEW_INSPECTION = {"ons_code": "E06000014", "start_days": 200, "published_days": 250, "judgement": "Good"}


# ---- a synthetic workforce release ------------------------------------------------------------

def _scaled(text: str) -> str:
    """A count 2% higher, to the decimals the publisher wrote; a suppression code unchanged."""
    try:
        value = float(text)
    except ValueError:
        return text
    places = len(text.split(".")[1]) if "." in text else 0
    return f"{value * SCALE:.{places}f}"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _add_up(rows: list[list[str]], header: list[str], columns: list[int]) -> None:
    """Each region's counts as the sum of its councils', London's of its halves, England's of the nine regions,
    as DfE's are (csc_figures.sums checks it). A council's suppressed figure counts as none."""
    level, region = header.index("geographic_level"), header.index("region_code")
    councils = [r for r in rows if r[level] == "Local authority"]
    regions = [r for r in rows if r[level] == "Regional"]
    halves = [r for r in regions if r[region].startswith("E13")]
    nine = [r for r in regions if r[region].startswith("E12")]
    england = [r for r in rows if r[level] == "National"]
    for total, parts_of in [*((r, lambda r: [c for c in councils if c[region] == r[region]]) for r in regions),
                            *((r, lambda r: halves) for r in nine if r[region] == "E12000007"),
                            *((r, lambda r: nine) for r in england)]:
        parts = parts_of(total)
        if not parts:
            continue
        for i in columns:
            if _number(total[i]) is None:
                continue
            # to the most places the figures are printed to ('5822' for an FTE of 5822.0 beside councils' '90.4')
            places = max(len(t.split(".")[1]) if "." in t else 0 for t in [total[i], *(p[i] for p in parts)])
            total[i] = f"{sum(_number(p[i]) or 0.0 for p in parts):.{places}f}"


def workforce_release(newest: Path, out: Path, measure_of: dict[str, str]) -> int:
    """The newest release with one more year: its newest year with every count 2% higher and each rate
    DfE computes from counts (csc_figures.identities) recomputed from them; returns that year."""
    from . import identities, workforce

    text = newest.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    at = header.index("time_period")
    column_of = {measure: header.index(column) for column, measure in measure_of.items() if column in header}
    year = max(int(r[at]) for r in body)
    next_rows = []
    for row in body:
        if int(row[at]) != year:
            continue
        new = list(row)
        new[at] = str(year + 1)
        for measure, i in column_of.items():
            if measure in workforce.COUNT_MEASURES and new[i]:
                new[i] = _scaled(new[i])
        next_rows.append(new)
    _add_up(next_rows, header, [i for m, i in column_of.items() if m in workforce.COUNT_MEASURES])
    for new in next_rows:
        for identity in identities.IDENTITIES:
            wanted = (identity.rate, identity.part, identity.rest or identity.base)
            if not all(m in column_of for m in wanted):
                continue
            part, other = (_number(new[column_of[m]]) for m in wanted[1:])
            if part is None or other is None or _number(new[column_of[identity.rate]]) is None:
                continue  # a suppressed figure stays suppressed
            base = part + other if identity.rest else other
            if base > 0:
                new[column_of[identity.rate]] = f"{identity.scale * part / base:.1f}"
    # and one revision, as a real release brings: the first council's sickness absence rate a year earlier
    level, absence = header.index("geographic_level"), column_of[REVISED_MEASURE]
    revised = next(r for r in body if int(r[at]) == year and r[level] == "Local authority" and _number(r[absence]))
    revised[absence] = f"{float(revised[absence]) + REVISION:.1f}"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *next_rows, *body])
    out.write_text(buffer.getvalue(), encoding="utf-8")
    return year + 1


# ---- a synthetic Ofsted outcomes file ---------------------------------------------------------

def _sheet_rows(path: Path, sheet: str) -> list[list[str | None]]:
    from .spreadsheet import read_sheet

    return [list(r) for r in read_sheet(path, sheet).rows()]


def _write_ods(path: Path, sheets: dict[str, list[list[str | None]]]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for values in rows:
            tr = TableRow()
            for value in values:
                cell = TableCell(valuetype="string") if value is not None else TableCell()
                if value is not None:
                    cell.addElement(P(text=value))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def _header_at(rows: list[list[str | None]], text: str) -> int:
    return next(i for i, r in enumerate(rows) if text in [(v or "").strip() for v in r])


def ofsted_file(newest: Path, history_sheet: str, as_at_sheet: str, as_at: dt.date, out: Path) -> dt.date:
    """The newest Ofsted file a year later, with one new inspection; returns the new as-at date."""
    new_as_at = as_at.replace(year=as_at.year + 1)
    start = as_at + dt.timedelta(days=NEW_INSPECTION["start_days"])
    published = as_at + dt.timedelta(days=NEW_INSPECTION["published_days"])
    history = _sheet_rows(newest, history_sheet)
    h = _header_at(history, "Local authority area code")
    col = {(v or "").strip(): i for i, v in enumerate(history[h])}
    council = next(r for r in history[h + 1:] if (r[col["Local authority area code"]] or "").strip()
                   == NEW_INSPECTION["ons_code"])
    new = list(council)
    new[col["Inspection date"]] = start.isoformat()
    new[col["Publication date"]] = published.isoformat()
    new[col["Inspection type"]] = "ILACS Standard Inspection"
    for header in col:
        if header.startswith(("Overall effectiveness", "The impact", "The experiences")):
            new[col[header]] = NEW_INSPECTION["judgement"]
    history = [*history, new]

    table = _sheet_rows(newest, as_at_sheet)
    t = _header_at(table, "Local authority name")
    tcol = {(v or "").strip(): i for i, v in enumerate(table[t])}
    title = table[0]
    table[0] = [re.sub(r"as at (\d{1,2} \w+ \d{4})", f"as at {day_words(new_as_at)}", v)
                if v else v for v in title]
    for row in table[t + 1:]:
        if (row[tcol.get("Local authority area code", -1)] if "Local authority area code" in tcol else None) \
                == NEW_INSPECTION["ons_code"] or (row[tcol["Local authority name"]] or "").strip() == \
                (council[col["Local authority name"]] or "").strip():
            row[tcol["Inspection date"]] = start.isoformat()
            if "Publication date" in tcol:
                row[tcol["Publication date"]] = published.isoformat()
            for header, i in tcol.items():
                if header.startswith(("Overall effectiveness", "The impact", "Impact", "The experiences",
                                      "Experiences")):
                    row[i] = NEW_INSPECTION["judgement"]
    _write_ods(out, {history_sheet: history, as_at_sheet: table})
    return new_as_at


# ---- the manifest entries ---------------------------------------------------------------------

def _entry(name: str, path: Path, base: sources.Source, **fields: object) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    lines = [f'[files."{name}"]', f'sha256 = "{digest}"', f"bytes = {path.stat().st_size}",
             f'publisher = "{base.publisher}"', f'publication = "{base.publication}"']
    fields.setdefault("page", base.page)
    for key, value in fields.items():
        lines.append(f"{key} = {value}" if isinstance(value, (int, dt.date)) else f'{key} = "{value}"')
    lines += [f'role = "{base.role}"', 'url = ""', f'licence = "{base.licence}"',
              'confirmed = false', ('established = "A synthetic release made by the release drill (csc_figures.drill); '
               'its url is empty: no publisher holds it."')]
    return "\n" + "\n".join(lines) + "\n"


def add_releases(root: Path) -> list[str]:
    """Write the synthetic files into root/data/raw/ and their entries into its manifest; their names."""
    from . import ofsted_layouts, workforce

    manifest = sources.load_manifest(root / "data" / "sources.toml")
    raw = root / "data" / "raw"
    newest_wf = sources.releases(sources.WORKFORCE, manifest)[-1]
    layout = workforce.LAYOUTS[newest_wf.layout or max(workforce.LAYOUTS)]
    year = int(re.search(r"(\d{4})\.csv$", newest_wf.name).group(1)) + 1
    wf_name = re.sub(r"\d{4}\.csv$", f"{year}.csv", newest_wf.name)
    vintage = workforce_release(raw / newest_wf.name, raw / wf_name, workforce.measure_columns(layout))
    entries = _entry(wf_name, raw / wf_name, newest_wf, release=f"Reporting year {vintage} (synthetic)",
                     vintage=vintage, page=re.sub(r"/\d{4}$", f"/{vintage}", newest_wf.page))

    newest_of = sources.releases(sources.OFSTED_OUTCOMES, manifest)[-1]
    layout_of = ofsted_layouts.LAYOUTS[newest_of.layout or ofsted_layouts.NEWEST_LAYOUT]
    of_name = f"LA_Inspection_Outcomes_as_at_31_March_{newest_of.as_at.year + 1}.ods"
    new_as_at = ofsted_file(raw / newest_of.name, layout_of.history_sheet, layout_of.as_at_sheet, newest_of.as_at,
                            raw / of_name)
    entries += _entry(of_name, raw / of_name, newest_of, release=f"As at {day_words(new_as_at)} (synthetic)",
                      as_at=new_as_at)
    with open(root / "data" / "sources.toml", "a", encoding="utf-8") as f:
        f.write(entries)
    return [wf_name, of_name]


# ---- the drill ---------------------------------------------------------------------------------

def _run(step: str, command: list[str], cwd: Path, log: Path, timings: list[tuple[str, float]]) -> None:
    print(f"drill: {step}: {' '.join(command)}", flush=True)
    began = time.monotonic()
    env = {k: v for k, v in os.environ.items()
           if k not in ("CSC_FIGURES_ROOT", "CSC_FIGURES_LOCKED", "VIRTUAL_ENV", "PYTHONPATH")
           and not k.startswith("MAKE") and k != "MFLAGS"}
    # The clone sits in a scratch folder with no ../shared beside it: it reads the articles this checkout reads.
    env.setdefault("CSC_FIGURES_ARTICLES", str(paths.ARTICLES))
    with open(log, "a", encoding="utf-8") as out:
        result = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    timings.append((step, time.monotonic() - began))
    print(f"drill: {step}: {'done' if result.returncode == 0 else 'FAILED'} in {timings[-1][1] / 60:.1f} min",
          flush=True)  # the minutes are printed as they come, so a failed drill still says where the time went
    if result.returncode != 0:
        raise SystemExit(f"drill: {step} failed (exit {result.returncode}); the log is {log}, the clone {cwd}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--into", type=Path, help="the folder to clone into (default: a new temporary folder)")
    args = parser.parse_args(argv)
    where = args.into or Path(tempfile.mkdtemp(prefix="csc-figures-drill-"))
    clone = where / "csc-figures"
    log = where / "drill.log"
    timings: list[tuple[str, float]] = []
    _run("clone", ["git", "clone", "--quiet", str(paths.ROOT), str(clone)], where, log, timings)
    began = time.monotonic()
    names = add_releases(clone)
    timings.append((f"add {' and '.join(names)} to data/raw/ and data/sources.toml", time.monotonic() - began))
    _run("make all", ["make", "all"], clone, log, timings)
    _run("accept", ["git", "add", "-A", "data", "outputs", "docs", "README.md"], clone, log, timings)
    _run("commit", ["git", "-c", "user.name=drill", "-c", "user.email=drill@localhost", "commit", "--quiet",
                    "-m", "Bring in the synthetic releases (release drill)"], clone, log, timings)
    edited = subprocess.run(["git", "diff", "--name-only", "HEAD~1", "--", ".", ":!data", ":!outputs", ":!docs",
                             ":!README.md"], cwd=clone, capture_output=True, text=True, check=True).stdout.split()
    if edited:
        raise SystemExit(f"drill: files outside data/ and the outputs changed: {edited}")
    _run("make test", ["make", "test"], clone, log, timings)
    print("drill: green. Minutes per step:")
    for step, seconds in timings:
        print(f"  {seconds / 60:5.1f}  {step}")
    print(f"drill: the clone is {clone}; remove it with rm -rf {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
