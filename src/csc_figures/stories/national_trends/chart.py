"""The national trends story's charts."""

from __future__ import annotations

import altair as alt
import polars as pl

from ... import charts, credits, style
from ...dates import year_span
from ... import formatting as f
from .compute import official_label, previous_years_higher, reported_credit, value_in
from .words import count_word as _count_word

# ---- charts ---------------------------------------------------------------------------------------

_YEAR_AXIS = alt.Axis(title=None, format=style.fmt("integer"), tickMinStep=1, labelExpr=style.period_label_expr())
OFFICIAL_COLOUR = style.ROLE_COLOURS["england"]  # every series here is England's
REPORTED_COLOUR = style.ROLE_COLOURS["other"]  # figures as first published, read from a document


def _x(domain: list[int]) -> alt.X:
    return alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(domain=domain, nice=False))


def looked_after_chart(cla: pl.DataFrame, first_published: pl.DataFrame):
    """Children looked after at 31 March: today's release, and the series as first published (reported)."""
    table = pl.concat([
        cla.filter(~pl.col("is_reported")).select("year", "period", "value", "source"),
        first_published.select("year", "period", "value",
                               pl.format("Reported ({}): as published in DfE {} release", pl.col("source_kind"),
                                         pl.col("release")).alias("source")),
    ])
    peak = cla.sort("value").row(-1, named=True)
    domain = [int(table["year"].min()), int(table["year"].max())]
    base = alt.Chart(table).encode(
        x=_x(domain),
        y=alt.Y("value:Q", title="Children", scale=alt.Scale(zero=False), axis=alt.Axis(format=style.fmt("count"))),
        color=alt.Color("source:N", title=None, scale=alt.Scale(range=[OFFICIAL_COLOUR, REPORTED_COLOUR]),
                        legend=alt.Legend(orient="top", direction="vertical", labelLimit=0)),
        strokeDash=alt.StrokeDash("source:N", legend=None, scale=alt.Scale(range=[style.ROLE_DASH["england"], style.ROLE_DASH["other"]])),
        tooltip=["period:N", alt.Tooltip("value:Q", format=style.fmt("count")), "source:N"],
    )
    chart = (base.mark_line(strokeWidth=2.5) + base.mark_point(filled=True, size=50)).properties(width=520, height=280)
    title = (f"Children in care peaked at {f.number(peak['value'])} in {peak['period']}")
    subtitle = ["Children looked after by councils in England at 31 March."]
    alt_text = (f"Line chart of children looked after in England at 31 March from {year_span(domain[0])} to "
                f"{year_span(domain[1])}. The count peaked at {f.number(peak['value'])} in {peak['period']}.")
    if first_published.height:  # a year whose first-published figures we hold as reported
        rep_latest = first_published.sort("year").row(-1, named=True)
        today = value_in(cla.filter(~pl.col("is_reported")), rep_latest["year"])
        # one sentence per line: a line is never broken mid-sentence, however narrow the chart re-wraps it
        subtitle = [subtitle[0], f"DfE first published {f.number(rep_latest['value'])} for {rep_latest['period']}, "
                    f"revised to {f.number(today)} in later releases.",
                    "Dashed: figures as first published (reported)."]
        alt_text += (f" {rep_latest['period']} was first published as {f.number(rep_latest['value'])}, "
                     f"revised to {f.number(today)}.")
    source = credits.line(_official("children_looked_after"),
                          "figures as first published: " + (reported_credit(first_published) or "none held"))
    return charts.titled(chart, title, subtitle, source, alt_text), table.sort("source", "year")


