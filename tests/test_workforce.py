"""The workforce panel: real releases (known values, joint units, row counts) and bad input."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import sources, workforce
from csc_figures.errors import DataError, UserError


@pytest.fixture(scope="module")
def built() -> pl.DataFrame:
    return workforce.build()


def test_rows_in_equal_rows_out(built):
    for vintage, (name, _) in workforce.releases().items():
        raw_rows = pl.read_csv(sources.raw_path(name), infer_schema=False).height
        assert built.filter(pl.col("vintage") == vintage).height == raw_rows, name


def test_columns_follow_contract(built):
    assert built.columns == list(workforce.WORKFORCE.columns)
    assert built["vintage"].unique().sort().to_list() == [s.vintage for s in sources.releases(sources.WORKFORCE)]
    for m in workforce.MEASURES:
        assert built.schema[m] == pl.Float64
    assert set(built["geographic_level"].unique()) == {"national", "regional", "local_authority"}


def test_key_unique(built):
    assert built.select(workforce.WORKFORCE.key).is_duplicated().sum() == 0


def test_each_release_covers_2017_to_its_vintage(built):
    for vintage in workforce.releases():
        years = built.filter(pl.col("vintage") == vintage)["year"].unique().sort().to_list()
        assert years == list(range(2017, vintage + 1))


def test_york_vacancy_rate_2022_release(built):
    york = built.filter((pl.col("vintage") == 2022) & (pl.col("la_code") == "816"))
    rate = dict(zip(york["year"], york["vacancy_rate"], strict=True))
    assert rate[2020] == pytest.approx(11.6)
    assert rate[2021] == pytest.approx(16.1)
    assert york["ons_code"].unique().to_list() == ["E06000014"]


def test_joint_units_kept_and_flagged(built):
    joint = built.filter(pl.col("is_joint"))
    for vintage in (2023, 2024, 2025):
        units = set(joint.filter(pl.col("vintage") == vintage)["la_code"])
        assert units == {"314 / 318", "940 / 941"}
    northants = joint.filter(pl.col("la_code") == "940 / 941")
    assert northants["year"].min() == 2021
    assert northants["joint_codes"].to_list()[0] == ["940", "941"]
    # the 2022 release files the joint return under the lead code; the partner's row is all `z`
    old = built.filter(pl.col("vintage") == 2022)
    assert old.filter(pl.col("is_joint"))["la_code"].unique().sort().to_list() == ["314", "940"]
    partner = old.filter(pl.col("la_code") == "318")
    assert partner["fte"].is_null().all() and (partner["fte_flag"] == "z").all()
    # same figures in both layouts: Kingston and Richmond's 2020 FTE
    fte = built.filter((pl.col("year") == 2020) & pl.col("joint_codes").list.contains("318") & pl.col("is_joint"))
    assert fte["fte"].n_unique() == 1


def test_council_rows_keep_both_codes(built):
    la = built.filter(pl.col("geographic_level") == "local_authority")
    assert la["la_code"].str.contains(r"^\d{3}( / \d{3})?$").all()
    assert la["ons_code"].str.contains(r"^E\d{8}( / E\d{8})?$").all()
    assert built.filter(pl.col("geographic_level") != "local_authority")["la_code"].is_null().all()


def test_suppressed_cells_are_null_with_code(built):
    flagged = built.filter(pl.col("vacancy_rate_flag").is_not_null())
    assert flagged.height > 0
    assert flagged["vacancy_rate"].is_null().all()
    assert built.filter(pl.col("vacancy_rate").is_null())["vacancy_rate_flag"].is_not_null().all()
    codes = set(workforce.suppression_counts(built)["flag"])
    assert {"x", "z", "c", "u", "low"} <= codes
    # starters only exist from the 2023 layout
    assert (built.filter(pl.col("vintage") == 2022)["starters_flag"] == "not_published").all()


def test_panel_default_is_latest_and_rejects_unknown_vintage():
    assert workforce.panel()["vintage"].unique().to_list() == [max(workforce.releases())]
    with pytest.raises(UserError, match="2019"):
        workforce.panel(2019)


def test_england_one_row_per_year():
    eng = workforce.england(vintage=2024)
    assert eng.height == eng["year"].n_unique() == 8
    with pytest.raises(UserError):
        workforce.england(2030)


# ---- bad input, with small fixture files -------------------------------------------------------

HEADER = workforce.ID_COLUMNS + list(workforce.LAYOUT_2023)
# Figures that agree with each other (every rate from its own counts, as identities.py checks), scaled per row.
CONSISTENT = {"fte": 80, "headcount": 85, "starters": 10, "starters_headcount": 11, "leavers": 15,
              "leavers_headcount": 16, "turnover_rate": 18.8, "turnover_rate_headcount": 18.8, "agency_fte": 8,
              "agency_headcount": 9, "agency_rate": 9.1, "agency_rate_headcount": 9.6, "agency_cover_fte": 4,
              "agency_cover_rate": 50, "vacancies": 12, "vacancy_rate": 13.0, "vacancy_agency_cover_rate": 33.3,
              "case_holders": 60, "cases": 1000, "caseload": 16.7, "working_days_lost": 500, "absence_rate": 2.5}


def consistent(layout: dict[str, str]) -> list[str]:
    """A row's measure cells for a layout, in its column order."""
    return [str(CONSISTENT[measure]) for measure in layout.values()]


