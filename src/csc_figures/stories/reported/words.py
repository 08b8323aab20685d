"""The reported figures in words: sentences, alt text and source lines."""

from __future__ import annotations

import polars as pl

from ... import credits, formatting
from ...errors import DataError
from .compute import ROUTES, STUDY, read, study

STUDY_SOURCE = "Health and Social Care Workforce Study, phase 4, Ulster University (2022)"
FAST_TRACK_SOURCE = "Frontline, Department for Education (Step Up) and Think Ahead, starters and graduates"


def source_line(table: str, original: str) -> str:
    """A chart's source line: the original publisher, then where the figures were read and what kind of source."""
    reads = read(table).select("read_from", "source_kind").unique(maintain_order=True)
    where = "; ".join(f"{r['read_from']} ({r['source_kind']})" for r in reads.iter_rows(named=True))
    return credits.line(original, f"figures read from {where}")


def alt_completion(rates: pl.DataFrame) -> str:
    parts = []
    for route, label in ROUTES.items():
        rows = rates.filter(pl.col("route") == route).sort("intake")
        parts.append(f"{label}: " + ", ".join(f"{r['intake']} {formatting.pct(r['completion_rate'], 0)}"
                                              for r in rows.iter_rows(named=True)))
    return "Bar chart of fast-track completion rates by intake. " + "; ".join(parts) + "."


def completion_sentences(rates: pl.DataFrame) -> list[str]:
    """The article's sentences, with every percentage recomputed from starters and graduates."""
    def rate(route, intake):
        return formatting.pct(rates.filter((pl.col("route") == route) & (pl.col("intake") == intake))
                              ["completion_rate"][0], 0)
    three = rates.filter(pl.col("route") == "frontline")
    frontline_pooled = formatting.pct(three["graduates"].sum() / three["starters"].sum() * 100, 0)
    return [
        f"About {frontline_pooled} of Frontline candidates completed the first year of the programme in the three "
        f"most recent intakes: 2018-19 ({rate('frontline', '2018-19')}), 2019-20 ({rate('frontline', '2019-20')}) "
        f"and 2020-21 ({rate('frontline', '2020-21')}).",
        f"Step Up to Social Work: {rate('step_up', '2016-17')} in 2016-17, {rate('step_up', '2018-19')} in 2018-19 "
        f"and {rate('step_up', '2020-21')} in 2020-21.",
        f"Think Ahead: {rate('think_ahead', '2020-21')} in 2020-21, {rate('think_ahead', '2018-19')} in 2018-19 "
        f"and {rate('think_ahead', '2019-20')} in 2019-20.",
    ]


def _joined(words: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else ""


def _series_text(scores: pl.DataFrame, profession: str) -> str:
    rows = scores.filter(pl.col("profession") == profession).sort("phase")
    return f"{profession}: " + ", ".join(f"phase {p} {v:g}" for p, v in zip(rows["phase"], rows["wrqol_score"], strict=True))


def study_sentences(table: str = STUDY) -> list[str]:
    """The article's sentences on the study, each score at the places the article printed it."""
    df = study(table)

    def score(subject: str, measure: str, phase: int) -> str:
        row = df.filter((pl.col("subject") == subject) & (pl.col("measure") == measure)
                        & (pl.col("phase") == phase))
        if row.height != 1:
            raise DataError(f"data/reported/{table}.csv: {row.height} rows for {subject}, {measure}, phase {phase}")
        published = row["published"][0]
        places = len(published.split(".")[1]) if "." in published else 0
        return formatting.number(row["value"][0], places)

    sw, everyone = "social workers", "all professions"
    return [
        f"Quality of working life across all professions rose from {score(everyone, 'wrqol', 3)} to "
        f"{score(everyone, 'wrqol', 4)} in phase four; social workers' fell to {score(sw, 'wrqol', 4)}, from "
        f"{score(sw, 'wrqol', 3)} in phase three, {score(sw, 'wrqol', 2)} in phase two and "
        f"{score(sw, 'wrqol', 1)} in phase one.",
        f"Social workers' client-related burnout rose from {score(sw, 'burnout_client', 3)} to "
        f"{score(sw, 'burnout_client', 4)}; personal burnout fell from {score(sw, 'burnout_personal', 3)} to "
        f"{score(sw, 'burnout_personal', 4)} and work-related from {score(sw, 'burnout_work', 3)} to "
        f"{score(sw, 'burnout_work', 4)}.",
        f"Social workers' wellbeing rose from {score(sw, 'wellbeing', 3)} to {score(sw, 'wellbeing', 4)}, "
        f"below {score(sw, 'wellbeing', 1)} in phase one.",
    ]
