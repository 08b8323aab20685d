"""The inspection judgements story in words: a council's change of judgement as a sentence."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ... import judgements
from ...errors import UserError
from .compute import GRADED_FRAMEWORKS, RANK
from .transitions import SUB_JUDGEMENTS, council_history

def _words(judgement: str | None) -> str:
    return "not judged" if judgement is None else judgements.words(judgement)


def _when(row: dict) -> str:
    # Ofsted gives fieldwork dates for ILACS only; SIF inspections are dated by their report.
    start = row.get("inspection_start")
    fieldwork = f"fieldwork from {start:%-d %B %Y}, " if start else ""
    return f"{row['framework']} {row['inspection_type']}, {fieldwork}published {row['published']:%-d %B %Y}"


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
    from ...articles import long_date

    def day(value) -> str:
        return long_date(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))

    last = inspections["published"].max()
    return (f"{inspections.height:,} inspections held, published {day(inspections['published'].min())} to "
            f"{day(last)}; the judgements in force are complete to {day(latest)} (the latest Ofsted file's "
            f"as-at date); the first SIF report was published on {day(sif_start)}.")