GOOD_ROWS = [
    ["2023", "Reporting year", "National", "E92000001", "England", "", "", "", "", ""] + consistent(workforce.LAYOUT_2023),
    ["2023", "Reporting year", "Local authority", "E92000001", "England", "E12000004", "East Midlands",
     "940 / 941", "E06000061 / E06000062", "North Northamptonshire / West Northamptonshire"]
    + consistent(workforce.LAYOUT_2023),
    ["2023", "Reporting year", "Local authority", "E92000001", "England", "E12000003", "Yorkshire and The Humber",
     "816", "E06000014", "York"] + consistent(workforce.LAYOUT_2023)[:-1] + ["x"],
]


def _write(tmp_path, header, rows, name="fixture.csv"):
    path = tmp_path / name
    path.write_text("\n".join(",".join(f'"{c}"' if "," in c else c for c in r) for r in [header, *rows]) + "\n")
    return path


def test_fixture_reads(tmp_path):
    df = workforce.read_release(_write(tmp_path, HEADER, GOOD_ROWS), workforce.LAYOUT_2023, 2023)
    assert df.height == 3
    york = df.filter(pl.col("la_code") == "816").row(0, named=True)
    assert york["absence_rate"] is None and york["absence_rate_flag"] == "x"
    assert york["fte"] == 80.0 and york["fte_flag"] is None
    joint = df.filter(pl.col("is_joint")).row(0, named=True)
    assert joint["joint_codes"] == ["940", "941"]


def test_renamed_column_names_it(tmp_path):
    header = [("vacancy_rate_fte_pct" if c == "vacancy_rate_fte" else c) for c in HEADER]
    with pytest.raises(DataError, match=r"fixture\.csv.*'vacancy_rate_fte_pct'"):
        workforce.read_release(_write(tmp_path, header, GOOD_ROWS), workforce.LAYOUT_2023, 2023)


def test_missing_column_names_it(tmp_path):
    drop = HEADER.index("caseload_fte")
    header = HEADER[:drop] + HEADER[drop + 1:]
    rows = [r[:drop] + r[drop + 1:] for r in GOOD_ROWS]
    with pytest.raises(DataError, match=r"fixture\.csv.*'caseload_fte' is missing"):
        workforce.read_release(_write(tmp_path, header, rows), workforce.LAYOUT_2023, 2023)


def test_header_row_inside_data_names_file_column_row(tmp_path):
    rows = [GOOD_ROWS[0], HEADER, GOOD_ROWS[1]]
    with pytest.raises(DataError, match=r"fixture\.csv: column 'time_period', row 3"):
        workforce.read_release(_write(tmp_path, HEADER, rows), workforce.LAYOUT_2023, 2023)


def test_unknown_code_in_a_measure_names_source_column(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1][:-1] + ["n/a"]]
    with pytest.raises(DataError, match=r"fixture\.csv: column 'absence_rate_fte', row 3"):
        workforce.read_release(_write(tmp_path, HEADER, rows), workforce.LAYOUT_2023, 2023)


