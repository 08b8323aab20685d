"""The logic notebooks 10, 11, 12, 14 and 16 call instead of computing in cells: tables, windows, counts and the
sentences that say them, each true for any date or year (small synthetic frames first, then the real tables)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from csc_figures import dates, grid, opening, workforce
from csc_figures.stories import inspection_judgements as ij
from csc_figures.stories import maps, profile, ratings, reported

D = dt.date


# ---- 12: inspection judgements -------------------------------------------------------------------------------

def _dist(counts: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame({"judgement": list(counts), "councils": list(counts.values())})


def test_not_good_sentence_counts_judged_councils_and_words_a_day_with_none():
    dist = _dist({"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4, ij.NOT_YET: 5})
    assert ij.not_good_sentence(dist, D(2020, 3, 31)) == (
        "On 31 March 2020, 70.0% of the 10 councils with a SIF or ILACS judgement were rated less than good "
        "(requires improvement or inadequate); 1 was outstanding and 4 inadequate.")
    nothing = _dist({"outstanding": 0, "good": 0, "requires_improvement": 0, "inadequate": 0, ij.NOT_YET: 152})
    assert "no council held a SIF or ILACS judgement" in ij.not_good_sentence(nothing, D(2014, 2, 10))


def test_over_time_table_one_row_per_date_with_the_share_rounded():
    over_time = pl.DataFrame({"as_of": [D(2015, 3, 31)] * 3 + [D(2016, 3, 31)] * 3,
                              "judgement": ["good", "requires_improvement", ij.NOT_YET] * 2,
                              "councils": [2, 1, 3, 0, 0, 6]})
    table = ij.over_time_table(over_time)
    assert table["as_of"].to_list() == [D(2015, 3, 31), D(2016, 3, 31)]
    assert table.columns == ["as_of", "good", "requires_improvement", ij.NOT_YET, "share_not_good"]
    assert table["share_not_good"].to_list() == [33.3, None]  # nobody judged: no share, not 0


def test_transition_table_and_good_then_not_good():
    matrix = ij.transition_matrix(pl.DataFrame({"previous_judgement": ["good", "good"],
                                                "judgement": ["inadequate", "good"]}))
    table = ij.transition_table(matrix)
    assert table["previous_judgement"].to_list() == ij.JUDGEMENTS
    assert table.filter(pl.col("previous_judgement") == "good")["inadequate"][0] == 1
    squeezed = pl.DataFrame({"slac_safeguarding": ["good", "good", "good", "adequate"],
                             "sif_overall": ["inadequate", "requires_improvement", "good", "inadequate"]})
    assert ij.good_then_not_good(squeezed) == (3, 2)
    assert ij.squeezed_sentence(3, 2, D(2015, 12, 31)) == (
        "Of the 3 councils rated good for safeguarding at their last SLAC inspection and inspected under SIF by "
        "31 December 2015, 2 (66.7%) were judged requires improvement or inadequate.")
    assert ij.squeezed_sentence(0, 0, D(2014, 12, 31)).startswith("No council rated good")


def test_in_year_and_the_range_of_shares_during_it():
    running = pl.DataFrame({"published": [D(2014, 12, 1), D(2015, 2, 1), D(2015, 9, 1)],
                            "share_not_good": [70.0, 74.44, 77.8], "share_inadequate": [20.0, 16.3, 26.0]})
    year = ij.in_year(running, 2015)
    assert year.height == 2
    assert ij.not_good_during_sentence(year, 2015) == (
        "During 2015, of the councils with a published first SIF report, 74.4% to 77.8% were less than good, "
        "and 74.0% to 83.7% were not inadequate.")
    assert "No first SIF report was published during 2013" in ij.not_good_during_sentence(ij.in_year(running, 2013), 2013)
    assert ij.year_ends(2015) == (D(2015, 1, 1), D(2015, 12, 31))


def test_inadequate_sentences_say_which_councils_share_a_predecessors_judgement():
    frame = pl.DataFrame({"la_code": ["940", "941", "202"], "la_name": ["North", "West", "B"],
                          "judgement": ["inadequate"] * 3, "framework": ["SIF"] * 3,
                          "published": [D(2019, 1, 1), D(2019, 1, 1), D(2020, 1, 1)],
                          "inherited_from": ["928", "928", None]})
    lines = ij.inadequate_sentences(frame, D(2022, 5, 6))
    assert lines == ["On 6 May 2022, 3 councils held an inadequate judgement, from 2 inspections.",
                     "North and West hold the judgement of their predecessor (DfE code 928)."]
    one = frame.filter(pl.col("la_code") != "941")
    assert ij.inadequate_sentences(one, D(2022, 5, 6))[1] == "North holds the judgement of its predecessor (DfE code 928)."
    assert ij.inadequate_sentences(frame.head(0), D(2014, 1, 1)) == ["On 1 January 2014, no council held an inadequate judgement."]


def test_windows_sentences_follow_the_windows_and_place_the_reports_date():
    target = {"inspections": 4, "good": 1, "requires_improvement": 2, "inadequate": 1}
    windows = pl.DataFrame({"window": ["financial year 2013-14, by publication, first SIF",
                                       "financial year 2013-14, by inspection start, first SIF"],
                            "date_used": ["published", "inspection_start"], "inspections": [3, 0],
                            "undated": [0, 5], "reproduces": [False, False]})
    matches = pl.DataFrame({"published": [D(2015, 2, 3)], "last_cutoff": [D(2015, 3, 19)]})
    lines = ij.windows_sentences(windows, matches, target, 2013, (D(2015, 3, 10), "Annual report"))
    assert lines[0].startswith("None of the 2 fixed windows for “inspected in 2013-14” gives the Guardian's 4 "
                               "inspections")
    assert lines[1] == "By publication date, the financial year 2013-14 (April to March) holds only 3 first SIF reports."
    assert "no fieldwork date for 5 first SIF inspections" in lines[2]
    assert lines[3] == ("The report the counts come from, Annual report, is dated 10 March 2015 in data/reported: "
                        "within the cut-offs (3 February 2015 to 19 March 2015) that reproduce all four counts.")
    late = ij.windows_sentences(windows, matches, target, 2013, (D(2015, 6, 1), "Annual report"))
    assert "after the cut-offs" in late[-1]
    assert ij.windows_sentences(windows, matches.head(0), target, 2013, (D(2015, 6, 1), "R"))[-1].startswith("No cut-off")


def test_published_by_sentence_with_and_without_reports():
    counts = {"inspections": 43, "good": 10, "requires_improvement": 26, "inadequate": 7, "outstanding": 0}
    assert ij.published_by_sentence(D(2015, 3, 10), counts, 152, "the report's date") == (
        "Published by 10 March 2015 (the report's date): 43 first SIF reports, 10 good, 26 requiring improvement, "
        "7 inadequate (76.7% less than good); councils in existence: 152.")
    none = dict.fromkeys(counts, 0)
    assert "no first SIF report yet" in ij.published_by_sentence(D(2013, 1, 1), none, 152, "x")


def test_first_outstanding_sentence_before_and_after_the_first():
    first = pl.DataFrame({"published": [D(2016, 3, 29)]})
    assert ij.first_outstanding_sentence(first, 2015).endswith("in 2015 no council held an outstanding SIF or ILACS "
                                                                "judgement.")
    assert ij.first_outstanding_sentence(first, 2016).endswith("by the end of 2016 a council held an outstanding "
                                                                "SIF or ILACS judgement.")


def test_the_guardian_counts_date_is_the_cited_reports_and_reproduces_them():
    # notebook 12 no longer takes an unsourced date: the report's own date, from data/reported
    day, document = ij.report_date()
    assert day == D(2015, 3, 10) and document == "Ofsted social care annual report 2013-14"
    inspections = ij.load_inspections()
    counts = ij.judgement_counts(ij.published_in(inspections, ij.cutoff_window(ij.framework_start(inspections), day)))
    assert {k: counts[k] for k in ij.guardian_counts()} == ij.guardian_counts()


# ---- 10: ratings ---------------------------------------------------------------------------------------------

def _councils() -> pl.DataFrame:
    return pl.DataFrame({
        "year": [2021, 2021, 2021, 2022], "la_code": ["1", "2", "3", "1"], "la_name": ["A", "B", "C", "A"],
        "status": ["included", "included", "excluded: no judgement", "included"],
        "judgement": ["good", "inadequate", None, "good"], "published": [D(2018, 1, 1)] * 4,
        "inherited_from": [None, "9", None, None], "judged_via": [None, None, None, None],
        "joint_mixed": [False] * 4, "joint_codes": [["1", "4"], ["2"], ["3"], ["1"]]})


def test_special_councils_are_joint_inherited_or_judged_through_another():
    special = ratings.special_councils(_councils())
    assert special["la_name"].to_list() == ["A", "B"]
    assert special.columns == ["la_code", "la_name", "status", "judgement", "published", "inherited_from", "judged_via",
                               "joint_mixed"]


def test_statuses_by_year_one_row_per_year():
    table = ratings.statuses_by_year(_councils())
    assert table["year"].to_list() == [2021, 2022]
    assert table.filter(pl.col("year") == 2021)["included"][0] == 2
    assert table.filter(pl.col("year") == 2022)["excluded: no judgement"][0] is None


def test_is_article_edition_and_next_release():
    assert ratings.is_article_edition(D(2022, 5, 6), 2021, 2020)
    assert not ratings.is_article_edition(D(2022, 5, 6), 2021, 2019)
    held = workforce.vintages()
    assert ratings.next_release(held[0]) == held[1] and ratings.next_release(held[-1]) is None


def test_robustness_sentences_for_the_year_and_none_held():
    robust = pl.DataFrame({"year": [2021, 2022], "measure": ["turnover_rate", "turnover_rate"], "gap": [3.04, 1.0],
                           "gap_low": [0.55, -1.0], "gap_high": [5.5, 2.0], "spearman": [0.214, 0.1],
                           "clear": [True, False]})
    assert ratings.robustness_sentences(robust, 2021) == [
        "2020-21, Turnover rate (%): inadequate minus outstanding 3.0 (95% interval 0.6 to 5.5), Spearman 0.21: a clear "
        "relationship."]
    assert "do not reach 2016-17" in ratings.robustness_sentences(robust, 2017)[0]


def test_editions_note_names_the_years_the_capped_dates_and_the_release():
    latest = ij.latest_as_of()
    tables = pl.DataFrame({"year": [2018, latest.year], "as_of": [D(2019, 5, 6), latest]})
    note = ratings.editions_note(tables, 2024)
    assert note.startswith("The same table for every workforce year from 2017-18 to ")
    assert f"so {dates.year_span(latest.year)} uses that date" in note and note.endswith("DfE's 2024 release.")
    assert "uses that date" not in ratings.editions_note(tables.head(1), None)


def test_every_year_table_and_missing_figure_rows_from_the_real_tables():
    tables, _ = ratings.editions(first_year=max(workforce.panel()["year"]))
    every = ratings.every_year_table(tables)
    assert every.columns[:4] == ["year", "as_of", "rating", "councils"] and every.height == tables.height
    explained = pl.DataFrame({"without_figure": [None, "Nowhere; " + workforce.panel(2022)["la_name"].drop_nulls()[5]]})
    rows = ratings.missing_figure_rows(explained, 2022, (2020, 2021))
    assert rows["year"].to_list() == [2020, 2021] and "agency_rate_flag" in rows.columns


# ---- 11, 14, 16 ---------------------------------------------------------------------------------------------

def test_indicator_tables_in_the_profiles_order_rounded():
    table = pl.DataFrame({"measure": ["vacancy_rate", "turnover_rate", "turnover_rate"], "year": [2021, 2021, 2021],
                          "series": ["York", "York", "England"], "value": [10.04, 15.35, 16.0]})
    tables = profile.indicator_tables(table)
    assert list(tables) == ["turnover_rate", "vacancy_rate"]
    assert tables["turnover_rate"].row(0, named=True) == {"year": 2021, "York": 15.4, "England": 16.0}
    assert profile.revisions_table({"revisions": []}).height == 0


def test_maps_filled_says_where_each_open_parameter_came_from():
    as_of, year, vintage, stated = maps.filled(None, None, None)
    assert vintage == max(workforce.vintages()) and year == workforce.panel(vintage)["year"].max()
    assert stated[0].endswith("the latest Ofsted file's as-at date.") and "the latest we hold" in stated[1]
    *_, given = maps.filled("2020-03-31", 2021, 2022)
    assert given == ["Judgements in force on 31 March 2020: as given.", "Workforce figures from DfE's 2022 release: "
                     "as given.", "Workforce year to 30 September 2021: as given."]


def test_reported_documents_and_claims_by_result():
    docs = reported.documents(reported.COHORTS, reported.COHORTS)
    assert docs.height == 1 and docs.columns == ["publisher", "document", "date"]
    results = reported.claims_by_result()
    assert results.columns == ["kind", "status", "claims"] and results["claims"].sum() > 0


def test_notebook_14s_opening_names_the_documents_its_charts_read():
    text = opening.opening_text("14_reported_figures", cohorts_year=2022, study_phase=4)
    assert "the charts are drawn from *Starters and graduates" in text
    assert "(Frontline, Department for Education" in text and "May 2022)" in text
    assert opening._document_date("2022-05") == "May 2022" and opening._document_date("2022") == "2022"


def test_the_column_map_keeps_dfes_names_as_code():
    cols = workforce.column_map()
    assert cols.filter(pl.col("our column") == "`fte`")["2022 release"][0] == "`social_worker_fte`"
    # as code, the grid's reader does not mistake them for raw codes
    assert grid.problems([("body", "│ Social workers in post (FTE) ┆ `fte` ┆ `social_worker_fte` │")]) == []


def test_the_grids_dates_come_from_the_data():
    dates = grid._dates_full()
    assert dates == sorted(dates) and ij.latest_as_of().isoformat() == dates[-1]
    assert (ij.framework_start(ij.load_inspections()) - dt.timedelta(days=1)).isoformat() == dates[0]
    full = grid.full_grid()
    assert {"vintage": max(workforce.vintages())} in full["11_council_profile"]
    assert len(full["13_national_trends"]) > len(full["15_revisions"])


@pytest.mark.parametrize("line", ["│ York ┆ requires_improvement │", "│ 2021 ┆ nan │", "│ York ┆ None │"])
def test_a_raw_code_or_gap_in_a_table_body_is_caught(line):
    assert grid.problems([("body", line)])


def test_a_desk_table_words_a_column_of_codes_as_its_reader_names(capsys):
    from csc_figures.lab import show

    show(pl.DataFrame({"figure": ["icpcs", "in_need_at_31_march"], "status": ["requires_improvement", "good"]}))
    out = capsys.readouterr().out
    assert "initial child protection conferences" in out and "children in need at 31 March" in out
    assert "requires improvement" in out and "_" not in out


def test_the_maps_every_31_march_before_the_first_shows_the_first():
    first = maps.every_march(ij.framework_start(ij.load_inspections()) - dt.timedelta(days=1))
    assert len(first) == 1 and first[0]["as_of"][0] == ij.first_march_after(ij.framework_start(ij.load_inspections()))
    assert len(maps.every_march(D(2016, 4, 1))) == 3  # 2014, 2015, 2016


def test_the_ratings_table_refuses_a_day_before_any_graded_judgement_saying_why():
    from csc_figures.errors import UserError

    before = ij.framework_start(ij.load_inspections()) - dt.timedelta(days=1)
    with pytest.raises(UserError, match="no council held a SIF or ILACS judgement then"):
        ratings.build(before, 2021, 2020)
