"""Hex maps in the house style: one hexagon per council, drawn by Vega-Lite (no tiles, no requests).

A map's width decides everything else: the hexagons' size, and so the height, follow from it, so
the same spec gives the full-width map and the narrow one for phones (`narrow=True`).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap

import altair as alt
import polars as pl

from ... import charts, credits, judgements, sources, style
from ...dates import day_words
from .compute import NO_FIGURE, NOT_JUDGED, STORY, bin_labels, regions
from .words import (judgement_description, judgement_title, measure_description, measure_subtitle,
                    measure_title)

# A pointy-top hexagon in Vega's unit square (odd-r layouts have pointy tops).
HEXAGON = "M0,-1L0.866,-0.5L0.866,0.5L0,1L-0.866,0.5L-0.866,-0.5Z"
WIDE, NARROW = 520, charts.NARROW - 2 * charts.PADDING  # px: the page's chart width, and a phone's (charts.NARROW)
GAP = 0.94  # a hexagon's width as a share of the distance between centres: a thin gap shows borders
# Outside the judgement palette, for the map only: councils with no judgement or figure, the
# outline that gives every hexagon 3:1 contrast against white, and the sequential scale of a measure
# (light to dark, five groups).
NO_DATA = style.MAP_NO_DATA  # declared in the house style (style.py), like every colour
OUTLINE = style.MAP_OUTLINE
SEQUENTIAL = style.MAP_SEQUENTIAL
INK = style.INK
HALO = style.WHITE  # the white edge that keeps region labels legible over hexagons


def source_line(role: str) -> str:
    """A map's credit: the figures' publisher and the hexagons'."""
    return credits.line(credits.credit(role), credits.hex_layout())


def _titled(chart, title: str, subtitle: list[str], source: str, alt_text: str, narrow: bool):
    """The house title block; on the narrow layout every line wraps, by glyph width, to the map's width."""
    if not narrow:
        return charts.titled(chart, title, subtitle, source, alt_text, narrow_layout=False)  # its own narrow map
    lines = [part for line in subtitle for part in charts.wrap(line, NARROW, charts.SUBTITLE_SIZE)]
    source_lines = charts.wrap(source, NARROW, charts.SOURCE_SIZE)
    credit = alt.Chart(pl.DataFrame({"source": ["\n".join(source_lines)]})).mark_text(
        align="left", baseline="top", fontSize=charts.SOURCE_SIZE, color=style.MUTED, font=charts.FONT_STACK,
        lineBreak="\n", lineHeight=charts.SOURCE_LINE,
    ).encode(text="source:N", x=alt.value(0), y=alt.value(0)).properties(
        height=charts.SOURCE_LINE * len(source_lines), width=NARROW)
    return (alt.vconcat(chart, credit)
            .properties(title=alt.Title(charts.wrap(title, NARROW, charts.TITLE_SIZE, bold=True), subtitle=lines),
                        description=alt_text)
            .configure_concat(spacing=6))


def _frame(table: pl.DataFrame, width: int) -> dict:
    """Scales that keep hexagons regular: one unit is the same number of pixels across and down."""
    x0, x1 = table["x"].min() - 0.6, table["x"].max() + 0.6
    y0, y1 = table["y"].min() - 0.7, table["y"].max() + 0.7
    unit = width / (x1 - x0)
    return {
        "x": alt.X("x:Q", axis=None, scale=alt.Scale(domain=[x0, x1], nice=False, zero=False)),
        "y": alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[y0, y1], nice=False, zero=False)),
        "width": width, "height": round((y1 - y0) * unit),
        "size": (GAP * unit / math.sqrt(3) * 2) ** 2,
    }


def _hexagons(table: pl.DataFrame, frame: dict, colour: alt.Color, tooltip: list) -> alt.Chart:
    return alt.Chart(table).mark_point(
        shape=HEXAGON, filled=True, size=frame["size"], stroke=OUTLINE, strokeWidth=0.6, opacity=1,
    ).encode(x=frame["x"], y=frame["y"], color=colour, tooltip=tooltip)


def _dots(table: pl.DataFrame, frame: dict, field: str) -> alt.Chart:
    """A small ringed dot on the hexagons where `field` is true (inherited judgement, joint return)."""
    marked = table.filter(pl.col(field))
    return alt.Chart(marked).mark_point(
        shape="circle", filled=True, size=frame["size"] / 9, color=style.WHITE, stroke=INK, strokeWidth=1, opacity=1,
    ).encode(x=frame["x"], y=frame["y"])


