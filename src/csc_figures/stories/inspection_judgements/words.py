"""The inspection judgements story in words: a council's change of judgement as a sentence."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ... import judgements
from ...dates import day_words
from ...formatting import number, pct
from ...errors import UserError
from .compute import GRADED_FRAMEWORKS, RANK
from .transitions import SUB_JUDGEMENTS, council_history


def _words(judgement: str | None) -> str:
    return "not judged" if judgement is None else judgements.words(judgement)


def _when(row: dict) -> str:
    # Ofsted gives fieldwork dates for ILACS only; SIF inspections are dated by their report.
    start = row.get("inspection_start")
    fieldwork = f"fieldwork from {day_words(start)}, " if start else ""
    return f"{row['framework']} {row['inspection_type']}, {fieldwork}published {day_words(row['published'])}"


def change_sentence(inspections: pl.DataFrame, la_code: str, published: dt.date) -> str:
    """The overall and sub-judgement changes between one graded inspection and the council's previous one."""
    graded = council_history(inspections, la_code).filter(
        pl.col("framework").is_in(list(GRADED_FRAMEWORKS)) & pl.col("overall").is_not_null())
    before = graded.filter(pl.col("published") < published)
    now = graded.filter(pl.col("published") == published)
    if now.height != 1 or before.height == 0:
        raise UserError(f"council {la_code}: no graded inspection published on {published} "
                        f"with an earlier one to compare")
    new, old = now.row(0, named=True), before.row(-1, named=True)
    steps = RANK[old["overall"]] - RANK[new["overall"]]
    verb = "up from" if steps > 0 else "down from" if steps < 0 else "the same as"
    text = (f"{new['la_name']}: {_words(new['overall'])} ({_when(new)}), {verb} {_words(old['overall'])} "
            f"({_when(old)})")
    # Only sub-judgements both inspections gave: the frameworks judged different things.
    subs = [c for c in SUB_JUDGEMENTS if c in inspections.columns and old[c] is not None and new[c] is not None]
    if subs:
        parts = [f"{c.replace('_', ' ')} {_words(old[c])} -> {_words(new[c])}" for c in subs]
        text += "; " + ", ".join(parts)
    return text + "."


# The story's table columns as a reader reads them (csc_figures.lab.show takes them as `names`).
TABLE_WORDS = {
    "as_of": "at", "share_of_judged": "share of judged (%)", "not_yet_judged": "not yet judged",
    "share_not_good": "less than good (%)", "undated": "undated", "reproduces": "reproduces the article",
    "last_cutoff": "last cut-off", "councils_in_england": "councils in England", "read_from": "read from",
    "inspection_type": "inspection type", "inspection_start": "inspection start", "inspection_end": "inspection end",
    "overall": "overall", "slac_safeguarding": "last SLAC safeguarding", "previous_judgement": "previous judgement",
    "reinspections": "reinspections", "help_and_protection": "help and protection",
    "children_in_care": "children in care", "care_leavers": "care leavers", "leadership": "leadership",
    "adoption": "adoption", "label": "judgement", "published": "published", "share": "share (%)",
}


def holdings_sentence(inspections: pl.DataFrame, latest: dt.date, sif_start: dt.date) -> str:
    """What the inspections table holds and how far the judgements in force are complete, in words."""
    day = day_words

    last = inspections["published"].max()
    return (f"{inspections.height:,} inspections held, published {day(inspections['published'].min())} to "
            f"{day(last)}; the judgements in force are complete to {day(latest)} (the latest Ofsted file's "
            f"as-at date); the first SIF report was published on {day(sif_start)}.")


# ---- the notebook's sentences: each true for any date or year it is given ------------------------------

def _day(value) -> str:
    return day_words(value)


def _councils(n: int) -> str:
    return f"{number(n)} council" + ("" if n == 1 else "s")


