"""Figure regression report: unit checks of the comparisons, then real changes in a scratch copy.

The scratch copy is a git clone whose HEAD holds the outputs this worktree's build wrote, with the
built processed tables beside it; a test changes one thing, re-runs only what depends on it, and
reads the report.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import vl_convert as vlc

from conftest import share_drawings
from csc_figures import charts, paths
from csc_figures.regress import WATCHED, Change, ChartChange, Report, collect, compare, summary
from csc_figures.regress.pictures import difference

GIT = ["git", "-c", "user.name=regress test", "-c", "user.email=regress@example.invalid",
       "-c", "commit.gpgsign=false"]


# ---- comparisons on small inputs ---------------------------------------------------------------

def test_csv_rows_matched_on_their_identifying_columns():
    old = b"year,measure,gap,clear\n2018,turnover,3.5,false\n2018,vacancy,17,true\n2019,turnover,2,false\n"
    new = b"year,measure,gap,clear\n2018,turnover,3.5,false\n2018,vacancy,18.5,true\n2019,turnover,2,true\n"
    diff = compare.diff_csv(old, new)
    assert diff.key_columns == ["year", "measure"]
    assert [(c.key, c.field, c.old, c.new) for c in diff.cells] == [
        ({"year": "2018", "measure": "vacancy"}, "gap", "17", "18.5"),
        ({"year": "2019", "measure": "turnover"}, "clear", "false", "true")]
    assert diff.largest().describe() == "year=2018, measure=vacancy: gap 17 -> 18.5 (+1.5)"
    assert not diff.added_rows and not diff.removed_rows


def test_csv_added_and_removed_rows():
    diff = compare.diff_csv(b"code,n\n101,5\n102,6\n", b"code,n\n101,5\n103,6\n")
    assert diff.removed_rows == [{"code": "102", "n": "6"}]
    assert diff.added_rows == [{"code": "103", "n": "6"}]
    assert not diff.cells


def test_spec_datasets_matched_by_content_not_by_hashed_name():
    old = {"datasets": {"data-aaa": [{"x": 1, "y": 2.5}], "data-bbb": [{"label": "note"}]}}
    same = {"datasets": {"data-zzz": [{"label": "note"}], "data-yyy": [{"x": 1, "y": 2.5}]}}
    assert compare.diff_spec_data(old, same) == []
    moved = {"datasets": {"data-ccc": [{"x": 1, "y": 3.0}], "data-bbb": [{"label": "note"}]}}
    [diff] = compare.diff_spec_data(old, moved)
    assert [(c.field, c.old, c.new) for c in diff.cells] == [("y", "2.5", "3.0")]


def test_spec_changes_leave_data_out():
    old = {"datasets": {"d1": [{"x": 1}]}, "mark": {"type": "bar", "color": "#1d4f91"}, "data": {"name": "d1"}}
    new = {"datasets": {"d2": [{"x": 2}]}, "mark": {"type": "bar", "color": "#d4351c"}, "data": {"name": "d2"}}
    assert compare.spec_changes(old, new) == ['mark.color: "#1d4f91" -> "#d4351c"']


def test_claims_that_stopped_matching_come_first():
    head = "claim_id,article,quote,published,computed,status,note\n"
    old = (head + 'a1,x,one,5%,5.0,match,""\na2,x,two,7%,7.04,match,""\na3,x,three,9,9,match,""\n').encode()
    new = (head + 'a1,x,one,5%,5.02,match,""\na2,x,two,7%,7.6,differs,""\na3,x,three,9,9,match,""\n').encode()
    changes = compare.diff_claims(old, new)
    assert [(c.claim_id, c.old_value, c.new_value, c.stopped_matching) for c in changes] == [
        ("a2", "7.04", "7.6", True), ("a1", "5.0", "5.02", False)]


def test_notebook_diff_reports_checked_cells_only_as_text():
    def nb(checked_text, other_text):
        cells = [{"cell_type": "code", "id": "c1", "source": "# NBVAL_CHECK_OUTPUT\nprint(total)",
                  "outputs": [{"output_type": "stream", "name": "stdout", "text": checked_text}]},
                 {"cell_type": "code", "id": "c2", "source": "chart",
                  "outputs": [{"output_type": "stream", "name": "stdout", "text": other_text}]}]
        return json.dumps({"cells": cells}).encode()
    diff = compare.diff_notebook(nb("total 80,850\n", "a"), nb("total 81,850\n", "b"))
    assert [c.label for c in diff.checked] == ["print(total)"]
    assert "-total 80,850" in diff.checked[0].diff and "+total 81,850" in diff.checked[0].diff
    assert diff.other_cells == 1


def test_difference_image_counts_changed_pixels():
    from io import BytesIO

    from PIL import Image

    def png(colour):
        image = Image.new("RGB", (10, 10), "white")
        image.paste(colour, (0, 0, 2, 5))
        out = BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    result = difference(png("blue"), png("red"))
    assert (result.changed_pixels, result.total_pixels) == (10, 100)
    assert Image.open(BytesIO(result.image)).getpixel((0, 0)) == (200, 16, 46)
    assert difference(png("blue"), png("blue")).changed_pixels == 0


def test_summary_stays_short_when_every_chart_changes():
    charts_ = [ChartChange(f"story/chart_{i:02d}", [], [], None, ["config.font: a -> b"], None) for i in range(30)]
    text = summary(Report(charts=charts_, changes=[Change("x", b"a", b"b")]))
    assert text.startswith("Figure regression: 30 charts changed in rendering only.")
    assert "story/chart_19" in text and "story/chart_20" not in text
    assert "  ... and 10 more (see the report)" in text


# ---- real changes in a scratch copy ------------------------------------------------------------

def _run(args, cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CSC_FIGURES_RUN_OUTPUTS"}
    env["CSC_FIGURES_ROOT"] = str(cwd)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, **kw)


def assert_accessible_offline(page: Path) -> None:
    """The report page: language, title, viewport, landmarks and skip link, one h1, tables with
    caption, header row and scopes, images with alt text that exist beside it, no request off the machine."""
    from html.parser import HTMLParser

    class Page(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

    html = page.read_text()
    parsed = Page()
    parsed.feed(html)
    tags = parsed.tags
    of = lambda name: [a for t, a in tags if t == name]  # noqa: E731
    assert of("html")[0].get("lang") == "en"
    assert "<title>" in html and "</title>" in html
    assert any(m.get("name") == "viewport" and "width=device-width" in m.get("content", "") for m in of("meta"))
    assert of("main") and of("header") and of("nav") and of("main")[0].get("id") == "main"
    assert of("a")[0].get("href") == "#main"  # the skip link comes first
    assert len(of("h1")) == 1
    assert len(of("caption")) == len(of("thead")) == len(of("table"))
    assert all(a.get("scope") in ("col", "row") for a in of("th"))
    for img in of("img"):
        assert img.get("alt"), img
        assert (page.parent / img["src"]).is_file(), img["src"]
    for t, a in tags:
        for attr in ("src", "href"):
            assert not str(a.get(attr, "")).startswith(("http:", "https:", "//")), (t, a)


@pytest.fixture
def scratch(tmp_path) -> Path:
    """A clone whose HEAD is this worktree's build, with its raw files and processed tables."""
    root = paths.ROOT
    if not (paths.PROCESSED / "children_looked_after.parquet").exists():
        pytest.fail("data/processed is missing: run `make all` before these tests")
    clone = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", str(root), str(clone)], check=True)
    built = subprocess.run(["git", "-C", str(root), "ls-files", "-co", "--exclude-standard", "--", *WATCHED],
                           check=True, capture_output=True, text=True).stdout.split("\n")
    for rel in filter(None, built):
        if (root / rel).is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, clone / rel)
    subprocess.run([*GIT, "-C", str(clone), "add", "-A", "--", *WATCHED], check=True)
    subprocess.run([*GIT, "-C", str(clone), "commit", "--quiet", "--allow-empty", "-m", "baseline: this build"],
                   check=True)
    shutil.copytree(paths.PROCESSED, clone / "data" / "processed")
    share_drawings(clone)  # the charts the build drew are not converted again
    for raw in paths.RAW.iterdir():
        if not (clone / "data" / "raw" / raw.name).exists():
            (clone / "data" / "raw" / raw.name).symlink_to(raw.resolve())
    return clone


