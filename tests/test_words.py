"""Truthful generated words: one table of comparison thresholds, small bases in points, titles about
the year they draw. Every counterexample in issue 20 is a test here, with the words it now gets."""

from __future__ import annotations

import pytest

from csc_figures import formatting
from csc_figures.stories import profile as pr
from csc_figures.stories.profile import words as pw


@pytest.mark.parametrize("old,new,word", [
    (10, 30.1, "more than tripled"), (10.7, 36.0, "more than tripled"), (10, 30, "tripled"),
    (10, 29.9, "more than doubled"), (10, 20.1, "more than doubled"), (10, 20, "doubled"),
    (10, 19.9, "almost doubled"), (10, 18, "almost doubled"), (6.5, 12.1, "almost doubled"),
    (10, 17.9, "leapt"), (4.6, 7.9, "leapt"), (8.8, 15.2, "leapt"), (10, 12.5, "leapt"),
    (10, 12.4, "rose"), (10, 11, "rose"), (10, 10.9, "edged up"), (17.8, 18.8, "edged up"),
    (17.4, 18.3, "edged up"), (10, 10.04, "was unchanged"),
    (10, 9.2, "edged down"), (10, 9.1, "fell"), (10, 8.1, "fell"), (10, 8, "fell sharply"),
    (10, 5.6, "fell sharply"), (10, 5.5, "almost halved"), (10, 5.1, "almost halved"), (10, 5, "halved"),
    (10, 4.9, "more than halved"), (10, 3.4, "more than halved"), (10, 3.3, "fell by two-thirds or more"),
    # small bases: a rate under 1% before or after moves by points, never by a ratio
    (0.4, 0.0, "fell"), (0.4, 0.9, "rose"), (5.2, 0.9, "fell"), (0.9, 5.2, "rose"),
    (None, 5, "is unavailable"),
])
def test_change_table(old, new, word):
    assert formatting.change_verb(old, new) == word
    assert pr.change_verb(old, new) == word


def test_thresholds_are_one_table():
    """The table the words come from, as a reader would check it."""
    rises = {w: (low, inclusive) for w, low, inclusive in formatting.RISES}
    assert rises["almost doubled"] == (1.8, True) and rises["more than doubled"] == (2.0, False)
    falls = {w: (low, inclusive) for w, low, inclusive in formatting.FALLS}
    assert falls["halved"] == (0.5, True)
    assert formatting.SMALL_RATE == 1.0 and formatting.SMALL_COUNT == 10


@pytest.mark.parametrize("old,new,unit,words", [
    (0.4, 0.0, "%", "fell by 0.4 percentage points, from 0.4% to 0.0%"),
    (5.2, 0.9, "%", "fell by 4.3 percentage points, from 5.2% to 0.9%"),
    (0.0, 1.5, "%", "rose by 1.5 percentage points, from 0.0% to 1.5%"),
    (4, 7, "count", "rose by 3.0, from 4.0 to 7.0"),
    (6.5, 12.1, "%", "almost doubled from 6.5% to 12.1%"),
    (4.1, 4.1, "%", "was unchanged at 4.1%"),
])
def test_small_bases_in_points_or_counts(old, new, unit, words):
    assert formatting.change_words(old, new, unit) == words


@pytest.mark.parametrize("value,reference,word", [
    (0.0, 13.0, "below"), (0.4, 13.0, "below"), (32.5, 15.5, "double"), (7.9, 11.8, "below"),
    (21, 10, "more than double"), (4.4, 10, "less than half"), (10.5, 10, "in line with"),
])
def test_against_benchmark_small_base(value, reference, word):
    assert formatting.against_word(value, reference) == word


# ---- the counterexamples of issue 20, on the real tables ------------------------------------------

@pytest.fixture(scope="module")
def data():
    return pr.load_data()


def _title(data, council, vintage):
    p = pr.council_profile(council, vintage=vintage, data=data)
    return pw.indicator_words(p), p


