"""The national trends story in words: the article's sentences, recomputed for any year.

Each sentence says only what the series show for the year asked: a comparison the files cannot make
is said in words ("we hold no figure for 2009-10"), never printed as a blank, a 'None' or '1 years'.
"""

from __future__ import annotations

import polars as pl

from ... import formatting as f
from ... import measures
from ...dates import day_words, year_span
from ...claims import check_claim, claim, status_words
from ...formatting import count_word
from .compute import (MEASURES, change_pct, is_record_high, previous_years_higher, reported_series, series,
                      value_in, years_lowest)


def _held(df: pl.DataFrame) -> pl.DataFrame:
    return df.filter(pl.col("value").is_not_null()).sort("year")


def _span(df: pl.DataFrame) -> str:
    """'2017-18 to 2024-25': the years a series holds."""
    held = _held(df)
    return f"{year_span(held['year'].min())} to {year_span(held['year'].max())}"


def _at(df: pl.DataFrame, year: int) -> str:
    """'28,470 in 2020-21' (marked when the figure is reported, not from our files)."""
    row = df.filter(pl.col("year") == year)
    reported = " (reported)" if row.height and "is_reported" in row.columns and row["is_reported"][0] else ""
    return f"{f.number(value_in(df, year))} in {year_span(year)}{reported}"


def no_figure(what: str, year: int, df: pl.DataFrame) -> str:
    return f"We hold no figure for {what} in {year_span(year)} (the files we hold cover {_span(df)})."


def record_words(df: pl.DataFrame, year: int) -> str:
    """How the year stands against every earlier year held, and against the peak."""
    held = _held(df)
    earlier = held.filter(pl.col("year") < year)
    peak = held.sort("value").row(-1, named=True)
    if earlier.is_empty():
        stand = f"the first year we hold ({year_span(year)})"
    elif peak["year"] == year:
        return f"the highest of every year we hold ({_span(df)})"
    elif is_record_high(df, year):
        stand = f"higher than every earlier year we hold (from {year_span(held['year'].min())})"
    else:
        top = earlier.sort("value").row(-1, named=True)
        stand = f"below the {f.number(top['value'])} of {top['period']}"
    if peak["year"] > year:
        return f"{stand}; the count has since peaked at {f.number(peak['value'])} in {peak['period']}"
    if peak["year"] == year:
        return f"{stand}, and the highest of every year we hold ({_span(df)})"
    return stand


def lowest_words(df: pl.DataFrame, year: int) -> str:
    """'the lowest in four years, since 2016-17 (28,000)', or what the files say instead."""
    held = _held(df)
    earlier = held.filter(pl.col("year") < year)
    if earlier.is_empty():
        return "the first year we hold, so no earlier year to compare"
    lowest = years_lowest(df, year)
    if lowest is None:
        return (f"lower than every earlier year we hold ({year_span(earlier['year'].min())} onwards); "
                f"whether it was lower still before then, the files we hold cannot say")
    if lowest == 1:
        return f"more than the {_at(df, year - 1)}, the year before"
    return f"the lowest in {count_word(lowest)} years: {_at(df, year - lowest)} was as low or lower"


def previous_words(df: pl.DataFrame, year: int) -> str:
    """'lower than in each of the two years before (2018-19: 201,170, 2019-20: 201,000)', or the opposite."""
    higher = previous_years_higher(df, year)
    if value_in(df, year - 1) is None:
        return f"with no figure held for {year_span(year - 1)}, the year before"
    if not higher:
        return f"not lower than the {_at(df, year - 1)}, the year before"
    listed = ", ".join(f"{year_span(y)}: {f.number(value_in(df, y))}" for y in range(year - higher, year))
    if higher == 1:
        return f"lower than the year before ({listed})"
    return f"lower than in each of the {count_word(higher)} years before ({listed})"


