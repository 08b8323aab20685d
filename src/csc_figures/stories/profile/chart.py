"""A council's profile as Vega-Lite charts (the notebook's): the judgement timeline and the indicators."""

from __future__ import annotations


import polars as pl

from ... import credits, judgements, measures, style
from .compute import chart_rows, indicator_table, judgement_table, ofsted_credit, workforce_credit
from ...errors import UserError
from .words import _area_label, indicator_words, judgement_words, single_measure_words

# ---- charts --------------------------------------------------------------------------------

# A predecessor council is drawn as 'other' context: greys, each with its own dash.
_CHART_ROLE = {"council": "council", "england": "england", "region": "region", "neighbours": "neighbours"}


def series_roles(table: pl.DataFrame) -> dict[str, str]:
    """Each series of an indicator table and the house-style role it is drawn in."""
    return {series: _CHART_ROLE.get(role, "other")
            for series, role in table.select("series", "role").unique(maintain_order=True).iter_rows()}


def _series_styles(table: pl.DataFrame) -> dict[str, tuple[str, str, float]]:
    """series -> (colour, SVG dash pattern, width): the house style, for the pages' hand-drawn SVG."""
    styles, others = {}, 0
    for series, role in series_roles(table).items():
        if role == "other":
            colour = style.OTHER_SERIES[others % len(style.OTHER_SERIES)]
            dash = style.OTHER_DASHES[others % len(style.OTHER_DASHES)]
            others += 1
        else:
            colour, dash = style.ROLE_COLOURS[role], style.ROLE_DASH[role]
        styles[series] = (colour, "" if dash == [1, 0] else " ".join(map(str, dash)), style.ROLE_WIDTH[role])
    return styles


def _legend_words(plot: pl.DataFrame) -> dict[str, str]:
    """Where older frameworks' 'adequate' sits beside 'requires improvement', the legend names both."""
    words = set(plot.filter(pl.col("rating") == "requires_improvement")["rating_words"].to_list())
    if words >= {"requires improvement", "adequate"}:
        return {"requires_improvement": "Requires improvement (before 2013: adequate)"}
    if words == {"adequate"}:
        return {"requires_improvement": "Adequate"}
    return {}


def judgement_parts(profile: dict) -> dict:
    """What the judgement timeline varies by council: its rows, rows of areas, date range, legend, words.

    `judgement_chart` draws these; the site gives each council's page its own parts for a spec built once.
    """
    df = judgement_table(profile).drop_nulls("rating")
    plot = df.with_columns(
        pl.col("area").map_elements(_area_label, return_dtype=pl.String).alias("area_label"),
        pl.struct("rating", "framework").map_elements(
            lambda r: judgements.words_in(r["rating"], r["framework"]), return_dtype=pl.String).alias("rating_words"),
    )
    area_order = ["Overall"] + [a for a in plot["area_label"].unique(maintain_order=True).to_list() if a != "Overall"]
    councils = plot["council"].unique(maintain_order=True).to_list()
    return {"table": df, "plot": plot, "area_order": area_order, "councils": councils,
            "layout": "empty" if plot.is_empty() else "facet" if len(councils) > 1 else "single",
            "domain": ["2009-01-01", f"{max(2025, plot['published'].max().year) + 1}-01-01"]
            if not plot.is_empty() else None,
            "height": max(40, 22 * len(area_order)), "legend_words": _legend_words(plot),
            "frameworks": plot["framework"].unique().to_list(), "words": judgement_words(profile)}


def judgement_chart(profile: dict):
    """Timeline of every Ofsted judgement: one row per judgement area, coloured by rating."""
    import altair as alt

    from ... import charts

    parts = judgement_parts(profile)
    plot, area_order, words = parts["plot"], parts["area_order"], parts["words"]
    if parts["layout"] == "empty":
        base = alt.Chart(pl.DataFrame({"text": ["No Ofsted judgements in the data we hold"]})).mark_text(
            size=14, align="left").encode(text="text:N", x=alt.value(0), y=alt.value(20)).properties(
            width=520, height=40)
    else:
        points = alt.Chart(plot).mark_point(filled=True, size=140, opacity=1).encode(
            x=alt.X("published:T", title="Publication date", axis=alt.Axis(format="%Y", tickCount="year"),
                    scale=alt.Scale(domain=parts["domain"])),
            y=alt.Y("area_label:N", title=None, sort=area_order),
            color=alt.Color("rating:N", **charts.judgement_scale(parts["legend_words"])),
            shape=alt.Shape("framework:N", **charts.framework_shape("framework", parts["frameworks"])),
            tooltip=["council:N", "published:T", "framework:N", "inspection_type:N", "area_label:N",
                     alt.Tooltip("rating_words:N", title="judgement")],
        ).properties(width=520, height=parts["height"])
        base = points.facet(row=alt.Row("council:N", title=None, sort=parts["councils"],
                                        header=alt.Header(labelAngle=0, labelAlign="left",
                                                          labelFontWeight="bold", labelFontSize=13)),
                            ).resolve_scale(y="independent") if parts["layout"] == "facet" else points
    return charts.titled(base, words["title"], words["subtitle"], credits.line(ofsted_credit()), words["alt_text"]), \
        parts["table"]


def _noted(base):
    """A ring round every council figure that carries a note (an artefact, a joint return)."""
    import altair as alt

    return base.mark_point(filled=False, size=150, strokeWidth=1.6, color=style.INK, strokeDash=[1, 0]).encode(
        tooltip=["series:N", "year:O", "note:N"]).transform_filter(
        (alt.datum.note != None) & (alt.datum.value != None))  # noqa: E711 (Vega expression)


