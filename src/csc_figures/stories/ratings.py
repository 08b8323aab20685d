"""Ofsted ratings and the workforce: council averages by the judgement in force.

The Community Care analysis of 6 May 2022 ("'Inadequate' councils bore brunt of
sharp rise in social workers quitting posts") takes each council's Ofsted
judgement in force on a date and averages DfE workforce rates over the councils
holding each judgement, for a reporting year and the year before. This module
rebuilds that table for any date, year and release.

Rules (each one a parameter, so the notebook can show what it changes):
- Unit: a workforce return. A joint return (Kingston and Richmond; North and West
  Northamptonshire) counts once; a row with none of the five measures (the 2022
  release's `z` row for a joint partner) is not a return and is reported.
- A joint return's judgement: `joint="lead"` takes the judgement of the first
  council in the return (the code DfE published the joint figures under before
  2023), `"partner"` the other's, `"exclude_mixed"` drops it when they differ.
- Reorganised councils: `reorganised="inherit"` keeps the judgement a new council
  inherits from its predecessor (as `judgements_in_force` gives it),
  `"exclude"` treats it as not yet judged.
- Base year: the same returns; a return that did not exist then takes its single
  predecessor's row (North Northamptonshire <- Northamptonshire); several
  predecessors leave it without a base figure, reported.
- `method="mean"`: the simple mean of council rates (the article's); `"pooled"`:
  each rate weighted by its own denominator, i.e. the group's rate from counts.
- `basis="fte"` (the article's) or `"headcount"` for turnover and agency rates.
- `dated_by="published"` (judgement in force from its publication, the article's)
  or `"inspected"` (from the end of the inspection).
Nothing is dropped silently: `council_table` keeps every return and every council
with its `status`, and `exclusions` counts them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import numpy as np
import polars as pl

from .. import charts
from ..errors import UserError

STORY = "ratings_vs_workforce"
RATINGS = list(charts.JUDGEMENT_ORDER)  # best first
RANK = {rating: i + 1 for i, rating in enumerate(RATINGS)}
MEASURES = ["turnover_rate", "vacancy_rate", "agency_rate", "absence_rate", "caseload"]
MEASURE_LABELS = {
    "turnover_rate": "Turnover rate (%)",
    "vacancy_rate": "Vacancy rate (%)",
    "agency_rate": "Agency worker rate (%)",
    "absence_rate": "Sickness absence rate (%)",
    "caseload": "Average caseload",
}
METHODS = ("mean", "pooled")
BASES = ("fte", "headcount")
JOINT_RULES = ("lead", "partner", "exclude_mixed")
REORGANISED_RULES = ("inherit", "exclude")
DATED_BY = ("published", "inspected")
FIRST_EDITION_YEAR = 2018
SOURCE = ("Source: DfE, Children's social work workforce; Ofsted, local authority inspection outcomes. "
          "Simple mean of council rates.")

# The article: published 6 May 2022, DfE year to 30 September 2021 against 2020.
ARTICLE = {"as_of": "2022-05-06", "year": 2021, "base_year": 2020}

# Denominator of each rate, for the pooled method (rate = sum(numerator) / sum(denominator)).
WEIGHTS = {
    "turnover_rate": pl.col("fte"),
    "vacancy_rate": pl.col("fte") + pl.col("vacancies"),
    "agency_rate": pl.col("fte") + pl.col("agency_fte"),
    "absence_rate": pl.col("fte"),
    "caseload": pl.col("case_holders"),
    "turnover_rate_headcount": pl.col("headcount"),
    "agency_rate_headcount": pl.col("headcount") + pl.col("agency_headcount"),
}

try:  # the claims ledger may not exist yet; registering must never break the story
    from ..claims import register
except ModuleNotFoundError as err:  # pragma: no cover - depends on the tree
    if err.name != "csc_figures.claims":
        raise

    def register(key):
        return lambda func: func


@dataclass(frozen=True)
class Choices:
    """The method choices; the defaults are the article's (established in notebook 10)."""

    method: str = "mean"
    basis: str = "fte"
    joint: str = "lead"
    reorganised: str = "inherit"
    dated_by: str = "published"

    def check(self) -> None:
        for name, allowed in (("method", METHODS), ("basis", BASES), ("joint", JOINT_RULES),
                              ("reorganised", REORGANISED_RULES), ("dated_by", DATED_BY)):
            value = getattr(self, name)
            if value not in allowed:
                raise UserError(f"{name}: {value!r} is not one of {', '.join(allowed)}")


