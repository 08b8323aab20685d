"""The inspection judgements story's charts and the tables saved beside them."""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import polars as pl

from ... import charts, credits, judgements, rounding, style
from ...dates import day_words
from ...errors import DataError
from ... import formatting as f
from .compute import JUDGEMENTS, NOT_YET, RANK, STORY, count_of, share_not_good, source_line
from .transitions import change_counts


def save(chart, name: str, table: pl.DataFrame):
    """Save a chart of this story in the four formats, with its table."""
    return charts.save_chart(chart, STORY, name, table)


def save_table(table: pl.DataFrame, name: str):
    """Save a table of this story as CSV."""
    return charts.save_table(table, STORY, name)


# ---- charts ---------------------------------------------------------------------------------

def distribution_chart(over_time: pl.DataFrame):
    """Stacked bars: councils by SIF/ILACS judgement in force at each date."""
    judged = over_time.filter(pl.col("judgement") != NOT_YET).with_columns(
        pl.col("as_of").dt.year().cast(pl.String).alias("year"),
        pl.col("judgement").replace_strict(judgements.POSITION, return_dtype=pl.Int64).alias("order"),
    )
    dates = sorted(over_time["as_of"].unique().to_list())
    at = {day: over_time.filter(pl.col("as_of") == day) for day in dates}
    # Compare from the first date every council had a SIF/ILACS judgement: earlier shares rest on few councils.
    complete = [day for day in dates if count_of(at[day], NOT_YET) == 0]
    base_day, day = (complete[0] if complete else dates[0]), dates[-1]
    base, last = share_not_good(at[base_day]), share_not_good(at[day])
    if base is not None and last is not None and base_day != day and rounding.round_half_up(last, 1) != rounding.round_half_up(base, 1):
        verb = "fell" if last < base else "rose"
        title = (f"Councils judged less than good {verb} from {f.pct(base)} in "
                 f"{base_day.year} to {f.pct(last)} in {day.year}")
    else:
        title = f"{f.pct(last)} of councils were judged less than good in {day.year}"
    missing = count_of(at[day], NOT_YET)
    subtitle = ["Councils by Ofsted's judgement of their children's services in force at 31 March "
                "(SIF or ILACS judgements only)",
                "Bars grow as councils received their first SIF judgement: "
                + (f"every council had one by {complete[0].year}" if complete else
                   f"{missing} still had none at {day_words(day)}")]
    first_year = dates[0].year
    bars = alt.Chart(judged).mark_bar().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("councils:Q", title="Councils", stack="zero"),
        color=alt.Color("judgement:N", **charts.judgement_scale()),
        order=alt.Order("order:Q", sort="ascending"),
        tooltip=["year:O", "judgement:N", "councils:Q", alt.Tooltip("share_of_judged:Q", format=style.fmt("one_place"))],
    ).properties(width=520, height=300)
    alt_text = (f"Stacked bar chart of English councils by the Ofsted judgement in force at each 31 March "
                f"from {first_year} to {day.year}. Less than good: {f.pct(base)} of judged councils in "
                f"{base_day.year}, {f.pct(last)} in {day.year}.")
    return charts.titled(bars, title, subtitle, source_line(), alt_text)


def transitions_chart(matrix: pl.DataFrame, transitions: pl.DataFrame):
    """A grid of previous judgement (rows) by new judgement (columns), each cell the count."""
    counts = change_counts(transitions).row(0, named=True)
    labelled = matrix.with_columns(
        pl.col("previous_judgement").replace_strict(judgements.LABELS).alias("previous"),
        pl.col("judgement").replace_strict(judgements.LABELS).alias("new"),
        (pl.col("previous_judgement").replace_strict(RANK, return_dtype=pl.Int64)
         - pl.col("judgement").replace_strict(RANK, return_dtype=pl.Int64)).sign().replace_strict(
            {1: "Upgrade", 0: "Unchanged", -1: "Downgrade"}, return_dtype=pl.String).alias("change"),
    )
    order = [judgements.LABELS[j] for j in JUDGEMENTS]
    base = alt.Chart(labelled).encode(
        x=alt.X("new:N", sort=order, title="Judgement at the next inspection",
                axis=alt.Axis(orient="top", labelAngle=0, domain=False, ticks=False)),
        y=alt.Y("previous:N", sort=order, title="Judgement before", axis=alt.Axis(domain=False, ticks=False)),
    )
    # Hue says the direction, depth the number of inspections.
    cells = base.mark_rect(stroke=style.WHITE, strokeWidth=2).encode(
        color=alt.Color("change:N", scale=alt.Scale(domain=list(style.CHANGE_COLOURS),
                                                    range=list(style.CHANGE_COLOURS.values())),
                        legend=alt.Legend(title=None)),
        opacity=alt.Opacity("inspections:Q", scale=alt.Scale(domain=[0, matrix["inspections"].max()],
                                                            range=[0.12, 1]), legend=None),
    )
    text = base.mark_text(fontSize=15).encode(
        text="inspections:Q",
        color=alt.condition(alt.datum.inspections > matrix["inspections"].max() / 2,
                            alt.value(style.WHITE), alt.value(style.INK)))
    grid = (cells + text).properties(width=440, height=240)
    n = counts["reinspections"]
    title = (f"{counts['upgrades']} of {n} re-inspections moved a council up a grade, "
             f"{counts['downgrades']} down")
    subtitle = ["Ofsted's overall judgement of a council's children's services against its previous one",
                "Consecutive SIF and ILACS inspections of the same council, counted by the pair of judgements"]
    alt_text = (f"Grid of {f.number(n)} consecutive Ofsted inspections of the same council, previous judgement "
                f"against the next: {counts['upgrades']} upgrades, {counts['downgrades']} downgrades, "
                f"{counts['unchanged']} unchanged.")
    return charts.titled(grid, title, subtitle, source_line(), alt_text)


