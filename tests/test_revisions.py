"""The revisions table: every published figure a later release changed, on small panels and the real one."""

import polars as pl
import pytest

from csc_figures import revisions, workforce
from csc_figures.errors import UserError
from csc_figures.revisions import between


def _panel(rows: list[dict]) -> pl.DataFrame:
    """A workforce-shaped panel with only the columns revisions reads."""
    base = {"geographic_level": "local_authority", "is_joint": False}
    out = []
    for r in rows:
        row = {**base, **r}
        row.setdefault("joint_codes", [row["la_code"]] if row["geographic_level"] == "local_authority" else None)
        for m in workforce.MEASURES:
            row.setdefault(m, None)
            row.setdefault(f"{m}_flag", None)
        out.append(row)
    schema = {"vintage": pl.Int64, "year": pl.Int64, "geographic_level": pl.String, "la_code": pl.String,
              "la_name": pl.String, "is_joint": pl.Boolean, "joint_codes": pl.List(pl.String),
              **{c: (pl.Float64 if not c.endswith("_flag") else pl.String)
                 for m in workforce.MEASURES for c in (m, f"{m}_flag")}}
    return pl.DataFrame(out, schema=schema)


def test_lists_each_changed_value_with_old_and_new():
    panel = _panel([
        {"vintage": 2022, "year": 2021, "la_code": "315", "la_name": "York", "turnover_rate": 16.1, "fte": 100.0},
        {"vintage": 2023, "year": 2021, "la_code": "315", "la_name": "York", "turnover_rate": 15.0, "fte": 100.0},
        {"vintage": 2023, "year": 2022, "la_code": "315", "la_name": "York", "turnover_rate": 9.9},
    ])
    out = between(panel, 2022, 2023)
    assert out.select("la_code", "year", "measure", "old_value", "new_value", "change", "status").rows() == [
        ("315", 2021, "turnover_rate", 16.1, 15.0, pytest.approx(-1.1), "revised")]


def test_suppression_changes_and_new_measures():
    panel = _panel([
        {"vintage": 2022, "year": 2021, "la_code": "315", "la_name": "York", "turnover_rate": 16.1,
         "vacancy_rate_flag": "c", "starters_flag": "not_published", "caseload_flag": "x", "agency_rate": 3.0},
        {"vintage": 2023, "year": 2021, "la_code": "315", "la_name": "York", "turnover_rate_flag": "c",
         "vacancy_rate": 5.0, "starters": 12.0, "caseload_flag": "u", "agency_rate": 3.0},
    ])
    out = {r["measure"]: r["status"] for r in between(panel, 2022, 2023).iter_rows(named=True)}
    assert out == {"turnover_rate": "newly suppressed", "vacancy_rate": "newly published",
                   "caseload": "suppression code changed"}  # starters is new, agency_rate unchanged


def test_joint_returns_match_on_the_councils_they_cover_and_missing_rows_are_listed():
    panel = _panel([
        {"vintage": 2022, "year": 2021, "la_code": "314", "la_name": "Kingston", "joint_codes": ["314", "318"],
         "turnover_rate": 20.0},
        {"vintage": 2022, "year": 2021, "la_code": "318", "la_name": "Richmond", "turnover_rate_flag": "z"},
        {"vintage": 2023, "year": 2021, "la_code": "314 / 318", "la_name": "Kingston / Richmond",
         "joint_codes": ["314", "318"], "turnover_rate": 21.0},
    ])
    out = revisions.revisions(panel)
    assert out.select("la_code", "joint_codes", "measure", "status").rows() == [
        ("314 / 318", "314 / 318", "turnover_rate", "revised"),
        ("318", "318", "", "only in the old release"),
    ]


def test_england_rows_are_compared_by_year():
    panel = _panel([
        {"vintage": 2024, "year": 2023, "geographic_level": "national", "la_code": None, "la_name": None,
         "joint_codes": None, "fte": 33000.0},
        {"vintage": 2025, "year": 2023, "geographic_level": "national", "la_code": None, "la_name": None,
         "joint_codes": None, "fte": 33005.0},
    ])
    out = revisions.revisions(panel)
    assert out.select("geographic_level", "year", "measure", "change", "status").rows() == [
        ("national", 2023, "fte", 5.0, "revised")]
    assert revisions.england(out).height == 1


def test_real_panel_every_consecutive_pair_and_a_stable_order():
    out = revisions.revisions()
    held = workforce.vintages()
    pairs = out.select("from_release", "to_release").unique().sort("from_release").rows()
    assert pairs == list(zip(held, held[1:], strict=False))
    assert set(out["status"].unique()) <= set(revisions.STATUSES)
    assert out.filter(pl.col("status") == "revised", pl.col("old_value") == pl.col("new_value")).height == 0
    assert out.equals(revisions.revisions())
    # Each revised figure is a real difference between the two releases' panels.
    row = out.filter(pl.col("status") == "revised", pl.col("geographic_level") == "local_authority").row(0, named=True)
    panel = workforce.tables.read("workforce")
    old = panel.filter(pl.col("vintage") == row["from_release"], pl.col("year") == row["year"],
                       pl.col("joint_codes").list.sort().list.join(" / ") == row["joint_codes"])[row["measure"]]
    assert old.to_list() == [row["old_value"]]


def test_largest_revisions_are_headline_rates_sorted_by_size():
    table = revisions.revisions()
    top = revisions.largest(table, 10)
    newest = table.filter(pl.col("to_release") == workforce.vintages()[-1], pl.col("status") == "revised",
                          pl.col("measure").is_in(revisions.CHART_MEASURES))
    assert top.height == min(10, newest.height) > 0 and set(top["measure"]) <= set(revisions.CHART_MEASURES)
    # the newest release's revisions, by default
    held = workforce.vintages()
    assert set(top["to_release"]) == {held[-1]} and set(top["from_release"]) == {held[-2]}
    sizes = top["change"].abs().to_list()
    assert sizes == sorted(sizes, reverse=True)
    chart = revisions.largest_chart(top).to_dict()
    assert "percentage points" in " ".join(chart["title"]["text"]) and chart["description"].startswith("Bar chart.")


def test_largest_revisions_of_any_release_and_a_release_with_none_before_it():
    held = workforce.vintages()
    table = revisions.revisions()
    top = revisions.largest(table, 5, release=held[1])
    assert set(top["to_release"]) == {held[1]} and set(top["from_release"]) == {held[0]}
    with pytest.raises(UserError, match=f"release {held[0]}: no release before it"):
        revisions.largest(table, 5, release=held[0])


def test_a_release_that_revised_nothing_still_gets_its_sentence_and_chart():
    held = workforce.vintages()
    table = revisions.revisions()
    quiet = table.filter(pl.col("to_release") != held[-1])  # as if the newest release changed nothing
    said = revisions.sentences(quiet)
    assert len(said) == len(held) - 1
    assert said[-1] == (f"The {held[-1]} release revised no council figure published in the {held[-2]} release, "
                        "and none of England's figures.")
    top = revisions.largest(quiet)
    assert top.height == 0
    chart = revisions.largest_chart(top).to_dict()
    assert f"The {held[-1]} release revised none of the rates" in " ".join(chart["title"]["text"])
