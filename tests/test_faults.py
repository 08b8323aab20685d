"""The fault suite: a new release that parses but is wrong is refused, naming the file, and changes nothing.

Each fault is made the way a maintainer would bring in a new release: the real file is
replaced in a copy of the project and its sha256 and size updated in data/sources.toml.
The cleaning then runs in-process against the copy (paths point at it); it must raise a
DataError naming the file (and, where it is one value, the column, row and council), and
leave every processed table in the copy byte for byte as it was. One end-to-end `make all`
on a copy proves the same for the executed notebooks and committed outputs, and that the
CLI then refuses to answer from the table the refused file should have rebuilt.
"""

from __future__ import annotations

import datetime as dt

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import borrowed_environment
from csc_figures import check_data, children, geography, inspections, paths, sources, tables, workforce
from csc_figures.errors import DataError

ROOT = paths.ROOT
WORKFORCE_2025 = "csww_indicators_2017_to_2025.csv"
WORKFORCE_2024 = "csww_indicators_2017_to_2024.csv"
CIN = children.CIN_FILE
CLA = children.CLA_FILE
# The Ofsted file the faults were written against, pinned by its as-at date.
_OFSTED_2025 = inspections.file_as_at(dt.date(2025, 3, 31))
_OFSTED_2024 = inspections.file_as_at(dt.date(2024, 3, 31))
OFSTED_2025 = _OFSTED_2025.name
SHEET_2025 = _OFSTED_2025.layout.history_sheet


# ---- editing a copy the way a maintainer would -----------------------------------------------

def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _row_of(rows: list[list[str]], year: str, la_code: str) -> int:
    header = rows[0]
    return next(i for i, r in enumerate(rows) if r[header.index("time_period")] == year
                and r[header.index("old_la_code")] == la_code)


def set_area_cell(year: str, level: str, region_code: str, column: str, value: str) -> Callable[[Path], None]:
    """A cell of England's row (level 'National') or a region's ('Regional' and its code)."""
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        h = rows[0]
        i = next(i for i, r in enumerate(rows) if r[h.index("time_period")] == year
                 and r[h.index("geographic_level")] == level and r[h.index("region_code")] == region_code)
        rows[i][h.index(column)] = value
        _write_csv(path, rows)
    return edit


