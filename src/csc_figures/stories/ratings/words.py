"""The ratings story in words: source lines, key sentences and the notes on cells that differ."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ... import credits, measures, sources
from ...dates import as_date, day_words, year_span
from ...errors import UserError
from .compute import ARTICLE, ratings_table_rounded

METHOD_WORDS = {"mean": "Simple mean of council rates.", "pooled": "Rates pooled from the councils' counts."}


def source_line(method: str) -> str:
    credit = credits.line(credits.credit(sources.WORKFORCE), credits.credit(sources.OFSTED_OUTCOMES))
    return f"{credit}. {METHOD_WORDS[method]}"


# ---- words ------------------------------------------------------------------------------------------

def key_sentences(table: pl.DataFrame, counts: pl.DataFrame, as_of: dt.date | str, year: int,
                  base_year: int | None) -> list[str]:
    """The article's key sentences with the recomputed numbers, worded by the shared formatter."""
    from ... import formatting as f

    as_of = as_date(as_of)
    rows = {r["rating"]: r for r in ratings_table_rounded(table).iter_rows(named=True)}
    n = {r["rating"]: r for r in counts.iter_rows(named=True)}
    bad, best, eng = rows["inadequate"], rows["outstanding"], rows["england"]
    y, on = year_span(year), day_words(as_of)
    out = []
    if base_year is not None:
        b = year_span(base_year)
        out.append(f"Turnover at councils rated inadequate on {on} "
                   f"{f.rate_word(bad['turnover_rate_base'], bad['turnover_rate'])} by "
                   f"{f.points(bad['turnover_rate_change'])} on average from {b} to {y}, while nationally it "
                   f"{f.rate_word(eng['turnover_rate_base'], eng['turnover_rate'])} by "
                   f"{f.points(eng['turnover_rate_change'])} to {f.pct(eng['turnover_rate'])}.")
    out.append(f"{f.number(n['inadequate']['acquired_after_year_end'])} of the "
               f"{f.number(n['inadequate']['councils'])} 'inadequate' authorities acquired their ratings after "
               f"September {year}, the end of the period covered by the workforce data.")
    if base_year is not None:
        out.append(f"The average FTE turnover rate at 'inadequate' councils went from "
                   f"{f.pct(bad['turnover_rate_base'])} in {year_span(base_year)} to {f.pct(bad['turnover_rate'])} "
                   f"in {y} (national average {f.pct(eng['turnover_rate'])}).")
    out.append(f"Turnover rates at 'outstanding', 'good' and 'requires improvement' councils were "
               f"{f.pct(best['turnover_rate'])}, {f.pct(rows['good']['turnover_rate'])} and "
               f"{f.pct(rows['requires_improvement']['turnover_rate'])}, respectively, in {y}.")
    if base_year is not None:
        out.append(f"Vacancy rates: 'outstanding' councils {f.pct(best['vacancy_rate'])} "
                   f"({f.rate_word(best['vacancy_rate_base'], best['vacancy_rate'])} by "
                   f"{f.points(best['vacancy_rate_change'])}), 'inadequate' {f.pct(bad['vacancy_rate'])} "
                   f"({f.rate_word(bad['vacancy_rate_base'], bad['vacancy_rate'])} by "
                   f"{f.points(bad['vacancy_rate_change'])}); 'good' {f.pct(rows['good']['vacancy_rate'])}, "
                   f"'requires improvement' {f.pct(rows['requires_improvement']['vacancy_rate'])}; "
                   f"England {f.pct(eng['vacancy_rate_base'])} to {f.pct(eng['vacancy_rate'])}.")
    ratio = bad["agency_rate"] / best["agency_rate"] if best["agency_rate"] else None
    out.append(f"Agency rates: 'inadequate' councils {f.pct(bad['agency_rate'])}, "
               f"{f.number(ratio, 1)} times the 'outstanding' councils' {f.pct(best['agency_rate'])}.")
    if base_year is not None:
        ri, good = rows["requires_improvement"], rows["good"]
        out.append(f"'Requires improvement' councils' agency rate {f.rate_word(ri['agency_rate_base'], ri['agency_rate'])} "
                   f"by {f.points(ri['agency_rate_change'])} to {f.pct(ri['agency_rate'])}; 'good' councils "
                   f"{f.pct(good['agency_rate'])}, from {f.pct(good['agency_rate_base'])}.")
        out.append(f"Sickness absence at 'inadequate' councils: {f.pct(bad['absence_rate'])} of working days in {y}, "
                   f"from {f.pct(bad['absence_rate_base'])} in {year_span(base_year)}; at 'outstanding' councils "
                   f"{f.pct(best['absence_rate_base'])} then {f.pct(best['absence_rate'])}.")
    out.append(f"Average caseloads: 'outstanding' {f.number(best['caseload'], 1)}, 'good' "
               f"{f.number(rows['good']['caseload'], 1)}, 'requires improvement' "
               f"{f.number(rows['requires_improvement']['caseload'], 1)}, 'inadequate' "
               f"{f.number(bad['caseload'], 1)} as of September {year}.")
    return out



