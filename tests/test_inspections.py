"""Ofsted inspection history on the real files: merge, known histories, judgement in force, bad input."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from csc_figures import geography, in_force, inspections, judgements, ofsted_sheets, spreadsheet, tables
from csc_figures.errors import DataError

JUDGEMENT_COLUMNS = list(ofsted_sheets.JUDGEMENT_COLUMNS)
# The files these tests were written against, pinned by their as-at dates (a newer file may join them).
FILE_2024 = inspections.file_as_at(dt.date(2024, 3, 31))
FILE_2025 = inspections.file_as_at(dt.date(2025, 3, 31))


@pytest.fixture(scope="module")
def built(geo, names) -> dict[str, pl.DataFrame]:
    return inspections.build(geo, names)


# ---- the table -----------------------------------------------------------------------------

def test_columns_and_unique_key(history):
    assert history.columns == list(inspections.INSPECTIONS.columns)
    assert history.select(inspections.INSPECTIONS.key).is_unique().all()
    # one row per council per inspection: no two SIF/ILACS reports for a council on one day
    in_force = history.filter(pl.col("framework").is_in(judgements.IN_FORCE_FRAMEWORKS))
    assert in_force.select("la_code", "published").is_unique().all()


def test_every_inspection_belongs_to_a_known_council(history, geo):
    assert history["la_code"].null_count() == 0
    assert set(history["la_code"]) <= set(geo["la_code"])
    assert history["la_name"].null_count() == 0


def test_every_council_has_an_inspection(history, geo):
    assert set(geo["la_code"]) == set(history["la_code"])


def test_judgements_are_normalised(history):
    allowed = set(inspections.JUDGEMENTS)
    for column in JUDGEMENT_COLUMNS:
        values = set(history[column].drop_nulls())
        assert values <= allowed | ({"adequate"} if column in ("safeguarding", "looked_after_children",
                                                                 "child_protection") else set()), column


def test_overall_only_for_sif_and_ilacs(history):
    in_force = history["framework"].is_in(judgements.IN_FORCE_FRAMEWORKS)
    assert history.filter(in_force)["overall"].null_count() == 0
    assert history.filter(~in_force)["overall"].null_count() == history.filter(~in_force).height


def test_published_always_known_and_in_range(history):
    assert history["published"].null_count() == 0
    assert history["published"].min() >= dt.date(2009, 1, 1)
    starts = history.filter(pl.col("inspection_start").is_not_null())
    assert (starts["inspection_start"] < starts["published"]).all()


def test_rows_in_equal_rows_out(built):
    rows, merged = built["source_rows"], built["inspections"]
    assert merged.height == inspections.with_sequence(rows).select(
        "la_code", "framework", "__group", "sequence").unique().height
    # every inspection in the newest long history appears once, with its ILACS count per council kept
    per_file = rows.filter(pl.col("source") == inspections.HISTORY_FILES[-1].name).group_by("la_code").len()
    per_merged = merged.filter(pl.col("framework") == "ILACS").group_by("la_code").len()
    check = per_file.join(per_merged, on="la_code", suffix="_merged")
    assert (check["len"] <= check["len_merged"]).all()


def test_every_ilacs_is_in_the_newest_history_and_typed(history):
    # The newest long history lists every ILACS since 2018, councils since abolished included.
    ilacs = history.filter(pl.col("framework") == "ILACS")
    assert ilacs["sources"].list.contains(inspections.HISTORY_FILES[-1].name).all()
    assert history["inspection_type"].null_count() == 0


def test_sources_list_the_files(history):
    counts = history.filter(pl.col("framework") == "ILACS")["sources"].list.len()
    assert counts.min() >= 1 and counts.max() == len(inspections.FILE_PRIORITY)
    assert history.filter(pl.col("framework") == "SIF")["sources"].list.len().max() == 1


# ---- disagreements -------------------------------------------------------------------------

def test_disagreements_table_is_committed_and_current(built):
    from csc_figures import paths

    committed = pl.read_csv(paths.TABLES / "inspections" / "disagreements.csv", infer_schema=False)
    assert committed.height == built["disagreements"].height
    assert committed["la_code"].to_list() == built["disagreements"]["la_code"].to_list()


def test_disagreements_resolved_to_the_most_recent_file(built, history):
    for row in built["disagreements"].filter(pl.col("as_at_table").is_null()).iter_rows(named=True):
        newest = next(row[f] for f in reversed(inspections.FILE_PRIORITY) if row[f] not in (None, "(not in file)"))
        assert row["resolved"] == newest
        match = history.filter((pl.col("la_code") == row["la_code"]) & (pl.col("framework") == row["framework"])
                               & (pl.col("sequence") == row["sequence"]))
        assert str(match[row["field"]][0]) == row["resolved"]


def test_nottingham_publication_date_from_the_2025_file(history):
    # 2023 and 2024 files say 5 November 2022 (a Saturday); the 2025 file 5 September 2022.
    second = history.filter((pl.col("la_code") == "892") & (pl.col("framework") == "ILACS") & (pl.col("sequence") == 2))
    assert second["published"][0] == dt.date(2022, 9, 5)


# ---- known histories -----------------------------------------------------------------------

def _ilacs(history, code):
    return history.filter((pl.col("la_code") == code) & (pl.col("framework") == "ILACS")).sort("published")


def test_york(history):
    # what the files published by 15 April 2025 say (a later file may add an inspection)
    york = history.filter(pl.col("la_code") == "816", pl.col("published") <= dt.date(2025, 4, 15)).sort("published")
    assert york["framework"].to_list() == ["SLAC", "SIF", "ILACS", "ILACS"]
    assert york.filter(pl.col("framework") == "SIF")["overall"].to_list() == ["good"]
    assert _ilacs(history, "816").filter(pl.col("published") <= dt.date(2025, 4, 15)).select(
        "published", "overall").rows() == [
        (dt.date(2022, 5, 4), "requires_improvement"), (dt.date(2025, 4, 15), "outstanding")]


@pytest.mark.parametrize("code, published, overall", [
    ("831", dt.date(2022, 5, 11), "outstanding"),   # Derby
    ("315", dt.date(2022, 5, 9), "outstanding"),    # Merton
    ("869", dt.date(2022, 5, 4), "good"),           # West Berkshire
])
def test_ilacs_spring_2022(history, code, published, overall):
    assert _ilacs(history, code).select("published", "overall").rows()[0] == (published, overall)


def _last_two(history, code):
    graded = history.filter((pl.col("la_code") == code) & pl.col("framework").is_in(["SIF", "ILACS"]))
    return graded.sort("published").tail(2).to_dicts()


def test_derby_as_community_care_reported_it():
    # Help and protection RI in 2017, outstanding in 2022; children in care good at both.
    before, after = _last_two(tables.read("inspections"), "831")
    assert (before["published"].year, after["published"].year) == (2017, 2022)
    assert (before["help_and_protection"], after["help_and_protection"]) == ("requires_improvement", "outstanding")
    assert (before["children_in_care"], after["children_in_care"]) == ("good", "good")
    assert after["leadership"] == "outstanding" and after["overall"] == "outstanding"


def test_west_berkshire_as_community_care_reported_it():
    # 2022 good across the board; 2017 good overall but RI for help and protection.
    before, after = _last_two(tables.read("inspections"), "869")
    assert {after[c] for c in ("overall", "help_and_protection", "children_in_care", "leadership")} == {"good"}
    assert (before["overall"], before["help_and_protection"]) == ("good", "requires_improvement")


def test_west_berkshire_sif_then_reinspection(history):
    sif = history.filter((pl.col("la_code") == "869") & (pl.col("framework") == "SIF")).sort("published")
    assert sif.select("inspection_type", "overall").rows() == [("first", "inadequate"), ("reinspection", "good")]


def test_st_helens_inadequate_then_good(history):
    assert _ilacs(history, "342")["overall"].to_list() == ["inadequate", "good"]


def test_pre_ilacs_frameworks_keep_their_own_judgements(history):
    derby_cpi = history.filter((pl.col("la_code") == "831") & (pl.col("framework") == "CPI"))
    assert derby_cpi.select("overall", "child_protection").rows() == [(None, "good")]
    slac = history.filter(pl.col("framework") == "SLAC")
    assert slac["safeguarding"].null_count() + slac["looked_after_children"].null_count() < slac.height


def test_ofsteds_as_at_tables_agree_with_the_history_except_where_reported(history, geo, names, built):
    # Ofsted's "as at 31 March" tables give each council's latest inspection by inspection date;
    # the history must hold an ILACS with that start date and judgements, or the difference is reported.
    reported = built["disagreements"].filter(pl.col("as_at_table").is_not_null())
    listed = set(zip(reported["la_code"], reported["as_at_table"], reported["field"], strict=True))
    checked = 0
    for file, sheet in ofsted_sheets.AS_AT_TABLES:
        where = f"{file} sheet {sheet}"
        table = ofsted_sheets.read_as_at_table(ofsted_sheets.load_sheet(file, sheet), geo, names, where)
        day = table["as_at"][0]
        assert table.height == geo.filter(geography.exists_on(day)).height
        for rec in table.iter_rows(named=True):
            code = rec["la_code"]
            if rec["inspection_start"] is None:  # "Not yet inspected": a new council with none of its own
                assert history.filter((pl.col("la_code") == code) & (pl.col("inspection_start") <= day)).height == 0
                continue
            hit = history.filter((pl.col("la_code") == code) & (pl.col("inspection_start") == rec["inspection_start"]))
            if hit.height == 0:
                assert (code, f"{file}/{sheet}", "inspection_start") in listed, (file, rec["la_name_source"])
                continue
            for column in ("overall", "leadership", "help_and_protection", "children_in_care", "care_leavers"):
                if rec[column] != hit[column][0]:
                    assert (code, f"{file}/{sheet}", column) in listed, (file, rec["la_name_source"], column)
            checked += 1
    assert checked > 290


def test_as_at_check_reports_a_changed_judgement(history, geo, names):
    raw = ofsted_sheets.load_sheet(FILE_2025.name, FILE_2025.layout.as_at_sheet)
    york_row = next(i for i, r in enumerate(raw.rows()) if r[2] == "York")
    changed = raw.with_row_index("i").with_columns(
        pl.when(pl.col("i") == york_row).then(pl.lit("Inadequate")).otherwise(pl.col(raw.columns[6]))
        .alias(raw.columns[6])).drop("i")
    tables_raw = {f"{file} sheet {sheet}": ofsted_sheets.load_sheet(file, sheet) for file, sheet in ofsted_sheets.AS_AT_TABLES}
    tables_raw[f"{FILE_2025.name} sheet {FILE_2025.layout.as_at_sheet}"] = changed
    found = ofsted_sheets.check_as_at_tables(history, geo, names, tables_raw=tables_raw)
    york = found.filter((pl.col("la_code") == "816") & (pl.col("field") == "overall"))
    assert york.select("as_at_value", "resolved").rows() == [("inadequate", "outstanding")]


# ---- judgement in force --------------------------------------------------------------------

def _in_force(day: dt.date) -> dict[str, dict]:
    return {r["la_code"]: r for r in in_force.judgements_in_force(day).iter_rows(named=True)}


def test_northamptonshire_successors_inherit_inadequate_until_their_own_inspections():
    before_split = _in_force(dt.date(2021, 3, 31))
    assert "940" not in before_split and before_split["928"]["judgement"] == "inadequate"
    for day in (dt.date(2021, 4, 1), dt.date(2022, 5, 6), dt.date(2022, 11, 24)):
        table = _in_force(day)
        assert "928" not in table
        for code in ("940", "941"):
            assert table[code]["judgement"] == "inadequate" and table[code]["inherited_from"] == "928"
            assert table[code]["published"] == dt.date(2019, 7, 29)
    after = _in_force(dt.date(2022, 11, 25))
    for code in ("940", "941"):
        assert after[code]["inherited_from"] is None
        assert after[code]["published"] == dt.date(2022, 11, 25)
        assert after[code]["judgement"] == "requires_improvement"


def test_bcp_inherits_the_most_recent_predecessor_judgement():
    row = _in_force(dt.date(2019, 4, 1))["839"]
    assert row["inherited_from"] == "837" and row["framework"] == "ILACS"  # Bournemouth 2018, not Poole's 2017 SIF
    assert _in_force(dt.date(2022, 2, 11))["839"]["judgement"] == "inadequate"


def test_cumbria_successors_inherit_until_their_own():
    table = _in_force(dt.date(2023, 4, 1))
    assert {table[c]["inherited_from"] for c in ("942", "943")} == {"909"}
    assert _in_force(dt.date(2024, 7, 12))["943"]["inherited_from"] is None


def test_one_row_per_existing_council(geo):
    for day in (dt.date(2009, 1, 1), dt.date(2019, 3, 31), dt.date(2019, 4, 1), dt.date(2025, 3, 31)):
        table = in_force.judgements_in_force(day)
        assert table["la_code"].is_unique().all()
        assert table.height == geo.filter(geography.exists_on(day)).height


def test_only_sif_and_ilacs_count_and_nothing_before_publication():
    table = in_force.judgements_in_force(dt.date(2013, 12, 31))
    assert table["judgement"].null_count() == table.height  # first SIF report published 2014
    york = _in_force(dt.date(2022, 5, 3))["816"]
    assert (york["framework"], york["judgement"]) == ("SIF", "good")
    assert _in_force(dt.date(2022, 5, 4))["816"]["judgement"] == "requires_improvement"


# ---- bad input -----------------------------------------------------------------------------

def test_unknown_judgement_text_is_an_error():
    assert ofsted_sheets.normalise_judgement("Requires improvement to be good", "f") == "requires_improvement"
    assert ofsted_sheets.normalise_judgement(" -", "f") is None
    assert ofsted_sheets.normalise_judgement("Adequate", "f", old_framework=True) == "adequate"
    with pytest.raises(DataError, match="'Adequate' is not a judgement"):
        ofsted_sheets.normalise_judgement("Adequate", "f.ods row 9")
    with pytest.raises(DataError, match="'Overall effectiveness' is not a judgement"):
        ofsted_sheets.normalise_judgement("Overall effectiveness", "f.ods row 9")


def test_bad_date_is_an_error():
    assert ofsted_sheets.parse_date("2019-04-01T00:00:00", "f") == dt.date(2019, 4, 1)
    with pytest.raises(DataError, match="'First ILACS publication date' is not a date"):
        ofsted_sheets.parse_date("First ILACS publication date", "f")


def _write_ods(path, sheet: str, rows: list[list[str | None]]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
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


_HEADER_2024 = ["Web link", "Local authority name", "LA region"] + [
    f"{n} ILACS {f}" for n in ("First", "Second") for f in (
        "publication date", "inspection type", "overall effectiveness", "impact of leaders",
        "experiences and progress of children who need help and protection",
        "experiences and progress of children in care", "experiences and progress of care leavers")]
_OLD_HEADER_2024 = ["Web link", "Local authority name", "LA region"] + [f"ILACS framework {f}" for f in (
    "publication date", "inspection type", "overall effectiveness", "impact of leaders",
    "experiences and progress of children who need help and protection",
    "experiences and progress of children in care and care leavers")]


def _york_row(name: str = "York") -> list[str | None]:
    return ["link", name, "North East", "2022-05-04T00:00:00", "ILACS Standard Inspection"] + \
        ["Requires improvement to be good"] * 4 + [None] * 8


def _old_row() -> list[str | None]:
    return ["link", "Northamptonshire", "East Midlands", "2019-07-29T00:00:00", "ILACS Standard Inspection",
            "Inadequate", "Requires improvement to be good", "Inadequate", "Inadequate"]


def _fixture_sheet(tmp_path, rows) -> pl.DataFrame:
    path = tmp_path / "fixture.ods"
    _write_ods(path, "ILACS", rows)
    return spreadsheet.read_sheet(path, "ILACS")


def _spec_2024() -> inspections.WideSheet:
    return next(s for s in inspections.WIDE_SHEETS if s.file == FILE_2024.name)


def test_tiny_ods_fixture_parses(tmp_path, geo, names):
    raw = _fixture_sheet(tmp_path, [["ILACS inspections"], _HEADER_2024, _york_row(), ["Old councils"],
                                    _OLD_HEADER_2024, _old_row()])
    rows = ofsted_sheets.read_wide_sheet(_spec_2024(), geo, names, raw=raw)
    assert rows.select("la_code", "framework", "inspection_type", "published", "overall").rows() == [
        ("816", "ILACS", "standard", dt.date(2022, 5, 4), "requires_improvement"),
        ("928", "ILACS", "standard", dt.date(2019, 7, 29), "inadequate")]


def test_header_row_inside_the_data_is_an_error(tmp_path, geo, names):
    raw = _fixture_sheet(tmp_path, [["ILACS inspections"], _HEADER_2024, _york_row(), _HEADER_2024, _york_row("Derby"),
                                    ["Old councils"], _OLD_HEADER_2024, _old_row()])
    with pytest.raises(DataError, match="header row inside the data at row 4"):
        ofsted_sheets.read_wide_sheet(_spec_2024(), geo, names, raw=raw)


def test_renamed_column_is_an_error(tmp_path, geo, names):
    renamed = [h.replace("First ILACS overall effectiveness", "First ILACS overall judgement") for h in _HEADER_2024]
    raw = _fixture_sheet(tmp_path, [["ILACS inspections"], renamed, _york_row(), ["Old councils"],
                                    _OLD_HEADER_2024, _old_row()])
    with pytest.raises(DataError, match="unknown column.*First ILACS overall judgement"):
        ofsted_sheets.read_wide_sheet(_spec_2024(), geo, names, raw=raw)


def test_unmatched_council_name_is_an_error(tmp_path, geo, names):
    raw = _fixture_sheet(tmp_path, [["ILACS inspections"], _HEADER_2024, _york_row("Yorke Shire"), ["Old councils"],
                                    _OLD_HEADER_2024, _old_row()])
    with pytest.raises(DataError, match="'Yorke Shire'"):
        ofsted_sheets.read_wide_sheet(_spec_2024(), geo, names, raw=raw)


def test_a_current_council_in_the_old_councils_table_is_an_error(tmp_path, geo, names):
    old_york = ["link", "York"] + _old_row()[2:]
    raw = _fixture_sheet(tmp_path, [["ILACS inspections"], _HEADER_2024, _york_row(), ["Old councils"],
                                    _OLD_HEADER_2024, old_york])
    with pytest.raises(DataError, match="'York'"):
        ofsted_sheets.read_wide_sheet(_spec_2024(), geo, names, raw=raw)


def test_judgement_without_publication_date_is_an_error(tmp_path, geo, names):
    row = _york_row()
    row[3] = None
    raw = _fixture_sheet(tmp_path, [["ILACS inspections"], _HEADER_2024, row, ["Old councils"],
                                    _OLD_HEADER_2024, _old_row()])
    with pytest.raises(DataError, match="row 3: judgements .* but no publication date"):
        ofsted_sheets.read_wide_sheet(_spec_2024(), geo, names, raw=raw)


def test_2025_history_unknown_ons_code_is_an_error(geo):
    header = ["Web link", *ofsted_sheets._HISTORY_COLUMNS]
    row = ["link", "E06999999", "Atlantis", "Current", "London", "2022-01-01T00:00:00", "2022-02-01T00:00:00",
           "ILACS Standard Inspection", "Good", "Good", "Good", "Good", None]
    title = ["ILACS inspection history"] + [None] * (len(header) - 1)
    raw = pl.DataFrame({f"c{i}": [t, h, r] for i, (t, h, r) in enumerate(zip(title, header, row, strict=True))})
    with pytest.raises(DataError, match="E06999999"):
        ofsted_sheets.parse_history(raw, geo, FILE_2025)


def test_ilacs_without_inspection_type_is_an_error(tmp_path, geo, names):
    row = _york_row()
    row[4] = None
    raw = _fixture_sheet(tmp_path, [["ILACS inspections"], _HEADER_2024, row, ["Old councils"],
                                    _OLD_HEADER_2024, _old_row()])
    with pytest.raises(DataError, match="row 3: 'First ILACS publication date' given but no 'First ILACS inspection type'"):
        ofsted_sheets.read_wide_sheet(_spec_2024(), geo, names, raw=raw)
