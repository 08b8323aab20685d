"""The ledger's statement computations (kind `statement`): each says what it checks, and can say no."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import claims
from csc_figures.errors import UserError
from csc_figures.stories import inspection_judgements as ij
from csc_figures.stories import ratings, reported

ARTICLE = {"as_of": "2022-05-06", "year": "2021", "vintage": "2022"}


def statement(key: str, **args):
    claims.load_story_modules()
    return claims.REGISTRY[key](**args)


def test_inspection_events_answer_both_ways():
    # Derby, May 2022: help and protection rose two steps, leadership one; children in care stayed good
    assert statement("inspections.biggest_improvement", council="Derby", before="2022-05-17",
                     previous_before="2022-04-01") == "help_and_protection"
    assert statement("inspections.areas_not", council="Derby", before="2022-05-17", judgement="outstanding") == "children_in_care"
    assert statement("inspections.all_judgements", council="Derby", before="2022-05-17") == "mixed"
    # York was downgraded: nothing improved and it did not remain good
    assert statement("inspections.biggest_improvement", council="York", before="2022-05-06",
                     previous_before="2022-04-01") == "none"
    assert statement("inspections.remains", council="York", before="2022-05-06", previous_before="2022-04-01") == "changed"
    assert statement("inspections.remains", council="West Berkshire", before="2022-05-06",
                     previous_before="2022-04-01") == "good"
    assert statement("inspections.inspected_in", council="York", before="2022-05-06", month="2022-03") == "true"
    assert statement("inspections.inspected_in", council="York", before="2022-05-06", month="2022-04") == "false"
    assert statement("inspections.published_between", council="York", start="2022-05-05",
                     end="2022-05-05") == "false"


def test_an_event_the_files_do_not_list_is_not_held_rather_than_none():
    assert statement("inspections.events_held", council="York", kind="focused_visit") is None
    kinds = set(ij.load_inspections()["inspection_type"].drop_nulls())
    kind = sorted(kinds)[0]
    assert isinstance(statement("inspections.events_held", council="York", kind=kind), int)


def test_no_inspection_between_the_dates_is_an_error():
    with pytest.raises(UserError, match="no inspection between"):
        statement("inspections.remains", council="York", before="2022-04-01", previous_before="2022-03-01")


def test_replaced_in_reads_the_reorganisation():
    assert statement("inspections.replaced_in", council="Northamptonshire") == 2021
    assert statement("inspections.replaced_in", council="Cumbria") == 2023
    with pytest.raises(UserError, match="not an abolished council"):
        statement("inspections.replaced_in", council="York")


def test_reported_directions_and_rankings():
    table = "table=hscws_phase4_2022"
    assert statement("reported.direction", table="hscws_phase4_2022", subject="social workers", measure="wrqol",
                     start="phase 1", end="phase 4") == "fell"
    assert statement("reported.direction", table="hscws_phase4_2022", subject="all professions", measure="wrqol",
                     start="phase 3", end="phase 4") == "rose"
    assert table  # the ledger's args name the table the same way
    assert statement("reported.highest", table="dfe_longitudinal_study_wave3_2021", measure="working_over_45_hours",
                     period="wave 3", lowest="yes") == "good"
    assert statement("reported.lowest_completion") == "frontline"
    rates = reported.completion_rates()
    pooled = rates.group_by("route").agg(pl.col("graduates").sum() / pl.col("starters").sum())
    assert pooled.sort("graduates")["route"][0] == "frontline"


def test_ratings_statements_on_the_article_edition():
    assert statement("ratings.largest_change", measure="turnover_rate", base_year="2020", **ARTICLE) == "inadequate"
    assert statement("ratings.biggest_divide", **ARTICLE) == "agency_rate"
    rows = {r["rating"]: r for r in ratings.ratings_table_rounded(
        ratings.ratings_table("2022-05-06", 2021, 2020, 2022)).iter_rows(named=True)}
    gap = statement("ratings.gap", measure="vacancy_rate", higher="inadequate", lower="outstanding", **ARTICLE)
    assert gap == pytest.approx(rows["inadequate"]["vacancy_rate"] - rows["outstanding"]["vacancy_rate"])
    with pytest.raises(UserError, match="rating"):
        statement("ratings.gap", measure="vacancy_rate", higher="best", lower="outstanding", **ARTICLE)


def test_the_story_counts_returns_not_councils():
    """19 inadequate authorities on 6 May 2022: North and West Northamptonshire share one return."""
    assert statement("ratings.group_count", rating="inadequate", **ARTICLE) == 19
    assert statement("ratings.group_count", rating="inadequate", published_after="2021-09-30", **ARTICLE) == 3
    assert ij.claim_count_in_force("inadequate", "2022-05-06") == 20  # the other count, said in the ledger's note


# ---- each statement tests its sentence: a looser test would pass these mutations ----------------------

def test_above_and_below_are_strict_and_or_more_is_said_on_purpose():
    row = {"unit": "count", "value": "20", "precision": "0", "tolerance": None}
    assert not claims.agrees({**row, "compare": "above"}, 20)  # "more than 20" is not 20
    assert not claims.agrees({**row, "compare": "below"}, 20)
    assert claims.agrees({**row, "compare": "at_least"}, 20) and claims.agrees({**row, "compare": "at_most"}, 20)
    assert claims.agrees({**row, "compare": "above"}, 20.1) and not claims.agrees({**row, "compare": "at_most"}, 20.1)


def _fake_groups(monkeypatch, **rows):
    """The ratings ledger's group averages replaced: each rating -> (base-year value, year value)."""
    from csc_figures.stories.ratings import ledger

    table = {r: {"vacancy_rate_base": base, "vacancy_rate": now, "vacancy_rate_change": round(now - base, 1)}
             for r, (base, now) in rows.items()}
    monkeypatch.setattr(ledger, "_groups", lambda *a, **k: table)


