"""Honest marks: gaps break lines, joint returns are labelled, publishers' artefacts carry a note, and the
headline ratings chart names its release, explains its England line and marks the bars unlike the article's."""

from __future__ import annotations

import json

import polars as pl
import pytest

from csc_figures.stories import profile as pr

from test_ratings import newest_release_years
from csc_figures.stories import ratings as r


@pytest.fixture(scope="module")
def data():
    return pr.load_data()


def _lines(spec: dict) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            mark = node.get("mark")
            if mark == "line" or (isinstance(mark, dict) and mark.get("type") == "line"):
                found.append(mark if isinstance(mark, dict) else {"type": "line"})
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(spec)
    return found


def test_a_missing_figure_breaks_the_line(data):
    chart, _ = pr.indicator_chart(pr.council_profile("Portsmouth", data=data))
    lines = _lines(chart.to_dict())
    assert lines and all(m.get("invalid") == "break-paths-show-domains" for m in lines), lines


def test_derby_artefacts_carry_a_note_on_the_chart_in_the_alt_text_and_the_table(data):
    p = pr.council_profile("Derby", data=data)
    turnover = p["notes"]["turnover_rate"]["2017"]
    assert turnover.startswith("0.0% FTE turnover, though DfE's headcount figures count 13 leavers")
    assert "no agency workers reported (0 FTE)" in p["notes"]["agency_rate"]["2025"]
    chart, table = pr.indicator_chart(p)
    spec = chart.to_dict()
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Ringed: turnover rate, 2017: 0.0% FTE turnover" in subtitle
    assert "Ringed: agency worker rate, 2025: no agency workers reported" in spec["description"]
    noted = table.filter(pl.col("note").is_not_null())
    assert {(row["measure"], row["year"]) for row in noted.iter_rows(named=True)} >= {
        ("turnover_rate", 2017), ("agency_rate", 2023), ("agency_rate", 2025)}
    assert "note" in json.dumps(spec)  # the ringed points' layer filters on it


def test_an_ordinary_figure_carries_no_note(data):
    p = pr.council_profile("Merton", data=data)
    assert not p["notes"].get("turnover_rate")


def test_joint_return_is_labelled_on_the_chart_in_the_alt_text_and_the_table(data):
    p = pr.council_profile("North Northamptonshire", data=data)
    assert p["joint_returns"], "North Northamptonshire shares its workforce return"
    chart, table = pr.indicator_chart(p)
    spec = chart.to_dict()
    subtitle = " ".join(spec["title"]["subtitle"])  # wrapped to the chart's width
    last = newest_release_years().split("-")[1]
    assert f"Joint return: 2021-{last} figures are one DfE return for North Northamptonshire and West Northamptonshire" \
        in subtitle
    assert "Joint return" in spec["description"]
    council = table.filter(pl.col("role") == "council")
    assert council.filter(pl.col("year").is_in(p["joint_returns"][0]["years"]))["joint_return"].is_not_null().all()


@pytest.fixture(scope="module")
def headline():
    as_of, year, base = r.ARTICLE["as_of"], r.ARTICLE["year"], r.ARTICLE["base_year"]
    result = r.reproduce(r.published_cells(), 2022)
    unlike = r.bars_unlike_article(result, year)
    table, _ = r.build(as_of, year, base, 2022, r.Choices(method="mean"))
    chart, data = r.relationship_chart(table, as_of, year, "mean", vintage=2022, unlike=unlike)
    return chart.to_dict(), data, unlike


def test_headline_chart_marks_every_bar_unlike_the_article_with_the_ledgers_reason(headline):
    spec, data, unlike = headline
    assert unlike.height == 5 and set(unlike["reason"]) == {"a release or year we do not hold"}
    marked = data.filter(pl.col("differs_from_article").is_not_null())
    assert marked.height == 5 and all(v.endswith(r.chart.MARK) for v in marked["value_label"])
    assert data.filter(pl.col("differs_from_article").is_null())["value_label"].str.contains(r.chart.MARK).sum() == 0
    notes = [line for line in spec["title"]["subtitle"] if line.startswith(r.chart.MARK)]
    assert notes and "5 bars differ from the article's chart (a release or year we do not hold)" in notes[0]
    assert "good vacancy rate 16.6 there, 16.5 here" in notes[0]


def test_headline_chart_names_its_release_and_explains_the_england_line(headline):
    spec, _, _ = headline
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "DfE 2022 release" in subtitle and "DfE 2022 release" in spec["description"]
    assert "Dashed line: England's own published rate" in subtitle and "simple means of council rates" in subtitle
