"""Why a claim differs is worked out by the code: 'not held' only when no file we hold has the data."""

from __future__ import annotations

import pytest

from csc_figures import claims
from csc_figures.errors import NotHeld

ROW = {"claim_id": "t-001", "article": "test.txt", "quote": "a figure", "published": "4", "value": "4",
       "unit": "count", "precision": "0", "kind": "data", "args": "", "compare": "round", "tolerance": None}


def _check(monkeypatch, computation, note: str = "", **row) -> dict:
    monkeypatch.setitem(claims.REGISTRY, "test.figure", computation)
    return claims.check_claim({**ROW, "computation": "test.figure", "note": note, **row})


def test_a_note_saying_not_held_cannot_explain_a_figure_computed_from_data_we_hold(monkeypatch):
    result = _check(monkeypatch, lambda: 5, note="Not held: we lack the year")
    assert result["status"] == "differs" and result["reason"] == ""  # a real contradiction: unexplained


def test_not_held_when_the_computation_finds_no_data(monkeypatch):
    def lacking():
        raise NotHeld("no file holds 2008")

    assert _check(monkeypatch, lacking)["reason"] == "Not held"
    assert _check(monkeypatch, lambda: None)["reason"] == "Not held"


def test_a_reviewed_reason_in_the_note_is_kept_and_a_match_has_none(monkeypatch):
    assert _check(monkeypatch, lambda: 5, note="Revised: DfE revised it")["reason"] == "Revised"
    assert _check(monkeypatch, lambda: 4, note="Revised: not needed")["reason"] == ""


def test_a_story_older_than_every_release_we_hold_used_a_release_we_do_not_hold():
    # the ratings story (June 2022) read DfE's February 2022 release; the earliest we hold covers years to
    # September 2022, so its figures that differ are not held, decided from the dates
    report = claims.claims_report(claims.load_claims().filter(claims.pl.col("claim_id") == "a002-184"))
    row = report.row(0, named=True)
    assert row["status"] == "differs" and row["reason"] == "Not held"


@pytest.mark.parametrize("claim_id", ["a001-001", "a002-211"])
def test_a_sif_inspections_fieldwork_year_is_not_held(claim_id):
    report = claims.claims_report(claims.load_claims().filter(claims.pl.col("claim_id") == claim_id))
    assert report.row(0, named=True)["reason"] == "Not held" and report["computed"][0] == ""


def test_a_statement_resting_only_on_its_own_articles_figures_is_consistent_not_verified(monkeypatch):
    """a002-276 compares two figures of a study read from the very story that makes the statement: agreeing
    with them is consistency with the citation. Read from another document, the same result is 'reported'."""
    row = claims.claim("a002-276")
    assert claims.check_claim(row)["status"] == "consistent"
    rows = claims.evidence(row)
    assert rows.height and claims.self_cited(row)
    other = rows.with_columns(read_from=claims.pl.lit("University of Sheffield, phase four report"),
                              read_from_url=claims.pl.lit("https://example.org/report"))
    monkeypatch.setitem(claims.EVIDENCE, "reported.", lambda key, args: other)
    assert not claims.self_cited(row) and claims.check_claim(row)["status"] == "reported"


def test_a_cited_figure_stays_as_cited_and_a_statement_from_the_data_is_a_match():
    figure = claims.claim("a002-134")  # the 77.59 itself: a cited figure, not a statement
    assert figure["kind"] == "reported" and claims.check_claim(figure)["status"] == "reported"
    assert claims.check_claim(claims.claim("a000-027"))["status"] == "match"  # the Ofsted files, not a citation


def test_the_headline_is_found_in_a_citation_that_places_its_quotation_marks_differently(monkeypatch):
    # Rainsbrook (a000-025): articles.csv has "‘No child is safe in this jail’: charity chief’s warning ...";
    # its row was read from Martin Narey's report, another document, so the statement is 'reported' ...
    row = claims.claim("a000-025")
    assert not claims.self_cited(row) and claims.check_claim(row)["status"] == "reported"
    # ... and had it been read from the story, a citation quoting the headline its own way is still the story
    story = claims.pl.DataFrame({"source_kind": ["secondary report"], "read_from_url": [None],
                                 "read_from": ["Community Care, 'No child is safe in this jail: charity chief's "
                                               "warning after damning Ofsted inspection' (May 2015)"]})
    monkeypatch.setitem(claims.EVIDENCE, "reported.", lambda key, args: story)
    assert claims.self_cited(row) and claims.check_claim(row)["status"] == "consistent"
