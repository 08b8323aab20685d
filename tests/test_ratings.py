"""Ratings vs workforce: the rules on small synthetic frames, then the real tables against the article."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from csc_figures import releases, sources
from csc_figures.errors import UserError
from csc_figures.dates import as_date
from csc_figures.stories import ratings as r

def newest_release_years() -> str:
    """'first-last' of the newest workforce release, from the manifest (never today's release by name)."""
    held = releases.promised_years(sources.releases(sources.WORKFORCE)[-1].name)
    return f"{held[0]}-{held[-1]}"


NUMBERS = ["fte", "vacancies", "agency_fte", "case_holders", "headcount", "agency_headcount",
           "turnover_rate_headcount", "agency_rate_headcount"]


def wf_row(year, code, turnover, vacancy=10.0, agency=10.0, absence=2.0, caseload=15.0, fte=100.0,
           level="local_authority", joint=None):
    row = {"vintage": 2022, "year": year, "geographic_level": level, "la_code": code, "la_name": f"Council {code}",
           "joint_codes": joint or ([code] if code else None),
           "turnover_rate": turnover, "vacancy_rate": vacancy, "agency_rate": agency, "absence_rate": absence,
           "caseload": caseload, "fte": fte, "vacancies": 10.0, "agency_fte": 10.0, "case_holders": fte / 2,
           "headcount": fte + 5, "agency_headcount": 11.0, "turnover_rate_headcount": None if turnover is None else turnover + 1,
           "agency_rate_headcount": agency + 1}
    if turnover is None:  # a joint partner's row: every figure `z`
        row.update({k: None for k in [*r.MEASURES, *NUMBERS]})
    return row


SCHEMA = {"vintage": pl.Int64, "year": pl.Int64, "geographic_level": pl.String, "la_code": pl.String,
          "la_name": pl.String, "joint_codes": pl.List(pl.String),
          **{m: pl.Float64 for m in [*r.MEASURES, *NUMBERS]}}


@pytest.fixture
def workforce():
    rows = [
        wf_row(2021, None, 15.4, 16.7, 15.5, 3.1, 16.3, level="national"),
        wf_row(2020, None, 13.5, 16.1, 15.4, 2.9, 16.3, level="national"),
        wf_row(2021, "100", 10.0, fte=100.0), wf_row(2020, "100", 8.0),
        wf_row(2021, "200", 20.0, fte=300.0), wf_row(2020, "200", 14.0),
        wf_row(2021, "314", 14.0, joint=["314", "318"]), wf_row(2020, "314", 13.0, joint=["314", "318"]),
        wf_row(2021, "318", None), wf_row(2020, "318", None),
        wf_row(2021, "940", 16.0, joint=["940", "941"]), wf_row(2021, "941", None),
        wf_row(2020, "928", 12.0),
        wf_row(2021, "500", 30.0), wf_row(2020, "500", 30.0),
    ]
    return pl.DataFrame(rows, schema=SCHEMA)


@pytest.fixture
def judgements():
    rows = [("100", "outstanding", "ILACS", dt.date(2019, 1, 1), None),
            ("200", "inadequate", "ILACS", dt.date(2021, 12, 1), None),
            ("314", "outstanding", "ILACS", dt.date(2019, 12, 19), None),
            ("318", "good", "ILACS", dt.date(2022, 3, 18), None),
            ("940", "inadequate", "ILACS", dt.date(2019, 7, 29), "928"),
            ("941", "inadequate", "ILACS", dt.date(2019, 7, 29), "928"),
            ("500", None, None, None, None),
            ("600", "good", "SIF", dt.date(2016, 1, 1), None)]
    return pl.DataFrame([{"la_code": c, "la_name": f"Council {c}", "judgement": j, "framework": f, "published": p,
                          "inherited_from": i} for c, j, f, p, i in rows],
                        schema={"la_code": pl.String, "la_name": pl.String, "judgement": pl.String,
                                "framework": pl.String, "published": pl.Date, "inherited_from": pl.String})


@pytest.fixture
def geography():
    return pl.DataFrame({"la_code": ["940", "941", "928"], "predecessor_codes": [["928"], ["928"], []],
                         "successor_codes": [[], [], ["940", "941"]]})


def table(judgements, workforce, geography, **choices):
    councils = r.council_table(judgements, workforce, 2021, 2020, geography, r.Choices(**choices))
    return r.assemble(councils, workforce, 2021, 2020, choices.get("method", "mean")), councils


def by_rating(df):
    return {row["rating"]: row for row in df.iter_rows(named=True)}


def test_default_rules(judgements, workforce, geography):
    out, councils = table(judgements, workforce, geography)
    assert out.columns == r.columns(base=True)
    assert out["rating"].to_list() == [*r.RATINGS, "england"]
    rows = by_rating(out)
    # a joint return counts once, under its lead council's judgement
    assert rows["outstanding"]["councils"] == 2
    assert rows["outstanding"]["turnover_rate"] == pytest.approx(12.0)
    assert rows["good"]["councils"] == 0 and rows["good"]["turnover_rate"] is None
    # North Northamptonshire's return inherits; its base year is its predecessor's row
    assert rows["inadequate"]["councils"] == 2
    assert rows["inadequate"]["turnover_rate"] == pytest.approx(18.0)
    assert rows["inadequate"]["turnover_rate_base"] == pytest.approx(13.0)
    assert rows["england"]["turnover_rate"] == 15.4 and rows["england"]["turnover_rate_base"] == 13.5
    assert rows["england"]["councils"] == 5  # every return with figures, judged or not


def test_nothing_dropped_silently(judgements, workforce, geography):
    _, councils = table(judgements, workforce, geography)
    ex = {row["status"]: row for row in r.exclusions(councils).iter_rows(named=True)}
    assert ex["no_figures"]["count"] == 2  # the partners' z rows
    assert ex["no_judgement"]["councils"] == "500 Council 500"
    assert ex["no_workforce_row"]["councils"] == "600 Council 600"
    statuses = councils["status"].value_counts()
    assert statuses["count"].sum() == councils.height == 8


def test_counts_and_year_end(judgements, workforce, geography):
    _, councils = table(judgements, workforce, geography)
    counts = by_rating(r.counts_table(councils, base=True))
    assert counts["inadequate"]["acquired_after_year_end"] == 1  # published December 2021
    assert counts["inadequate"]["inherited"] == 1
    assert counts["outstanding"]["joint_returns"] == 1
    assert counts["inadequate"]["base_year_returns"] == 2


def test_abolished_council_takes_successors_judgement(judgements, workforce, geography):
    # Northamptonshire's own 2020 return, read with the judgements of 2022: its successors' (both inadequate)
    councils = r.council_table(judgements, workforce, 2020, None, geography)
    row = councils.filter(pl.col("la_code") == "928").row(0, named=True)
    assert (row["status"], row["judgement"], row["judged_via"]) == ("included", "inadequate", "successors 940, 941")
    mixed = judgements.with_columns(pl.when(pl.col("la_code") == "941").then(pl.lit("good"))
                                    .otherwise(pl.col("judgement")).alias("judgement"))
    councils = r.council_table(mixed, workforce, 2020, None, geography)
    assert councils.filter(pl.col("la_code") == "928")["status"].to_list() == ["no_judgement"]


def test_joint_rules(judgements, workforce, geography):
    rows = by_rating(table(judgements, workforce, geography, joint="partner")[0])
    assert rows["good"]["councils"] == 1 and rows["outstanding"]["councils"] == 1
    out, councils = table(judgements, workforce, geography, joint="exclude_mixed")
    assert by_rating(out)["outstanding"]["councils"] == 1
    assert councils.filter(pl.col("status") == "joint_mixed")["la_code"].to_list() == ["314"]


def test_reorganised_excluded(judgements, workforce, geography):
    out, councils = table(judgements, workforce, geography, reorganised="exclude")
    assert by_rating(out)["inadequate"]["councils"] == 1
    assert "940" in councils.filter(pl.col("status") == "no_judgement")["la_code"].to_list()


def test_pooled_weights_by_denominator(judgements, workforce, geography):
    rows = by_rating(table(judgements, workforce, geography, method="pooled")[0])
    # inadequate: 200 (fte 300, 20%) and 940 (fte 100, 16%)
    assert rows["inadequate"]["turnover_rate"] == pytest.approx((20 * 300 + 16 * 100) / 400)


def test_headcount_basis(judgements, workforce, geography):
    rows = by_rating(table(judgements, workforce, geography, basis="headcount")[0])
    assert rows["outstanding"]["turnover_rate"] == pytest.approx(13.0)
    assert rows["outstanding"]["vacancy_rate"] == pytest.approx(10.0)


def test_rounding_as_the_article():
    df = pl.DataFrame({"rating": ["good"], "councils": [1], **{m: [16.25] for m in r.MEASURES},
                       **{f"{m}_base": [14.14] for m in r.MEASURES}})
    out = r.ratings_table_rounded(df).row(0, named=True)
    assert out["turnover_rate"] == 16.3  # half away from zero, as a spreadsheet rounds
    assert out["turnover_rate_change"] == pytest.approx(2.2)  # 16.3 - 14.1, not round(2.11)


def test_bad_input(workforce):
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        as_date("6 May 2022")
    with pytest.raises(UserError, match="holds 2020-2021"):
        r.council_rows(workforce, 2019)
    with pytest.raises(UserError, match="method"):
        r.Choices(method="median").check()
    assert as_date("2022-05-06") == as_date(dt.date(2022, 5, 6))


# ---- the real tables ------------------------------------------------------------------------------

ARTICLE_DIFFERENCES = {  # cells the data we hold does not give, each explained in notebook 10
    "a002-184", "a002-188", "a002-190", "a002-191", "a002-192", "a002-200"}


@pytest.fixture(scope="module")
def cells():
    return r.published_cells()


def test_ledger_gives_the_articles_thirty_cells(cells):
    assert cells.height == 30
    assert cells["kind"].value_counts().sort("kind").rows() == [("change", 7), ("count", 2), ("mean", 21)]


def test_default_run_against_the_article(cells):
    result = r.reproduce(cells)
    missed = set(result.filter(~pl.col("match"))["claim_id"])
    assert missed == ARTICLE_DIFFERENCES
    _, councils = r.build(**r.ARTICLE, vintage=2022)
    explained = r.explain_cells(result, councils, 2021)
    # none is a rounding edge: every gap is wider than the printed precision allows
    assert (explained["gap"].abs() > 0.05).all()


def test_settled_choices_are_the_unique_best(cells):
    grid = r.choice_grid(cells)
    top = grid.row(0, named=True)
    assert (top["vintage"], top["method"], top["basis"], top["dated_by"], top["joint"], top["reorganised"],
            top["change_from"]) == (2022, "mean", "fte", "published", "lead", "inherit", "rounded")
    assert grid["cells_matched"][1] < top["cells_matched"]
    # notebook 10 reads the build's tables (the method_search step): they are these, types included
    from csc_figures.stories.ratings import method_search

    built_choices, built_grid = method_search.read()
    assert built_grid.equals(grid) and built_grid.schema == grid.schema
    assert built_choices.equals(r.method_choices(cells)) and built_choices.schema == r.method_choices(cells).schema


@pytest.mark.parametrize("year", range(2018, 2026))
def test_every_year_runs_and_accounts_for_every_council(year):
    as_of = r.edition_date(year)
    table, councils = r.build(as_of, year, year - 1)
    assert table["rating"].to_list() == [*r.RATINGS, "england"]
    assert table.filter(pl.col("rating") != "england")["councils"].sum() == councils.filter(
        pl.col("status") == "included").height
    # every council judged on as_of and every workforce row of the year is in the council table
    judged = set(r.load_judgements(as_of)["la_code"])
    rows = set(r.council_rows(r.load_workforce(None), year)["la_code"])
    listed = set(councils["la_code"])
    assert rows <= listed
    covered = {c for codes in councils["joint_codes"] for c in codes} | listed
    assert judged <= covered
    for m in r.MEASURES:  # every judgement has councils and a figure
        assert table[m].null_count() == 0, m


def test_reorganised_councils_are_reported_not_dropped():
    # 2017-18 figures with the judgements of May 2019: Bournemouth, Poole and the old Dorset made the
    # returns, and take the judgements of the councils now covering them; BCP and the new Dorset are
    # listed as covered by those returns
    _, councils = r.build("2019-05-06", 2018, None)
    status = dict(zip(councils["la_code"], councils["status"], strict=True))
    assert [status[c] for c in ("835", "836", "837")] == ["included"] * 3
    assert [status[c] for c in ("838", "839")] == ["covered_by_predecessor_returns"] * 2
    ex = r.exclusions(councils)
    assert ex["count"].sum() == councils.filter(pl.col("status") != "included").height


def test_cli_header(capsys):
    from csc_figures.cli import main

    assert main(["ratings", "--as-of", "2022-05-06", "--year", "2021", "--base-year", "2020", "--vintage", "2022",
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("rating,councils,turnover_rate,vacancy_rate,agency_rate,absence_rate,caseload,"
                        "turnover_rate_base,vacancy_rate_base,agency_rate_base,absence_rate_base,caseload_base")
    assert [line.split(",")[0] for line in lines[1:]] == [*r.RATINGS, "england"]
    assert main(["ratings", "--as-of", "2022-05-06", "--year", "2016"]) == 2
    assert f"holds {newest_release_years()}" in capsys.readouterr().err
    assert main(["ratings", "--as-of", "2005-01-01", "--year", "2021"]) == 2


def test_claim_computations_agree_with_the_table():
    table = r.ratings_table("2022-05-06", 2021, 2020, 2022)
    row = table.filter(pl.col("rating") == "inadequate").row(0, named=True)
    assert r.group_mean("inadequate", "turnover_rate", "2021", "2022-05-06", "2022") == row["turnover_rate"]
    # the base year read on its own gives the same councils' average (Northamptonshire via its successors)
    assert r.group_mean("inadequate", "turnover_rate", "2020", "2022-05-06", "2022") == pytest.approx(
        row["turnover_rate_base"])
    assert r.group_change("inadequate", "turnover_rate", "2021", "2020", "2022-05-06", "2022") == pytest.approx(4.6)
    assert r.ordered("turnover_rate", "2021", "2022-05-06", "2022") == 1.0


def test_robustness_is_deterministic():
    _, councils = r.build("2022-05-06", 2021, None, 2022)
    a, b = r.robustness(councils), r.robustness(councils)
    assert a.equals(b)
    assert a.filter(pl.col("measure") == "agency_rate")["clear"][0]


@pytest.mark.parametrize("as_of", ["2008-12-31", "2031-01-01"])
def test_a_date_outside_the_ofsted_files_is_refused_as_everywhere_else(as_of):
    # one range check (in_force.check_as_of) for the story, the CLI's rating-at and the maps
    from csc_figures import in_force

    with pytest.raises(UserError, match=f"{as_of} is outside the data: Ofsted's files cover") as story:
        r.build(as_of, 2021, 2020)
    with pytest.raises(UserError) as cli:
        in_force.parse_as_of(as_of)
    assert str(story.value) == str(cli.value)