def not_good_sentence(dist: pl.DataFrame, as_of: dt.date) -> str:
    """'At 31 March 2025, 41.9% of the 153 councils with a SIF or ILACS judgement were rated less than good ...'"""
    from .compute import NOT_YET, count_of, share_not_good

    judged = int(dist.filter(pl.col("judgement") != NOT_YET)["councils"].sum())
    if judged == 0:
        return (f"On {_day(as_of)} no council held a SIF or ILACS judgement: the single inspection framework's "
                f"first report came later.")
    return (f"On {_day(as_of)}, {pct(share_not_good(dist))} of the {_councils(judged)} with a SIF or ILACS judgement "
            f"were rated less than good (requires improvement or inadequate); {number(count_of(dist, 'outstanding'))} "
            f"{'was' if count_of(dist, 'outstanding') == 1 else 'were'} outstanding and "
            f"{number(count_of(dist, 'inadequate'))} inadequate.")


def windows_sentences(windows: pl.DataFrame, matches: pl.DataFrame, target: dict[str, int], period_first_year: int,
                      report: tuple[dt.date, str]) -> list[str]:
    """What the fixed windows and the cut-offs show about 'inspected in <year>', in words."""
    label = f"{period_first_year}-{str(period_first_year + 1)[-2:]}"
    counts = (f"{number(target['inspections'])} inspections, {number(target['requires_improvement'])} requiring "
              f"improvement, {number(target['inadequate'])} inadequate and {number(target['good'])} good")
    lines = []
    reproducing = windows.filter(pl.col("reproduces"))
    if reproducing.height:
        lines.append(f"Fixed windows that give the Guardian's {counts}: {'; '.join(reproducing['window'])}.")
    else:
        lines.append(f"None of the {number(windows.height)} fixed windows for “inspected in {label}” gives the "
                     f"Guardian's {counts}.")
    by_publication = windows.filter(pl.col("date_used") == "published", pl.col("window").str.contains("first SIF"),
                                    pl.col("window").str.starts_with(f"financial year {label}"))
    if by_publication.height:
        lines.append(f"By publication date, the financial year {label} (April to March) holds "
                     f"{_reports(by_publication['inspections'][0])}.")
    undated = windows.filter(pl.col("date_used") != "published", pl.col("undated") > 0)
    if undated.height:
        lines.append(f"Ofsted's files give no fieldwork date for {number(undated['undated'].max())} first SIF "
                     f"inspections, so a window on when an inspection took place cannot be tested (the "
                     f"“undated” column).")
    day, document = report
    if matches.height == 0:
        lines.append("No cut-off date on publication reproduces all four counts either.")
        return lines
    first, last = matches["published"].min(), matches["last_cutoff"].max()
    where = ("within the cut-offs" if first <= day <= last
             else "before the cut-offs" if day < first else "after the cut-offs")
    lines.append(f"The report the counts come from, {document}, is dated {_day(day)} in data/reported: "
                 f"{where} ({_day(first)} to {_day(last)}) that reproduce all four counts.")
    return lines


def _reports(n: int) -> str:
    return "no first SIF report" if n == 0 else f"only {number(n)} first SIF reports" if n > 1 \
        else "only one first SIF report"


def cutoff_sentences(matches: pl.DataFrame, sif_start: dt.date, counts: dict[str, int], councils_then: int) -> list[str]:
    """The rule that reproduces the Guardian's counts, and the counts it gives, in words."""
    from .compute import share_not_good_counts

    m = matches.row(0, named=True)
    return [
        f"Reproduced by: every first SIF inspection published from {_day(sif_start)} up to a cut-off between "
        f"{_day(m['published'])} and {_day(m['last_cutoff'])}.",
        f"“Of the {number(counts['inspections'])} services inspected, {number(counts['requires_improvement'])} "
        f"required improvement, and {number(counts['inadequate'])} authorities were seen as inadequate”; "
        f"{number(counts['good'])} were good and {number(counts['outstanding'])} outstanding.",
        f"Less than good: {pct(share_not_good_counts(counts))} of those inspected (“three-quarters of councils”); "
        f"councils in existence then: {number(councils_then)}.",
    ]


