"""Children in need, section 47 and children looked after tables: real files and bad input."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import children, sources
from csc_figures.errors import DataError


@pytest.fixture(scope="module")
def cin() -> pl.DataFrame:
    return children.read_children_in_need(sources.raw_path(children.CIN_FILE))


@pytest.fixture(scope="module")
def s47() -> pl.DataFrame:
    return children.read_section_47(sources.raw_path(children.S47_FILE))


@pytest.fixture(scope="module")
def cla() -> pl.DataFrame:
    return children.read_children_looked_after(sources.raw_path(children.CLA_FILE))


def _raw_rows(name: str) -> int:
    return pl.read_csv(sources.raw_path(name), infer_schema=False).height


def test_rows_in_equal_rows_out(cin, s47, cla):
    assert cin.height == _raw_rows(children.CIN_FILE)
    assert s47.height == _raw_rows(children.S47_FILE)
    assert cla.height * 3 == _raw_rows(children.CLA_FILE)


@pytest.mark.parametrize("name", ["cin", "s47", "cla"])
def test_columns_keys_and_levels(name, request):
    df = request.getfixturevalue(name)
    spec = {"cin": children.CHILDREN_IN_NEED, "s47": children.SECTION_47, "cla": children.CHILDREN_LOOKED_AFTER}[name]
    assert df.columns == list(spec.columns)
    assert df.select(spec.key).is_duplicated().sum() == 0
    assert set(df["geographic_level"]) == {"national", "regional", "local_authority"}
    la = df.filter(pl.col("geographic_level") == "local_authority")
    assert la["la_code"].str.contains(r"^\d{3}$").all() and la["ons_code"].str.contains(r"^E\d{8}$").all()
    assert df.filter(pl.col("geographic_level") == "national").height == df["year"].n_unique()


def test_years_are_years_ending_march(s47, cla):
    assert s47["year"].min() == 2013 and s47["year"].max() == 2025
    assert cla["year"].unique().sort().to_list() == [2021, 2022, 2023, 2024, 2025]
    assert s47.filter(pl.col("year") == 2021)["period"].unique().to_list() == ["2020-21"]
    got = children.year_ending_march(pl.Series(["2021", "202021", "201213"]), "x.csv").to_list()
    assert got == [2021, 2021, 2013]
    with pytest.raises(DataError, match="row 2"):
        children.year_ending_march(pl.Series(["202022"]), "x.csv")


def test_known_national_values(s47, cla, cin):
    eng = s47.filter(pl.col("geographic_level") == "national")
    assert dict(zip(eng["year"], eng["section_47_enquiries"], strict=True))[2021] == 198790
    cla_eng = cla.filter(pl.col("geographic_level") == "national")
    row = cla_eng.filter(pl.col("year") == 2021).row(0, named=True)
    # today's release revises 2021's 80,850 (as first published) to 80,780
    assert row["looked_after"] == 80780 and row["starting"] == 28470 and row["ceasing"] == 28120
    assert row["population_under_18"] == 11787794
    cin_eng = cin.filter((pl.col("geographic_level") == "national") & (pl.col("year") == 2022))
    assert cin_eng["in_need_at_31_march"].item() == 404310


def test_regions_sum_to_england(s47):
    regions = s47.filter((pl.col("geographic_level") == "regional")
                         & ~pl.col("region_name").is_in(["Inner London", "Outer London"]))
    by_year = regions.group_by("year").agg(pl.col("section_47_enquiries").sum()).sort("year")
    eng = s47.filter(pl.col("geographic_level") == "national").sort("year")
    assert by_year["section_47_enquiries"].to_list() == pytest.approx(eng["section_47_enquiries"].to_list(), rel=1e-3)


def test_suppressed_cells_null_with_flag(s47, cla):
    flagged = s47.filter(pl.col("icpcs_flag").is_not_null())
    assert flagged.height > 0 and flagged["icpcs"].is_null().all()
    hampshire = s47.filter((pl.col("la_code") == "850") & (pl.col("year") == 2024))
    assert hampshire["section_47_enquiries"].item() is None
    # councils not yet (or no longer) in existence are published as `z`, kept as such
    cumbria = cla.filter((pl.col("la_code") == "909") & (pl.col("year") == 2025)).row(0, named=True)
    assert cumbria["looked_after"] is None and cumbria["looked_after_flag"] == "z"


# ---- bad input ---------------------------------------------------------------------------------

def _fixture(tmp_path, header, rows, name="cin.csv"):
    path = tmp_path / name
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n")
    return path


CIN_HEADER = children.ID_COLUMNS + ["category"] + list(children.CIN_MEASURES)
CIN_ROW = ["2021", "Reporting year", "Local authority", "E92000001", "England", "E12000003",
           "Yorkshire and The Humber", "816", "E06000014", "York", "Children in Need"] + ["10"] * 7 + ["c"]


def test_fixture_reads_and_flags(tmp_path):
    df = children.read_children_in_need(_fixture(tmp_path, CIN_HEADER, [CIN_ROW]))
    row = df.row(0, named=True)
    assert row["year"] == 2021 and row["period"] == "2020-21" and row["la_code"] == "816"
    assert row["awaiting_assessment"] is None and row["awaiting_assessment_flag"] == "c"


def test_renamed_column_is_named(tmp_path):
    header = [("At31_children" if c == "At31_episodes" else c) for c in CIN_HEADER]
    with pytest.raises(DataError, match=r"cin\.csv: unknown column 'At31_children'"):
        children.read_children_in_need(_fixture(tmp_path, header, [CIN_ROW]))


def test_header_row_inside_data_is_named(tmp_path):
    with pytest.raises(DataError, match=r"cin\.csv: column 'time_period', row 3"):
        children.read_children_in_need(_fixture(tmp_path, CIN_HEADER, [CIN_ROW, CIN_HEADER]))


def test_unknown_code_names_source_column(tmp_path):
    row = CIN_ROW[:-2] + ["n/a", "5"]
    with pytest.raises(DataError, match=r"cin\.csv: column 'At31_episodes', row 2"):
        children.read_children_in_need(_fixture(tmp_path, CIN_HEADER, [row]))


def test_cla_missing_population_type_is_an_error(tmp_path):
    header = children.ID_COLUMNS + ["population_type"] + children.CLA_VALUE_COLUMNS
    base = ["2021", "Reporting year", "National", "E92000001", "England", "", "", "", "", ""]
    rows = [base + [f'"{p}"', "100", "5", "50"] for p in list(children.CLA_POPULATIONS)[:2]]
    with pytest.raises(DataError, match="population types"):
        children.read_children_looked_after(_fixture(tmp_path, header, rows, "cla.csv"))
    rows.append(base + [f'"{list(children.CLA_POPULATIONS)[2]}"', "100", "7", "70"])
    df = children.read_children_looked_after(_fixture(tmp_path, header, rows, "cla.csv"))
    assert df.height == 1 and df["ceasing"].item() == 7


@pytest.mark.parametrize("name,fixture,measures", [
    (children.CIN_FILE, "cin", list(children.CIN_MEASURES)),
    (children.S47_FILE, "s47", list(children.S47_MEASURES)),
    (children.CLA_FILE, "cla", children.CLA_VALUE_COLUMNS),
])
def test_every_non_numeric_raw_cell_is_flagged(name, fixture, measures, request):
    df = request.getfixturevalue(fixture)
    raw = pl.read_csv(sources.raw_path(name), infer_schema=False)
    raw = raw.rename({c: c.lstrip("\ufeff") for c in raw.columns})
    codes = raw.select(measures).unpivot(value_name="cell").filter(
        pl.col("cell").str.replace_all(",", "").cast(pl.Float64, strict=False).is_null())
    flags = df.select([c for c in df.columns if c.endswith("_flag")]).unpivot(value_name="flag").drop_nulls("flag")
    if name == children.CLA_FILE:
        # the population estimate is published on each of the three rows and kept once
        pop = raw.filter(pl.col("population_estimate").cast(pl.Float64, strict=False).is_null()).height
        assert flags.height == codes.height - pop + pop // 3
    else:
        assert sorted(flags["flag"].to_list()) == sorted(codes["cell"].str.to_lowercase().to_list())