def _region_labels(table: pl.DataFrame, frame: dict, narrow: bool) -> alt.LayerChart:
    labels = regions(table).with_columns(
        label=pl.col("region").map_elements(lambda name: "\n".join(textwrap.wrap(name, 10)), return_dtype=pl.String)
        if narrow else pl.col("region"))
    base = alt.Chart(labels).encode(x=frame["x"], y=frame["y"], text="label:N")
    style = {"fontSize": 12, "fontWeight": "bold", "font": charts.FONT_STACK, "lineBreak": "\n"}
    halo = base.mark_text(**style, stroke=HALO, strokeWidth=3, strokeJoin="round")
    ink = base.mark_text(**style, color=INK)
    return halo + ink


def _highlight(table: pl.DataFrame, frame: dict, la_code: str | None) -> list[alt.Chart]:
    if la_code is None:
        return []
    # a thick dark outline on a white halo, drawn above everything (region names too): it stands out on any fill
    own = table.filter(pl.col("la_code") == la_code)
    ring = {"shape": HEXAGON, "filled": False, "size": frame["size"] * 1.3, "opacity": 1}
    halo = alt.Chart().mark_point(**ring, stroke=HALO, strokeWidth=7, strokeJoin="round")
    ink = alt.Chart().mark_point(**ring, stroke=INK, strokeWidth=3.5, strokeJoin="round")
    return [alt.layer(halo, ink, data=own).encode(x=frame["x"], y=frame["y"])]


def _legend(title: str | None, narrow: bool) -> alt.Legend:
    return alt.Legend(title=title, orient="top", direction="vertical" if narrow else "horizontal",
                      columns=1 if narrow else 3, symbolType="square", labelLimit=0)


