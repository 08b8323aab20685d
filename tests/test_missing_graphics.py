"""The two graphics the articles describe, drawn from data/reported (each row cited): the Guardian's split of
the first 43 SIF inspections (2013-14) and the DfE longitudinal study's hours and job satisfaction by rating."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import paths
from csc_figures.errors import DataError
from csc_figures.stories import inspection_judgements as ij
from csc_figures.stories import reported


def test_guardian_split_is_read_from_the_cited_rows():
    split = ij.first_sif_split()
    assert dict(zip(split["judgement"], split["councils"], strict=True)) == {
        "good": 10, "requires_improvement": 26, "inadequate": 7}
    assert split["councils_in_england"].unique().to_list() == [152]
    assert (split["quoted_in"] if "quoted_in" in split.columns else split["read_from"]).null_count() == 0
    assert set(split["source_kind"]) == {"secondary report"}


def test_guardian_chart_words_come_from_the_counts():
    chart = ij.first_sif_chart(ij.first_sif_split()).to_dict()
    title = " ".join(chart["title"]["text"])
    assert title == "33 of the first 43 councils inspected under Ofsted's new framework were less than good"
    assert "76.7%" in " ".join(chart["title"]["subtitle"])
    assert "good 10, requires improvement 26, inadequate 7" in chart["description"]
    assert "out of 152 councils in England" in chart["description"]


def test_guardian_split_that_does_not_add_up_is_refused(tmp_path, monkeypatch):
    source = paths.REPORTED / "ofsted_social_care_annual_report_2014.csv"
    text = source.read_text().replace("sif_judgements,2013-14,26,", "sif_judgements,2013-14,25,")
    (tmp_path / source.name).write_text(text)
    monkeypatch.setattr(paths, "REPORTED", tmp_path)
    with pytest.raises(DataError, match="add to 42"):
        ij.first_sif_split()


def test_longitudinal_study_by_rating():
    rows = reported.by_rating()
    hours = dict(zip(rows.filter(pl.col("measure") == "working_over_45_hours")["group"],
                     rows.filter(pl.col("measure") == "working_over_45_hours")["share"], strict=True))
    assert hours == {"outstanding": 24, "good": 22, "requires_improvement": 26, "inadequate": 36}
    satisfied = rows.filter(pl.col("measure") == "job_satisfying")
    assert satisfied["group"].to_list() == ["outstanding", "good", "inadequate or requires_improvement"]
    chart = reported.longitudinal_chart(rows).to_dict()
    assert " ".join(chart["title"]["text"]) == (
        "Staff at inadequate councils were the most likely to work more than 45 hours a week")
    assert "requires improvement or inadequate 70%" in chart["description"]


@pytest.mark.parametrize("folder,name", [("inspection_judgements", "first_sif_inspections_2013_14"),
                                         ("reported", "longitudinal_study_by_rating")])
def test_committed_in_four_formats_with_alt_text_and_csv(folder, name):
    base = paths.FIGURES / folder / name
    for file in [f"{name}.{ext}" for ext in ("png", "svg", "html", "vl.json", "txt")] + [
            f"{name}_narrow.{ext}" for ext in ("png", "svg", "vl.json")]:
        assert base.with_name(file).exists(), file
    assert (paths.TABLES / folder / f"{name}.csv").exists()