def indicator_chart(profile: dict):
    """Six small multiples: each indicator over every year, council against England, region, neighbours."""
    import altair as alt

    from ... import charts

    df = indicator_table(profile)
    colour, dash = charts.role_scales(series_roles(df))
    base = alt.Chart(chart_rows(df)).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", **colour),
        strokeDash=alt.StrokeDash("series:N", **dash),
        tooltip=["series:N", "year:O", alt.Tooltip("value:Q", format=style.fmt("one_place_thousands")), "flag:N"],
    )
    # a missing figure breaks its line (Vega-Lite's default joins the points either side of it)
    lines = base.mark_line(strokeWidth=2, invalid="break-paths-show-domains") + base.mark_point(
        filled=True, size=30).transform_filter(alt.datum.value != None)  # noqa: E711 (Vega expression)
    lines = lines + _noted(base)
    chart = lines.properties(width=250, height=130).facet(
        facet=alt.Facet("panel:N", title=None, sort=[measures.label(m) for m in measures.PROFILED],
                        header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAnchor="start")),
        columns=2,
    ).resolve_scale(y="independent")
    words = indicator_words(profile)
    return charts.titled(chart, words["title"], words["subtitle"], credits.line(workforce_credit()),
                         words["alt_text"]), df


# ---- one chart per measure -------------------------------------------------------------------

def measure_table(profile: dict, measure: str) -> pl.DataFrame:
    """The rows one measure's chart draws: the council, England, its region and its neighbours by year."""
    if measure not in measures.PROFILED:
        raise UserError(f"no single-measure chart for {measure!r}; choose one of {', '.join(measures.PROFILED)}")
    return chart_rows(indicator_table(profile)).filter(pl.col("measure") == measure).drop("panel")


def measure_chart(council, measure: str, vintage: int | None = None, *, narrow: bool = False, data=None):
    """One workforce measure of one council against England, its region and its statistical neighbours.

    council: a name in any publisher's spelling, an ONS code or a DfE code ("Derby", "E06000015", "831").
    measure: one of "turnover_rate", "vacancy_rate", "agency_rate", "absence_rate", "caseload", "fte".
    vintage: the DfE workforce release (None: the latest we hold).
    narrow: the one-column layout for a 320 px phone (then a Vega-Lite spec dict, not an Altair chart).
    Returns (chart, table): the chart and the rows it draws (saved beside it as CSV).
    Unknown councils, measures and releases raise UserError with the choices.
    """
    from ... import charts
    from .assemble import council_profile

    profile = council_profile(council, vintage=vintage, data=data)
    chart, table = _measure_chart(profile, measure)
    return (charts.narrow(chart) if narrow else chart), table


def _measure_chart(profile: dict, measure: str):
    import altair as alt

    from ... import charts

    table = measure_table(profile, measure)
    words = single_measure_words(profile, measure)
    colour, dash = charts.role_scales(series_roles(table))
    base = alt.Chart(table).encode(
        x=alt.X("year:O", title="Year to 30 September", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=measures.measure(measure).short_label, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", **colour),
        strokeDash=alt.StrokeDash("series:N", **dash),
        tooltip=["series:N", "year:O", alt.Tooltip("value:Q", format=style.fmt("one_place_thousands")), "flag:N",
                 "note:N", "joint_return:N"],
    )
    lines = base.mark_line(strokeWidth=2.5, invalid="break-paths-show-domains")
    points = base.mark_point(filled=True, size=40).transform_filter(alt.datum.value != None)  # noqa: E711
    chart = (lines + points + _noted(base)).properties(width=520, height=280)
    source = credits.line(workforce_credit(profile["vintage"]))
    return charts.titled(chart, words["title"], words["subtitle"], source, words["alt_text"]), table


def write_measure_chart(council, measure: str, vintage: int | None = None, out_dir=None, *, data=None) -> dict:
    """Write one measure's chart for one council, named <measure>.*: PNG, SVG, offline HTML, Vega-Lite JSON,
    the narrow layout, the alt text (.txt) and the CSV of the rows it draws.

    out_dir: one folder for all of them; by default the figures go to
    outputs/figures/council_profile/<council>/measures/ and the CSV to outputs/tables/council_profile/<council>/measures/.
    Returns {kind: path} of the files written.
    """
    from pathlib import Path

    from ... import charts, paths
    from .assemble import council_profile
    from .compute import STORY, slug

    profile = council_profile(council, vintage=vintage, data=data)
    chart, table = _measure_chart(profile, measure)
    if out_dir is not None:
        return charts.save_chart(chart, STORY, measure, table, folder=Path(out_dir))
    where = f"{STORY}/{slug(profile['name'])}/measures"
    return charts.save_chart(chart, where, measure, table, folder=paths.FIGURES / where,
                             table_folder=paths.TABLES / where)


def indicator_tables(table: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The workforce chart's table, one table per measure (in the profile's order): a row per year, a column per
    series (the council, England, the region, the neighbours), each figure rounded to one place."""
    from ... import rounding

    wide = (table.with_columns(rounding.round_column("value", 1))
            .pivot(on="series", index=["measure", "year"], values="value").sort("measure", "year"))
    held = set(wide["measure"])
    order = [m for m in measures.PROFILED if m in held] + sorted(held - set(measures.PROFILED))
    return {m: wide.filter(pl.col("measure") == m).drop("measure") for m in order}


def revisions_table(profile: dict) -> pl.DataFrame:
    """The figures of the profile a later release revised: year, measure in words, each release's value."""
    from .words import revision_text

    return pl.DataFrame(
        [{"year": r["year"], "measure": measures.words(r["measure"]), "values": revision_text(r)}
         for r in profile["revisions"]], schema={"year": pl.Int64, "measure": pl.String, "values": pl.String})