def _judgement_domain(table: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The four judgements always; 'not yet judged' only when some council has no judgement."""
    domain, palette = list(judgements.LABELS.values()), list(judgements.COLOURS)
    if (table["judgement_label"] == NOT_JUDGED).any():
        domain, palette = [*domain, NOT_JUDGED], [*palette, NO_DATA]
    return domain, palette


def judgement_map(table: pl.DataFrame, narrow: bool = False, highlight: str | None = None):
    """Councils coloured by the judgement in force (table from compute.judgement_map_table)."""
    frame = _frame(table, NARROW if narrow else WIDE)
    domain, palette = _judgement_domain(table)
    shown = table.with_columns(
        published_on=pl.col("published").map_elements(day_words, return_dtype=pl.String).fill_null("no judgement"),
        framework_words=pl.col("framework").fill_null(""),
        note=pl.when(pl.col("inherited")).then(pl.lit("Judgement of ") + pl.col("inherited_from_name"))
        .otherwise(pl.lit("")),
    )
    colour = alt.Color("judgement_label:N", scale=alt.Scale(domain=domain, range=palette),
                       legend=_legend(None, narrow))
    tooltip = [alt.Tooltip("la_name:N", title="Council"), alt.Tooltip("region:N", title="Region"),
               alt.Tooltip("judgement_label:N", title="Judgement"),
               alt.Tooltip("framework_words:N", title="Framework"),
               alt.Tooltip("published_on:N", title="Report published"), alt.Tooltip("note:N", title="Note")]
    layers = [_hexagons(shown, frame, colour, tooltip), _dots(shown, frame, "inherited"),
              _region_labels(shown, frame, narrow), *_highlight(shown, frame, highlight)]
    chart = alt.layer(*layers).properties(width=frame["width"], height=frame["height"])
    day: dt.date = table["as_of"][0]
    subtitle = [f"Ofsted's overall judgement of each council's children's services in force on {day_words(day)}",
                "Each hexagon is one council; SIF and ILACS judgements only"]
    if table["inherited"].any():
        subtitle.append("A dot marks a judgement carried over from the council it replaced")
    return _titled(chart, judgement_title(table), subtitle, source_line(sources.OFSTED_OUTCOMES), judgement_description(table), narrow)


def measure_map(table: pl.DataFrame, narrow: bool = False, highlight: str | None = None):
    """Councils coloured by quantile group of a workforce measure (table from compute.measure_map_table)."""
    frame = _frame(table, NARROW if narrow else WIDE)
    groups = bin_labels(table)
    shown_groups = [g for g in groups if g != NO_FIGURE]
    palette = list(SEQUENTIAL[len(SEQUENTIAL) - len(shown_groups):]) if len(shown_groups) < len(SEQUENTIAL) \
        else list(SEQUENTIAL)
    shown = table.with_columns(
        note=pl.when(pl.col("joint")).then(pl.lit("Joint return with ") + pl.col("joint_with"))
        .when(pl.col("value").is_null()).then(pl.lit("No figure published") + pl.when(pl.col("flag").is_not_null())
                                              .then(pl.lit(" (code ") + pl.col("flag") + pl.lit(")"))
                                              .otherwise(pl.lit("")))
        .otherwise(pl.lit("")),
    )
    colour = alt.Color("bin_label:N", scale=alt.Scale(domain=groups, range=palette[:len(shown_groups)]
                                                      + ([NO_DATA] if NO_FIGURE in groups else [])),
                       legend=_legend(None, narrow))
    tooltip = [alt.Tooltip("la_name:N", title="Council"), alt.Tooltip("region:N", title="Region"),
               alt.Tooltip("printed:N", title="Figure"), alt.Tooltip("note:N", title="Note")]
    layers = [_hexagons(shown, frame, colour, tooltip), _dots(shown, frame, "joint"),
              _region_labels(shown, frame, narrow), *_highlight(shown, frame, highlight)]
    chart = alt.layer(*layers).properties(width=frame["width"], height=frame["height"])
    return _titled(chart, measure_title(table), measure_subtitle(table), source_line(sources.WORKFORCE),
                   measure_description(table, groups), narrow)


def judgement_small_multiples(tables: list[pl.DataFrame], columns: int = 4):
    """One small map per date (each 31 March), side by side: how the judgements moved."""
    frames = []
    for table in tables:
        day = table["as_of"][0]
        frames.append(table.with_columns(panel=pl.lit(str(day.year))))
    both = pl.concat(frames, how="vertical_relaxed")
    frame = _frame(both, 150)
    domain, palette = _judgement_domain(both)
    colour = alt.Color("judgement_label:N", scale=alt.Scale(domain=domain, range=palette), legend=_legend(None, False))
    hexes = alt.Chart(both).mark_point(shape=HEXAGON, filled=True, size=frame["size"], stroke=OUTLINE,
                                       strokeWidth=0.3, opacity=1).encode(
        x=frame["x"], y=frame["y"], color=colour,
        tooltip=[alt.Tooltip("la_name:N", title="Council"), alt.Tooltip("judgement_label:N", title="Judgement")],
    ).properties(width=frame["width"], height=frame["height"])
    chart = hexes.facet(facet=alt.Facet("panel:N", title=None, header=alt.Header(labelFontSize=13)),
                        columns=columns)
    first, last = tables[0], tables[-1]
    title = judgement_title(last)
    not_yet = first.filter(pl.col("judgement_label") == NOT_JUDGED).height
    subtitle = ["Ofsted's overall judgement of each council's children's services in force on 31 March of each year",
                f"Each hexagon is one council; SIF and ILACS judgements only ({not_yet} councils had no SIF "
                f"judgement yet on {day_words(first['as_of'][0])})"]
    alt_text = " ".join(judgement_description(t) for t in (first, last))
    return charts.titled(chart, title, subtitle, source_line(sources.OFSTED_OUTCOMES),
                         f"Small multiples, one hex map per 31 March from {first['as_of'][0].year} to "
                         f"{last['as_of'][0].year}. First and last: {alt_text}")


def save(chart, name: str, table: pl.DataFrame | None, folder=None):
    """Save a map in the four formats, with its table (in outputs/figures|tables/maps/, or `folder`)."""
    return charts.save_chart(chart, STORY, name, table, folder=folder)


def map_table(table: pl.DataFrame) -> pl.DataFrame:
    """The table saved beside a map: readable columns, no list columns."""
    keep = [c for c in ("la_code", "ons_code", "la_name", "region", "as_of", "judgement_label", "framework",
                        "published", "inherited_from", "inherited_from_name", "measure", "year", "vintage",
                        "value", "printed", "flag", "joint_return", "bin_label", "q", "r", "placed_by")
            if c in table.columns]
    return table.select(keep).sort("la_code")
