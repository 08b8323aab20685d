"""Figures the articles cite from documents that publish no table (data/reported/*.csv).

Each CSV holds one source document's figures exactly as the article printed them,
every row citing document, publisher, date, page or URL and the article that
quoted it. From them: fast-track completion rates (graduates over starters) and
the Health and Social Care Workforce Study's quality-of-working-life, burnout
and wellbeing scores.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from .. import charts, formatting, paths
from ..claims import register
from ..errors import DataError, UserError

STORY = "reported"
COLUMNS = ["subject", "measure", "period", "value", "unit", "published", "document", "publisher", "date",
           "page_or_url", "quoted_in", "quote"]
ROUTES = {"frontline": "Frontline", "step_up": "Step Up to Social Work", "think_ahead": "Think Ahead"}
PROFESSIONS = {"social workers": "Social workers", "all professions": "All professions", "midwives": "Midwives"}
BURNOUT = {"burnout_personal": "Personal", "burnout_work": "Work-related", "burnout_client": "Client-related"}
COHORTS = "fast_track_cohorts_2022"
STUDY = "hscws_phase4_2022"
STUDY_SOURCE = ("Source: Health and Social Care Workforce Study, phase 4, Ulster University (2022), "
                "figures as quoted by Community Care, 10 May 2022")
FAST_TRACK_SOURCE = ("Source: Frontline, Department for Education (Step Up) and Think Ahead, starters and "
                     "graduates as published by Community Care, 20 May 2022")


# Kept by the national-trends story in its own layout (one row per quoted national figure).
OTHER_LAYOUTS = {"national_statistics_quoted"}


def tables() -> list[str]:
    """The reported tables in this module's layout (file stems in data/reported/)."""
    return sorted(p.stem for p in paths.REPORTED.glob("*.csv") if p.stem not in OTHER_LAYOUTS)


def read(table: str) -> pl.DataFrame:
    """One data/reported table, with value as Float64; a clear error for a missing file or column."""
    path = paths.REPORTED / f"{table}.csv"
    if not path.exists():
        raise UserError(f"no reported table {table!r} in data/reported (have: {', '.join(tables())})")
    df = pl.read_csv(path, infer_schema=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"data/reported/{path.name}: missing columns {missing}")
    bad = df.with_row_index("line", offset=2).filter(
        pl.col("value").is_not_null() & pl.col("value").cast(pl.Float64, strict=False).is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise DataError(f"data/reported/{path.name} line {row['line']}: value {row['value']!r} is not a number")
    return df.with_columns(pl.col("value").cast(pl.Float64))


@register("reported.value")
def value(table: str, subject: str, measure: str, period: str) -> float:
    """The one figure in a reported table for this subject, measure and period."""
    df = read(table).filter((pl.col("subject") == subject) & (pl.col("measure") == measure)
                            & (pl.col("period") == period))
    if df.height != 1:
        raise DataError(f"data/reported/{table}.csv: {df.height} rows for subject={subject!r}, "
                        f"measure={measure!r}, period={period!r} (expected one)")
    return df["value"][0]


# ---- fast-track completion ----------------------------------------------------------------------

def cohorts(table: str = COHORTS) -> pl.DataFrame:
    """Starters and graduates by route and intake, one row each."""
    df = read(table)
    wide = (df.select("subject", "period", "measure", "value")
              .pivot(on="measure", index=["subject", "period"], values="value"))
    for col in ("starters", "graduates"):
        if col not in wide.columns or wide[col].null_count():
            raise DataError(f"data/reported/{table}.csv: a route or intake lacks {col}")
    return (wide.rename({"subject": "route", "period": "intake"})
                .select("route", "intake", pl.col("starters", "graduates").cast(pl.Int64))
                .sort("route", "intake"))


def completion_rates(table: str = COHORTS) -> pl.DataFrame:
    """Completion rate (graduates as a percentage of starters) by route and intake."""
    df = cohorts(table)
    unknown = set(df["route"]) - set(ROUTES)
    if unknown:
        raise DataError(f"data/reported/{table}.csv: unknown routes {sorted(unknown)}")
    return df.with_columns(
        route_label=pl.col("route").replace_strict(ROUTES),
        completion_rate=pl.col("graduates") / pl.col("starters") * 100,
    ).select("route", "route_label", "intake", "starters", "graduates", "completion_rate")


@register("reported.completion_rate")
def completion_rate(route: str, intake: str) -> float:
    """Graduates over starters for one intake, or pooled over several (comma-separated)."""
    intakes = [i.strip() for i in intake.split(",")]
    df = cohorts().filter((pl.col("route") == route) & pl.col("intake").is_in(intakes))
    if df.height != len(intakes):
        have = cohorts().filter(pl.col("route") == route)["intake"].to_list()
        raise UserError(f"fast-track cohorts: route {route!r} has intakes {have}, not all of {intakes}")
    return df["graduates"].sum() / df["starters"].sum() * 100


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
                        scale=alt.Scale(range=["#c6dbef", "#6baed6", "#2171b5", "#08306b"])),
        tooltip=["route_label:N", "intake:N", "starters:Q", "graduates:Q",
                 alt.Tooltip("completion_rate:Q", format=".1f")],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x="completion_rate:Q", text=alt.Text("completion_rate:Q", format=".0f"), detail="intake:N")
    chart = (bars + labels).properties(width=520, height=alt.Step(14))
    lowest = rates.group_by("route_label").agg(pl.col("completion_rate").mean()).sort("completion_rate")
    return charts.titled(
        chart,
        title=f"{lowest['route_label'][0]} had the lowest completion rate of the three fast-track routes",
        subtitle=["Share of starters who completed the first year and qualified, by intake",
                  "Step Up to Social Work had no 2019-20 intake"],
        source=FAST_TRACK_SOURCE,
        alt_text=alt_completion(rates),
    )


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