def article_sentences(year: int = 2021, base_year: int = 2010) -> list[str]:
    """The article's national sentences, rewritten with today's numbers for `year` (the reported ones labelled)."""
    cla, start, cease, s47 = (series(m) for m in ("looked_after", "starting", "ceasing", "section_47_enquiries"))
    sentences = []
    if value_in(cla, year) is None:
        sentences.append(f"We hold no figure for children in care at 31 March {year} (the files we hold cover "
                         f"{_span(cla)}).")
    else:
        first = value_in(reported_series("looked_after").filter(pl.col("release") == year), year)
        first_words = f" (first published as {f.number(first)})" if first is not None and first != value_in(cla, year) else ""
        sentences.append(f"Children in care in England at 31 March {year}: {f.number(value_in(cla, year))} in the "
                         f"latest DfE release we hold{first_words}, {record_words(cla, year)}.")
    if value_in(start, year) is None:
        sentences.append(no_figure("children starting to be looked after", year, start))
    else:
        sentences.append(f"{f.number(value_in(start, year))} children started to be looked after in "
                         f"{year_span(year)}, {lowest_words(start, year)}.")
    if value_in(cease, year) is None:
        sentences.append(no_figure("children ceasing to be looked after", year, cease))
    else:
        before = value_in(cease, year - 1)
        against = (f", against {_at(cease, year - 1)}" if before is not None
                   else f"; we hold no figure for {year_span(year - 1)}")
        sentences.append(f"{f.number(value_in(cease, year))} children ceased to be looked after in "
                         f"{year_span(year)}{against}.")
    if value_in(s47, year) is None:
        sentences.append(no_figure("section 47 enquiries", year, s47))
    else:
        change = change_pct(s47, year, base_year)
        since = (f"{'up' if change >= 0 else 'down'} {f.pct(abs(change))} from {_at(s47, base_year)}"
                 if change is not None else f"with no figure held for {year_span(base_year)} to compare")
        sentences.append(f"Section 47 enquiries: {f.number(value_in(s47, year))} in {year_span(year)}, {since}, "
                         f"and {previous_words(s47, year)}.")
    return sentences


def article_comparison(year: int, base_year: int) -> str | None:
    """None when the run is for the article's years; else the sentence saying why nothing is compared."""
    from .compute import article_years

    article_year, article_base = article_years()
    if (year, base_year) == (article_year, article_base):
        return None
    return (f"The article's figures are for {year_span(article_year)} against {year_span(article_base)}; "
            f"this run is for {year_span(year)} against {year_span(base_year)}, so they are not compared here "
            f"(the declared defaults reproduce the article's years).")


def figure_lines(figures: pl.DataFrame) -> list[str]:
    """Each of the article's figures: what it says, as printed, as recomputed, the ledger's status and why."""
    lines = []
    for row in figures.iter_rows(named=True):
        status = status_words(row["status"], check_claim(claim(row["claim_id"]))["reason"])  # the ledger's status, its reason
        lines.append(f"- {row['article_says'][0].upper()}{row['article_says'][1:]}: printed {row['printed']}, "
                     f"recomputed {row['recomputed']} ({status}).\n    {row['why'][0].upper()}{row['why'][1:]}.")
    return lines


def reported_lines(reported: pl.DataFrame) -> list[str]:
    """The reported figures by the document each was read from, oldest release first: the document once (its
    release, publisher, date and address), then each measure's figures read from it, with their periods."""
    import datetime as dt

    lines = []
    ordered = reported.sort("release", "measure", "year")
    for (release, document, publisher, date, url), rows in ordered.group_by(
            "release", "document", "publisher", "date", "page_or_url", maintain_order=True):
        published = day_words(dt.date.fromisoformat(date)) if date else "date not shown on the page read"
        figures = "; ".join(
            f"{measures.words(measure) if measure in measures.ALL else unit}: "
            + ", ".join(f"{f.number(v)} ({year_span(y)})" for v, y in zip(by["value"], by["year"], strict=True))
            for (measure, unit), by in rows.group_by("measure", "unit", maintain_order=True))
        lines.append(f"- DfE's {release} release, *{document}* ({publisher}, {published}), {url}: {figures}")
    return lines


# revisions() columns as a reader reads them
REVISION_COLUMNS = {"period": "year", "published": "first published", "release": "in DfE's release",
                    "today": "latest release we hold", "revision": "revised by"}


def revisions_caption(measure: str) -> str:
    """'Children looked after at 31 March, England: as first published and in the latest release we hold'."""
    what = MEASURES[measure][2]
    return f"{what[0].upper()}{what[1:]}, England: as first published and in the latest release we hold"