def difference_notes(explained: pl.DataFrame, revised: pl.DataFrame) -> list[str]:
    """Sentences on the cells that do not match: their size, and the revisions a later release made."""
    from ... import formatting as f

    out = []
    for row in explained.iter_rows(named=True):
        label = measures.words(row["measure"])
        text = (f"{row['claim_id']}: {label} at {row['rating'].replace('_', ' ')} councils, {row['year']}: "
                f"published {f.number(row['value'], 1)}, recomputed {f.number(row['recomputed'], 2)}")
        if row["figures"] is not None:
            text += (f"; an average over {row['figures']} council figures, so they would need to differ by "
                     f"{f.number(abs(row['total_change_needed']), 1)} in total")
        if row["without_figure"]:
            text += (f"; no figure for {row['without_figure']}"
                     + (f", which would need to be {f.number(row['missing_value_needed'], 1)} to give the published "
                        f"average" if row["missing_value_needed"] is not None else ""))
        out.append(text + ".")
    totals = revised.group_by("measure", maintain_order=True).agg(pl.col("figures_revised").sum(),
                                                                   pl.col("largest_revision").max())
    years = " and ".join(str(y) for y in sorted(revised["year"].unique().to_list()))
    out.append(f"The next release revised, for {years}: " + "; ".join(
        f"{measures.words(r['measure'])} {r['figures_revised']} "
        f"figure{'' if r['figures_revised'] == 1 else 's'}"
        + (f" (largest change {f.number(r['largest_revision'], 1)})" if r["figures_revised"] else "")
        for r in totals.iter_rows(named=True)) + ".")
    return out


# What the comparison with the article found, for the article's run only: on any other run nothing above it
# compares cells, so these findings are not printed as if they were about it.
ARTICLE_NOTES = {
    "settled": "Settled: **simple mean of council rates, FTE basis, judgement in force from its publication date, a\njoint return under its lead council's judgement (Kingston's), reorganised councils keeping the\njudgement they inherited (North and West Northamptonshire: Northamptonshire's 2019 inadequate), the\n2022 release (the earliest we hold), changes taken between the rounded averages.** Each alternative\nreproduces fewer cells. Pooling from counts and headcount rates reproduce far fewer; dating judgements\nfrom the inspection moves councils inspected before 6 May but reported after it; Richmond's\njudgement for the joint return, or dropping Northamptonshire's inherited one, breaks the outstanding\nor inadequate averages (and the count of 19); later releases revise 2020 and 2021 figures.\n\nCell by cell, under the settled choices:",
    "differences": "None of these is a rounding edge: each needs the group's council figures to differ, in total, by\nseveral points (printed above). The article was written from DfE's February 2022 release (reporting\nyear 2021), which we do not hold; the earliest we hold is February 2023's. Each release revises\nearlier years (the revisions the 2023 release made to 2020 and 2021 are counted above), so the same\nkind of revision between the February 2022 and February 2023 releases is the likely cause of the\nagency, vacancy and caseload cells that differ. Where a council's figure is suppressed in the release\nwe hold, the value it would need is printed beside its headcount-basis figure, which shows whether the\nsuppression alone could explain the cell. These stay as differences: the code is not bent to meet them.",
}


def article_note(kind: str, is_article: bool) -> None:
    """Display the finding `kind` (Markdown) on the article's run; on any other run, say why it is absent."""
    from IPython.display import Markdown, display

    if kind not in ARTICLE_NOTES:
        raise UserError(f"no article note {kind!r}; notes: {', '.join(ARTICLE_NOTES)}")
    if is_article:
        display(Markdown(ARTICLE_NOTES[kind]))
    elif kind == "settled":  # said once
        display(Markdown("*The comparison with the article's cells is made on the article's run only (its "
                         "year, base year and date); this run's tables follow the same settled method.*"))