# ---- Health and Social Care Workforce Study -----------------------------------------------------

def study(table: str = STUDY) -> pl.DataFrame:
    """The study's scores as quoted, with the phase as a number."""
    df = read(table)
    return df.with_columns(phase=pl.col("period").str.extract(r"phase (\d)").cast(pl.Int64))


def threshold(measure: str, table: str = STUDY) -> float:
    return value(table, "scale", measure, "all phases")


def quality_of_working_life(table: str = STUDY) -> pl.DataFrame:
    """Work-Related Quality of Life scores by profession group and phase (phases the article quotes)."""
    return (study(table).filter(pl.col("measure") == "wrqol")
                   .with_columns(profession=pl.col("subject").replace_strict(PROFESSIONS))
                   .select("profession", "phase", pl.col("value").alias("wrqol_score"))
                   .sort("profession", "phase"))


def burnout(table: str = STUDY) -> pl.DataFrame:
    """Social workers' Copenhagen Burnout Inventory scores by domain and phase."""
    return (study(table).filter(pl.col("measure").is_in(list(BURNOUT)) & (pl.col("subject") == "social workers"))
                   .with_columns(domain=pl.col("measure").replace_strict(BURNOUT))
                   .select("domain", "phase", pl.col("value").alias("burnout_score"))
                   .sort("domain", "phase"))


def wellbeing(table: str = STUDY) -> pl.DataFrame:
    """Social workers' Short Warwick-Edinburgh wellbeing scores by phase."""
    return (study(table).filter((pl.col("measure") == "wellbeing") & (pl.col("subject") == "social workers"))
                   .select("phase", pl.col("value").alias("wellbeing_score")).sort("phase"))


SCORE_SCALE = alt.Scale(domain=[55, 85], zero=False)


def quality_chart(scores: pl.DataFrame, table: str = STUDY):
    """Quality of working life by phase: social workers, all professions, midwives."""
    low = threshold("wrqol_lower_threshold", table)
    order = list(PROFESSIONS.values())
    lines = alt.Chart(scores).mark_line(point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        x=alt.X("phase:O", title="Study phase", axis=alt.Axis(labelExpr="'Phase ' + datum.label", labelAngle=0)),
        y=alt.Y("wrqol_score:Q", title="Work-related quality of life (mean score)", scale=SCORE_SCALE),
        color=alt.Color("profession:N", title=None, sort=order, scale=alt.Scale(domain=order,
                        range=[charts.SERIES_COLOURS[2], charts.SERIES_COLOURS[0], charts.SERIES_COLOURS[1]])),
        strokeDash=alt.StrokeDash("profession:N", title=None, sort=order,
                                  scale=alt.Scale(domain=order, range=[[1, 0], [6, 3], [2, 2]])),
        tooltip=["profession:N", "phase:O", alt.Tooltip("wrqol_score:Q", format=".2f")],
    )
    rule = alt.Chart(pl.DataFrame({"y": [low], "label": [f"{low:.0f} or under: lower quality of working life"]}))
    band = rule.mark_rule(color="#888888", strokeDash=[3, 3]).encode(y=alt.Y("y:Q", scale=SCORE_SCALE))
    text = rule.mark_text(align="right", dy=-6, x=516, fontSize=11, color="#555555").encode(
        y=alt.Y("y:Q", scale=SCORE_SCALE), text="label:N")
    sw = scores.filter(pl.col("profession") == "Social workers").sort("phase")
    return charts.titled(
        (band + text + lines).properties(width=520, height=300),
        title=("Social workers' quality of working life kept falling while the all-professions average recovered"
               if sw["wrqol_score"].is_sorted(descending=True) and _recovered(scores, "All professions")
               else "Quality of working life by study phase"),
        subtitle=["Mean Work-Related Quality of Life score, UK health and social care staff, by study phase",
                  "Phase 1 May-Jul 2020, 2 Nov 2020-Feb 2021, 3 May-Jul 2021, 4 Nov 2021-Feb 2022; "
                  "points only for the phases the article quotes"],
        source=STUDY_SOURCE,
        alt_text=("Line chart of mean work-related quality of life scores by study phase. Social workers "
                  + ("fell at every phase: " if sw["wrqol_score"].is_sorted(descending=True) else "scored: ") + ", ".join(f"phase {p} {v:g}" for p, v in zip(sw["phase"], sw["wrqol_score"]))
                  + ". " + "; ".join(_series_text(scores, name) for name in ("All professions", "Midwives"))
                  + f". A score of {low:.0f} or under indicates a lower quality of working life."),
    )


