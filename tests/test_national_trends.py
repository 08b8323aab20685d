"""National trends: the article's comparisons on small series, the reported figures file, the real figures."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import claims, dates, sources
from csc_figures import formatting as f
from csc_figures.errors import DataError, UserError
from csc_figures.stories import national_trends as nt


def _series(values: dict[int, float | None]) -> pl.DataFrame:
    return pl.DataFrame({"year": list(values), "value": list(values.values())},
                        schema={"year": pl.Int64, "value": pl.Float64})


def test_year_span():
    assert dates.year_span(2021) == "2020-21"
    assert dates.year_span(2000) == "1999-00"


def test_years_lowest_counts_back_to_the_last_lower_year():
    s = _series({2012: 25, 2013: 30, 2014: 31, 2015: 29, 2016: 26})
    assert nt.years_lowest(s, 2016) == 4  # lowest since 2012
    assert nt.years_lowest(s, 2015) == 3
    # the data run out before a lower year: undetermined, not a made-up count
    assert nt.years_lowest(_series({2019: 31, 2020: 30, 2021: 28}), 2021) is None
    assert nt.years_lowest(s, 2030) is None
    assert nt.years_highest(s, 2014) is None and nt.years_highest(s, 2016) == 1


def test_record_and_previous_years_higher():
    s = _series({2018: 100, 2019: 201, 2020: 200, 2021: 199, 2022: 210})
    assert nt.is_record_high(s, 2022) is True and nt.is_record_high(s, 2021) is False
    assert nt.previous_years_higher(s, 2021) == 2
    assert nt.previous_years_higher(s, 2022) == 0
    assert nt.previous_years_higher(s, 2031) is None


def test_change_pct():
    s = _series({2010: 80, 2021: 200})
    assert nt.change_pct(s, 2021, 2010) == pytest.approx(150.0)
    assert nt.change_pct(s, 2021, 2009) is None


def test_combined_series_labels_reported_years_and_prefers_official():
    official = pl.DataFrame({"year": [2021, 2022], "period": ["2020-21", "2021-22"], "value": [10.0, 11.0],
                             "flag": [None, None]})
    reported = pl.DataFrame({"year": [2020, 2021, 2020], "period": ["2019-20", "2020-21", "2019-20"],
                             "value": [9.0, 10.5, 8.0], "release": [2021, 2021, 2020],
                             "figure_id": ["a", "b", "c"], "document": ["d"] * 3,
                             "source_kind": ["primary document", "primary document", "secondary report"],
                             "read_from": ["r1", "r1", "r2"], "read_from_url": [None, None, None]})
    out = nt.combined_series(official, reported, "children_looked_after")
    assert out["year"].to_list() == [2020, 2021, 2022]
    # the official figures are labelled with the release the manifest holds, not a year typed in code
    vintage = sources.one("children_looked_after").vintage
    assert out["source"][1] == f"DfE data file, {vintage} release"
    assert out["value"].to_list() == [9.0, 10.0, 11.0]  # the latest release for 2020; official wins in 2021
    assert out["is_reported"].to_list() == [True, False, False]
    assert out["source"][0] == "Reported (primary document): DfE 2021 release"
    assert nt.reported_credit(out) == "2019-20: DfE's 2021 release, read from a primary document (r1)"
    rev = nt.revisions(official, reported)
    assert rev.select("year", "published", "today", "revision").row(0) == (2021, 10.5, 10.0, -0.5)


def test_reported_file_is_complete_and_cited():
    rep = nt.reported_figures()
    assert rep["figure_id"].is_unique().all()
    # 2009-10 (a year our c4 file lacks), then figures as DfE's own data catalogue pages gave them
    assert rep.filter(pl.col("measure") == "section_47_enquiries")["year"].to_list() == [2010, 2020, 2023, 2025]
    assert rep["page_or_url"].str.starts_with("https://").all()
    assert set(rep["measure"]) <= set(nt.MEASURES)


def test_reported_file_errors_name_the_problem(tmp_path):
    good = nt.REPORTED_CSV.read_text().splitlines()
    bad = tmp_path / "quoted.csv"
    bad.write_text("\n".join([good[0], good[1].replace(",89300,", ",about 89k,")]) + "\n")
    with pytest.raises(DataError, match=r"column 'value', line 2"):
        nt.reported_figures(bad)
    bad.write_text("\n".join([good[0].replace("page_or_url", "url"), good[1]]) + "\n")
    with pytest.raises(DataError, match="columns"):
        nt.reported_figures(bad)
    bad.write_text("\n".join([good[0], good[1], good[1]]) + "\n")
    with pytest.raises(DataError, match="duplicate"):
        nt.reported_figures(bad)


def test_unknown_measure_is_a_user_error():
    with pytest.raises(UserError, match="unknown measure"):
        nt.official_series("adoptions")


def test_claims_computations_on_the_real_files():
    assert nt.claim_value("section_47_enquiries", "2021") == 198790
    # fewer children left care in 2020-21 than in 2019-20 (as DfE first published it)
    assert nt.claim_direction("children_ceasing_care", "2021", "2020") == "fell"
    assert nt.claim_direction("children_ceasing_care", "2021", "2000") is None
    # the 2025 release revises the 80,850 first published for 2020-21
    assert nt.claim_value("children_looked_after", "2021") == 80780
    assert nt.claim_lower_than_previous("section_47_enquiries", "2021") == 2
    assert nt.claim_change_pct("section_47_enquiries", "2021", "2010") == pytest.approx(122.609, abs=1e-3)
    assert nt.claim_record("children_looked_after", "2021") == "record high"
    assert nt.claim_record("children_looked_after", "2024") == "not a record"
    # our years start in 2018-19 and 2020-21 is lower than all of them: "nine years" cannot be checked
    assert nt.claim_lowest_in_years("children_starting_care", "2021") is None


def test_article_figures_table():
    table = nt.article_figures()
    status = dict(zip(table["figure"], table["status"], strict=True))
    # the ledger's statuses: "nine years" differs because our files do not reach back far enough
    # 80,850 is checked as DfE first published it (its release page, data/reported)
    assert status == {"looked_after": "match", "looked_after_record": "match",
                      "starting_lowest": "differs", "ceasing_fewer": "match", "s47_value": "match",
                      "s47_change": "differs", "s47_lower": "match"}
    assert set(table["status"]) <= set(claims.STATUSES)
    assert dict(zip(table["figure"], table["claim_id"], strict=True)) == nt.ARTICLE_CLAIMS
    why = dict(zip(table["figure"], table["why"], strict=True))
    recomputed = dict(zip(table["figure"], table["recomputed"], strict=True))
    assert recomputed["looked_after"] == "80,850" and "80,780" in why["looked_after"]
    assert "89,300" in why["s47_change"]


@pytest.mark.parametrize("which", ["looked_after", "starting", "section_47"])
def test_charts_carry_alt_text_title_source_and_reported_label(which):
    if which == "looked_after":
        chart, table = nt.looked_after_chart(nt.series("looked_after"),
                                             nt.reported_series("looked_after").filter(pl.col("release") == 2021))
    elif which == "starting":
        chart, table = nt.starting_ceasing_chart(nt.series("starting"), nt.series("ceasing"))
    else:
        chart, table = nt.section_47_chart(nt.series("section_47_enquiries"))
    spec = chart.to_dict()
    assert len(spec["description"]) > 80
    assert spec["title"]["text"] and spec["title"]["subtitle"]
    assert "reported" in " ".join(spec["title"]["subtitle"]).lower()
    assert table["source"].str.contains("Reported").any() and table["source"].str.contains("2025").any()


def test_article_sentences_use_todays_and_reported_numbers():
    text = " ".join(nt.article_sentences())
    assert "80,780" in text and "first published as 80,850" in text
    assert "up 122.6% from 89,300 in 2009-10 (reported)" in text
    assert "two years before" in text and "the files we hold cannot say" in text


# ---- sentences true for any year (issue 30) -------------------------------------------------------

def _series(values: dict[int, float | None], reported: tuple[int, ...] = ()) -> pl.DataFrame:
    return pl.DataFrame({"year": list(values), "period": [dates.year_span(y) for y in values],
                         "value": list(values.values()), "is_reported": [y in reported for y in values]})


def test_lowest_words_never_says_one_year_and_names_the_year_it_is_lowest_since():
    s = _series({2019: 31770.0, 2020: 30970.0, 2021: 28470.0, 2022: 31100.0, 2023: 33090.0, 2024: 29000.0})
    assert nt.lowest_words(s, 2022) == "more than the 28,470 in 2020-21, the year before"
    assert nt.lowest_words(s, 2024) == "the lowest in three years: 28,470 in 2020-21 was as low or lower"
    assert nt.lowest_words(s, 2021).startswith("lower than every earlier year we hold (2018-19 onwards)")
    assert nt.lowest_words(s, 2019) == "the first year we hold, so no earlier year to compare"


def test_previous_words_says_when_no_year_before_was_higher():
    s = _series({2019: 201170.0, 2020: 201000.0, 2021: 198790.0, 2022: 217800.0})
    assert nt.previous_words(s, 2021) == ("lower than in each of the two years before (2018-19: 201,170, "
                                          "2019-20: 201,000)")
    assert nt.previous_words(s, 2020) == "lower than the year before (2018-19: 201,170)"
    assert nt.previous_words(s, 2022) == "not lower than the 198,790 in 2020-21, the year before"
    assert nt.previous_words(s, 2019) == "with no figure held for 2017-18, the year before"


def test_record_words_follow_the_peak():
    s = _series({2018: 75370.0, 2019: 78140.0, 2023: 83750.0, 2024: 83530.0})
    assert nt.record_words(s, 2018) == "the first year we hold (2017-18); the count has since peaked at 83,750 in 2022-23"
    assert nt.record_words(s, 2023) == "the highest of every year we hold (2017-18 to 2023-24)"
    assert nt.record_words(s, 2024) == "below the 83,750 of 2022-23"


@pytest.mark.parametrize("year", range(2009, 2027))
def test_article_sentences_hold_for_any_year(year):
    text = " ".join(nt.article_sentences(year, 2010))
    for bad in ("None", "nan", "()", " 1 years", "no years", "unavailable"):
        assert bad not in text, (year, bad, text)
    assert len(nt.article_sentences(year, 2010)) == 4


def test_article_figures_are_compared_only_on_the_article_years():
    year, base = nt.article_years()
    assert nt.article_comparison(year, base) is None
    note = nt.article_comparison(year + 1, base)
    assert note and dates.year_span(year) in note and dates.year_span(year + 1) in note


def test_article_figures_are_read_from_the_ledger(monkeypatch):
    """The printed figures come from data/claims.csv by claim id: a change there shows in the table and lines."""
    row = claims.claim(nt.ARTICLE_CLAIMS["s47_change"])
    monkeypatch.setitem(row, "published", "130.0%")
    monkeypatch.setitem(row, "value", "130.0")
    table = nt.article_figures()
    change = table.filter(pl.col("figure") == "s47_change").row(0, named=True)
    assert change["printed"] == "130.0%" and change["status"] == "differs"
    assert "the article's 130.0% implies a base of about 86,430" in change["why"]
    lines = "\n".join(nt.figure_lines(table))
    assert "printed 130.0%, recomputed 122.6% (differs: a difference we cannot trace to a source)" in lines
    assert "printed 80,850, recomputed 80,850 (matches)" in lines and "gives 2020-21 as 80,780" in lines


def test_article_claims_must_be_the_articles_national_figures(monkeypatch):
    monkeypatch.setitem(nt.ARTICLE_CLAIMS, "s47_value", "a003-002")
    with pytest.raises(DataError, match="a003-002"):
        nt.article_claims()


def test_the_reported_figures_are_listed_by_document_each_once():
    """Notebook 13's citations: each document read once, with every figure read from it (68 lines before)."""
    reported = nt.reported_figures()
    lines = nt.reported_lines(reported)
    documents = reported.select("release", "document", "page_or_url").unique()
    assert len(lines) == documents.height
    for row in documents.iter_rows(named=True):
        assert sum(f"*{row['document']}*" in line and row["page_or_url"] in line for line in lines) == 1
    for row in reported.iter_rows(named=True):
        line = next(x for x in lines if f"*{row['document']}*" in x and f"DfE's {row['release']} release" in x)
        assert f"{f.number(row['value'])} ({dates.year_span(row['year'])})" in line