# ---- inputs ---------------------------------------------------------------------------------

def as_date(value: dt.date | str, name: str = "as_of") -> dt.date:
    """A date from a date or 'YYYY-MM-DD' text; a UserError naming the parameter otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(f"{name}: {value!r} is not a date written YYYY-MM-DD") from None


def year_end(year: int) -> dt.date:
    """The end of a DfE workforce reporting year (30 September)."""
    return dt.date(year, 9, 30)


def load_judgements(as_of: dt.date, dated_by: str = "published") -> pl.DataFrame:
    """Judgements in force on as_of (publication date), or by inspection date if asked."""
    from ..inspections import judgements_in_force

    judgements = judgements_in_force(as_of)
    if dated_by == "inspected":
        from .. import tables

        judgements = judged_by_inspection(judgements, tables.read("inspections"), as_of)
    return judgements


def judged_by_inspection(judgements: pl.DataFrame, inspections: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Count an inspection from its last day: a judgement inspected by as_of but published later replaces the one in force."""
    inspected = pl.coalesce("inspection_end", "inspection_start", "published")
    late = (inspections.filter(pl.col("overall").is_not_null(), inspected <= as_of, pl.col("published") > as_of)
            .sort("published").group_by("la_code").last()
            .select("la_code", pl.col("overall").alias("_late"), pl.col("framework").alias("_late_framework"),
                    pl.col("published").alias("_late_published")))
    out = judgements.join(late, on="la_code", how="left")
    return out.with_columns(
        pl.coalesce("_late", "judgement").alias("judgement"),
        pl.coalesce("_late_framework", "framework").alias("framework"),
        pl.coalesce("_late_published", "published").alias("published"),
        pl.when(pl.col("_late").is_not_null()).then(None).otherwise(pl.col("inherited_from")).alias("inherited_from"),
    ).drop("_late", "_late_framework", "_late_published")


def load_geography() -> pl.DataFrame:
    from .. import tables

    return tables.read("la_geography")


def load_workforce(vintage: int | None) -> pl.DataFrame:
    from ..workforce import panel

    return panel(vintage)


def council_rows(workforce: pl.DataFrame, year: int) -> pl.DataFrame:
    """A release's council rows for one year; UserError if the release does not hold the year."""
    rows = workforce.filter(pl.col("geographic_level") == "local_authority", pl.col("year") == year)
    if rows.height == 0:
        years = sorted(workforce.filter(pl.col("geographic_level") == "local_authority")["year"].unique().to_list())
        vintage = workforce["vintage"].first() if "vintage" in workforce.columns and workforce.height else "?"
        held = f"{years[0]}-{years[-1]}" if years else "no years"
        raise UserError(f"year {year}: the workforce release with vintage {vintage} holds {held}")
    return rows


def with_basis(df: pl.DataFrame, basis: str) -> pl.DataFrame:
    """Headcount basis: turnover and agency rates (and their weights) from the headcount columns."""
    if basis == "fte":
        return df
    return df.with_columns(
        pl.col("turnover_rate_headcount").alias("turnover_rate"),
        pl.col("agency_rate_headcount").alias("agency_rate"),
        pl.col("headcount").alias("_w_turnover_rate"),
        (pl.col("headcount") + pl.col("agency_headcount")).alias("_w_agency_rate"),
    )


