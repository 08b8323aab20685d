"""LA geography on the real files: codes, names, regions, reorganisations, neighbours, bad input."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from csc_figures import geography, neighbours, ofsted_layouts
from csc_figures.errors import DataError, UserError
from csc_figures.spreadsheet import load_sheet, split_tables


@pytest.fixture(scope="module")
def dfe_codes() -> pl.DataFrame:
    return geography.all_dfe_codes()


def _as_at_councils(file: str, sheet: str) -> int:
    raw = load_sheet(file, sheet)
    [(_, _, body)] = split_tables(raw, "Local authority name", 1, sheet)
    return body.height


# ---- shape and keys ------------------------------------------------------------------------

def test_one_row_per_dfe_code_and_declared_columns(geo):
    assert geo["la_code"].is_unique().all()
    assert geo.columns == list(geography.LA_GEOGRAPHY.columns)
    assert geo["la_code"].str.contains(r"^\d{3}$").all()
    assert geo["ons_code"].str.contains(r"^E\d{8}$").all()
    assert geo.select(pl.col("la_name", "region", "ofsted_region").is_null().any()).row(0) == (False, False, False)


def test_every_dfe_code_in_every_file_is_a_council_or_a_joint_return_of_councils(geo, dfe_codes):
    known = set(geo["la_code"])
    for code in dfe_codes["old_la_code"].unique():
        assert set(geography.joint_members(code)) <= known, code


def test_council_count_matches_ofsteds_as_at_tables(geo):
    # Ofsted's "as at 31 March" tables list every council that existed on that date.
    files = [(f.name, f.layout.as_at_sheet, f.as_at) for f in ofsted_layouts.OFSTED_FILES if f.layout.as_at_sheet]
    assert len(files) >= 2
    for file, sheet, day in files:
        existing = geo.filter(geography.exists_on(day)).height
        assert existing == _as_at_councils(file, sheet), file


def test_ofsted_region_matches_ofsteds_own_file(geo):
    ofsted = geography.read_ofsted_names()  # name and ONS code; regions read separately below
    raw = load_sheet(geography.OFSTED_NAMES_FILE, geography.OFSTED_NAMES_SHEET)
    [(_, header, body)] = split_tables(raw, "Local authority area code", 1, "2025 history")
    regions = body.select(pl.col(body.columns[header.index("Local authority area code") + 1]).alias("ons_code"),
                          pl.col(body.columns[header.index("Ofsted region") + 1]).alias("file_region")).unique()
    joined = regions.join(geography.ons_lookup(geo), on="ons_code", how="left").join(
        geo.select("la_code", "ofsted_region"), on="la_code", how="left")
    assert joined["la_code"].null_count() == 0
    assert ofsted.height > 150
    differs = joined.filter(pl.col("file_region").str.to_lowercase() != pl.col("ofsted_region").str.to_lowercase())
    assert differs.height == 0, differs


# ---- reorganisations -----------------------------------------------------------------------

def _row(geo, code):
    return geo.filter(pl.col("la_code") == code).row(0, named=True)


def test_bournemouth_poole_dorset_2019(geo):
    assert _row(geo, "836")["la_name"] == "Poole" and _row(geo, "837")["la_name"] == "Bournemouth"
    bcp = _row(geo, "839")
    assert bcp["predecessor_codes"] == ["836", "837"] and bcp["start_date"] == dt.date(2019, 4, 1)
    assert _row(geo, "835")["end_date"] == dt.date(2019, 3, 31)
    assert _row(geo, "835")["successor_codes"] == ["838"] and _row(geo, "838")["predecessor_codes"] == ["835"]


def test_northamptonshire_2021_and_cumbria_2023(geo):
    assert _row(geo, "928")["successor_codes"] == ["940", "941"]
    assert _row(geo, "928")["end_date"] == dt.date(2021, 3, 31)
    assert _row(geo, "941")["start_date"] == dt.date(2021, 4, 1)
    assert _row(geo, "909")["successor_codes"] == ["942", "943"]
    assert _row(geo, "943")["la_name"] == "Westmorland and Furness"


def test_north_yorkshire_and_somerset_keep_dfe_code_across_ons_change(geo):
    for code, old, new in [("815", "E10000023", "E06000065"), ("933", "E10000027", "E06000066")]:
        row = _row(geo, code)
        assert row["ons_code"] == new and old in row["ons_codes"]
        assert row["start_date"] is None and row["end_date"] is None


def test_reorganisation_names_are_checked_against_the_files(dfe_codes, monkeypatch):
    wrong = geography.Reorganisation(dt.date(2019, 4, 1), {"836": "Bournemouth"}, {"839": "Bournemouth, "
                                     "Christchurch and Poole"}, "test")
    monkeypatch.setattr(geography, "REORGANISATIONS", (wrong,))
    with pytest.raises(DataError, match="836 is spelt"):
        geography.check_reorganisations(dfe_codes)


# ---- joint returns -------------------------------------------------------------------------

def test_joint_members():
    assert geography.joint_members("314 / 318") == ["314", "318"]
    assert geography.joint_members("940 / 941") == ["940", "941"]
    assert geography.joint_members("816") == ["816"]
    assert geography.is_joint("940 / 941") and not geography.is_joint("940")
    with pytest.raises(UserError, match="joint code"):
        geography.joint_members("Kingston")


# ---- names ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Bristol", "801"), ("Bristol, City of", "801"), ("E06000023", "801"), ("801", "801"),
    ("Kingston Upon Hull", "810"), ("Durham", "840"), ("County Durham", "840"), ("St Helens", "342"),
    ("St. Helens", "342"), ("Bedford Borough", "822"), ("Herefordshire", "884"), ("Dorset", "838"),
    ("Dorset (Pre LG)", "835"), ("E10000023", "815"), ("E06000065", "815"), ("richmond upon thames", "318"),
])
def test_resolve_council(text, code):
    assert geography.resolve_council(text) == code


def test_resolve_council_unknown_lists_closest():
    with pytest.raises(UserError, match="Bristol"):
        geography.resolve_council("Brsitol")
    with pytest.raises(UserError, match="no council matches 'Narnia'"):
        geography.resolve_council("Narnia")
    with pytest.raises(UserError, match="not a DfE LA code"):
        geography.resolve_council("999")


def test_shared_spellings_only_between_predecessor_and_successor(names, geo):
    shared = names.group_by("normalised").agg(pl.col("la_code").unique().sort()).filter(pl.col("la_code").list.len() > 1)
    successors = dict(zip(geo["la_code"], geo["successor_codes"].to_list(), strict=True))
    for norm, codes in shared.rows():
        assert len(codes) == 2 and codes[1] in successors[codes[0]], (norm, codes)


def test_unmatched_name_is_an_error_naming_it(geo, names):
    frame = pl.DataFrame({"name": ["York", "Royston Vasey"]})
    with pytest.raises(DataError, match="Royston Vasey"):
        geography.match_names(frame, "name", names, geo, "fixture.ods")


def test_context_settles_a_shared_name(geo, names):
    frame = pl.DataFrame({"name": ["Dorset"]})
    assert geography.match_names(frame, "name", names, geo, "f", ended_only=True)["la_code"][0] == "835"
    assert geography.match_names(frame, "name", names, geo, "f", as_of=dt.date(2020, 1, 1))["la_code"][0] == "838"
    with pytest.raises(DataError, match="several councils"):
        geography.match_names(frame, "name", names, geo, "f")


def test_dfe_file_with_a_renamed_column_is_an_error():
    frame = pl.DataFrame({"time_period": ["2021"], "geographic_level": ["Local authority"], "old_la_code": ["816"],
                          "ons_code": ["E06000014"], "la_name": ["York"], "region_name": ["Yorkshire and The Humber"]})
    with pytest.raises(DataError, match=r"fixture.csv: expected column\(s\) \['new_la_code'\]"):
        geography.select_dfe_codes(frame, "fixture.csv")


def test_dfe_file_with_a_header_row_inside_the_data_is_an_error():
    frame = pl.DataFrame({"time_period": ["2021", "time_period"], "geographic_level": ["Local authority"] * 2,
                          "old_la_code": ["816", "old_la_code"], "new_la_code": ["E06000014", "new_la_code"],
                          "la_name": ["York", "la_name"], "region_name": ["Yorkshire and The Humber", "region_name"]})
    with pytest.raises(DataError, match=r"fixture.csv: column 'time_period', row 3"):
        geography.select_dfe_codes(frame, "fixture.csv")


# ---- statistical neighbours ----------------------------------------------------------------

def test_ten_neighbours_each_all_known(neighbours, geo):
    counts = neighbours.group_by("la_code").agg(pl.col("rank").sort())
    assert all(ranks == list(range(1, 11)) for ranks in counts["rank"].to_list())
    known = set(geo["la_code"])
    assert set(neighbours["la_code"]) <= known and set(neighbours["neighbour_code"]) <= known
    assert neighbours.filter(pl.col("la_code") == pl.col("neighbour_code")).height == 0
    assert neighbours.filter(pl.col("pre_reorganisation"))["la_code"].unique().sort().to_list() == ["835", "836", "837", "928"]


def test_neighbour_rows_in_equal_rows_out_plus_set_aside():
    raw = neighbours.read_neighbours_raw()
    long, excluded = neighbours.parse_neighbours(raw)
    assert long["la_code"].n_unique() + excluded.height == raw.height - 1


def _tiny_neighbour_file(rows: list[list[str]]) -> pl.DataFrame:
    header = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"] + [x for i in range(1, 11) for x in (f"SN{i}", "SNP")]
    data = [header] + rows
    return pl.DataFrame([list(col) for col in zip(*data, strict=True)], schema=[f"column_{i}" for i in range(len(header))], orient="col")


def _neighbour_row(code: str) -> list[str]:
    return [code, "Somewhere", code, "1", "East Midlands"] + [x for i in range(10) for x in (f"{831 + i}", "Close")]


def test_neighbour_file_renamed_column_is_an_error():
    raw = _tiny_neighbour_file([_neighbour_row("816")])
    raw = raw.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("SN 1")).otherwise(pl.col("column_5"))
                           .alias("column_5"))
    with pytest.raises(DataError, match="expected 'SN1'"):
        neighbours.parse_neighbours(raw, "fixture.csv")


def test_neighbour_file_header_row_inside_data_is_an_error():
    header_again = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"] + [x for i in range(1, 11) for x in (f"SN{i}", "SNP")]
    raw = _tiny_neighbour_file([_neighbour_row("816"), header_again])
    with pytest.raises(DataError, match="row 3 is neither a council"):
        neighbours.parse_neighbours(raw, "fixture.csv")
