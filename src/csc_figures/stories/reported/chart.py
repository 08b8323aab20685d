"""The reported figures' charts: fast-track completion, quality of working life, burnout."""

from __future__ import annotations

import altair as alt
import polars as pl

from ... import charts, credits, style
from .compute import (BURNOUT, COHORTS, LONGITUDINAL, PROFESSIONS, RATING_GROUPS, ROUTES, STUDY, STUDY_MEASURES,
                      _recovered, threshold)
from .words import FAST_TRACK_SOURCE, STUDY_SOURCE, _joined, _series_text, alt_completion, source_line

def completion_chart(rates: pl.DataFrame):
    """Completion rate by route and intake, as grouped bars with the rate labelled."""
    base = alt.Chart(rates).encode(
        y=alt.Y("route_label:N", title=None, sort=list(ROUTES.values())),
        yOffset=alt.YOffset("intake:N", sort="ascending"),
    )
    bars = base.mark_bar().encode(
        x=alt.X("completion_rate:Q", title="Completed the first year (% of starters)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("intake:N", title="Intake", sort="ascending",
                        scale=alt.Scale(range=style.ordered(rates["intake"].n_unique()))),
        tooltip=["route_label:N", "intake:N", "starters:Q", "graduates:Q",
                 alt.Tooltip("completion_rate:Q", format=style.fmt("one_place"))],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=12).encode(
        x="completion_rate:Q", text=alt.Text("completion_rate:Q", format=style.fmt("whole")), detail="intake:N")
    chart = (bars + labels).properties(width=520, height=alt.Step(14))
    lowest = rates.group_by("route_label").agg(pl.col("completion_rate").mean()).sort("completion_rate")
    return charts.titled(
        chart,
        title=f"{lowest['route_label'][0]} had the lowest completion rate of the three fast-track routes",
        subtitle=["Share of starters who completed the first year and qualified, by intake",
                  "Step Up to Social Work had no 2019-20 intake"],
        source=source_line(COHORTS, FAST_TRACK_SOURCE),
        alt_text=alt_completion(rates),
    )


SCORE_SCALE = alt.Scale(domain=[55, 85], zero=False)


def quality_chart(scores: pl.DataFrame, table: str = STUDY):
    """Quality of working life by phase: social workers, all professions, midwives."""
    low = threshold("wrqol_lower_threshold", table)
    order = list(PROFESSIONS.values())
    lines = alt.Chart(scores).mark_line(point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        x=alt.X("phase:O", title="Study phase", axis=alt.Axis(labelExpr="'Phase ' + datum.label", labelAngle=0)),
        y=alt.Y("wrqol_score:Q", title="Work-related quality of life (mean score)", scale=SCORE_SCALE),
        color=alt.Color("profession:N", title=None, sort=order, scale=alt.Scale(domain=order,
                        range=[style.ROLE_COLOURS["highlight"], style.ROLE_COLOURS["england"], style.ROLE_COLOURS["other"]])),
        strokeDash=alt.StrokeDash("profession:N", title=None, sort=order,
                                  scale=alt.Scale(domain=order, range=[style.ROLE_DASH["highlight"], style.ROLE_DASH["england"], style.ROLE_DASH["other"]])),
        tooltip=["profession:N", "phase:O", alt.Tooltip("wrqol_score:Q", format=style.fmt("two_places"))],
    )
    rule = alt.Chart(pl.DataFrame({"y": [low], "label": [f"{low:.0f} or under: lower quality of working life"]}))
    band = rule.mark_rule(color=style.RULE, strokeDash=[3, 3]).encode(y=alt.Y("y:Q", scale=SCORE_SCALE))
    # at the plot's right edge, whatever its width (the narrow layout is narrower)
    text = rule.mark_text(align="right", dy=-6, fontSize=12, color=style.MUTED).encode(
        x=alt.value("width"), y=alt.Y("y:Q", scale=SCORE_SCALE), text="label:N")
    sw = scores.filter(pl.col("profession") == "Social workers").sort("phase")
    return charts.titled(
        (band + text + lines).properties(width=520, height=300),
        title=("Social workers' quality of working life kept falling while the all-professions average recovered"
               if sw["wrqol_score"].is_sorted(descending=True) and _recovered(scores, "All professions")
               else "Quality of working life by study phase"),
        subtitle=["Mean Work-Related Quality of Life score, UK health and social care staff, by study phase",
                  "Phase 1 May-Jul 2020, 2 Nov 2020-Feb 2021, 3 May-Jul 2021, 4 Nov 2021-Feb 2022; "
                  "points only for the phases the article quotes"],
        source=source_line(table, STUDY_SOURCE),
        alt_text=("Line chart of mean work-related quality of life scores by study phase. Social workers "
                  + ("fell at every phase: " if sw["wrqol_score"].is_sorted(descending=True) else "scored: ") + ", ".join(f"phase {p} {v:g}" for p, v in zip(sw["phase"], sw["wrqol_score"], strict=True))
                  + ". " + "; ".join(_series_text(scores, name) for name in ("All professions", "Midwives"))
                  + f". A score of {low:.0f} or under indicates a lower quality of working life."),
    )


