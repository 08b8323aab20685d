"""Figures no publisher table holds (data/reported/*.csv): read, checked, and the study and cohort tables, as pure functions."""

from __future__ import annotations

import polars as pl

from ... import paths
from ...errors import DataError, NotHeld, UserError

STORY = "reported"


COLUMNS = ["subject", "measure", "period", "value", "unit", "published", "document", "publisher", "date",
           "page_or_url", "quoted_in", "quote", "source_kind", "read_from", "read_from_url", "source_note"]


ROUTES = {"frontline": "Frontline", "step_up": "Step Up to Social Work", "think_ahead": "Think Ahead"}


PROFESSIONS = {"social workers": "Social workers", "all professions": "All professions", "midwives": "Midwives"}


BURNOUT = {"burnout_personal": "Personal", "burnout_work": "Work-related", "burnout_client": "Client-related"}


COHORTS = "fast_track_cohorts_2022"


STUDY = "hscws_phase4_2022"


# Kept by the national-trends story in its own layout (one row per quoted national figure).
OTHER_LAYOUTS = {"national_statistics_quoted"}


def tables() -> list[str]:
    """The reported tables in this module's layout (file stems in data/reported/)."""
    return sorted(p.stem for p in paths.REPORTED.glob("*.csv") if p.stem not in OTHER_LAYOUTS)


def _held(prefix: str, pattern: str) -> dict[int, str]:
    """{number: table} for the reported tables whose stem matches `prefix` then the number (year or phase)."""
    import re

    held = {}
    for table in tables():
        match = re.fullmatch(prefix + pattern, table)
        if match:
            held[int(match[1])] = table
    return held


def cohort_table(year: int) -> str:
    """The fast-track starters and graduates as published in `year`; UserError naming the years held."""
    held = _held("fast_track_cohorts_", r"(\d{4})")
    if year not in held:
        raise UserError(f"no fast-track cohort figures published in {year}; we hold {', '.join(map(str, sorted(held)))}")
    return held[year]


def study_table(phase: int) -> str:
    """The Health and Social Care Workforce Study's scores for one phase; UserError naming the phases held."""
    held = _held("hscws_phase", r"(\d+)_\d{4}")
    if phase not in held:
        raise UserError(f"no phase {phase} of the Health and Social Care Workforce Study; we hold phase "
                        f"{', '.join(map(str, sorted(held)))}")
    return held[phase]


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


def _recovered(scores: pl.DataFrame, profession: str) -> bool:
    """Did the group's score rise from phase 3 to phase 4?"""
    rows = scores.filter(pl.col("profession") == profession)
    by_phase = dict(zip(rows["phase"], rows["wrqol_score"], strict=True))
    return 3 in by_phase and 4 in by_phase and by_phase[4] > by_phase[3]


def citations() -> pl.DataFrame:
    """Every reported table with its documents, the kind of source they were read from, and how many figures."""
    keys = ["table", "document", "publisher", "date", "quoted_in", "source_kind"]
    frames = [read(t).select(pl.lit(t).alias("table"), *keys[1:]) for t in tables()]
    return pl.concat(frames).group_by(keys).len("figures").sort(keys)


def value(table: str, subject: str, measure: str, period: str) -> float:
    """The one figure in a reported table for this subject, measure and period."""
    df = read(table).filter((pl.col("subject") == subject) & (pl.col("measure") == measure)
                            & (pl.col("period") == period))
    if df.height == 0:
        raise NotHeld(f"data/reported/{table}.csv holds no figure for subject={subject!r}, measure={measure!r}, "
                      f"period={period!r}")
    if df.height != 1:
        raise DataError(f"data/reported/{table}.csv: {df.height} rows for subject={subject!r}, "
                        f"measure={measure!r}, period={period!r} (expected one)")
    return df["value"][0]


LONGITUDINAL = "dfe_longitudinal_study_wave3_2021"
# the study's groups as the article reports them: single judgements, and one pair for job satisfaction
RATING_GROUPS = {"outstanding": "Outstanding", "good": "Good", "requires_improvement": "Requires improvement",
                 "inadequate": "Inadequate", "inadequate or requires_improvement": "Requires improvement or inadequate"}
STUDY_MEASURES = {"working_over_45_hours": "Worked more than 45 hours a week (%)",
                  "job_satisfying": "Find their job satisfying (%)"}


def by_rating(table: str = LONGITUDINAL) -> pl.DataFrame:
    """The longitudinal study's figures by the council's Ofsted rating: measure, group, share (%), citation."""
    df = read(table).filter(pl.col("measure").is_in(list(STUDY_MEASURES)))
    unknown = set(df["subject"]) - set(RATING_GROUPS)
    if unknown:
        raise DataError(f"data/reported/{table}.csv: unknown rating groups {sorted(unknown)}")
    if set(df["measure"]) != set(STUDY_MEASURES):
        raise DataError(f"data/reported/{table}.csv: needs rows for {', '.join(STUDY_MEASURES)}")
    order = list(RATING_GROUPS)
    return (df.with_columns(pl.col("subject").alias("group"),
                            pl.col("subject").replace_strict(RATING_GROUPS).alias("group_label"),
                            pl.col("measure").replace_strict(STUDY_MEASURES).alias("measure_label"),
                            pl.col("subject").replace_strict({g: i for i, g in enumerate(order)}).alias("order"))
              .sort("measure", "order")
              .select("measure", "measure_label", "group", "group_label", pl.col("value").alias("share"), "period",
                      "published", "quote", "document", "publisher", "date", "read_from", "read_from_url",
                      "source_kind"))


def documents(*tables_: str) -> pl.DataFrame:
    """The documents behind some reported tables: publisher, document, date, one row each."""
    keys = ["publisher", "document", "date"]
    return pl.concat([read(t).select(keys) for t in tables_]).unique(maintain_order=True)