def _rebuild_national_trends(clone: Path) -> None:
    """What `make` re-runs after children_looked_after.parquet changes: the national trends story, the
    revisions story (DfE's first-published figures against the data file) and the claims report (charts are
    written only where their bytes change)."""
    for args in [[sys.executable, "-m", "csc_figures.run", "13_national_trends"],
                 [sys.executable, "-m", "csc_figures.run", "15_revisions"],
                 [sys.executable, "-m", "csc_figures.claims"]]:
        done = _run(args, clone)
        assert done.returncode == 0, done.stderr


def test_unchanged_build_writes_no_report_and_exits_0(scratch):
    (scratch / "outputs" / "regress").mkdir()  # a stale report from an earlier run must go
    _rebuild_national_trends(scratch)
    done = _run([sys.executable, "-m", "csc_figures.regress"], scratch)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "Committed outputs unchanged."
    assert not (scratch / "outputs" / "regress").exists()


def test_a_changed_value_names_exactly_what_depends_on_it(scratch):
    table = scratch / "data" / "processed" / "children_looked_after.parquet"
    cla = pl.read_parquet(table)
    england_2021 = (pl.col("geographic_level") == "national") & (pl.col("year") == 2021)
    old = cla.filter(england_2021)["looked_after"].item()
    new = old - 1000
    cla.with_columns(pl.when(england_2021).then(pl.lit(new)).otherwise(pl.col("looked_after"))
                     .alias("looked_after")).write_parquet(table)
    _rebuild_national_trends(scratch)

    done = _run([sys.executable, "-m", "csc_figures.regress"], scratch)
    assert done.returncode == 0 and "Committed outputs unchanged." not in done.stdout, done.stdout + done.stderr
    assert (scratch / "outputs" / "regress" / "index.html").exists()
    report = collect(scratch)
    old_text, new_text = f"{old:,.0f}", f"{new:,.0f}"  # as the sentences print them

    # the one chart drawn from the series (and its narrow layout: the same spec), its table, spec data, picture
    changed = {c.name: c for c in report.charts}
    assert sorted(changed) == ["national_trends/children_looked_after", "national_trends/children_looked_after_narrow"]
    chart = changed["national_trends/children_looked_after"]
    assert (chart.name, chart.verdict) == ("national_trends/children_looked_after", "data changed")
    assert [(c.key["year"], c.field, float(c.old), float(c.new)) for c in chart.table.cells] == \
        [("2021", "value", old, new)]
    [data] = chart.data
    assert [(c.key["period"], c.field, float(c.old), float(c.new)) for c in data.cells] == \
        [("2020-21", "value", old, new)]
    assert chart.picture.changed_pixels > 0
    # the story's table of article figures: the recomputed count and the record it no longer is
    assert sorted(report.tables) == ["national_trends/article_figures.csv", "revisions/dfe_first_published.csv",
                                     "revisions/dfe_releases.csv"]
    first = report.tables["revisions/dfe_first_published.csv"]
    assert {(c.key["measure"], c.key["year"], c.field) for c in first.cells} >= {("looked_after", "2021", "latest")}
    figures = report.tables["national_trends/article_figures.csv"]
    cells = {(c.key["figure"], c.field): (c.old, c.new) for c in figures.cells}
    # the article's 80,850 is checked as first published; the revision the data file gives is in the why
    assert ("looked_after", "recomputed") not in cells
    old_why, new_why = cells[("looked_after", "why")]
    assert old_text in old_why and new_text in new_why
    assert cells[("looked_after_record", "status")] == ("match", "differs")
    # the story notebook's checked sentences
    assert sorted(report.notebooks) == ["13_national_trends", "15_revisions"]
    diffs = "\n".join(c.diff for c in report.notebooks["13_national_trends"].checked)
    assert f"-Children in care in England at 31 March 2021: {old_text}" in diffs
    assert f"+Children in care in England at 31 March 2021: {new_text}" in diffs
    # the claims: "a record high" stopped matching; the 80,850 quoted as first published still matches it
    assert [(c.claim_id, c.old_value, c.new_value, c.old_status, c.new_status) for c in report.claims] == [
        ("a002-106", "record high", "not a record", "match", "differs")]
    # the chart's alt text (<name>.txt) carries the figure too
    assert [c.path for c in report.others] == ["outputs/figures/national_trends/children_looked_after.txt"]
    # the summary puts the claim that stopped matching first
    text = summary(report)
    assert text.index("CLAIMS THAT STOPPED MATCHING") < text.index("a002-106") < text.index("CHANGED PUBLISHED VALUES")
    assert f"value {old} -> {new} (-1000)" in text
    page = scratch / "outputs" / "regress" / "index.html"
    assert_accessible_offline(page)
    # claims; the chart's CSV and spec data; its narrow layout's spec data; the story's table; the two revisions tables
    assert page.read_text().count("<table>") == 7