def test_partner_with_figures_in_old_layout_is_an_error(tmp_path):
    header = workforce.ID_COLUMNS + list(workforce.LAYOUT_2022)
    rows = [
        ["2021", "Reporting year", "Local authority", "E92000001", "England", "E13000002", "Outer London",
         "314", "E09000021", "Kingston upon Thames"] + consistent(workforce.LAYOUT_2022),
        ["2021", "Reporting year", "Local authority", "E92000001", "England", "E13000002", "Outer London",
         "318", "E09000027", "Richmond upon Thames"] + ["6"] * 20,
    ]
    joint = {("314", "318"): 2017}  # as a later release names it
    with pytest.raises(DataError, match="318"):
        workforce.read_release(_write(tmp_path, header, rows), workforce.LAYOUT_2022, 2022, joint=joint)
    rows[1] = rows[1][:10] + ["z"] * 20
    df = workforce.read_release(_write(tmp_path, header, rows), workforce.LAYOUT_2022, 2022, joint=joint)
    assert df.filter(pl.col("la_code") == "314")["joint_codes"].to_list() == [["314", "318"]]
    # with no release naming the joint return (a desk holding the 2022 release alone), the partner's row of
    # `z` cannot be placed: refused, naming it, rather than published as a council with no figures
    with pytest.raises(DataError, match=r"council 318 \(Richmond upon Thames\) in 2021 has no figure of its own"):
        workforce.read_release(_write(tmp_path, header, rows), workforce.LAYOUT_2022, 2022)
    # and a file with no joint return at all needs none
    alone = workforce.read_release(_write(tmp_path, header, rows[:1]), workforce.LAYOUT_2022, 2022)
    assert not alone["is_joint"].any()


def test_joint_returns_are_learnt_from_the_releases_that_name_them():
    names = {vintage: name for vintage, (name, _) in workforce.releases().items()}
    learnt = workforce.joint_returns(list(names.values()))
    # Achieving for Children every year we hold; Northamptonshire Children's Trust from the councils' first year
    assert learnt == {("314", "318"): 2017, ("940", "941"): 2021}
    assert workforce.joint_returns([names[2022]]) == {}  # the older layout names none


def test_every_non_numeric_raw_cell_is_flagged(built):
    """Nothing silently dropped: each code in the raw file is a flag in the panel, cell for cell."""
    for vintage, (name, layout) in workforce.releases().items():
        raw = pl.read_csv(sources.raw_path(name), infer_schema=False)
        raw = raw.rename({c: c.lstrip("\ufeff") for c in raw.columns})
        raw_codes = (raw.select(list(layout)).unpivot(value_name="cell")
                     .filter(pl.col("cell").str.replace_all(",", "").cast(pl.Float64, strict=False).is_null())
                     .group_by(pl.col("cell").str.to_lowercase().alias("flag")).len().sort("flag"))
        ours = (workforce.suppression_counts(built.filter(pl.col("vintage") == vintage))
                .filter(pl.col("flag") != workforce.NOT_PUBLISHED).select("flag", pl.col("cells").alias("len"))
                .sort("flag"))
        assert raw_codes.to_dicts() == ours.to_dicts(), name


# ---- layouts: every column mapped to a declared measure, or ignored on purpose with a reason -------------

def test_a_column_mapped_to_a_made_up_name_is_refused_naming_layout_and_column():
    layout = {**workforce.LAYOUT_2023, "newly_qualified_fte": "newly_qualified"}
    with pytest.raises(DataError, match=r"layout '2026': column 'newly_qualified_fte' is mapped to 'newly_qualified'"):
        workforce.check_layout("2026", layout)


def test_two_columns_mapped_to_one_measure_are_refused():
    with pytest.raises(DataError, match="two columns are mapped to 'fte'"):
        workforce.check_layout("2026", {**workforce.LAYOUT_2023, "inpost_fte_revised": "fte"})


def test_an_ignored_column_needs_a_reason():
    with pytest.raises(ValueError, match="needs its reason"):
        workforce.Ignored("  ")


def test_a_column_ignored_on_purpose_is_read_and_left_out(tmp_path):
    layout = {**workforce.LAYOUT_2023, "newly_qualified_fte": workforce.Ignored("not a measure the stories use")}
    workforce.check_layout("2026", layout)
    header = HEADER + ["newly_qualified_fte"]
    rows = [r + ["7"] for r in GOOD_ROWS]
    df = workforce.read_release(_write(tmp_path, header, rows), layout, 2023)
    assert "newly_qualified_fte" not in df.columns and df.height == 3


def test_every_layout_in_use_is_checked():
    for name, layout in workforce.LAYOUTS.items():
        workforce.check_layout(name, layout)
