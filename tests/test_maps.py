"""The hex map: every council on one hexagon on every day, and maps that say what they show."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from csc_figures import charts, hexmap, inspections, judgements, measures, style
from csc_figures.errors import DataError, UserError
from csc_figures.stories import maps
from csc_figures.stories.maps import chart as map_chart
from csc_figures.stories.inspection_judgements import march_dates

# ---- the layout -------------------------------------------------------------------------------------


def test_the_layout_is_the_published_file_with_151_councils():
    layout = hexmap.layout()
    assert layout.height == 151
    assert layout["ons_code"].is_unique().all()
    assert layout.select(pl.struct("q", "r").is_unique().all()).item()


def test_every_council_we_show_has_exactly_one_hexagon_on_every_day(geo):
    placed = hexmap.positions(geo)
    assert placed["la_code"].sort().to_list() == geo["la_code"].sort().to_list()
    # Every day a council starts or ends, and every 31 March the stories show.
    days = {d for d in geo["start_date"].drop_nulls()} | {d + dt.timedelta(days=1) for d in geo["end_date"].drop_nulls()}
    days |= set(march_dates(2009, inspections.NEWEST_FILE.as_at))
    for day in sorted(days):
        existing = geo.filter(((pl.col("start_date").is_null()) | (pl.col("start_date") <= day))
                              & ((pl.col("end_date").is_null()) | (pl.col("end_date") >= day)))
        on_day = hexmap.on(day, geo)
        assert sorted(on_day["la_code"]) == sorted(existing["la_code"]), day
        assert on_day.select(pl.struct("q", "r").is_unique().all()).item(), f"two councils share a hexagon on {day}"


def test_the_councils_created_since_2019_are_placed_by_the_rule(geo):
    placed = {r["la_name"]: r for r in hexmap.positions(geo).iter_rows(named=True)}
    layout = {r["name"]: (r["q"], r["r"]) for r in hexmap.layout().iter_rows(named=True)}
    assert (placed["North Northamptonshire"]["q"], placed["North Northamptonshire"]["r"]) == layout["Northamptonshire"]
    assert (placed["Cumberland"]["q"], placed["Cumberland"]["r"]) == layout["Cumbria"]
    for name in ("West Northamptonshire", "Westmorland and Furness"):
        assert "empty hexagon nearest" in placed[name]["placed_by"]
        assert (placed[name]["q"], placed[name]["r"]) not in layout.values()
    assert placed["North Yorkshire"]["placed_by"] == "layout, as E10000023"
    assert placed["Somerset"]["placed_by"] == "layout, as E10000027"


def test_the_nearest_empty_hexagon_breaks_ties_east_first():
    assert hexmap.nearest_empty(5, 2, taken={(5, 2)}) == (6, 2)
    assert hexmap.nearest_empty(5, 2, taken={(5, 2), (6, 2)}) == (5, 3)  # even row: north-east is (q, r+1)
    assert hexmap.nearest_empty(5, 3, taken={(5, 3), (6, 3)}) == (6, 4)  # odd row: north-east is (q+1, r+1)


def test_a_council_the_layout_cannot_place_is_named(geo):
    lonely = geo.head(1).with_columns(la_code=pl.lit("999"), ons_code=pl.lit("E06999999"), la_name=pl.lit("Newtown"),
                                      ons_codes=pl.lit(["E06999999"]))
    with pytest.raises(DataError, match=r"Newtown \(999, E06999999\) is not in the layout"):
        hexmap.place(pl.concat([geo, lonely]), hexmap.layout())


@pytest.mark.parametrize(("text", "message"), [
    ('{"layout": "odd-q", "hexes": {}}', "layout 'odd-r'"),
    ('{"layout": "odd-r", "hexes": {"E06000001": {"q": 1, "r": 1}, "E06000002": {"q": 1, "r": 1}}}',
     "share a position: E06000001 \\(1, 1\\), E06000002"),
    ('{"layout": "odd-r", "hexes": {"E06000001": {"q": "1", "r": 1}}}', "no whole-number q and r"),
    ('{"layout": "odd-r", "hexes": {"W06000001": {"q": 1, "r": 1}}}', "not an English ONS area code"),
    ("{not json", "not valid JSON"),
])
def test_a_broken_layout_is_refused_naming_the_file_and_hexagon(text, message):
    with pytest.raises(DataError, match=f"layout.hexjson: .*{message}"):
        hexmap.parse_layout(text, "layout.hexjson")


# ---- judgement maps ---------------------------------------------------------------------------------


def test_judgements_at_a_date_count_every_council(geo, history):
    table = maps.judgement_map_table("2025-03-31", history, geo)
    counts = maps.judgement_counts(table)
    assert sum(counts.values()) == table.height == 153
    assert maps.judgement_title(table).startswith(
        f"{counts['Outstanding'] + counts['Good']} of {table.height - counts[maps.NOT_JUDGED]} councils")
    description = maps.judgement_description(table)
    for label, n in counts.items():
        if n:
            assert f"{n} {label.lower()}" in description


def test_an_inherited_judgement_is_marked_and_named(geo, history):
    table = maps.judgement_map_table("2021-06-01", history, geo)
    west = table.filter(pl.col("la_name") == "West Northamptonshire").row(0, named=True)
    assert west["inherited"] and west["inherited_from_name"] == "Northamptonshire"
    assert "West Northamptonshire (from Northamptonshire)" in maps.judgement_description(table)
    spec = maps.judgement_map(table).to_dict()
    assert "A dot marks a judgement carried over" in " ".join(spec["title"]["subtitle"])


def test_a_date_outside_ofsteds_files_is_refused():
    with pytest.raises(UserError, match="outside the data"):
        maps.judgement_map_table("2030-01-01")


# ---- measure maps -----------------------------------------------------------------------------------


def _panel(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"vintage": 2022, "year": 2021, "geographic_level": "local_authority", "la_code": code, "is_joint": joint,
          "joint_codes": members, "turnover_rate": value, "turnover_rate_flag": flag}
         for code, joint, members, value, flag in rows],
        schema={"vintage": pl.Int64, "year": pl.Int64, "geographic_level": pl.String, "la_code": pl.String,
                "is_joint": pl.Boolean, "joint_codes": pl.List(pl.String), "turnover_rate": pl.Float64,
                "turnover_rate_flag": pl.String})


def test_a_joint_return_colours_both_councils_and_says_so(geo):
    panel = _panel([("940", True, ["940", "941"], 16.2, None), ("941", False, ["941"], None, "x"),
                    ("816", False, ["816"], 12.0, None)])
    table = maps.measure_map_table("turnover_rate", 2021, panel=panel, geo=geo)
    north, west = (table.filter(pl.col("la_name") == n).row(0, named=True)
                   for n in ("North Northamptonshire", "West Northamptonshire"))
    assert north["value"] == west["value"] == 16.2 and north["joint"] and west["joint"]
    assert west["joint_with"] == "North Northamptonshire"
    description = maps.measure_description(table, maps.bin_labels(table))
    assert description.count("North Northamptonshire and West Northamptonshire") == 1


def test_two_figures_for_one_council_are_refused(geo):
    panel = _panel([("940", True, ["940", "941"], 16.2, None), ("941", False, ["941"], 14.0, None)])
    with pytest.raises(UserError, match=r"two figures for council West Northamptonshire \(941\)"):
        maps.measure_map_table("turnover_rate", 2021, panel=panel, geo=geo)


def test_a_year_the_release_does_not_hold_is_refused(geo):
    with pytest.raises(UserError, match="year 2015: the workforce release with vintage 2022 holds 2021-2021"):
        maps.measure_map_table("turnover_rate", 2015, panel=_panel([("816", False, ["816"], 12.0, None)]), geo=geo)


def test_groups_are_fifths_labelled_by_their_printed_extremes_and_no_figure_kept():
    m = measures.measure("turnover_rate")
    values = [float(v) for v in range(1, 11)] + [None]
    table = pl.DataFrame({"la_code": [f"{i:03d}" for i in range(11)], "value": values,
                          "joint_with": [None] * 11}, schema={"la_code": pl.String, "value": pl.Float64,
                                                            "joint_with": pl.String})
    binned = maps.with_bins(table, m)
    assert maps.bin_labels(binned) == ["1.0% to 2.0%", "3.0% to 4.0%", "5.0% to 6.0%", "7.0% to 8.0%",
                                       "9.0% to 10.0%", maps.NO_FIGURE]
    assert binned["bin"].drop_nulls().to_list() == sorted(binned["bin"].drop_nulls().to_list())
    assert binned.filter(pl.col("value").is_null())["printed"].to_list() == ["no figure"]


def test_two_councils_printed_alike_share_a_group():
    m = measures.measure("turnover_rate")
    table = pl.DataFrame({"la_code": ["a", "b", "c", "d", "e", "f"], "value": [1.04, 1.0, 2.0, 3.0, 4.0, 5.0],
                          "joint_with": [None] * 6}, schema={"la_code": pl.String, "value": pl.Float64,
                                                           "joint_with": pl.String})
    binned = maps.with_bins(table, m)
    assert binned["bin"][0] == binned["bin"][1]


def test_the_measure_map_names_basis_release_and_the_councils_without_a_figure(geo):
    panel = _panel([("816", False, ["816"], 12.0, None), ("815", False, ["815"], None, "x")])
    table = maps.measure_map_table("turnover_rate", 2021, panel=panel, geo=geo)
    subtitle = " ".join(maps.measure_map(table).to_dict()["title"]["subtitle"])
    assert "full-time equivalent (FTE)" in subtitle and "DfE's 2022 release" in subtitle
    description = maps.measure_description(table, maps.bin_labels(table))
    assert "North Yorkshire" in description and "No figure for" in description
    assert maps.measure_title(table) == "Half of councils had a turnover rate of 12.0% or more in 2021"


# ---- the charts -------------------------------------------------------------------------------------


def test_a_map_requests_nothing_and_is_one_described_image(geo, history):
    table = maps.judgement_map_table("2025-03-31", history, geo)
    for narrow in (False, True):
        spec = maps.judgement_map(table, narrow=narrow).to_dict()
        text = json.dumps(spec)
        assert '"url"' not in text, "a map loads nothing: no tiles, no data files"
        assert spec["description"] == maps.judgement_description(table)
        assert spec["vconcat"][0]["width"] == (map_chart.NARROW if narrow else map_chart.WIDE)


def test_the_narrow_map_wraps_its_words_to_a_phone(geo, history):
    table = maps.judgement_map_table("2025-03-31", history, geo)
    spec = maps.judgement_map(table, narrow=True).to_dict()
    title = spec["title"]["text"]
    assert isinstance(title, list) and len(title) > 1
    assert all(charts.text_width(line, charts.TITLE_SIZE, bold=True) <= map_chart.NARROW for line in title)
    assert all(charts.text_width(line, charts.SUBTITLE_SIZE) <= map_chart.NARROW for line in spec["title"]["subtitle"])


def test_a_highlighted_council_gets_an_outline(geo, history):
    table = maps.judgement_map_table("2025-03-31", history, geo)
    layers = maps.judgement_map(table, highlight="831").to_dict()["vconcat"][0]["layer"]
    outlined = [layer for layer in layers if "layer" in layer and layer["layer"][0]["mark"].get("filled") is False]
    assert len(outlined) == 1 and layers[-1] is outlined[0], "one outline, drawn above everything else"
    halo, ink = (sub["mark"] for sub in outlined[0]["layer"])
    assert (halo["stroke"], ink["stroke"]) == (style.WHITE, style.INK)
    assert ink["strokeWidth"] >= 3 and halo["strokeWidth"] > ink["strokeWidth"] + 2  # white shows both sides
    assert style.contrast(style.INK, style.WHITE) >= 3 and all(
        max(style.contrast(style.INK, fill), style.contrast(style.WHITE, fill)) >= 3 for fill in judgements.COLOURS)


# ---- the command ------------------------------------------------------------------------------------


def test_csc_figures_map_writes_the_four_formats_and_the_table(tmp_path, capsys):
    from csc_figures import cli

    assert cli.main(["map", "--measure", "turnover_rate", "--year", "2024", "--out", str(tmp_path),
                     "--highlight", "Hull"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Half of councils had a turnover rate of")
    written = sorted(p.name for p in tmp_path.glob("turnover_rate_2024_release_*"))
    stem = written[0].split(".")[0]
    assert {f"{stem}.{ext}" for ext in ("png", "svg", "html", "vl.json", "csv")} <= set(written)
    assert {f"{stem}_narrow.{ext}" for ext in ("png", "svg", "html", "vl.json")} <= set(written)
    table = pl.read_csv(tmp_path / f"{stem}.csv", schema_overrides={"la_code": pl.String})
    assert table.height == 153 and table["la_code"].is_unique().all()


@pytest.mark.parametrize(("argv", "message"), [
    (["map"], "give --as-of DATE"),
    (["map", "--as-of", "2025-03-31", "--measure", "turnover_rate"], "give one of them"),
    (["map", "--measure", "turnover", "--year", "2024"], "unknown measure 'turnover'"),
    (["map", "--measure", "turnover_rate"], "needs --year"),
    (["map", "--as-of", "31/03/2025"], "--as-of"),
])
def test_csc_figures_map_refuses_bad_input_with_status_2(argv, message, capsys, tmp_path):
    from csc_figures import cli

    assert cli.main([*argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing is written when the input is refused"