def _weights(df: pl.DataFrame) -> pl.DataFrame:
    exprs = [WEIGHTS[m].alias(f"_w_{m}") for m in MEASURES if f"_w_{m}" not in df.columns]
    return df.with_columns(exprs)


# ---- the council table -------------------------------------------------------------------------

def council_table(judgements: pl.DataFrame, workforce: pl.DataFrame, year: int, base_year: int | None = None,
                  geography: pl.DataFrame | None = None, choices: Choices = Choices()) -> pl.DataFrame:
    """One row per workforce return and per council without one, with its judgement, figures and status.

    status: `included`; `no_judgement` (a return whose council had no judgement in force);
    `joint_mixed` (a joint return whose councils' judgements differ, under exclude_mixed);
    `no_figures` (a row with none of the five measures, e.g. a joint partner's `z` row);
    `no_workforce_row` (a council with a judgement in force but no return in the year).
    """
    choices.check()
    judgements = judgements.select("la_code", "la_name", "judgement", "framework", "published", "inherited_from")
    if choices.reorganised == "exclude":
        judgements = judgements.with_columns(
            pl.when(pl.col("inherited_from").is_null()).then(pl.col(c)).otherwise(None).alias(c)
            for c in ("judgement", "framework", "published"))
    rows = _weights(with_basis(council_rows(workforce, year), choices.basis))
    has_figures = pl.any_horizontal(pl.col(m).is_not_null() for m in MEASURES)
    rows = rows.with_columns(has_figures.alias("_has_figures"))

    # each return's councils, with their judgements, in the order the return lists them
    members = (rows.select("la_code", pl.col("joint_codes").alias("code")).explode("code")
               .with_columns(pl.int_range(pl.len()).over("la_code").alias("_order"))
               .join(judgements.rename({"la_code": "code", "la_name": "_name"}), on="code", how="left"))
    # lead: the first council listed; partner: the second (a single council is its own lead and partner)
    pick = pl.col("_order") == (pl.col("_order").max().clip(upper_bound=1) if choices.joint == "partner" else 0)
    picked = (members.sort("la_code", "_order")
              .group_by("la_code", maintain_order=True)
              .agg(pl.col("judgement").filter(pick).first().alias("judgement"),
                   pl.col("framework").filter(pick).first().alias("framework"),
                   pl.col("published").filter(pick).first().alias("published"),
                   pl.col("inherited_from").filter(pick).first().alias("inherited_from"),
                   (pl.col("judgement").drop_nulls().n_unique() > 1).alias("joint_mixed"),
                   pl.col("judgement").alias("member_judgements")))
    out = rows.join(picked, on="la_code", how="left")
    status = (pl.when(~pl.col("_has_figures")).then(pl.lit("no_figures"))
              .when(pl.col("judgement").is_null()).then(pl.lit("no_judgement"))
              .when(pl.col("joint_mixed") & (choices.joint == "exclude_mixed")).then(pl.lit("joint_mixed"))
              .otherwise(pl.lit("included")))
    out = out.with_columns(status.alias("status"),
                           (pl.col("published") > year_end(year)).alias("acquired_after_year_end"))

    if base_year is not None:
        out = _with_base(out, workforce, base_year, geography, choices.basis)

    # councils with a judgement in force that no return covers
    covered = set(rows["joint_codes"].explode().drop_nulls().to_list())
    missing = (judgements.filter(~pl.col("la_code").is_in(sorted(covered)))
               .with_columns(pl.lit("no_workforce_row").alias("status"),
                             pl.lit([], pl.List(pl.String)).alias("joint_codes")))
    keep = ["la_code", "la_name", "joint_codes", "status", "judgement", "framework", "published",
            "inherited_from", "joint_mixed", "acquired_after_year_end", *MEASURES, *[f"_w_{m}" for m in MEASURES]]
    if base_year is not None:
        keep += ["base_code", *[f"{m}_base" for m in MEASURES], *[f"_w_{m}_base" for m in MEASURES]]
    out = pl.concat([out.select(keep), missing], how="diagonal_relaxed").select(keep)
    return out.sort(pl.col("status") != "included", "la_code")


