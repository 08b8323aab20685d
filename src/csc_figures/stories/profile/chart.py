"""A council's profile as Vega-Lite charts (the notebook's): the judgement timeline and the indicators."""

from __future__ import annotations


import polars as pl

from ... import judgements, measures
from .compute import SOURCE_OFSTED, SOURCE_WORKFORCE, chart_rows, indicator_table, judgement_table
from .words import _area_label, indicator_words, judgement_words

# ---- charts --------------------------------------------------------------------------------

# The series' line styles, shared with the hand-drawn SVG of the pages.
_ROLE_STYLE = {  # role -> (colour, dash pattern, width)
    "council": ("#b2182b", "", 2.5), "england": ("#222222", "6 3", 1.6), "region": ("#4a90c2", "2 2", 1.6),
    "neighbours": ("#e08b00", "8 2 2 2", 1.6),
}
_EXTRA_COLOURS = ["#6a51a3", "#1b7837", "#8c510a", "#01665e"]


def _series_styles(table: pl.DataFrame) -> dict[str, tuple[str, str, float]]:
    styles, extra = {}, iter(_EXTRA_COLOURS)
    for series, role in table.select("series", "role").unique(maintain_order=True).iter_rows():
        styles[series] = _ROLE_STYLE.get(role) or (next(extra, "#555555"), "", 2.0)
    return styles


def judgement_chart(profile: dict):
    """Timeline of every Ofsted judgement: one row per judgement area, coloured by rating."""
    import altair as alt

    from ... import charts

    df = judgement_table(profile).drop_nulls("rating")
    plot = df.with_columns(
        pl.col("area").map_elements(_area_label, return_dtype=pl.String).alias("area_label"),
        pl.col("rating").replace_strict(judgements.WORDS, default=pl.col("rating")).alias("rating_words"),
    )
    words = judgement_words(profile)
    area_order = ["Overall"] + [a for a in plot["area_label"].unique(maintain_order=True).to_list() if a != "Overall"]
    if plot.is_empty():
        base = alt.Chart(pl.DataFrame({"text": ["No Ofsted judgements in the data we hold"]})).mark_text(
            size=14, align="left").encode(text="text:N", x=alt.value(0), y=alt.value(20)).properties(
            width=520, height=40)
    else:
        points = alt.Chart(plot).mark_point(filled=True, size=140, opacity=1).encode(
            x=alt.X("published:T", title="Publication date", axis=alt.Axis(format="%Y", tickCount="year"),
                    scale=alt.Scale(domain=["2009-01-01", f"{max(2025, plot['published'].max().year) + 1}-01-01"])),
            y=alt.Y("area_label:N", title=None, sort=area_order),
            color=alt.Color("rating:N", **charts.judgement_scale("rating")),
            shape=alt.Shape("framework:N", title="Framework"),
            tooltip=["council:N", "published:T", "framework:N", "inspection_type:N", "area_label:N",
                     "rating_words:N"],
        ).properties(width=520, height=max(40, 22 * len(area_order)))
        base = points.facet(row=alt.Row("council:N", title=None, sort=plot["council"].unique(maintain_order=True)
                                        .to_list(), header=alt.Header(labelAngle=0, labelAlign="left",
                                                                      labelFontWeight="bold", labelFontSize=13)),
                            ).resolve_scale(y="independent") if plot["council"].n_unique() > 1 else points
    return charts.titled(base, words["title"], words["subtitle"], f"Source: {SOURCE_OFSTED}", words["alt_text"]), df


def indicator_chart(profile: dict):
    """Six small multiples: each indicator over every year, council against England, region, neighbours."""
    import altair as alt

    from ... import charts

    df = indicator_table(profile)
    series = df["series"].unique(maintain_order=True).to_list()
    styles = _series_styles(df)
    dash = {"": [1, 0], "6 3": [6, 3], "2 2": [2, 2], "8 2 2 2": [8, 2, 2, 2]}
    base = alt.Chart(chart_rows(df)).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", scale=alt.Scale(domain=series, range=[styles[s][0] for s in series]),
                        sort=series, legend=alt.Legend(title=None, orient="top", columns=2, labelLimit=0,
                                                       symbolType="stroke", symbolStrokeWidth=3, symbolSize=400)),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=[dash[styles[s][1]]
                                                                                      for s in series]),
                                  sort=series, legend=alt.Legend(title=None, orient="top", columns=2, labelLimit=0,
                                                                 symbolType="stroke", symbolStrokeWidth=3,
                                                                 symbolSize=400)),
        tooltip=["series:N", "year:O", alt.Tooltip("value:Q", format=",.1f"), "flag:N"],
    )
    lines = base.mark_line(strokeWidth=2) + base.mark_point(filled=True, size=30).transform_filter(
        alt.datum.value != None)  # noqa: E711 (Vega expression)
    chart = lines.properties(width=250, height=130).facet(
        facet=alt.Facet("panel:N", title=None, sort=[measures.label(m) for m in measures.PROFILED],
                        header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAnchor="start")),
        columns=2,
    ).resolve_scale(y="independent")
    words = indicator_words(profile)
    return charts.titled(chart, words["title"], words["subtitle"], f"Source: {SOURCE_WORKFORCE}",
                         words["alt_text"]), df