def published_by_sentence(day: dt.date, counts: dict[str, int], councils_then: int, what: str) -> str:
    """'Published by 10 March 2015 (<what>): 43 first SIF reports, ...'"""
    from .compute import share_not_good_counts

    if counts["inspections"] == 0:
        return f"Published by {_day(day)} ({what}): no first SIF report yet; councils in existence: {number(councils_then)}."
    share = share_not_good_counts(counts)
    less = f" ({pct(share)} less than good)" if share is not None else ""
    return (f"Published by {_day(day)} ({what}): {number(counts['inspections'])} first SIF "
            f"report{'s' if counts['inspections'] != 1 else ''}, {number(counts['good'])} good, "
            f"{number(counts['requires_improvement'])} requiring improvement, {number(counts['inadequate'])} "
            f"inadequate{less}; councils in existence: {number(councils_then)}.")


def first_outstanding_sentence(first: pl.DataFrame, year: int) -> str:
    """When the first SIF or ILACS outstanding judgement was published, and so whether any council held one in
    the year."""
    first_day = first["published"].min() if first.height else None
    if first_day is None:
        return f"No SIF or ILACS outstanding judgement is held, so in {year} no council held one."
    held = first_day <= dt.date(year, 12, 31)
    return (f"The first SIF or ILACS outstanding judgement was published on {_day(first_day)}, so "
            + (f"by the end of {year} a council held an outstanding SIF or ILACS judgement." if held
               else f"in {year} no council held an outstanding SIF or ILACS judgement."))


def older_outstanding_sentence(day: dt.date, councils: int) -> str:
    return (f"On {_day(day)}, councils with no SIF report yet whose earlier (SLAC) inspection said outstanding: "
            f"{number(councils)}.")


def squeezed_sentence(were_good: int, fell: int, published_to: dt.date) -> str:
    """Councils good for safeguarding at their last SLAC inspection, and how many a first SIF report judged less
    than good."""
    if were_good == 0:
        return (f"No council rated good for safeguarding at its last SLAC inspection had a first SIF report "
                f"published by {_day(published_to)}.")
    return (f"Of the {_councils(were_good)} rated good for safeguarding at their last SLAC inspection and inspected "
            f"under SIF by {_day(published_to)}, {number(fell)} ({pct(fell / were_good * 100)}) "
            f"{'was' if fell == 1 else 'were'} judged requires improvement or inadequate.")


def not_good_during_sentence(year_rows: pl.DataFrame, year: int) -> str:
    """The range of the running share less than good, and not inadequate, over the publications of a year."""
    if year_rows.is_empty():
        return f"No first SIF report was published during {year}, so the share less than good did not change then."

    def span(low, high) -> str:
        return pct(low) if pct(low) == pct(high) else f"{pct(low)} to {pct(high)}"

    return (f"During {year}, of the councils with a published first SIF report, "
            f"{span(year_rows['share_not_good'].min(), year_rows['share_not_good'].max())} were less than good, and "
            f"{span(100 - year_rows['share_inadequate'].max(), 100 - year_rows['share_inadequate'].min())} "
            f"were not inadequate.")


def inadequate_sentences(in_force_frame: pl.DataFrame, day: dt.date) -> list[str]:
    """How many councils held an inadequate judgement on a day, from how many inspections, and which share a
    predecessor's."""
    from .compute import councils_with
    from .transitions import distinct_inspections

    held = councils_with(in_force_frame, "inadequate")
    if held.height == 0:
        return [f"On {_day(day)}, no council held an inadequate judgement."]
    inspections = distinct_inspections(held)
    lines = [f"On {_day(day)}, {_councils(held.height)} held an inadequate judgement, from "
             f"{number(inspections)} inspection{'s' if inspections != 1 else ''}."]
    shared = held.filter(pl.col("inherited_from").is_not_null())
    for source, group in shared.group_by("inherited_from", maintain_order=True):
        verb = "holds the judgement of its" if group.height == 1 else "hold the judgement of their"
        lines.append(f"{' and '.join(group['la_name'])} {verb} predecessor (DfE code {source[0]}).")
    return lines