def _with_base(out: pl.DataFrame, workforce: pl.DataFrame, base_year: int, geography: pl.DataFrame | None,
               basis: str) -> pl.DataFrame:
    """Attach each return's base-year figures: same councils, else its single predecessor's return."""
    base = _weights(with_basis(council_rows(workforce, base_year), basis))
    base = base.filter(pl.any_horizontal(pl.col(m).is_not_null() for m in MEASURES))
    by_code = {}
    for row in base.iter_rows(named=True):
        for code in row["joint_codes"]:
            by_code[code] = row["la_code"]
    predecessors = {}
    if geography is not None:
        for row in geography.select("la_code", "predecessor_codes").iter_rows(named=True):
            predecessors[row["la_code"]] = row["predecessor_codes"] or []
    base_code = []
    for codes in out["joint_codes"].to_list():
        found = {by_code[c] for c in codes if c in by_code}
        if not found:  # did not exist in base_year: its predecessors' returns, if exactly one
            found = {by_code[p] for c in codes for p in predecessors.get(c, []) if p in by_code}
        base_code.append(found.pop() if len(found) == 1 else None)
    cols = [*MEASURES, *[f"_w_{m}" for m in MEASURES]]
    base = base.select(pl.col("la_code").alias("base_code"), *[pl.col(c).alias(_base_name(c)) for c in cols])
    out = out.with_columns(pl.Series("base_code", base_code, dtype=pl.String))
    return out.join(base, on="base_code", how="left")


def _base_name(column: str) -> str:
    return f"{column}_base"


# ---- the group table --------------------------------------------------------------------------

def _average(measure: str, method: str, suffix: str = "") -> pl.Expr:
    value, weight = pl.col(f"{measure}{suffix}"), pl.col(f"_w_{measure}{suffix}")
    if method == "mean":
        return value.mean()
    both = value.is_not_null() & weight.is_not_null()
    return (value * weight).filter(both).sum() / weight.filter(both).sum()


def group_table(councils: pl.DataFrame, method: str = "mean", base: bool = False) -> pl.DataFrame:
    """Average of each measure over the included returns holding each judgement, best first."""
    included = councils.filter(pl.col("status") == "included")
    aggs = [pl.len().alias("councils"), *[_average(m, method).alias(m) for m in MEASURES]]
    if base:
        aggs += [_average(m, method, "_base").alias(f"{m}_base") for m in MEASURES]
    grouped = included.group_by("judgement").agg(aggs).rename({"judgement": "rating"})
    frame = pl.DataFrame({"rating": RATINGS})
    out = frame.join(grouped, on="rating", how="left").with_columns(pl.col("councils").fill_null(0))
    return out.with_columns(pl.col("councils").cast(pl.Int64))


def england_row(workforce: pl.DataFrame, year: int, base_year: int | None, councils: pl.DataFrame) -> pl.DataFrame:
    """England's published rates, with the number of council returns that year."""
    national = workforce.filter(pl.col("geographic_level") == "national")
    row = {"rating": "england",
           "councils": councils.filter(pl.col("status").is_in(["included", "no_judgement", "joint_mixed"])).height}
    for y, suffix in ((year, ""), (base_year, "_base")):
        if y is None:
            continue
        hit = national.filter(pl.col("year") == y)
        if hit.height != 1:
            raise UserError(f"year {y}: no single national row in this workforce release")
        for m in MEASURES:
            row[f"{m}{suffix}"] = hit[m][0]
    return pl.DataFrame([row], schema={"rating": pl.String, "councils": pl.Int64,
                                       **{k: pl.Float64 for k in row if k not in ("rating", "councils")}})


