"""`csc-figures`: each command answers the desk's question, in words and a table, and refuses bad input (exit 2)."""

import csv
import io
import json

import polars as pl
import pytest

from csc_figures import cli, in_force, paths, tables
from csc_figures.stories import ratings as r

from test_ratings import newest_release_years


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


# ---- rating-at -----------------------------------------------------------------------------

def test_rating_at_filters_and_counts(capsys):
    code, out, _ = run(capsys, "rating-at", "2023-09-01", "--judgement", "inadequate", "--format", "table")
    assert code == 0
    expected = in_force.judgements_in_force(in_force.parse_as_of("2023-09-01")).filter(
        pl.col("judgement") == "inadequate")
    assert out.splitlines()[0] == f"{expected.height} councils rated inadequate on 1 September 2023."
    code, out, _ = run(capsys, "rating-at", "2023-09-01", "--judgement", "Inadequate", "--format", "csv")
    assert sorted(r["la_code"] for r in rows(out)) == sorted(expected["la_code"])
    code, out, _ = run(capsys, "rating-at", "2023-09-01", "--judgement", "RI", "--region", "london", "--format", "json")
    body = json.loads(out)
    london = set(tables.read("la_geography").filter(pl.col("region") == "London")["la_code"])
    assert body and {r["judgement"] for r in body} == {"requires_improvement"} and {r["la_code"] for r in body} <= london
    code, out, _ = run(capsys, "rating-at", "2023-09-01", "--judgement", "RI", "--region", "london", "--format", "table")
    assert out.startswith(f"{len(body)} councils in London rated requires improvement on 1 September 2023.")


def test_rating_at_without_a_filter_counts_every_judgement(capsys):
    code, out, _ = run(capsys, "rating-at", "2022-05-06", "--format", "table")
    first = " ".join(out.split("\n\n")[0].split())
    table = in_force.judgements_in_force(in_force.parse_as_of("2022-05-06"))
    assert first.startswith(f"{table.height} councils on 6 May 2022: ")
    assert f"{(table['judgement'] == 'inadequate').sum()} inadequate" in first


