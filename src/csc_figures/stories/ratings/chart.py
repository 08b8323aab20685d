"""The ratings story's charts: workforce rates by judgement, and the gap over the years."""

from __future__ import annotations

import datetime as dt
import math
from itertools import pairwise

import altair as alt
import polars as pl

from ... import charts, measures, rounding, style
from ...dates import as_date, day_words, year_span
from ...judgements import LABELS as JUDGEMENT_LABELS
from .compute import MEASURES, RATINGS
from .words import source_line

# ---- charts -----------------------------------------------------------------------------------------

MARK = "†"  # beside a bar that differs from the article's chart


def _long(table: pl.DataFrame, unlike: pl.DataFrame | None = None) -> pl.DataFrame:
    england = table.filter(pl.col("rating") == "england")
    groups = table.filter(pl.col("rating") != "england")
    differs = {(r["rating"], r["measure"]): r for r in (unlike.iter_rows(named=True) if unlike is not None else [])}
    rows = []
    for measure in MEASURES:
        for row in groups.iter_rows(named=True):
            other = differs.get((row["rating"], measure))
            value = row[measure]
            rows.append({"measure": measures.short_label(measure), "rating": row["rating"],
                         "label": JUDGEMENT_LABELS[row["rating"]], "councils": row["councils"],
                         "value": value, "england": england[measure][0],
                         "value_label": (rounding.fixed(value, 1) if value is not None else "")
                         + (MARK if other else ""),
                         "number": rounding.fixed(value, 1) if value is not None else "",
                         "mark": MARK if other else "",
                         "article_value": other["value"] if other else None,
                         "differs_from_article": other["reason"] if other else None})
    return pl.DataFrame(rows, schema_overrides={"article_value": pl.Float64, "differs_from_article": pl.String})


def bars_unlike_article(result: pl.DataFrame, year: int) -> pl.DataFrame:
    """The article's chart bars (group means for `year`) that the data we hold do not reproduce, each with
    the claims ledger's reason: rating, measure, value (the article's), recomputed, reason."""
    from ...claims import DIFFERENCE_REASONS, difference_reason, load_claims

    notes = load_claims().select("claim_id", "note")
    rows = (result.filter((pl.col("kind") == "mean") & (pl.col("year") == year) & ~pl.col("match"))
            .join(notes, on="claim_id", how="left"))
    reason = pl.col("note").map_elements(lambda n: DIFFERENCE_REASONS.get(difference_reason(n) or "", "no reason recorded"),
                                         return_dtype=pl.String)
    return rows.select("claim_id", "rating", "measure", "value", "recomputed_rounded", reason.alias("reason"))


def ordered_measures(table: pl.DataFrame) -> list[str]:
    """The measures whose group averages rise strictly from outstanding to inadequate."""
    out = []
    for measure in MEASURES:
        values = table.filter(pl.col("rating") != "england")[measure].to_list()
        if all(a is not None and b is not None and a < b for a, b in pairwise(values)):
            out.append(measure)
    return out


PANEL_HEIGHT = 220
LABEL_SIZE, OUTLINE, BAR_PADDING = 12, 2.5, 0.1  # px, px, share of a bar's step