def starting_ceasing_chart(start: pl.DataFrame, cease: pl.DataFrame):
    """Children starting and ceasing to be looked after each year, reported years marked."""
    table = pl.concat([
        start.with_columns(pl.lit("Started to be looked after").alias("measure")),
        cease.with_columns(pl.lit("Ceased to be looked after").alias("measure")),
    ]).with_columns(pl.when(pl.col("is_reported")).then(pl.lit("Reported (earlier release)"))
                    .otherwise(pl.lit(official_label("children_looked_after"))).alias("basis"))
    low = start.sort("value").row(0, named=True)
    domain = [int(table["year"].min()), int(table["year"].max())]
    colour = alt.Color("measure:N", title=None, legend=alt.Legend(orient="top", labelLimit=0),
                       scale=alt.Scale(domain=["Started to be looked after", "Ceased to be looked after"],
                                       range=[style.ROLE_COLOURS["highlight"], OFFICIAL_COLOUR]))
    y = alt.Y("value:Q", title="Children in the year", scale=alt.Scale(zero=False), axis=alt.Axis(format=style.fmt("count")))
    tooltip = ["period:N", "measure:N", alt.Tooltip("value:Q", format=style.fmt("count")), "source:N"]
    line = alt.Chart(table).mark_line(strokeWidth=2.5).encode(x=_x(domain), y=y, color=colour, detail="measure:N")
    official = alt.Chart(table.filter(~pl.col("is_reported"))).mark_point(
        filled=True, size=60, shape="circle").encode(x=_x(domain), y=y, color=colour, tooltip=tooltip)
    reported = alt.Chart(table.filter(pl.col("is_reported"))).mark_point(
        filled=False, size=80, strokeWidth=2, shape="triangle-down").encode(x=_x(domain), y=y, color=colour,
                                                                           tooltip=tooltip)
    chart = (line + official + reported).properties(width=520, height=280)
    title = f"Fewest children entered care in {low['period']} of any year we hold"
    subtitle = [f"{f.number(low['value'])} children started to be looked after in England in {low['period']};",
                f"years before {year_span(int(start.filter(~pl.col('is_reported'))['year'].min()))} "
                f"are reported figures from DfE's 2020 release (hollow triangles)."]
    alt_text = (f"Line chart of children starting and ceasing to be looked after in England each year from "
                f"{year_span(domain[0])} to {year_span(domain[1])}. Starts fell to {f.number(low['value'])} in "
                f"{low['period']}, the lowest of these years, then rose to "
                f"{f.number(start.sort('year')['value'][-1])} in {start.sort('year')['period'][-1]}.")
    held = reported_credit(table.unique(["year", "release", "source_kind", "read_from"], maintain_order=True))
    source = credits.line(_official("children_looked_after"), "reported figures: " + (held or "none held"))
    return charts.titled(chart, title, subtitle, source, alt_text), table.sort("measure", "year")



def section_47_chart(s47: pl.DataFrame, year: int = 2021):
    """Section 47 enquiries each year, with the reported 2009-10 figure marked and missing years left empty."""
    table = s47.with_columns(pl.when(pl.col("is_reported")).then(pl.lit("Reported figure"))
                             .otherwise(pl.lit(official_label("section_47"))).alias("basis"))
    first, last = int(table["year"].min()), int(table["year"].max())
    periods = [year_span(y) for y in range(first, last + 1)]  # years we lack stay as empty slots
    official = table.filter(~pl.col("is_reported"))
    reported = table.filter(pl.col("is_reported"))
    x = alt.X("period:O", title=None, scale=alt.Scale(domain=periods), axis=alt.Axis(labelAngle=-45))
    y = alt.Y("value:Q", title="Section 47 enquiries", axis=alt.Axis(format=style.fmt("count")), scale=alt.Scale(zero=True))
    tooltip = ["period:N", alt.Tooltip("value:Q", format=style.fmt("count")), "source:N"]
    colour = alt.condition(alt.datum.year == year, alt.value(style.ROLE_COLOURS["highlight"]),
                           alt.value(OFFICIAL_COLOUR))
    bars = alt.Chart(official).mark_bar().encode(x=x, y=y, color=colour, tooltip=tooltip)
    rep = alt.Chart(reported).mark_bar(color=style.WHITE, stroke=REPORTED_COLOUR, strokeWidth=2,
                                       strokeDash=[4, 2]).encode(x=x, y=y, tooltip=tooltip)
    # the figure alone over its hollow bar (the subtitle says what a hollow bar is): on a phone a longer label
    # would run into the axis and the next bars
    rep_label = alt.Chart(reported.with_columns(
        pl.col("value").map_elements(f.number, return_dtype=pl.String).alias("label"))
    ).mark_text(dy=-8, align="left", dx=1, fontSize=12, color=style.INK).encode(
        x=x.copy().bandPosition(0), y=y, text="label:N")  # from the bar's left edge
    chart = (bars + rep + rep_label).properties(width=520, height=280)
    value = value_in(table, year)
    higher = previous_years_higher(table, year)
    latest = official.sort("year").row(-1, named=True)
    missing = [year_span(y) for y in range(first, last + 1) if y not in set(table["year"])]
    title = (f"Section 47 enquiries dipped to {f.number(value)} in {year_span(year)}, "
             f"below the {_count_word(higher)} years before")
    subtitle = [f"Child protection enquiries begun by councils in England each year ({f.number(latest['value'])} in "
                f"{latest['period']}).",
                "Hollow bar: a published figure our data file does not hold (reported)"
                + (f"; none shown for {', '.join(missing)}." if missing else ".")]
    alt_text = (f"Bar chart of section 47 enquiries in England from {year_span(first)} to "
                f"{year_span(last)}. From {f.number(reported['value'][0]) if reported.height else 'no figure'} "
                f"in {year_span(first)} (reported) they rose to {f.number(value)} in {year_span(year)}, "
                f"below the {_count_word(higher)} years before, and reached {f.number(latest['value'])} in "
                f"{latest['period']}.")
    source = credits.line(_official("section_47"), "reported figures: " + (reported_credit(reported) or "none held"))
    return charts.titled(chart, title, subtitle, source, alt_text), table.select(
        "year", "period", "value", "source").sort("year")


def _official(role: str) -> str:
    """The credit of the data file a chart's official series comes from: 'DfE, Children in need, 2025 release'."""
    return credits.credit(role, credits.release(role))