# The notebook's table columns as a reader reads them (csc_figures.lab.show takes them as `names`).
TABLE_WORDS = {
    "acquired_after_year_end": "judged after the year's end", "inherited": "inherited",
    "joint_returns": "joint returns", "base_year_returns": "returns in the base year", "status": "status",
    "count": "returns", "choice": "choice", "dated_by": "judgement dated by", "joint": "joint return takes",
    "reorganised": "reorganised councils", "change_from": "change taken from", "cells_matched": "cells matched",
    "cells": "cells", "claim_id": "claim", "kind": "kind", "published": "published", "recomputed": "recomputed",
    "recomputed_rounded": "recomputed, rounded", "match": "matches", "value": "article", "gap": "gap",
    "figures": "council figures", "total_change_needed": "total change needed",
    "without_figure": "councils without a figure", "missing_value_needed": "value a missing figure would need",
    "councils_compared": "councils compared", "figures_revised": "figures revised",
    "largest_revision": "largest revision", "gap_low": "interval from", "gap_high": "interval to",
    "spearman": "Spearman", "clear": "clear", "as_of": "judgements on", "inherited_from": "inherited from",
    "judged_via": "judged through", "joint_mixed": "members judged differently", "precision": "decimals",
    "covered_by_predecessor_returns": "covered by predecessors' returns", "no_figures": "no figures",
    **{f"vintage_{v}": f"{v} release" for v in range(2017, 2041)},
}


def table_caption(as_of: dt.date, year: int, base_year: int | None, vintage: int, method: str) -> str:
    """'Judgements in force on 6 May 2022; DfE workforce year to 30 September 2021 against 2020; ...'."""
    return (f"Judgements in force on {day_words(as_of)}; DfE workforce year to 30 September {year}"
            + (f" against {base_year}" if base_year else "") + f"; DfE release {vintage}; "
            + METHOD_WORDS.get(method, method).rstrip(".").lower())


def not_the_article(as_of: dt.date, year: int, base_year: int | None) -> str:
    """Why a run other than the article's compares no cells with it."""
    article = ARTICLE
    return (f"The comparison with the article's cells applies to its run: judgements on "
            f"{day_words(as_date(article['as_of']))}, the year to 30 September {article['year']} against "
            f"{article['base_year']}. This run is for the year to 30 September {year}"
            + (f" against {base_year}" if base_year else "") + f", judgements on {day_words(as_date(as_of))}.")


def robustness_sentences(robust: pl.DataFrame, year: int) -> list[str]:
    """For each measure in a year: the gap between inadequate and outstanding councils with its interval, and
    Spearman's correlation, in words."""
    from ...formatting import number

    rows = robust.filter(pl.col("year") == year)
    if rows.is_empty():
        return [f"The every-year tables do not reach {year_span(year)}, so they give no gap for it."]
    return [f"{year_span(row['year'])}, {measures.short_label(row['measure'])}: inadequate minus outstanding "
            f"{number(row['gap'], 1)} (95% interval {number(row['gap_low'], 1)} to {number(row['gap_high'], 1)}), "
            f"Spearman {number(row['spearman'], 2)}: {'a clear' if row['clear'] else 'no clear'} relationship."
            for row in rows.iter_rows(named=True)]


def editions_note(edition_tables: pl.DataFrame, vintage: int | None) -> str:
    """What the every-year tables hold: the years, the date of each year's judgements, the release (None: the
    latest we hold)."""
    from ...in_force import coverage
    from ...sources import WORKFORCE, releases

    vintage = vintage or max(s.vintage for s in releases(WORKFORCE))
    years = sorted(edition_tables["year"].unique())
    latest = coverage()[1]
    capped = sorted(edition_tables.filter(pl.col("as_of") < pl.date(pl.col("year") + 1, 5, 6))["year"].unique())
    text = (f"The same table for every workforce year from {year_span(years[0])} to {year_span(years[-1])}, each "
            f"against the year before, with the judgements in force on 6 May after the year (as the article, some "
            f"weeks after DfE's February release)")
    if capped:
        text += (f"; the latest Ofsted file we hold is as at {day_words(latest)}, so "
                 f"{_listing([year_span(y) for y in capped])} {'uses' if len(capped) == 1 else 'use'} that date")
    return text + f". Figures from DfE's {vintage} release."


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