def _panel_width(data: pl.DataFrame) -> int:
    """A panel wide enough for each bar's value inside its foot, clear of a differing bar's outline."""
    widest = max(charts.text_width(n, LABEL_SIZE, bold=True) for n in data["number"].to_list())
    return max(118, math.ceil(len(RATINGS) * (widest + 2 * OUTLINE + 2) / (1 - BAR_PADDING)))


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def relationship_chart(table: pl.DataFrame, as_of: dt.date | str, year: int, method: str = "mean",
                       vintage: int | None = None, unlike: pl.DataFrame | None = None):
    """'Relationship between Ofsted ratings and workforce indicators': one panel per measure, England as a line.

    vintage: the DfE release drawn (named on the chart). unlike: `bars_unlike_article`'s rows, each bar
    outlined and marked † with the ledger's reason in the notes.
    """
    as_of = as_date(as_of)
    data = _long(table, unlike)
    ordered_ = ordered_measures(table)
    if len(ordered_) == len(MEASURES):
        title = "The better the Ofsted rating, the lower the turnover, vacancies, agency use, absence and caseloads"
    elif ordered_:
        title = f"The better the Ofsted rating, the lower the {_listing([measures.measure(m).topic for m in ordered_])}"
    else:
        title = "No measure falls steadily as the Ofsted rating improves"
    base = alt.Chart().encode(x=alt.X("rating:N", sort=RATINGS, axis=None, scale=alt.Scale(paddingInner=BAR_PADDING)))
    bars = base.mark_bar().encode(
        # flush labels: a top tick label never lifts its panel's title above the others
        y=alt.Y("value:Q", title=None, axis=alt.Axis(tickCount=4, format=style.fmt("short"), labelFlush=True)),
        color=alt.Color("rating:N", **charts.judgement_scale()),
        stroke=alt.condition(alt.datum.differs_from_article != None, alt.value(style.INK),  # noqa: E711
                             alt.value(None)),
        strokeWidth=alt.condition(alt.datum.differs_from_article != None, alt.value(OUTLINE),  # noqa: E711
                                  alt.value(0)),
        tooltip=[alt.Tooltip("label:N", title="Judgement"), alt.Tooltip("councils:Q", title="Councils"),
                 alt.Tooltip("value:Q", title="Average", format=style.fmt("one_place")),
                 alt.Tooltip("article_value:Q", title="In the article"),
                 alt.Tooltip("differs_from_article:N", title="Why it differs")])
    # values printed inside the foot of each bar (clear of the England line), dark on the light colours; the
    # mark of a bar that differs from the article's chart on the line above its value
    ink = alt.condition(alt.FieldOneOfPredicate("rating", ["outstanding", "inadequate"]),
                        alt.value(style.WHITE), alt.value(style.INK))
    labels = base.mark_text(baseline="bottom", fontSize=LABEL_SIZE, fontWeight="bold").encode(
        y=alt.value(PANEL_HEIGHT - 5), text=alt.Text("number:N"), color=ink)
    marks = base.mark_text(baseline="bottom", fontSize=LABEL_SIZE, fontWeight="bold").encode(
        y=alt.value(PANEL_HEIGHT - 5 - LABEL_SIZE - 2), text=alt.Text("mark:N"), color=ink)
    england = alt.Chart().mark_rule(color=style.ROLE_COLOURS["england"], strokeDash=style.ROLE_DASH["england"], strokeWidth=1.5).encode(y="england:Q")
    panel = alt.layer(bars, england, labels, marks, data=data).properties(width=_panel_width(data),
                                                                          height=PANEL_HEIGHT)
    chart = (panel.facet(facet=alt.Facet("measure:N", sort=[measures.short_label(m) for m in MEASURES],
                                         header=alt.Header(title=None, labelFontSize=12, labelFontWeight="bold")),
                         columns=5)
             .resolve_scale(y="independent"))
    average = "average of council figures" if method == "mean" else "rates pooled from council counts"
    release = f"DfE {vintage} release" if vintage else "DfE's latest release"
    subtitle = [f"Relationship between Ofsted ratings and workforce indicators: {average}, "
                f"year to 30 September {year} ({release}), by the judgement in force on {day_words(as_of)}.",
                "Dashed line: England's own published rate, counted over all its social workers; the bars are "
                + ("simple means of council rates, each council counting once, so they need not straddle it."
                   if method == "mean" else "rates pooled from the councils' counts.")]
    notes = _unlike_notes(unlike)
    subtitle += notes
    alt_text = ("Bar charts of the average turnover, vacancy, agency worker and sickness absence rates and "
                "caseload of councils by Ofsted judgement. " + "; ".join(
                    f"{measures.short_label(m)}: " + ", ".join(
                        f"{JUDGEMENT_LABELS[r['rating']]} {rounding.fixed(r[m], 1)}"
                        for r in table.filter(pl.col('rating') != 'england').iter_rows(named=True)
                        if r[m] is not None) for m in MEASURES) + f". {release}. " + subtitle[1]
                + "".join(f" {n.replace(MARK, '').strip()}" for n in notes))
    return charts.titled(chart, title, subtitle, source_line(method), alt_text, width=700), data


