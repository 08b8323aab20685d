"""Ofsted's basis beside the judgement in force: Ofsted's own as-at tables reproduced, every difference explained."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from csc_figures import ofsted_basis, ofsted_sheets
from csc_figures.errors import UserError

MARCH_DATES = [dt.date(y, 3, 31) for y in (2022, 2023, 2024, 2025)]


@pytest.mark.parametrize("file, sheet", ofsted_sheets.AS_AT_TABLES)
def test_ofsteds_own_as_at_tables_are_reproduced_council_by_council(file, sheet, history, geo, names):
    """Each 'as at 31 March' table in Ofsted's files lists every council's most recent inspection on its basis."""
    table = ofsted_sheets.read_as_at_table(ofsted_sheets.load_sheet(file, sheet), geo, names, f"{file} sheet {sheet}")
    day = table["as_at"][0]
    ours = ofsted_basis.on_ofsted_basis(day, history, geo)
    joined = table.select("la_code", pl.col("overall").alias("ofsted_file")).join(
        ours.select("la_code", "judgement"), on="la_code", how="full", coalesce=True)
    differ = joined.filter(pl.col("ofsted_file").ne_missing(pl.col("judgement")))
    assert table.height == ours.height and differ.height == 0, differ


def test_ofsteds_sixty_per_cent_at_31_march_2024_reproduces_on_its_basis(history, geo):
    """Ofsted's main findings: 'As at 31 March 2024, 60% of LAs were judged to be good or outstanding'."""
    counts = ofsted_basis.counts(dt.date(2024, 3, 31), history, geo)
    good = counts.filter(pl.col("judgement") == "good or outstanding").row(0, named=True)
    assert (good["ofsted_councils"], round(good["ofsted_share"])) == (91, 60)
    assert (good["in-force_councils"], round(good["in-force_share"])) == (91, 59)
    not_yet = counts.filter(pl.col("judgement") == "not yet inspected").row(0, named=True)
    assert (not_yet["ofsted_councils"], not_yet["in-force_councils"]) == (2, 0)  # Cumberland, Westmorland and Furness


@pytest.mark.parametrize("day", MARCH_DATES)
def test_every_council_counted_differently_is_explained(day, history, geo):
    recon = ofsted_basis.reconciliation(day, history, geo)
    in_force = ofsted_basis.judgements_on(day, "in-force", history, geo)
    ofsted = ofsted_basis.judgements_on(day, "ofsted", history, geo)
    both = in_force.join(ofsted, on="la_code", suffix="_o")
    expected = set(both.filter(pl.col("judgement").ne_missing(pl.col("judgement_o")))["la_code"])
    assert set(recon["la_code"]) == expected
    assert not recon["reason"].str.contains("unexplained").any()
    # the counts differ by exactly what the reconciliation lists
    for basis, column in (("in-force", "in_force"), ("ofsted", "ofsted")):
        judged = ofsted_basis.judgements_on(day, basis, history, geo)
        agreed = judged.filter(~pl.col("la_code").is_in(list(expected)))
        assert agreed.height + recon.height == judged.height
        assert recon[column].null_count() == judged.filter(pl.col("la_code").is_in(list(expected)))["judgement"].null_count()


def test_reasons_name_the_rule_that_separates_the_bases(history, geo):
    recon = ofsted_basis.reconciliation(dt.date(2024, 3, 31), history, geo)
    cumberland = recon.filter(pl.col("la_name") == "Cumberland").row(0, named=True)
    assert cumberland["ofsted"] is None and "holds Cumbria's judgement" in cumberland["reason"]
    hartlepool = recon.filter(pl.col("la_name") == "Hartlepool").row(0, named=True)
    assert (hartlepool["in_force"], hartlepool["ofsted"]) == ("good", "outstanding")
    assert "report published 16 May 2024: after 31 March 2024 but by 30 June 2024" in hartlepool["reason"]


def test_a_report_published_after_the_quarter_is_not_counted(history, geo):
    # York's 2025 inspection (from 24 February 2025) was published 15 April 2025: within the quarter after
    # 31 March 2025, but not within the quarter after 31 December 2024.
    york = lambda day: ofsted_basis.on_ofsted_basis(day, history, geo).filter(pl.col("la_code") == "816")  # noqa: E731
    assert york(dt.date(2025, 3, 31))["judgement"].to_list() == ["outstanding"]
    assert york(dt.date(2025, 2, 23))["judgement"].to_list() == ["requires_improvement"]


def test_an_unknown_basis_is_refused(history, geo):
    with pytest.raises(UserError, match="'ofstead' is not a basis; use in-force or ofsted"):
        ofsted_basis.judgements_on(dt.date(2024, 3, 31), "ofstead", history, geo)