def test_a_colour_change_is_rendering_only(scratch):
    charts.setup()
    base = scratch / "outputs" / "figures" / "national_trends" / "children_looked_after"
    spec = json.loads(base.with_suffix(".vl.json").read_text())

    def recolour(node) -> bool:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "color" and isinstance(value, str) and value.startswith("#"):
                    node[key] = "#d4351c" if value.lower() != "#d4351c" else "#1d70b8"
                    return True
                if recolour(value):
                    return True
        elif isinstance(node, list):
            return any(recolour(v) for v in node)
        return False
    assert recolour(spec), "no colour in the spec to change"
    base.with_suffix(".vl.json").write_text(json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    svg = vlc.vegalite_to_svg(spec)
    base.with_suffix(".svg").write_text(svg)
    base.with_suffix(".png").write_bytes(vlc.svg_to_png(svg, scale=2))

    report = collect(scratch)
    assert [(c.name, c.verdict) for c in report.charts] == [("national_trends/children_looked_after", "rendering only")]
    [chart] = report.charts
    assert chart.data == [] and chart.table is None
    assert any("color" in line and "#d4351c" in line.lower() for line in chart.style)
    assert chart.picture.changed_pixels > 0
    assert not report.tables and not report.notebooks and not report.claims
    text = summary(report)
    assert "RENDERING ONLY" in text and "CHANGED PUBLISHED VALUES" not in text

    # accepting it stages exactly those files, with the summary as the commit message
    refused = _run([sys.executable, "-m", "csc_figures.regress", "accept", "--commit"], scratch)
    assert refused.returncode == 2 and "--why" in refused.stderr
    done = _run([sys.executable, "-m", "csc_figures.regress", "accept"], scratch)
    assert done.returncode == 0, done.stderr
    staged = subprocess.run(["git", "-C", str(scratch), "diff", "--cached", "--name-only"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert staged == [f"outputs/figures/national_trends/children_looked_after{s}" for s in (".png", ".svg", ".vl.json")]
    message = (scratch / "outputs" / "regress" / "commit-message.txt").read_text()
    assert message.startswith("Outputs: 1 chart changed in rendering only\n\nWhy: ")
    assert "RENDERING ONLY\n  chart national_trends/children_looked_after: rendering only" in message
    assert_accessible_offline(scratch / "outputs" / "regress" / "index.html")


# ---- a move larger than real revisions is marked (regress/improbable.py) -----------------------------

def test_a_move_no_real_revision_would_make_is_marked_first(tmp_path):
    from csc_figures import paths
    from csc_figures.regress.improbable import history

    real = history(paths.ROOT)  # from the workforce releases the build holds
    assert real is not None and 0 < real.limit < 1 and real.revisions > 1000
    assert history(tmp_path) is None  # nothing built: nothing is marked
    slip = compare.diff_csv(b"year,fte\n2024,100\n2025,110\n", b"year,fte\n2024,100\n2025,990\n")
    revision = compare.diff_csv(b"year,fte\n2024,100\n", b"year,fte\n2024,101\n")
    report = Report(tables={"a.csv": slip, "b.csv": revision}, history=real,
                    changes=[Change("outputs/tables/a.csv", b"", b""), Change("outputs/tables/b.csv", b"", b"")])
    text = summary(report)
    marked = text.split("LOOK FIRST: ")[1].split("\n\n")[0]
    assert marked.startswith("1 value(s) moved further than 99% of the")
    assert "table a.csv: year=2025: fte 110 -> 990" in marked and "b.csv" not in marked
    assert "table b.csv" in text  # still listed with the other changed values
