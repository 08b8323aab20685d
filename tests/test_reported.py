"""Reported figures: the cited tables, completion rates from starters and graduates, the study's charts."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import claims, paths
from csc_figures.errors import DataError, NotHeld, UserError
from csc_figures.stories import reported

CITATION = ["document", "publisher", "date", "page_or_url", "quoted_in"]


@pytest.mark.parametrize("table", reported.tables())
def test_every_row_cites_its_source(table):
    df = reported.read(table)
    assert df.columns == reported.COLUMNS
    for col in CITATION + ["subject", "measure", "period", "published"]:
        assert df[col].null_count() == 0 and (df[col].str.strip_chars() != "").all(), f"{table}: empty {col}"
    assert df.select("subject", "measure", "period").is_unique().all(), f"{table}: a figure appears twice"
    assert df["value"].null_count() == 0


SOURCE_KINDS = {"primary document", "secondary report"}


@pytest.mark.parametrize("table", reported.tables() + ["national_statistics_quoted"])
def test_every_row_says_where_it_was_read(table):
    """The original publisher's document, and separately the source the figure was actually read from."""
    df = pl.read_csv(paths.REPORTED / f"{table}.csv", infer_schema=False)
    for col in ("source_kind", "read_from", "read_from_url", "source_note"):
        assert df[col].null_count() == 0 and (df[col].str.strip_chars() != "").all(), f"{table}: empty {col}"
    assert set(df["source_kind"]) <= SOURCE_KINDS, f"{table}: {set(df['source_kind']) - SOURCE_KINDS}"
    # a secondary report never hides behind a primary publisher's URL, and a primary is cited where it was read
    primary = df.filter(pl.col("source_kind") == "primary document")
    for row in primary.iter_rows(named=True):
        assert row["read_from_url"] in row["page_or_url"], f"{table}: a primary document read elsewhere"
    assert not df["page_or_url"].str.contains("no page given").any(), f"{table}: a page or URL still missing"


def test_disagreeing_secondary_reports_are_named():
    """Child Au: 'six fractures' (Community Care) against 'five' older fractures (Northampton Chronicle)."""
    row = reported.read("northamptonshire_child_au_review_2022").filter(pl.col("measure") == "fractures").row(0, named=True)
    assert row["source_kind"] == "secondary report"
    assert "six" in row["source_note"] and "five" in row["source_note"]


@pytest.mark.parametrize("table", reported.tables())
def test_every_figure_is_printed_in_the_article_that_quoted_it(table, article_texts):
    df = reported.read(table)
    texts = {name: text.replace("\u00a0", " ") for name, text in article_texts.items()}
    for row in df.iter_rows(named=True):
        assert row["quote"] in texts[row["quoted_in"]], (table, row["quote"])
        assert row["published"] in row["quote"], (table, row["published"])


def test_completion_rate_is_graduates_over_starters():
    assert reported.completion_rate("frontline", "2020-21") == pytest.approx(419 / 463 * 100)
    pooled = (307 + 346 + 419) / (336 + 391 + 463) * 100
    assert reported.completion_rate("frontline", "2018-19,2019-20,2020-21") == pytest.approx(pooled)


def test_completion_rates_reproduce_every_percentage_the_article_printed():
    """Each '(90%)' in the article, recomputed from its starters and graduates, at its printed rounding."""
    ledger = claims.load_claims().filter(pl.col("computation") == "reported.completion_rate")
    assert ledger.height == 19
    for row in ledger.iter_rows(named=True):
        computed = reported.completion_rate(**claims.parse_args(row["args"]))
        assert claims.agrees(row, computed), (row["claim_id"], row["published"], computed)


def test_a_mistyped_starters_figure_breaks_the_percentage(monkeypatch):
    real = reported.compute.read

    def misread(table):
        df = real(table)
        hit = (pl.col("subject") == "step_up") & (pl.col("measure") == "starters") & (pl.col("period") == "2016-17")
        return df.with_columns(pl.when(hit).then(pl.lit(485.0)).otherwise(pl.col("value")).alias("value"))

    monkeypatch.setattr(reported.compute, "read", misread)  # where the claim functions look it up
    row = claims.load_claims().filter((pl.col("computation") == "reported.completion_rate")
                                      & (pl.col("args") == "route=step_up;intake=2016-17")).row(0, named=True)
    assert not claims.agrees(row, reported.completion_rate("step_up", "2016-17"))


def test_completion_table_has_one_row_per_route_and_intake():
    rates = reported.completion_rates()
    assert rates.height == 9 and rates.select("route", "intake").is_unique().all()
    assert set(rates["route_label"]) == set(reported.ROUTES.values())


def test_unknown_route_or_intake_is_a_clear_error():
    with pytest.raises(UserError, match="step_up.*2019-20"):
        reported.completion_rate("step_up", "2019-20")


def test_value_lookup_needs_exactly_one_row():
    assert reported.value("hscws_phase4_2022", "social workers", "wrqol", "phase 4") == 68.92
    # no row: the figure is in no document we hold (a claim needing it is "not held", decided here)
    with pytest.raises(NotHeld, match="holds no figure"):
        reported.value("hscws_phase4_2022", "social workers", "wrqol", "phase 9")
    with pytest.raises(UserError, match="no reported table"):
        reported.value("no_such_document", "x", "y", "z")


def test_a_non_numeric_value_names_file_and_line(tmp_path, monkeypatch):
    bad = reported.read("nspcc_how_safe_2015").with_columns(pl.col("value").cast(pl.String))
    bad = bad.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("sixty")).otherwise(pl.col("value"))
                           .alias("value"))
    bad.write_csv(tmp_path / "nspcc_how_safe_2015.csv")
    monkeypatch.setattr(paths, "REPORTED", tmp_path)
    with pytest.raises(DataError, match=r"nspcc_how_safe_2015.csv line 3: value 'sixty'"):
        reported.read("nspcc_how_safe_2015")


def test_study_tables():
    q = reported.quality_of_working_life()
    sw = q.filter(pl.col("profession") == "Social workers").sort("phase")["wrqol_score"].to_list()
    assert sw == [80.63, 73.67, 69.92, 68.92] and sw == sorted(sw, reverse=True)
    b = reported.burnout()
    assert b.height == 6 and set(b["domain"]) == set(reported.BURNOUT.values())
    assert reported.threshold("wrqol_lower_threshold") == 71 and reported.threshold("burnout_low_threshold") == 49


def test_sentences_print_the_article_figures():
    text = " ".join(reported.completion_sentences(reported.completion_rates()) + reported.study_sentences())
    for figure in ["About 90%", "2018-19 (91%)", "2019-20 (88%)", "2020-21 (90%)", "95% in 2016-17",
                   "94% in 2020-21", "from 72.45 to 75.42", "from 32.56 to 32.9;", "from 67 to 65.08",
                   "from 19.31 to 19.95"]:
        assert figure in text, figure


@pytest.mark.parametrize("build", ["completion", "quality", "burnout"])
def test_charts_carry_title_source_and_alt_text(build):
    chart = {
        "completion": lambda: reported.completion_chart(reported.completion_rates()),
        "quality": lambda: reported.quality_chart(reported.quality_of_working_life()),
        "burnout": lambda: reported.burnout_chart(reported.burnout()),
    }[build]()
    spec = chart.to_dict()
    assert spec["title"]["text"] and spec["description"].endswith(".")
    source = spec["vconcat"][-1]["encoding"]["text"]["value"]  # the source line, as a value (one or more lines)
    assert (source if isinstance(source, str) else source[0]).startswith("Source: ")