def _unlike_notes(unlike: pl.DataFrame | None) -> list[str]:
    """'† Differs from the article's chart (a release or year we do not hold): good vacancy rate 16.6 there, 16.5 here; ...'"""
    if unlike is None or not unlike.height:
        return []
    out = []
    for reason, rows in unlike.group_by("reason", maintain_order=True):
        cells = "; ".join(f"{JUDGEMENT_LABELS[r['rating']].lower()} {measures.words(r['measure'])} "
                          f"{rounding.fixed(r['value'], 1)} there, {rounding.fixed(r['recomputed_rounded'], 1)} here"
                          for r in rows.iter_rows(named=True))
        out.append(f"{MARK} {rows.height} bar{'s' if rows.height > 1 else ''} differ from the article's chart "
                   f"({reason[0]}): {cells}.")
    return out


def gap_chart(robust_by_year: pl.DataFrame, method: str = "mean"):
    """The gap between inadequate and outstanding councils' averages each year, with its bootstrap interval."""
    data = robust_by_year.with_columns(
        pl.col("measure").replace_strict({m: measures.short_label(m) for m in MEASURES}).alias("label"),
        pl.col("year").map_elements(year_span, return_dtype=pl.String).alias("year_label"))
    # years to 30 September, labelled by the year they end: '18 is 2017-18
    x = alt.X("year:O", title="Year to 30 September",
              axis=alt.Axis(labelAngle=0, labelExpr="\"'\" + substring('' + datum.value, 2, 4)"))
    band = alt.Chart().mark_errorbar(ticks=True, color=style.ROLE_COLOURS["other"]).encode(
        x=x, y=alt.Y("gap_low:Q", title=None), y2="gap_high:Q")
    line = alt.Chart().mark_line(point=alt.OverlayMarkDef(color=style.INK, size=40), color=style.INK).encode(
        x=x, y=alt.Y("gap:Q", title=None),
        tooltip=[alt.Tooltip("year_label:N", title="Year"), alt.Tooltip("gap:Q", format=style.fmt("one_place")),
                 alt.Tooltip("gap_low:Q", format=style.fmt("one_place"), title="95% low"),
                 alt.Tooltip("gap_high:Q", format=style.fmt("one_place"), title="95% high"),
                 alt.Tooltip("spearman:Q", format=style.fmt("two_places"), title="Spearman")])
    zero = alt.Chart().mark_rule(color=style.RULE).encode(y=alt.datum(0))
    panel = alt.layer(band, line, zero, data=data).properties(width=118, height=200)
    chart = (panel.facet(facet=alt.Facet("label:N", sort=[measures.short_label(m) for m in MEASURES],
                                         header=alt.Header(title=None, labelFontSize=12, labelFontWeight="bold")),
                         columns=5)
             .resolve_scale(y="independent"))
    first, last = data["year"].min(), data["year"].max()
    years = data["year"].n_unique()
    every_year = [m for m in MEASURES if data.filter(pl.col("measure") == m, pl.col("clear")).height == years]
    if every_year:
        title = (f"Every year, inadequate councils had clearly higher {_listing([measures.measure(m).topic for m in every_year])} "
                 f"than outstanding ones")
    else:
        title = "No gap between inadequate and outstanding councils was clear every year"
    subtitle = [f"Average at inadequate councils minus average at outstanding councils, {year_span(first)} to "
                f"{year_span(last)}; bars: 95% bootstrap interval.",
                "Judgements in force on 6 May after each year (or the latest Ofsted file). Caseload in cases, others in points."]
    alt_text = ("Line charts of the gap between inadequate and outstanding councils' averages by year. " + "; ".join(
        f"{measures.short_label(m)}: " + ", ".join(f"{year_span(r['year'])} {rounding.fixed(r['gap'], 1)}"
                                             for r in data.filter(pl.col('measure') == m).iter_rows(named=True)
                                             if r["gap"] is not None) for m in MEASURES) + ".")
    return charts.titled(chart, title, subtitle, source_line(method), alt_text), data
