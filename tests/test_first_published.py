"""DfE's children figures as first published (read from DfE's release pages into data/reported) against the
release whose data file we hold: the table, the claim that quotes a first-published figure, and the checks."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import claims, revisions
from csc_figures.errors import DataError
from csc_figures.stories import national_trends as nt
from csc_figures.stories.national_trends import compute

DFE_PAGES = "https://explore-education-statistics.service.gov.uk/"


def test_figures_read_from_dfe_pages_are_cited_as_primary_documents():
    rep = nt.reported_figures()
    dfe = rep.filter(pl.col("page_or_url").str.starts_with(DFE_PAGES) & (pl.col("source_kind") == "primary document"))
    assert dfe.height >= 50
    for row in dfe.iter_rows(named=True):
        # where it was read is DfE's own page for that release, and the note quotes what the page says
        assert row["read_from_url"].startswith(DFE_PAGES) and row["read_from_url"] in row["page_or_url"]
        assert str(row["release"]) in row["document"] and row["source_note"]


def test_the_page_of_the_release_we_hold_agrees_with_its_data_file():
    """The 2025 release pages were read by hand: every figure on them must equal the data file's."""
    table = revisions.dfe_releases()
    same_release = table.filter(pl.col("release") == pl.col("latest_release"))
    assert same_release.height >= 10
    assert (same_release["revision"] == 0).all(), same_release.filter(pl.col("revision") != 0)


def test_first_published_against_latest():
    first = revisions.dfe_first_published()
    row = first.filter(pl.col("measure") == "looked_after", pl.col("year") == 2021).row(0, named=True)
    assert (row["first_release"], row["first_published"], row["latest"]) == (2021, 80850, 80780)
    assert row["revision"] == row["latest"] - row["first_published"]
    cla_2022 = first.filter(pl.col("measure") == "looked_after", pl.col("year") == 2022).row(0, named=True)
    assert (cla_2022["first_published"], cla_2022["latest"]) == (82170, 82090)
    # only first publications (the year's own release) older than the release we hold
    assert (first["first_release"] == first["year"]).all()
    assert (first["first_release"] < first["latest_release"]).all()
    assert {"looked_after", "in_need_at_31_march"} <= set(first["measure"])
    sentences = revisions.dfe_sentences(first)
    assert any("children looked after at 31 March" in s and "revises" in s for s in sentences)


def test_a_claim_quoting_the_first_published_figure_matches_and_notes_the_revision():
    claims.load_story_modules()
    row = claims.claim("a002-105")
    result = claims.check_claim(row)
    assert (result["computed"], result["status"], result["reason"]) == ("80850", "match", "")
    assert "80,780" in result["note"] and "2025" in result["note"]
    assert "80,780" not in row["note"]  # the later value comes from the data file, not the ledger's words
    assert claims.source_kind(row) == "primary document"


def test_the_noted_revision_follows_the_data(monkeypatch):
    claims.load_story_modules()
    official = compute.official_series("looked_after")
    moved = official.with_columns(pl.when(pl.col("year") == 2021).then(80000.0).otherwise(pl.col("value")).alias("value"))
    monkeypatch.setattr("csc_figures.stories.national_trends.ledger.official_series", lambda measure: moved)
    result = claims.check_claim(claims.claim("a002-105"))
    assert result["status"] == "match" and "80,000" in result["note"] and "80,780" not in result["note"]
    unrevised = official.with_columns(pl.when(pl.col("year") == 2021).then(80850.0).otherwise(pl.col("value")).alias("value"))
    monkeypatch.setattr("csc_figures.stories.national_trends.ledger.official_series", lambda measure: unrevised)
    assert "Unrevised" in claims.check_claim(claims.claim("a002-105"))["note"]


def test_a_first_publication_we_do_not_cite_is_not_held():
    claims.load_story_modules()
    row = dict(claims.claim("a002-105"), args="measure=children_looked_after;year=2019")
    result = claims.check_claim(row)
    assert result["status"] == "differs" and result["reason"] == claims.NOT_HELD


def test_dates_may_be_empty_but_not_malformed(tmp_path):
    good = nt.REPORTED_CSV.read_text().splitlines()
    empty = [line for line in good if ",,https://explore-education-statistics" in line]
    assert empty, "rows read from DfE pages whose stored copy shows no date"
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join([good[0], empty[0]]) + "\n")
    assert nt.reported_figures(path)["date"].is_null().all()
    path.write_text("\n".join([good[0], good[2].replace("2021-11-18", "18 Nov 2021")]) + "\n")
    with pytest.raises(DataError, match=r"column 'date', line 2"):
        nt.reported_figures(path)