@pytest.mark.parametrize("argv, message", [
    (["rating-at", "2023-13-01"], "not a real date"),
    (["rating-at", "1 Sept 2023"], "YYYY-MM-DD"),
    (["rating-at", "2030-01-01"], "outside the data"),
    (["rating-at", "2023-09-01", "--judgement", "awful"], "use one of outstanding, good, requires improvement"),
    (["rating-at", "2023-09-01", "--region", "Wales"], "is not a region; use one of"),
])
def test_rating_at_bad_input(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


# ---- changes -------------------------------------------------------------------------------

def _committed_consecutive() -> pl.DataFrame:
    return pl.read_csv(paths.OUTPUTS / "tables" / "inspection_judgements" / "consecutive_inspections.csv",
                       infer_schema=False)


def test_changes_downgrades_match_the_committed_table(capsys):
    code, out, _ = run(capsys, "changes", "--from", "2022-04-01", "--to", "2024-03-31", "--direction", "down",
                       "--format", "csv")
    assert code == 0
    table = _committed_consecutive().filter(pl.col("change") == "downgrade",
                                            pl.col("published").is_between(pl.lit("2022-04-01"), pl.lit("2024-03-31")))
    got = rows(out)
    assert sorted((r["la_code"], r["published"]) for r in got) == sorted(table.select("la_code", "published").rows())
    assert {r["previous_judgement"] for r in got} <= {"outstanding", "good", "requires_improvement"}
    code, out, _ = run(capsys, "changes", "--from", "2022-04-01", "--to", "2024-03-31", "--direction", "down")
    assert out.splitlines()[0] == (f"{table.height} downgrades at {table['la_code'].n_unique()} councils, in reports "
                                   "published from 1 April 2022 to 31 March 2024.")


def test_changes_for_one_council_in_any_direction(capsys):
    code, out, _ = run(capsys, "changes", "--council", "City of York", "--format", "csv")
    table = _committed_consecutive().filter(pl.col("la_code") == "816", pl.col("change") != "unchanged")
    assert code == 0 and [r["published"] for r in rows(out)] == sorted(table["published"])
    code, out, _ = run(capsys, "changes", "--council", "York", "--direction", "all", "--format", "json")
    assert len(json.loads(out)["rows"]) == _committed_consecutive().filter(pl.col("la_code") == "816").height


@pytest.mark.parametrize("argv, message", [
    (["changes", "--from", "2024-03-31", "--to", "2022-04-01"], "is after to"),
    (["changes", "--council", "Kingston"], "could be 2 councils"),
    (["changes", "--to", "2024-02-30"], "not a real date"),
])
def test_changes_bad_input(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_changes_unknown_direction_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["changes", "--direction", "sideways"])
    assert stop.value.code == 2 and "invalid choice: 'sideways'" in capsys.readouterr().err


# ---- ratings -------------------------------------------------------------------------------

def test_ratings_defaults_are_stated(capsys):
    from csc_figures import workforce

    latest = workforce.panel()
    vintage, year = int(latest["vintage"][0]), int(latest.filter(pl.col("geographic_level") == "local_authority")["year"].max())
    code, out, _ = run(capsys, "ratings")
    assert code == 0
    text = " ".join(out.split())
    assert f"vintage {vintage}: the latest release we hold" in text
    assert f"Year: {year}, the DfE year to 30 September {year}: the latest the release holds" in text
    assert f"Compared with: {year - 1}: the year before" in text
    assert f"Ofsted judgements in force on {r.edition_date(year).isoformat()}" in text
    # the sentences come before the table, and the table fits a terminal
    assert out.index("Turnover at councils rated inadequate") < out.index("rating   ")
    assert max(len(line) for line in out.splitlines()) <= 100


def test_ratings_article_edition_is_the_notebooks_table(capsys):
    code, out, _ = run(capsys, "ratings", "--edition", "article", "--format", "csv")
    assert code == 0
    expected = r.ratings_table(r.ARTICLE["as_of"], r.ARTICLE["year"], r.ARTICLE["base_year"], 2022)
    got = pl.read_csv(io.StringIO(out))
    assert got["rating"].to_list() == expected["rating"].to_list()
    assert got["turnover_rate"].to_list() == pytest.approx(expected["turnover_rate"].to_list())
    code, out, _ = run(capsys, "ratings", "--edition", "article", "--format", "json")
    body = json.loads(out)
    assert body["edition"] == {"as_of": "2022-05-06", "year": 2021, "base_year": 2020, "vintage": 2022, "method": "mean"}
    assert any("Turnover at councils rated inadequate on 6 May 2022" in s for s in body["sentences"])


def test_ratings_says_when_the_articles_year_comes_from_another_release(capsys):
    code, out, _ = run(capsys, "ratings", "--year", "2021", "--base-year", "2020", "--as-of", "2022-05-06")
    assert code == 0 and "--edition article" in out


@pytest.mark.parametrize("argv, message", [
    (["ratings", "--year", "2024", "--base-year", "2024"], "base-year: 2024 is not before year 2024"),
    (["ratings", "--year", "2024", "--base-year", "2025"], "is not before year"),
    (["ratings", "--vintage", "2019"], "no workforce release 2019"),
    (["ratings", "--year", "2016"], f"holds {newest_release_years()}"),
    (["ratings", "--as-of", "6 May 2022"], "YYYY-MM-DD"),
])
def test_ratings_bad_input(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


# ---- council -------------------------------------------------------------------------------

def test_council_answers_first_then_a_narrow_table(capsys):
    code, out, _ = run(capsys, "council", "Hull", "--year", "2024")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Kingston upon Hull, City of (DfE 810, ONS E06000010)")
    assert lines[1].startswith("'Hull' is taken to be Kingston upon Hull, City of")
    first_sentence = next(i for i, line in enumerate(lines) if line.startswith("Ofsted"))
    assert first_sentence < next(i for i, line in enumerate(lines) if line.startswith("measure"))
    assert max(len(line) for line in lines) <= 100


def test_council_in_a_joint_return_says_whose_return(capsys):
    code, out, _ = run(capsys, "council", "Kingston", "upon", "Thames")
    assert code == 0 and "Richmond upon Thames" in out
    code, out, _ = run(capsys, "council", "Kingston upon Thames", "--format", "csv")
    assert rows(out)[0]["measure"] == "Turnover rate (%)"


def test_council_ambiguous_and_unknown(capsys):
    code, _, err = run(capsys, "council", "Kingston")
    assert code == 2 and "Kingston upon Hull, City of (DfE 810" in err and "Kingston upon Thames (DfE 314" in err
    code, _, err = run(capsys, "council", "Southhampton")
    assert code == 2 and "closest: Southampton (DfE 852" in err
