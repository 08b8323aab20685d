"""Figure regression: what the build changed in the committed outputs, in values and pictures.

    python -m csc_figures.regress            # compare the working tree with git HEAD; write outputs/regress/
                                             # (exit 0: `make check-outputs` fails the build)
    python -m csc_figures.regress accept [--commit]   # stage the changed outputs, summary as commit message

Each changed chart is judged "data changed" (its spec's datasets or its CSV moved) or "rendering
only" (same data, different pixels or style: a library, font or colour change).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import compare
from .improbable import RevisionHistory, history
from .pictures import PictureDiff, difference

# What `make check-outputs` watches: the committed outputs a build writes.
WATCHED = ["outputs", "docs", "data/claims.csv"]
REPORT_DIR = PurePosixPath("outputs/regress")
CLAIMS_REPORT = "outputs/claims_report.csv"
CHART_FILES = (".vl.json", ".png", ".svg", ".html")


@dataclass
class Change:
    path: str
    old: bytes | None  # None: not in HEAD (a new file)
    new: bytes | None  # None: deleted by the build

    @property
    def status(self) -> str:
        return "added" if self.old is None else "deleted" if self.new is None else "modified"


@dataclass
class ChartChange:
    name: str  # <story>/<chart>, as under outputs/figures/
    files: list[str]
    data: list[compare.TableDiff]  # the spec's datasets that changed
    table: compare.TableDiff | None  # the CSV behind it, when it changed
    style: list[str]  # spec changes apart from data
    picture: PictureDiff | None
    status: str = "modified"

    @property
    def data_changed(self) -> bool:
        return bool(self.data) or (self.table is not None and self.table.changed)

    @property
    def verdict(self) -> str:
        if self.status != "modified":
            return f"chart {self.status}"
        return "data changed" if self.data_changed else "rendering only"

    def headline(self) -> str:
        if self.status != "modified":
            return self.verdict
        if self.data_changed:
            main = self.table if self.table is not None and self.table.changed else self.data[0]
            return f"data changed: {main.headline()}"
        why = f"spec: {self.style[0]}" if self.style else "same spec"
        pixels = self.picture.describe() if self.picture else "PNG unchanged"
        return f"rendering only (same data; {why}; {pixels})"


@dataclass
class Report:
    charts: list[ChartChange] = field(default_factory=list)
    tables: dict[str, compare.TableDiff] = field(default_factory=dict)
    notebooks: dict[str, compare.NotebookDiff] = field(default_factory=dict)
    claims: list[compare.ClaimChange] = field(default_factory=list)
    others: list[Change] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    history: RevisionHistory | None = None  # how far real revisions go (None: not built, nothing marked)

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def stopped_matching(self) -> list[compare.ClaimChange]:
        return [c for c in self.claims if c.stopped_matching]

    @property
    def data_charts(self) -> list[ChartChange]:
        return [c for c in self.charts if c.verdict != "rendering only"]

    @property
    def rendering_charts(self) -> list[ChartChange]:
        return [c for c in self.charts if c.verdict == "rendering only"]

    def rare_moves(self) -> list[tuple[str, compare.CellChange]]:
        """Every changed value, in a chart or a table, that moved further than a real revision would."""
        if self.history is None:
            return []
        diffs = [(f"chart {c.name}", d) for c in self.charts for d in [*c.data, *([c.table] if c.table else [])]]
        diffs += [(f"table {name}", d) for name, d in self.tables.items()]
        return [(where, cell) for where, diff in diffs for cell in diff.cells if self.history.rare(cell)]


# ---- reading both versions ---------------------------------------------------------------------

def _git(root: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True).stdout


def changed_files(root: Path, watched: list[str] = WATCHED) -> list[Change]:
    """Every watched file that differs between git HEAD and the working tree (new files included)."""
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", *watched)
    changes = []
    for entry in status.decode().split("\0"):
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if PurePosixPath(path).is_relative_to(REPORT_DIR):  # the report itself, even where not ignored
            continue
        old = None if code == "??" or "A" in code else _git(root, "show", f"HEAD:{path}")
        new_path = root / path
        new = new_path.read_bytes() if new_path.is_file() else None
        if old != new:
            changes.append(Change(path, old, new))
    return sorted(changes, key=lambda c: c.path)


def _chart_name(path: str) -> str | None:
    rel = PurePosixPath(path)
    if rel.parts[:2] != ("outputs", "figures"):
        return None
    for suffix in CHART_FILES:
        if rel.name.endswith(suffix):
            return str(PurePosixPath(*rel.parts[2:]))[: -len(suffix)]
    return None


def _json(data: bytes | None) -> dict | None:
    return json.loads(data) if data else None


def _sanitiser(root: Path):
    """The sanitising regexes nbval applies (tests/nbval.cfg), so a diff shows what nbval would see."""
    cfg = root / "tests" / "nbval.cfg"
    pairs = re.findall(r"^regex: (.*)\nreplace: (.*)$", cfg.read_text(), re.M) if cfg.exists() else []
    def sanitise(text: str) -> str:
        for pattern, replacement in pairs:
            text = re.sub(pattern, replacement, text)
        return text
    return sanitise


def collect(root: Path) -> Report:
    """Compare every changed committed output with HEAD, grouped as the report shows them."""
    changes = changed_files(root)
    report = Report(changes=changes, history=history(root))
    by_path = {c.path: c for c in changes}
    chart_names = sorted({n for c in changes if (n := _chart_name(c.path))})
    chart_tables = set()
    for name in chart_names:
        base = f"outputs/figures/{name}"
        spec = by_path.get(base + ".vl.json")
        png = by_path.get(base + ".png")
        csv_path = f"outputs/tables/{name}.csv"
        table_change = by_path.get(csv_path)
        chart_tables.add(csv_path)
        files = [c.path for c in changes if _chart_name(c.path) == name] + ([csv_path] if table_change else [])
        status = next((by_path[f].status for f in files if f.endswith(".vl.json")), "modified")
        report.charts.append(ChartChange(
            name=name, files=files, status=status,
            data=compare.diff_spec_data(_json(spec.old), _json(spec.new)) if spec else [],
            table=compare.diff_csv(table_change.old, table_change.new) if table_change else None,
            style=compare.spec_changes(_json(spec.old), _json(spec.new)) if spec else [],
            picture=difference(png.old, png.new) if png and png.old and png.new else None,
        ))
    sanitise = _sanitiser(root)
    for change in changes:
        path = change.path
        if path in chart_tables or _chart_name(path):
            continue
        if path == CLAIMS_REPORT:
            report.claims = compare.diff_claims(change.old, change.new)
        elif path.startswith("outputs/tables/") and path.endswith(".csv"):
            report.tables[path.removeprefix("outputs/tables/")] = compare.diff_csv(change.old, change.new)
        elif path.startswith("outputs/notebooks/") and path.endswith(".ipynb"):
            report.notebooks[PurePosixPath(path).stem] = compare.diff_notebook(change.old, change.new, sanitise)
        else:
            report.others.append(change)
    return report


# ---- the plain-text summary ----------------------------------------------------------------------

def summary(report: Report, report_path: str | None = None) -> str:
    """A short account of what changed, most important first: claims that stopped matching, then
    published values that moved, then rendering-only changes, then other files."""
    if report.empty:
        return "Committed outputs unchanged."
    counts = [_count(report.stopped_matching, "claim stopped matching", "claims stopped matching"),
              _count(report.data_charts, "chart with changed data", "charts with changed data"),
              _count(report.tables, "table", "tables"),
              _count(report.notebooks, "notebook", "notebooks"),
              _count(report.claims, "claim moved", "claims moved"),
              _count(report.rendering_charts, "chart changed in rendering only", "charts changed in rendering only"),
              _count(report.others, "other file", "other files")]
    lines = ["Figure regression: " + ", ".join(c for c in counts if c) + "."]
    if report_path:
        lines.append(f"Report: {report_path}")
    lines += _section("CLAIMS THAT STOPPED MATCHING", [f"  {c.describe()}" for c in report.stopped_matching])
    if rare := report.rare_moves():
        lines += _section(f"LOOK FIRST: {len(rare)} value(s) {report.history.words()}",
                          [f"  {where}: {cell.describe()}" for where, cell in rare])
    values = [f"  claim {c.describe()}" for c in report.claims if not c.stopped_matching]
    values += [f"  chart {c.name}: {c.headline()}" for c in report.data_charts]
    values += [f"  table {name}: {d.headline()}" for name, d in report.tables.items() if d.changed]
    for name, nb in report.notebooks.items():
        if nb.checked:
            cells = "; ".join(c.label for c in nb.checked)
            values.append(f"  notebook {name}: {len(nb.checked)} checked outputs changed ({_cut(cells, 90)})")
    lines += _section("CHANGED PUBLISHED VALUES", values)
    rendering = [f"  chart {c.name}: {c.headline()}" for c in report.rendering_charts]
    rendering += [f"  notebook {n}: {nb.other_cells} unchecked outputs changed (charts, displays), no checked text"
                  for n, nb in report.notebooks.items() if not nb.checked]
    rendering += [f"  table {name}: same values, different bytes" for name, d in report.tables.items() if not d.changed]
    lines += _section("RENDERING ONLY", rendering)
    lines += _section("OTHER FILES", [f"  {c.path} ({c.status})" for c in report.others])
    return "\n".join(lines) + "\n"


# A library upgrade can touch every chart: the summary stays short, the report holds the rest.
SECTION_LIMIT = 20


def _section(title: str, lines: list[str], limit: int = SECTION_LIMIT) -> list[str]:
    if not lines:
        return []
    more = [f"  ... and {len(lines) - limit} more (see the report)"] if len(lines) > limit else []
    return ["", title, *lines[:limit], *more]


def _count(items, one: str, many: str) -> str:
    return "" if not items else f"{len(items)} {one if len(items) == 1 else many}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ---- writing the report --------------------------------------------------------------------------

def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "__", name)


def write(report: Report, root: Path, out: Path | None = None) -> Path:
    """Write index.html, summary.txt and the charts' old, new and difference images; return index.html."""
    from .page import render

    out = out or root / REPORT_DIR
    if out.exists():
        shutil.rmtree(out)  # no image from an earlier comparison may linger
    out.mkdir(parents=True)
    images = {}
    by_path = {c.path: c for c in report.changes}
    for chart in report.charts:
        png = by_path.get(f"outputs/figures/{chart.name}.png")
        if png is None:
            continue
        folder = out / "charts" / _slug(chart.name)
        folder.mkdir(parents=True)
        pics = {}
        for label, data in [("old", png.old), ("new", png.new),
                            ("diff", chart.picture.image if chart.picture else None)]:
            if data:
                (folder / f"{label}.png").write_bytes(data)
                pics[label] = f"charts/{_slug(chart.name)}/{label}.png"
        images[chart.name] = pics
    text = summary(report, str((out / "index.html").relative_to(root)) if out.is_relative_to(root) else None)
    (out / "summary.txt").write_text(text)
    (out / "index.html").write_text(render(report, text, images))
    return out / "index.html"