def burnout_chart(scores: pl.DataFrame, table: str = STUDY):
    """Social workers' burnout by domain, phase three against phase four."""
    low = threshold("burnout_low_threshold", table)
    order = list(BURNOUT.values())
    base = alt.Chart(scores.with_columns(phase_label="Phase " + pl.col("phase").cast(pl.String))).encode(
        y=alt.Y("domain:N", title=None, sort=order), yOffset=alt.YOffset("phase_label:N"))
    bars = base.mark_bar().encode(
        x=alt.X("burnout_score:Q", title="Copenhagen Burnout Inventory (mean score, 0-100)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("phase_label:N", title=None, scale=alt.Scale(range=style.ordered(2))),
        tooltip=["domain:N", "phase_label:N", alt.Tooltip("burnout_score:Q", format=style.fmt("two_places"))],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=12).encode(
        x="burnout_score:Q", text=alt.Text("burnout_score:Q", format=style.fmt("up_to_two_places")), detail="phase_label:N")
    rule = alt.Chart(pl.DataFrame({"x": [low]})).mark_rule(color=style.MUTED, strokeDash=[3, 3]).encode(x="x:Q")
    wide = scores.pivot(on="phase", index="domain", values="burnout_score").sort("domain")
    rose = [r["domain"].lower() for r in wide.iter_rows(named=True) if r["4"] > r["3"]]
    fell = [r["domain"].lower() for r in wide.iter_rows(named=True) if r["4"] < r["3"]]
    return charts.titled(
        (bars + labels + rule).properties(width=520, height=alt.Step(22)),
        title=(f"Social workers' {_joined(rose)} burnout rose while {_joined(fell)} burnout eased" if rose and fell
               else "Social workers' burnout by domain, phase 3 against phase 4"),
        subtitle=["Social workers' mean burnout score by domain, phase 3 (May-Jul 2021) and phase 4 (Nov 2021-Feb 2022)",
                  f"Dashed line: scores of {low:.0f} or lower count as low burnout"],
        source=source_line(table, STUDY_SOURCE),
        alt_text=("Bar chart of social workers' mean burnout scores in study phases 3 and 4: "
                  + "; ".join(f"{r['domain'].lower()} {r['3']:g} to {r['4']:g}" for r in wide.iter_rows(named=True))
                  + f". {(_joined(rose) + ' burnout').capitalize() if rose else 'No domain'} rose. Scores of {low:.0f} or lower count as low."),
    )


def longitudinal_chart(rows: pl.DataFrame, table: str = LONGITUDINAL):
    """Two panels of the DfE longitudinal study by Ofsted rating: long hours, and job satisfaction."""
    from ... import judgements
    from ... import formatting as f

    # a group of two judgements is no judgement: it takes the neutral 'other' colour
    colours = {**{code: judgements.JUDGEMENTS[code].colour for code in judgements.ORDER},
               "inadequate or requires_improvement": style.ROLE_COLOURS["other"]}
    panels = []
    for measure, label in STUDY_MEASURES.items():
        part = rows.filter(pl.col("measure") == measure)
        groups = part["group"].to_list()
        base = alt.Chart(part).encode(
            y=alt.Y("group_label:N", sort=[RATING_GROUPS[g] for g in groups], title=None,
                    axis=alt.Axis(labelLimit=200)),
            x=alt.X("share:Q", title=label, scale=alt.Scale(domain=[0, 100])))
        bars = base.mark_bar().encode(
            color=alt.Color("group:N", scale=alt.Scale(domain=groups, range=[colours[g] for g in groups]), legend=None),
            tooltip=["group_label:N", alt.Tooltip("share:Q", format=style.fmt("whole"))])
        text = base.mark_text(align="left", dx=4, fontSize=12, color=style.INK).encode(
            text=alt.Text("share:Q", format=style.fmt("whole")))
        panels.append((bars + text).properties(width=240, height=alt.Step(28), title=label.replace(" (%)", "")))
    hours = rows.filter(pl.col("measure") == "working_over_45_hours").sort("share", descending=True)
    top = hours.row(0, named=True)
    title = (f"Staff at {top['group_label'].lower()} councils were the most likely to work more than 45 hours a week"
             if top["group"] in judgements.ORDER else "Long hours and job satisfaction by the council's Ofsted rating")
    row = rows.row(0, named=True)
    subtitle = [f"Child and family social workers in DfE's longitudinal study ({row['period']}, {row['date'][:4]}) by "
                f"their council's Ofsted rating; percentages as the article reports them",
                "The study reports job satisfaction for requires improvement and inadequate councils together"]
    alt_text = ("Bar charts of the DfE longitudinal study by Ofsted rating. " + " ".join(
        f"{label.replace(' (%)', '')}: " + ", ".join(f"{r['group_label'].lower()} {f.pct(r['share'], 0)}"
                                                      for r in rows.filter(pl.col('measure') == m).iter_rows(named=True)) + "."
        for m, label in STUDY_MEASURES.items()))
    source = credits.as_reported(row)
    return charts.titled(alt.hconcat(*panels, spacing=40), title, subtitle, source, alt_text)