def _drawn_to(p) -> int:
    table = pr.indicator_table(p)
    return table.filter((table["role"] == "council") & table["value"].is_not_null())["year"].max()


@pytest.mark.parametrize("council,vintage,expected", [
    # was "York's turnover rate leapt to 18.3% in 2021" above lines running to 2022 (19.7%)
    ("York", 2022, "York’s turnover rate (FTE) edged up to 19.7% in 2022, above the national average"),
    # was "West Berkshire's turnover rate fell to 10.5% in 2021" before a leap to 25.3%
    ("West Berkshire", 2022,
     "West Berkshire’s turnover rate (FTE) more than doubled to 25.3% in 2022, above the national average"),
    # was "Herefordshire's turnover rate edged up to 18.8% in 2021" beside a 50% year
    ("Herefordshire", 2022,
     "Herefordshire’s turnover rate (FTE) more than doubled to 50.0% in 2022, more than double the national average"),
    # was "... more than doubled to 36.0% in 2021" (10.7 -> 36.0 is x3.4)
    ("Bournemouth, Christchurch and Poole", 2022,
     "Bournemouth, Christchurch and Poole’s turnover rate (FTE) fell sharply to 22.4% in 2022, above the national "
     "average"),
    # was "Derby's turnover rate almost doubled to 7.9% in 2025" (x1.7)
    ("Derby", 2025, "Derby’s turnover rate (FTE) leapt to 7.9% in 2025, below the national average"),
])
def test_chart_titles_are_about_the_last_year_drawn(data, council, vintage, expected):
    words, p = _title(data, council, vintage)
    assert words["title"] == expected
    assert words["year"] == _drawn_to(p) and f"in {_drawn_to(p)}" in words["title"]
    assert any(f"DfE {vintage} release" in line for line in words["subtitle"])
    assert f"DfE {vintage} release" in words["alt_text"]


def _sentences(data, council, year, vintage):
    return pr.council_profile(council, year=year, vintage=vintage, data=data)["sentences"]


def test_bcp_more_than_tripled(data):
    said = _sentences(data, "Bournemouth, Christchurch and Poole", 2021, 2022)
    assert any("turnover rate (FTE) more than tripled from 10.7% to 36.0% between 2020 and 2021" in s for s in said)
    assert not any("more than doubled from 10.7%" in s for s in said)


def test_derby_small_bases_in_points(data):
    said = _sentences(data, "Derby", 2025, 2025)
    assert any("agency worker rate (FTE) fell by 0.4 percentage points, from 0.4% to 0.0%, between 2024 and 2025."
               in s for s in said), said
    assert any("turnover rate (FTE) leapt from 4.6% to 7.9% between 2024 and 2025" in s for s in said), said
    assert any("agency worker rate (FTE) of 0.0% was below the national average of 13.0%" in s for s in said), said
    assert not any("halved from 0.4%" in s for s in said)
    assert not any("agency worker rate (FTE) of 0.0% was less than half" in s for s in said)
    assert not any("almost doubled from 4.6%" in s for s in said)


def test_herefordshire_and_west_berkshire_sentences_say_their_year(data):
    hereford = _sentences(data, "Herefordshire", 2021, 2022)
    assert any("turnover rate (FTE) edged up from 17.8% to 18.8% between 2020 and 2021" in s for s in hereford)
    berks = _sentences(data, "West Berkshire", 2021, 2022)
    assert any("turnover rate (FTE) fell from 12.8% to 10.5% between 2020 and 2021" in s for s in berks)


def test_every_sentence_with_a_figure_names_its_year_and_the_release_is_named(data):
    for council in ("York", "Derby", "Herefordshire", "West Berkshire", "Merton"):
        said = _sentences(data, council, None, None)
        p = pr.council_profile(council, data=data)
        assert said[-1].startswith(f"Workforce figures are from DfE’s {p['vintage']} release")
        for s in said:
            if "%" in s:
                assert any(str(y) in s for y in range(2009, 2031)), s