def _joined(words: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else ""


def _recovered(scores: pl.DataFrame, profession: str) -> bool:
    """Did the group's score rise from phase 3 to phase 4?"""
    rows = scores.filter(pl.col("profession") == profession)
    by_phase = dict(zip(rows["phase"], rows["wrqol_score"]))
    return 3 in by_phase and 4 in by_phase and by_phase[4] > by_phase[3]


def _series_text(scores: pl.DataFrame, profession: str) -> str:
    rows = scores.filter(pl.col("profession") == profession).sort("phase")
    return f"{profession}: " + ", ".join(f"phase {p} {v:g}" for p, v in zip(rows["phase"], rows["wrqol_score"]))


def burnout_chart(scores: pl.DataFrame, table: str = STUDY):
    """Social workers' burnout by domain, phase three against phase four."""
    low = threshold("burnout_low_threshold", table)
    order = list(BURNOUT.values())
    base = alt.Chart(scores.with_columns(phase_label="Phase " + pl.col("phase").cast(pl.String))).encode(
        y=alt.Y("domain:N", title=None, sort=order), yOffset=alt.YOffset("phase_label:N"))
    bars = base.mark_bar().encode(
        x=alt.X("burnout_score:Q", title="Copenhagen Burnout Inventory (mean score, 0-100)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("phase_label:N", title=None, scale=alt.Scale(range=["#9ecae1", "#08519c"])),
        tooltip=["domain:N", "phase_label:N", alt.Tooltip("burnout_score:Q", format=".2f")],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x="burnout_score:Q", text=alt.Text("burnout_score:Q", format=".2~f"), detail="phase_label:N")
    rule = alt.Chart(pl.DataFrame({"x": [low]})).mark_rule(color="#555555", strokeDash=[3, 3]).encode(x="x:Q")
    wide = scores.pivot(on="phase", index="domain", values="burnout_score").sort("domain")
    rose = [r["domain"].lower() for r in wide.iter_rows(named=True) if r["4"] > r["3"]]
    fell = [r["domain"].lower() for r in wide.iter_rows(named=True) if r["4"] < r["3"]]
    return charts.titled(
        (bars + labels + rule).properties(width=520, height=alt.Step(22)),
        title=(f"Social workers' {_joined(rose)} burnout rose while {_joined(fell)} burnout eased" if rose and fell
               else "Social workers' burnout by domain, phase 3 against phase 4"),
        subtitle=["Social workers' mean burnout score by domain, phase 3 (May-Jul 2021) and phase 4 (Nov 2021-Feb 2022)",
                  f"Dashed line: scores of {low:.0f} or lower count as low burnout"],
        source=STUDY_SOURCE,
        alt_text=("Bar chart of social workers' mean burnout scores in study phases 3 and 4: "
                  + "; ".join(f"{r['domain'].lower()} {r['3']:g} to {r['4']:g}" for r in wide.iter_rows(named=True))
                  + f". {(_joined(rose) + ' burnout').capitalize() if rose else 'No domain'} rose. Scores of {low:.0f} or lower count as low."),
    )


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


def citations() -> pl.DataFrame:
    """Every reported table with its documents and how many figures it holds."""
    frames = [read(t).select(pl.lit(t).alias("table"), "document", "publisher", "date", "quoted_in") for t in tables()]
    return (pl.concat(frames).group_by("table", "document", "publisher", "date", "quoted_in")
              .len("figures").sort("table", "document"))