def test_bucking_the_trend_needs_the_group_and_england_to_move_apart(monkeypatch):
    args = {"measure": "vacancy_rate", "rating": "outstanding", "direction": "down", "base_year": "2020", **ARTICLE}
    _fake_groups(monkeypatch, outstanding=(10.0, 9.5), england=(15.0, 15.3))
    assert statement("ratings.against_trend", **args) == "true"
    # both rose, the group less than England: the gap to England narrowed (the old test's -0.8 passed),
    # but the group did not reduce its rate, so nothing was bucked
    _fake_groups(monkeypatch, outstanding=(10.0, 10.2), england=(15.0, 16.0))
    assert statement("ratings.gap", measure="vacancy_rate", higher="outstanding", lower="england",
                     base_year="2020", **ARTICLE) < -0.1
    assert statement("ratings.against_trend", **args) == "false"
    # both fell: following the trend, not bucking it
    _fake_groups(monkeypatch, outstanding=(10.0, 9.0), england=(15.0, 14.0))
    assert statement("ratings.against_trend", **args) == "false"


def test_coalescing_needs_the_groups_to_come_together(monkeypatch):
    args = {"measure": "vacancy_rate", "higher": "good", "lower": "england", "within": "0.5", "base_year": "2020",
            **ARTICLE}
    _fake_groups(monkeypatch, good=(17.0, 16.4), england=(15.0, 16.0))
    assert statement("ratings.converged", **args) == "true"
    # ended within half a point (the old test passed) but had been closer: they moved apart
    _fake_groups(monkeypatch, good=(15.1, 16.4), england=(15.0, 16.0))
    assert statement("ratings.converged", **args) == "false"
    # came closer but not to within the note's half point
    _fake_groups(monkeypatch, good=(19.0, 17.0), england=(15.0, 16.0))
    assert statement("ratings.converged", **args) == "false"


def test_a_report_window_includes_its_last_day():
    # Derby's ILACS report was published on 11 May 2022: a window ending that day includes it
    assert statement("inspections.published_between", council="Derby", start="2022-05-11", end="2022-05-11") == "true"
    assert statement("inspections.published_between", council="Derby", start="2022-05-12", end="2022-05-15") == "false"


def test_squeezed_needs_most_previously_good_councils_to_land_lower(monkeypatch):
    """'Councils previously rated good now squeezed into the RI and inadequate end' (a000-027): of the councils
    judged good for safeguarding before the SIF, the share judged RI or inadequate at their first SIF report."""
    from csc_figures.stories.inspection_judgements import ledger

    args = {"framework": "SIF", "published_to": "2015-11-30", "previous_framework": "SLAC",
            "previous_field": "safeguarding"}
    share = statement("inspections.previously_good_now_below", **args)
    rows = ij.load_inspections()
    assert 50 < share < 100
    # every SIF judgement good: nobody was squeezed, the statement must fail
    monkeypatch.setattr(ledger, "load_inspections", lambda: rows.with_columns(
        overall=pl.when(pl.col("framework") == "SIF").then(pl.lit("good")).otherwise(pl.col("overall"))))
    row = claims.claim("a000-027")
    assert not claims.agrees(row, statement("inspections.previously_good_now_below", **args))
    # the previous judgement is read before the first SIF report, never after it
    monkeypatch.setattr(ledger, "load_inspections", lambda: rows.filter(pl.col("framework") != "SLAC"))
    with pytest.raises(UserError, match="give no 'safeguarding' judgement"):
        statement("inspections.previously_good_now_below", **args)


def test_lower_than_step_up_names_exactly_the_routes_below_it(monkeypatch):
    """'Completion rates for Frontline and Think Ahead were lower than for Step Up' (a002-288)."""
    from csc_figures.stories.reported import ledger

    row = claims.claim("a002-288")
    assert claims.agrees(row, statement("reported.lower_completion_than", route="step_up"))
    cohorts = reported.cohorts()
    # Think Ahead's graduates raised to its starters: it is no longer below Step Up, and the statement fails
    better = cohorts.with_columns(graduates=pl.when(pl.col("route") == "think_ahead").then(pl.col("starters"))
                                  .otherwise(pl.col("graduates")))
    monkeypatch.setattr(ledger, "cohorts", lambda: better)
    assert statement("reported.lower_completion_than", route="step_up") == "Frontline"
    assert not claims.agrees(row, "Frontline")
    with pytest.raises(UserError, match="no route 'step_down'"):
        statement("reported.lower_completion_than", route="step_down")


@pytest.mark.parametrize("claim_id, start", [("a002-286", "phase 1"), ("a002-287", "phase 1")])
def test_still_lower_and_falling_from_compare_with_phase_one(claim_id, start):
    row = claims.claim(claim_id)
    args = claims.parse_args(row["args"])
    assert args["start"] == start and args["end"] == "phase 4"
    assert claims.agrees(row, statement(row["computation"], **args))
    # from phase three the same measures rose: a test that compared the wrong phases would say 'rose'
    assert statement(row["computation"], **{**args, "start": "phase 3"}) == "rose"