# ---- the Guardian's 2013-14 split (reported) -------------------------------------------------------

GUARDIAN_TABLE = "ofsted_social_care_annual_report_2014"


def first_sif_split(table: str = GUARDIAN_TABLE) -> pl.DataFrame:
    """The first 43 SIF inspections by judgement, as the Guardian reported Ofsted's 2013-14 annual report
    (data/reported, each row with its citation): judgement, councils, share of the inspected, citation."""
    from ..reported.compute import read

    rows = read(table)
    split = rows.filter(pl.col("measure") == "sif_judgements")
    total = rows.filter(pl.col("measure") == "sif_inspections")["value"]
    if split.is_empty() or total.len() != 1:
        raise DataError(f"data/reported/{table}.csv: needs sif_judgements rows and one sif_inspections row")
    if split["value"].sum() != total[0]:
        raise DataError(f"data/reported/{table}.csv: the judgements add to {split['value'].sum():g}, "
                        f"not the {total[0]:g} inspections")
    order = {code: i for i, code in enumerate(judgements.ORDER)}
    councils = rows.filter(pl.col("measure") == "local_authorities")["value"]
    england = int(councils[0]) if councils.len() == 1 else None
    return (split.with_columns(pl.col("subject").alias("judgement"),
                               pl.col("subject").replace_strict(judgements.LABELS, default=None).alias("label"),
                               pl.col("value").cast(pl.Int64).alias("councils"),
                               (pl.col("value") / total[0] * 100).alias("share"),
                               pl.col("subject").replace_strict(order, default=None).alias("order"))
            .sort("order")
            .with_columns(pl.lit(england, pl.Int64).alias("councils_in_england"))
            .select("judgement", "label", "councils", "share", "councils_in_england", "period", "published", "quote",
                    "document", "publisher", "date", "read_from", "read_from_url", "source_kind"))


def report_date(table: str = GUARDIAN_TABLE) -> tuple[dt.date, str]:
    """(date, document) of the report the Guardian's 2013-14 counts come from, as data/reported cites it."""
    from ..reported.compute import read

    rows = read(table).filter(pl.col("measure").is_in(["sif_inspections", "sif_judgements"]))
    cited = rows.select("date", "document").unique()
    if cited.height != 1 or cited["date"][0] is None:
        raise DataError(f"data/reported/{table}.csv: the SIF counts need one date and document, "
                        f"found {cited.height}")
    day = cited["date"][0]
    document = re.sub(r"\s*\(published [^)]*\)$", "", cited["document"][0])  # the date is said apart
    return (day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))), document


def first_sif_chart(split: pl.DataFrame):
    """Bars: the first SIF inspections by judgement (the Guardian's 2013-14 figures), counts labelled."""
    total = int(split["councils"].sum())
    below = int(split.filter(pl.col("judgement").is_in(["requires_improvement", "inadequate"]))["councils"].sum())
    councils_in_england = split["councils_in_england"][0]
    labels = [judgements.LABELS[j] for j in split["judgement"]]
    base = alt.Chart(split).encode(
        y=alt.Y("label:N", sort=labels, title=None),
        x=alt.X("councils:Q", title="Councils", scale=alt.Scale(domain=[0, max(30, int(split["councils"].max()) + 4)])),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("judgement:N", **{**charts.judgement_scale(), "legend": None}),
        tooltip=["label:N", "councils:Q", alt.Tooltip("share:Q", format=style.fmt("one_place"))])
    text = base.mark_text(align="left", dx=4, fontSize=13, color=style.INK).encode(text="councils:Q")
    chart = (bars + text).properties(width=480, height=alt.Step(34))
    title = f"{below} of the first {total} councils inspected under Ofsted's new framework were less than good"
    of_all = f", {total} of England's {councils_in_england} councils" if councils_in_england else ""
    subtitle = [f"Ofsted's overall judgement at the first single inspection framework (SIF) inspections reported "
                f"in its 2013-14 social care annual report{of_all}",
                f"{f.pct(below / total * 100)} were judged requires improvement or inadequate; no council was "
                f"outstanding" if "outstanding" not in set(split["judgement"]) else
                f"{f.pct(below / total * 100)} were judged requires improvement or inadequate"]
    row = split.row(0, named=True)
    source = credits.as_reported(row)
    alt_text = (f"Bar chart of the first {total} SIF inspections by Ofsted's overall judgement, 2013-14: "
                + ", ".join(f"{r['label'].lower()} {r['councils']}" for r in split.iter_rows(named=True))
                + f". {below} of {total} ({f.pct(below / total * 100)}) were less than good"
                + (f", out of {councils_in_england} councils in England." if councils_in_england else "."))
    return charts.titled(chart, title, subtitle, source, alt_text)