def empty_for_councils(year: str, column: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        h = rows[0]
        for r in rows[1:]:
            if r[h.index("time_period")] == year and r[h.index("geographic_level")] == "Local authority":
                r[h.index(column)] = "x"
        _write_csv(path, rows)
    return edit


def set_cell(year: str, la_code: str, column: str, value: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        rows[_row_of(rows, year, la_code)][rows[0].index(column)] = value
        _write_csv(path, rows)
    return edit


def swap_headers(a: str, b: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        i, j = rows[0].index(a), rows[0].index(b)
        rows[0][i], rows[0][j] = b, a
        _write_csv(path, rows)
    return edit


def drop_rows(keep: Callable[[dict], bool]) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        _write_csv(path, [rows[0]] + [r for r in rows[1:] if keep(dict(zip(rows[0], r, strict=True)))])
    return edit


def swap_councils(year: str, a: str, b: str, columns: tuple[str, ...]) -> Callable[[Path], None]:
    """In one year's rows, two councils' `columns` swapped (their codes, or their names)."""
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        i, j = _row_of(rows, year, a), _row_of(rows, year, b)
        for column in columns:
            k = rows[0].index(column)
            rows[i][k], rows[j][k] = rows[j][k], rows[i][k]
        _write_csv(path, rows)
    return edit


def set_looked_after(year: str, la_code: str, population: str, column: str, value: str) -> Callable[[Path], None]:
    """A cell of the children-looked-after file (one row per place, year and population: 'starting', ...)."""
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        h = [c.lstrip("\ufeff") for c in rows[0]]
        for r in rows:  # population "" is every population's row (each repeats the population estimate)
            if r[h.index("time_period")] == year and r[h.index("old_la_code")] == la_code \
                    and population in r[h.index("population_type")]:
                r[h.index(column)] = value
        _write_csv(path, rows)
    return edit


def scale_councils(year: str, column: str, factor: float) -> Callable[[Path], None]:
    """Every council's figure in one year and column multiplied (to the places it was printed to)."""
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        h = rows[0]
        for r in rows[1:]:
            text = r[h.index(column)]
            if r[h.index("time_period")] == year and r[h.index("geographic_level")] == "Local authority" \
                    and re.fullmatch(r"\d+(\.\d+)?", text):
                places = len(text.split(".")[1]) if "." in text else 0
                r[h.index(column)] = f"{float(text) * factor:.{places}f}"
        _write_csv(path, rows)
    return edit


def together(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        for one in edits:
            one(path)
    return edit


def header_only(path: Path) -> None:
    _write_csv(path, _read_csv(path)[:1])


def repeat_row(year: str, la_code: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        rows = _read_csv(path)
        i = _row_of(rows, year, la_code)
        _write_csv(path, rows[:i + 1] + [rows[i]] + rows[i + 1:])
    return edit


def ods_date(old: str, new: str) -> Callable[[Path], None]:
    """Change every cell holding date `old` to `new` inside an ODS (value and displayed text)."""
    shown = "/".join(reversed(new.split("-")))

    def edit(path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            members = [(info, z.read(info.filename)) for info in z.infolist()]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for info, data in members:
                if info.filename == "content.xml":
                    text, n = re.subn(rf'office:date-value="{old}(T00:00:00)?"([^>]*)><text:p>[^<]*</text:p>',
                                      rf'office:date-value="{new}\1"\2><text:p>{shown}</text:p>', data.decode("utf-8"))
                    assert n, f"{old} not in {path.name}"
                    data = text.encode("utf-8")
                z.writestr(info, data)
        path.write_bytes(out.getvalue())
    return edit


def ods_row(sheet: str, council: str, old: str, new: str, repeat: bool) -> Callable[[Path], None]:
    """In an ODS sheet, the first row naming `council`: change `old` to `new` in it, or (repeat) add a copy of
    the row, so changed, just below it."""
    def edit(path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            members = [(info, z.read(info.filename)) for info in z.infolist()]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for info, data in members:
                if info.filename == "content.xml":
                    text = data.decode("utf-8")
                    start = text.index(f'table:name="{sheet}"')
                    rows = re.finditer(r"<table:table-row[^>]*>.*?</table:table-row>", text[start:], flags=re.S)
                    row = next(m for m in rows if f"<text:p>{council}</text:p>" in m.group(0))
                    assert f"<text:p>{old}</text:p>" in row.group(0), f"{old} not in {council}'s row of {sheet}"
                    changed = row.group(0).replace(f"<text:p>{old}</text:p>", f"<text:p>{new}</text:p>", 1)
                    at, end = start + row.start(), start + row.end()
                    text = text[:at] + (row.group(0) + changed if repeat else changed) + text[end:]
                    data = text.encode("utf-8")
                z.writestr(info, data)
        path.write_bytes(out.getvalue())
    return edit


def register_new_release(project: Path, name: str) -> None:
    """What a maintainer does after replacing a raw file: record its sha256 and size in sources.toml."""
    data = (project / "data" / "raw" / name).read_bytes()
    toml = project / "data" / "sources.toml"
    text = toml.read_text()
    block = text.index(f'[files."{name}"]')
    end = text.find("\n[", block + 1)
    end = len(text) if end < 0 else end
    section = re.sub(r'sha256 = "[0-9a-f]+"', f'sha256 = "{hashlib.sha256(data).hexdigest()}"', text[block:end])
    section = re.sub(r"bytes = \d+", f"bytes = {len(data)}", section)
    toml.write_text(text[:block] + section + text[end:])


# ---- the faults -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    name: str
    file: str
    edit: Callable[[Path], None]
    build: str  # which cleaning runs
    message: tuple[str, ...]  # fragments the error must contain (besides the file name)


FAULTS = [
    Fault("nan", WORKFORCE_2025, set_cell("2025", "816", "turnover_rate_fte", "NaN"), "workforce",
          ("'turnover_rate'", "council 816 (York)", "NaN or infinite")),
    Fault("inf", WORKFORCE_2025, set_cell("2025", "816", "turnover_rate_fte", "inf"), "workforce",
          ("'turnover_rate'", "council 816 (York)", "NaN or infinite")),
    Fault("out_of_range", WORKFORCE_2025, set_cell("2025", "816", "turnover_rate_fte", "1520"), "workforce",
          ("'turnover_rate'", "council 816 (York)", "outside 0 to 100")),
    Fault("negative", WORKFORCE_2025, set_cell("2024", "816", "turnover_rate_fte", "-15.2"), "workforce",
          ("'turnover_rate'", "council 816 (York)", "outside 0 to 100")),
    Fault("negative_count", CIN, set_cell("2025", "816", "At31_episodes", "-120"), "children",
          ("'in_need_at_31_march'", "council 816 (York)", "0 or more")),
    # refused at the door by the rate's identity with its own counts (before any comparison with 2024)
    Fault("swapped_columns", WORKFORCE_2025, swap_headers("turnover_rate_fte", "agency_rate_fte"), "workforce",
          ("'turnover_rate' is published as", "but its counts give")),
    # a count that no longer fits its published rate: a typo in leavers, a caseload from another row
    Fault("leavers_typo", WORKFORCE_2025, set_cell("2025", "816", "leavers_fte", "250.0"), "workforce",
          ("council 816 (York)", "'turnover_rate' is published as", "100 x leavers / fte")),
    Fault("caseload_mismatch", WORKFORCE_2025, set_cell("2024", "816", "caseload_fte", "31.9"), "workforce",
          ("council 816 (York)", "year 2024", "'caseload' is published as 31.9", "cases / case_holders")),
    Fault("dropped_council", WORKFORCE_2025,
          drop_rows(lambda r: not (r["old_la_code"] == "816" and r["time_period"] == "2021")), "workforce",
          ("816 (York)", "missing from 2021")),
    Fault("dropped_council_every_year", WORKFORCE_2025, drop_rows(lambda r: r["old_la_code"] != "816"),
          "workforce", (WORKFORCE_2024, "missing 816")),
    Fault("missing_year", WORKFORCE_2025, drop_rows(lambda r: r["time_period"] != "2019"), "workforce",
          ("2017-2025", "no rows for 2019")),
    Fault("header_only", WORKFORCE_2025, header_only, "workforce", ("no rows for 2017",)),
    Fault("header_only_children", CIN, header_only, "children", ("no data rows",)),
    Fault("duplicate_row", WORKFORCE_2025, repeat_row("2023", "816"), "workforce",
          ("council 816 (York)", "appears 2 times", "repeated row")),
    Fault("implausible_date", OFSTED_2025, ods_date("2025-03-24", "2031-03-24"), "inspections",
          ("outside the window",)),
    # identities: a council's FTE typed ten times too large (or as a headcount's tenth), caught before its rates
    Fault("fte_times_ten", WORKFORCE_2025, set_cell("2024", "938", "inpost_fte", "4894.0"), "workforce",
          ("council 938 (West Sussex)", "year 2024", "'fte' 4894 is 9.27 times", "times 'headcount'")),
    Fault("headcount_a_tenth", WORKFORCE_2025, set_cell("2025", "330", "inpost_headcount", "80"), "workforce",
          ("council 330 (Birmingham)", "year 2025", "times 'headcount' 80")),
    # the newest year against the release's own history: England and a region (councils: the identities)
    Fault("england_fte_times_ten", WORKFORCE_2025, set_area_cell("2025", "National", "", "inpost_fte", "361863.0"),
          "workforce", ("England, 'fte' 34328.2 in 2024 and 361863 in 2025", "beyond anything its earlier years show")),
    Fault("region_headcount_times_ten", WORKFORCE_2025,
          set_area_cell("2025", "Regional", "E12000001", "inpost_headcount", "24340"), "workforce",
          ("region North East, 'headcount'", "and 24340 in 2025", "times")),
    Fault("column_emptied", WORKFORCE_2025, empty_for_councils("2025", "vacancy_rate_fte"), "workforce",
          ("column 'vacancy_rate' gives no council a figure for 2025",)),
    # an Ofsted file against itself: one inspection listed twice with two judgements; sheets that disagree
    Fault("inspection_listed_twice", OFSTED_2025,
          ods_row(SHEET_2025, "York", "Requires improvement to be good", "Inadequate", repeat=True), "inspections",
          ("council 816 (York)", "listed 2 times", "overall inadequate", "overall requires_improvement")),
    # sums: England against its nine regions, a region against its councils (sums.py)
    Fault("england_above_its_regions", CIN, set_area_cell("2023", "National", "", "At31_episodes", "415180"),
          "children", ("England, year 2023, 'in_need_at_31_march': 415180 published", "its nine regions (9) sum to")),
    Fault("council_above_its_region", WORKFORCE_2025, set_cell("2024", "816", "starters_headcount", "42"),
          "workforce", ("region Yorkshire and The Humber, year 2024, 'starters_headcount'", "its councils (15)")),
    # a rate per 10,000 against its count and population (identities.check_per_10000)
    Fault("rate_from_another_year", CLA, set_looked_after("2025", "816", "looked after on 31 March", "rate_per_10000",
                                                          "78"), "children",
          ("council 816 (York), year 2025", "'looked_after_rate' is published as 78", "240 per 10,000")),
    Fault("population_a_tenth", CLA, set_looked_after("2025", "816", "", "population_estimate", "3476"),
          "children", ("council 816 (York), year 2025", "'population_under_18' 3476", "'looked_after_rate'")),
    # a council's newest year against the distribution of earlier changes; councils moving together (plausibility)
    Fault("council_count_times_ten", CIN, set_cell("2025", "330", "At31_episodes", "93010"), "children",
          ("council 330 (Birmingham), 'in_need_at_31_march' 9209 in 2024 and 93010 in 2025",
           "times the usual spread", "reviewed_exceptions.csv")),
    Fault("enquiries_all_up_sixty_percent", children.S47_FILE, scale_councils("2025", "Section47", 1.6), "children",
          ("'section_47_enquiries' in 2025: the councils' median change is x1.6", "councils moving together")),
    Fault("sickness_days_all_up_sixty_percent", WORKFORCE_2025, scale_councils("2025", "working_days_lost_fte", 1.6),
          "workforce", ("'working_days_lost' in 2025: the councils' median change is x1.72", "councils moving together")),
    # completeness: a council missing for one year of a children's file (not explained by a reorganisation)
    Fault("council_missing_one_year", CIN, drop_rows(lambda r: not (r["old_la_code"] == "383" and r["time_period"] == "2019")),
          "children", ("council(s) 383 (Leeds) reported for 2018 but missing from 2019",)),
    Fault("council_missing_from_the_newest_year", CLA,
          drop_rows(lambda r: not (r["old_la_code"] == "380" and r["time_period"] == "2025")), "children",
          ("council(s) 380 (Bradford) reported for 2024 but missing from 2025",)),
    # the same classes in the March 2024 Ofsted file
    Fault("listed_twice_in_2024", _OFSTED_2024.name,
          ods_row(_OFSTED_2024.layout.history_sheet, "Leeds", "Outstanding", "Inadequate", repeat=True), "inspections",
          ("council 383 (Leeds), ILACS inspection published 2018-12-18 is listed 2 times", "overall inadequate")),
    Fault("sheets_disagree_in_2024", _OFSTED_2024.name,
          ods_row(_OFSTED_2024.layout.as_at_sheet, "Sheffield", "Good", "Inadequate", repeat=False), "inspections",
          ("sheet Inspections_31_March_2024 gives council 373 (Sheffield) overall 'inadequate'",
           "history sheet gives 'good'")),
    # strict parsing: more decimal places than the release prints the figure to
    Fault("headcount_with_a_point", WORKFORCE_2024, set_cell("2024", "330", "inpost_headcount", "1.523"), "workforce",
          ("column 'inpost_headcount', row", "'1.523' has more decimal places", "(whole numbers)")),
    Fault("rate_two_places", CLA, set_looked_after("2025", "816", "looked after on 31 March", "rate_per_10000", "69.05"),
          "children", ("column 'rate_per_10000', row", "'69.05' has more decimal places", "(whole numbers)")),
    # the stock of children looked after against last year's stock and the flows (identities.check_stock_flow):
    # a flow carried over from the year before, its rate recomputed so that the rate still fits
    Fault("ceasing_from_last_year", CLA, together(
        set_looked_after("2025", "886", "ceasing", "children_count", "2739"),
        set_looked_after("2025", "886", "ceasing", "rate_per_10000", "77")), "children",
        ("council 886 (Kent), year 2025", "1956 a year earlier + 3226 starting - 2739 ceasing", "a gap of -547")),
    Fault("ceasing_from_last_year_bradford", CLA, together(
        set_looked_after("2025", "380", "ceasing", "children_count", "600"),
        set_looked_after("2025", "380", "ceasing", "rate_per_10000", "42")), "children",
        ("council 380 (Bradford), year 2025", "a gap of +137")),
    # a council's identity: two councils' codes (DfE and ONS) or names swapped in one year of one file
    Fault("codes_swapped", CIN, swap_councils("2025", "380", "383", ("old_la_code", "new_la_code")), "geography",
          ("row 51", "council name 'Bradford' has DfE code 383 there", "but 380 in the other rows", "swapped")),
    Fault("names_swapped", WORKFORCE_2024, swap_councils("2024", "830", "831", ("la_name",)), "geography",
          ("row 66", "council name 'Derby' has DfE code 830 there", "but 831 in the other rows", "swapped")),
    Fault("sheets_disagree", OFSTED_2025,
          ods_row(_OFSTED_2025.layout.as_at_sheet, "Derby", "Good", "Inadequate", repeat=False), "inspections",
          ("sheet Inspections_as_at_31_March gives council 831 (Derby)", "'inadequate'", "history sheet gives 'good'")),
]

BUILDS = {
    "geography": lambda: geography.write_all(geography.build_all()),
    "workforce": lambda: workforce.write(),
    "children": lambda: children.write(),
    # As in `make`, geography (which reads Ofsted's spellings too) is rebuilt from the new file first.
    "inspections": lambda: inspections.write(inspections.build(*_geography())),
}


def _geography():
    built = geography.build_all()
    return built["la_geography"], built["la_names"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project's data (raw files, manifest, processed tables built by `make all`)."""
    copy = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "data", copy / "data", copy_function=shutil.copy2)
    return copy


@pytest.fixture
def faulty(project, tmp_path, monkeypatch) -> Path:
    """A fresh per-test copy of the project's data with paths pointed at it."""
    copy = tmp_path / "project"
    shutil.copytree(project / "data", copy / "data", copy_function=shutil.copy2)
    monkeypatch.setattr(paths, "RAW", copy / "data" / "raw")
    monkeypatch.setattr(paths, "PROCESSED", copy / "data" / "processed")
    monkeypatch.setattr(paths, "SOURCES_TOML", copy / "data" / "sources.toml")
    return copy


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_is_refused_naming_the_file_and_nothing_is_written(fault, faulty):
    fault.edit(faulty / "data" / "raw" / fault.file)
    register_new_release(faulty, fault.file)
    before = _snapshot(faulty / "data" / "processed")
    with pytest.raises(DataError) as refused:
        BUILDS[fault.build]()
    message = str(refused.value)
    assert fault.file in message, message
    for fragment in fault.message:
        assert fragment in message, message
    assert _snapshot(faulty / "data" / "processed") == before
    # ... and no table built from that file is answered from as if nothing had happened
    from_file = [s for s in children.SPECS.values() if fault.file in s.inputs]  # the children table it gives
    spec = {"geography": geography.LA_GEOGRAPHY, "workforce": workforce.WORKFORCE, "inspections": inspections.INSPECTIONS,
            "children": from_file[0] if from_file else None}[fault.build]
    with pytest.raises(DataError, match="not built from the raw file"):
        tables.read(spec.name)


def test_the_real_files_pass_in_the_copy(faulty):
    # The control: unedited, every cleaning runs and writes tables identical to the real build's.
    before = {k: v[0] for k, v in _snapshot(faulty / "data" / "processed").items() if k.endswith(".parquet")}
    for build in BUILDS.values():
        build()
    after = {k: v[0] for k, v in _snapshot(faulty / "data" / "processed").items() if k.endswith(".parquet")}
    assert after == before


def test_a_line_number_is_given_for_a_workforce_cell(faulty):
    set_cell("2025", "816", "turnover_rate_fte", "NaN")(faulty / "data" / "raw" / WORKFORCE_2025)
    register_new_release(faulty, WORKFORCE_2025)
    rows = _read_csv(faulty / "data" / "raw" / WORKFORCE_2025)
    line = _row_of(rows, "2025", "816") + 1  # the header is line 1
    with pytest.raises(DataError, match=rf"row {line}, council 816 \(York\)"):
        workforce.write()


# ---- the check phase: every raw file passes every check before any table is written -------------

FIRST_CHECKED = [f for f in FAULTS if f.name in ("codes_swapped", "leavers_typo", "negative_count",
                                                 "inspection_listed_twice")]


@pytest.mark.parametrize("fault", FIRST_CHECKED, ids=[f.name for f in FIRST_CHECKED])
def test_the_check_phase_refuses_a_fault_in_any_file_writing_nothing(fault, faulty, tmp_path, capsys):
    fault.edit(faulty / "data" / "raw" / fault.file)
    register_new_release(faulty, fault.file)
    before = _snapshot(faulty / "data" / "processed")
    stamp = tmp_path / "data-checked"
    stamp.write_text("an earlier pass\n")  # must not survive a refusal: Make would skip the check
    assert check_data.main([str(stamp)]) == 1
    said = capsys.readouterr().err
    assert "refused" in said and fault.file in said and all(f in said for f in fault.message), said
    assert not stamp.exists()
    assert _snapshot(faulty / "data" / "processed") == before


def test_the_check_phase_checks_every_declared_table():
    checked = {name for step in check_data.check_all().values() for name in step}
    assert set(tables.REGISTRY) <= checked


def test_the_check_phase_passes_the_real_files_and_records_each(faulty, tmp_path, capsys):
    before = _snapshot(faulty / "data" / "processed")
    stamp = tmp_path / "data-checked"
    assert check_data.main([str(stamp)]) == 0
    recorded = {line.split(" ")[0]: line.split(" ")[1:] for line in stamp.read_text().splitlines()}
    manifest = sources.load_manifest()
    assert recorded.pop("data/reviewed_exceptions.csv") == [sources.sha256_of(ROOT / "data" / "reviewed_exceptions.csv")]
    assert recorded.pop("src/csc_figures")  # the package's code: a changed reader makes the checked tables stale
    raw = faulty / "data" / "raw"
    assert recorded == {name: [sources.sha256_of(raw / name), str((raw / name).stat().st_size),
                               str((raw / name).stat().st_mtime_ns)] for name in manifest}
    assert f"Every check passed on the {len(manifest)} raw files" in capsys.readouterr().out
    assert _snapshot(faulty / "data" / "processed") == before  # it writes no table


# ---- end to end: a refused file changes no committed output --------------------------------------

def _tree_digest(folder: Path) -> dict[str, str]:
    """Every committed output's hash (outputs/runs/ is not committed: it keeps the failed run to read)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.relative_to(folder).parts[0] == "runs"}


def _runs(tree: Path) -> set[str]:
    """Every notebook run kept under outputs/runs/ (a failed run is kept there to read)."""
    return {str(p.relative_to(tree)) for p in (tree / "outputs" / "runs").rglob("*.ipynb")}


def test_make_all_with_a_refused_file_changes_nothing(tmp_path):
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".venv", ".git", "outputs/runs", "__pycache__", ".make.lock", "*.egg-info")
    shutil.copytree(ROOT, copy, ignore=ignore, copy_function=shutil.copy2, symlinks=True)
    borrowed_environment(copy)  # the checkout's packages, read-only; the copy's code first on the path
    set_cell("2025", "816", "turnover_rate_fte", "NaN")(copy / "data" / "raw" / WORKFORCE_2025)
    register_new_release(copy, WORKFORCE_2025)
    before = {"outputs": _tree_digest(copy / "outputs"), "processed": _tree_digest(copy / "data" / "processed")}
    runs_before = _runs(copy)
    env = {**os.environ, "CSC_FIGURES_ROOT": str(copy), "RAW_MIRROR": str(copy / "data" / "raw"),
           "PYTHONPATH": str(copy / "src")}
    env.pop("CSC_FIGURES_LOCKED", None)
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    built = subprocess.run(["make", "--no-print-directory", "all"], cwd=copy, env=env, capture_output=True, text=True)
    assert built.returncode != 0
    said = built.stdout + built.stderr
    assert WORKFORCE_2025 in said and "NaN or infinite" in said and "check-data: refused" in said
    assert _tree_digest(copy / "outputs") == before["outputs"]
    # refused by the check phase, before any cleaning step ran: no notebook, failed or not, and no stamp
    assert _runs(copy) == runs_before
    assert not (copy / "build" / "data-checked").exists()
    after = _tree_digest(copy / "data" / "processed")
    assert {k: v for k, v in after.items() if k.endswith(".parquet")} == \
        {k: v for k, v in before["processed"].items() if k.endswith(".parquet")}
    answer = subprocess.run([str(copy / ".venv" / "bin" / "python"), "-m", "csc_figures.cli", "council", "York"],
                            cwd=copy, env=env,
                            capture_output=True, text=True)
    stamp = (copy / "data" / "processed" / "workforce.inputs.json").read_text()
    assert answer.returncode != 0, (stamp, answer.stdout[:300])
    # the first table it reads that the refused file should have rebuilt (la_geography reads it too)
    assert "not built from the raw file" in answer.stderr and WORKFORCE_2025 in answer.stderr
    assert "Traceback" not in answer.stderr