def columns(base: bool) -> list[str]:
    return ["rating", "councils", *MEASURES, *([f"{m}_base" for m in MEASURES] if base else [])]


def build(as_of: dt.date | str, year: int, base_year: int | None = None, vintage: int | None = None,
          choices: Choices = Choices()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(ratings table, council table) from the processed tables."""
    choices.check()
    as_of = as_date(as_of)
    year = _as_year(year, "year")
    base_year = None if base_year is None else _as_year(base_year, "base_year")
    workforce = load_workforce(vintage)
    council_rows(workforce, year)  # a clear error before any other work
    if base_year is not None:
        council_rows(workforce, base_year)
    judgements = load_judgements(as_of, choices.dated_by)
    if judgements.height == 0 or judgements["judgement"].is_null().all():
        raise UserError(f"as_of {as_of}: no Ofsted judgement had been published by then")
    geography = load_geography() if base_year is not None else None
    councils = council_table(judgements, workforce, year, base_year, geography, choices)
    return assemble(councils, workforce, year, base_year, choices.method), councils


def assemble(councils: pl.DataFrame, workforce: pl.DataFrame, year: int, base_year: int | None,
             method: str) -> pl.DataFrame:
    """The ratings table from a council table: four judgements, then England."""
    groups = group_table(councils, method, base=base_year is not None)
    table = pl.concat([groups, england_row(workforce, year, base_year, councils)], how="diagonal_relaxed")
    return table.select(columns(base_year is not None))


def _as_year(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UserError(f"{name}: {value!r} is not a year") from None


def ratings_table(as_of: dt.date | str, year: int, base_year: int | None = None, vintage: int | None = None,
                  method: str = "mean", **choices) -> pl.DataFrame:
    """Workforce averages by Ofsted judgement in force on as_of: one row per judgement, then England."""
    table, _ = build(as_of, year, base_year, vintage, Choices(method=method, **choices))
    return table


def ratings_table_rounded(df: pl.DataFrame) -> pl.DataFrame:
    """Round as the article does: one decimal place, and each change taken between the rounded figures."""
    rounded = df.with_columns(pl.col(c).round(1, mode="half_away_from_zero") for c in df.columns
                              if c not in ("rating", "councils"))
    changes = [(pl.col(m) - pl.col(f"{m}_base")).round(1, mode="half_away_from_zero").alias(f"{m}_change")
               for m in MEASURES if f"{m}_base" in df.columns]
    return rounded.with_columns(changes)


def exclusions(councils: pl.DataFrame) -> pl.DataFrame:
    """How many returns and councils each rule left out, and which, so nothing goes silently."""
    out = councils.filter(pl.col("status") != "included")
    return (out.group_by("status").agg(pl.len().alias("count"),
                                      pl.concat_str(pl.col("la_code"), pl.lit(" "), pl.col("la_name").fill_null(""))
                                      .sort().str.join("; ").alias("councils"))
            .sort("status"))


def counts_table(councils: pl.DataFrame, base: bool = False) -> pl.DataFrame:
    """Per judgement: returns, those judged after the workforce year ended, inherited judgements, base-year figures."""
    included = councils.filter(pl.col("status") == "included")
    aggs = [pl.len().alias("councils"),
            pl.col("acquired_after_year_end").sum().alias("acquired_after_year_end"),
            pl.col("inherited_from").is_not_null().sum().alias("inherited"),
            (pl.col("joint_codes").list.len() > 1).sum().alias("joint_returns")]
    if base:
        aggs.append(pl.any_horizontal(pl.col(f"{m}_base").is_not_null() for m in MEASURES).sum()
                    .alias("with_base_year_figures"))
    grouped = included.group_by("judgement").agg(aggs).rename({"judgement": "rating"})
    out = pl.DataFrame({"rating": RATINGS}).join(grouped, on="rating", how="left")
    return out.with_columns(pl.exclude("rating").fill_null(0).cast(pl.Int64))
