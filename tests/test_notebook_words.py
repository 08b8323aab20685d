"""What the notebooks print, from the package: parameters that follow from a year, counts from the ledger,
tables named by what they hold (issue 30)."""

import datetime as dt

import pytest

from csc_figures import geography, in_force, tables
from csc_figures.errors import UserError
from csc_figures.stories import inspection_judgements as ij
from csc_figures.stories import ratings as r
from csc_figures.stories import reported


def test_the_ratings_run_follows_from_the_year():
    article = r.notebook_edition(2021)
    assert (article.as_of, article.base_year, article.vintage) == (dt.date(2022, 5, 6), 2020, 2022)
    later = r.notebook_edition(2023)
    assert (later.as_of, later.base_year, later.vintage) == (dt.date(2024, 5, 6), 2022, 2023)
    assert any("earliest release we hold with 2023" in line for line in later.stated)
    given = r.notebook_edition(2023, base_year=2020, vintage=2025)
    assert (given.base_year, given.vintage) == (2020, 2025)
    with pytest.raises(UserError, match="no workforce release we hold has 2031"):
        r.notebook_edition(2031)


def test_the_guardian_counts_come_from_the_claims_ledger():
    assert ij.guardian_counts() == {"inspections": 43, "good": 10, "requires_improvement": 26, "inadequate": 7}


def test_reported_tables_are_chosen_by_year_and_phase_not_file_name():
    assert reported.cohort_table(2022) == "fast_track_cohorts_2022"
    assert reported.study_table(4) == "hscws_phase4_2022"
    with pytest.raises(UserError, match="no phase 3 .* we hold phase 4"):
        reported.study_table(3)
    with pytest.raises(UserError, match="we hold 2022"):
        reported.cohort_table(2019)


def test_a_typed_council_is_said_once_with_its_spellings_and_joint_return():
    built = {n: tables.read(n) for n in ("la_geography", "la_names")}
    hull = geography.example_lines("Hull", built)
    assert hull[0].startswith("'Hull' is Kingston upon Hull, City of (DfE 810") and len(hull) == 1
    richmond = geography.example_lines("Richmond upon Thames", built)
    assert "one joint return with Kingston upon Thames" in richmond[1]


def test_the_judgements_in_force_are_counted_in_words():
    lines = in_force.in_force_lines("2022-05-06")
    assert lines[0] == "On 6 May 2022: 152 councils."
    assert "  requires improvement: 53" in lines and not any("requires_improvement" in line for line in lines)
    assert any("carries the inadequate judgement of its predecessor (DfE 928" in line for line in lines)
