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

import csv
import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

import altair as alt
import numpy as np
import polars as pl

from .. import charts, paths
from ..errors import DataError, UserError

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


@lru_cache(maxsize=64)
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


@lru_cache(maxsize=1)
def load_geography() -> pl.DataFrame:
    from .. import tables

    return tables.read("la_geography")


@lru_cache(maxsize=8)
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
    out = rows.join(picked, on="la_code", how="left").with_columns(pl.lit(None, pl.String).alias("judged_via"))
    if geography is not None:
        out = _judged_via_successors(out, judgements, geography)
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
            "inherited_from", "judged_via", "joint_mixed", "acquired_after_year_end", *MEASURES, *[f"_w_{m}" for m in MEASURES]]
    if base_year is not None:
        keep += ["base_code", *[f"{m}_base" for m in MEASURES], *[f"_w_{m}_base" for m in MEASURES]]
    out = pl.concat([out.select(keep), missing], how="diagonal_relaxed").select(keep)
    return out.sort(pl.col("status") != "included", "la_code")


def _judged_via_successors(out: pl.DataFrame, judgements: pl.DataFrame, geography: pl.DataFrame) -> pl.DataFrame:
    """A return from a council abolished by as_of takes its successors' judgement when they all hold the same one."""
    successors = {r["la_code"]: r["successor_codes"] or [] for r in
                  geography.select("la_code", "successor_codes").iter_rows(named=True)}
    by_code = {r["la_code"]: r for r in judgements.iter_rows(named=True)}
    fills = []
    for row in out.select("la_code", "joint_codes", "judgement").iter_rows(named=True):
        fill = None
        if row["judgement"] is None and not any(c in by_code for c in row["joint_codes"]):
            heirs = [by_code.get(s) for c in row["joint_codes"] for s in successors.get(c, [])]
            found = {h["judgement"] for h in heirs if h is not None}
            if heirs and None not in heirs and len(found) == 1 and None not in found:
                fill = (found.pop(), min(h["published"] for h in heirs),
                        "successors " + ", ".join(sorted(h["la_code"] for h in heirs)))
        fills.append(fill)
    return out.with_columns(
        pl.Series("judgement", [f[0] if f else j for f, j in zip(fills, out["judgement"])], dtype=pl.String),
        pl.Series("published", [f[1] if f else p for f, p in zip(fills, out["published"])], dtype=pl.Date),
        pl.Series("judged_via", [f[2] if f else None for f in fills], dtype=pl.String),
    )


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
    geography = load_geography()
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


# ---- checks on as_of ----------------------------------------------------------------------------

def check_as_of(as_of: dt.date) -> None:
    """UserError for a date before any judgement or after the latest Ofsted file's as-at date."""
    from ..inspections import coverage

    first, last = coverage()
    if as_of < first:
        raise UserError(f"as_of {as_of}: no Ofsted judgement had been published by then "
                        f"(the inspection history starts in {first.year})")
    if as_of > last:
        raise UserError(f"as_of {as_of}: after {last}, the as-at date of the latest Ofsted file we hold; "
                        f"judgements published later are missing")


# ---- the article's published cells, from the claims ledger --------------------------------------

LEDGER_ARTICLE = "002_667d6abb4d680e35.txt"
GROUP_KEYS = ("ratings.group_mean", "ratings.group_change")
COUNT_KEY = "inspections.count_in_force"


def parse_args(text: str) -> dict[str, str]:
    """'a=1;b=x' -> {'a': '1', 'b': 'x'} (the ledger's args column)."""
    return dict(part.split("=", 1) for part in text.split(";") if part)


def published_cells(ledger: str | None = None) -> pl.DataFrame:
    """The article's 30 published cells of the group table, from data/claims.csv.

    Every ledger row of the article computed by ratings.group_mean or ratings.group_change with an
    exact comparison (27 printed figures and 'flatlined', i.e. no change), plus the two counts
    (19 inadequate councils, 3 judged after September 2021). The one worded claim checked within
    a tolerance ('relatively static') is left to the ledger.
    """
    path = paths.DATA / "claims.csv" if ledger is None else ledger
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = [row for row in csv.DictReader(f) if row["article"] == LEDGER_ARTICLE]
    except FileNotFoundError:
        raise DataError(f"{path}: the claims ledger is missing") from None
    out = []
    for row in rows:
        args = parse_args(row["args"])
        if row["computation"] in GROUP_KEYS and row["compare"] == "round":
            kind = "mean" if row["computation"].endswith("mean") else "change"
            out.append({"claim_id": row["claim_id"], "kind": kind, "rating": args["rating"],
                        "measure": args["measure"], "year": int(args["year"]), "published": row["published"],
                        "value": float(row["value"]), "precision": int(row["precision"] or 0)})
        elif row["computation"] == COUNT_KEY and args.get("as_of") == ARTICLE["as_of"]:
            measure = "acquired_after_year_end" if "published_after" in args else "councils"
            out.append({"claim_id": row["claim_id"], "kind": "count", "rating": args["judgement"],
                        "measure": measure, "year": ARTICLE["year"], "published": row["published"],
                        "value": float(row["value"]), "precision": 0})
    if not out:
        raise DataError(f"{path}: no ratings claims for {LEDGER_ARTICLE}")
    return pl.DataFrame(out).sort("claim_id")


def _round(value: float | None, places: int) -> float | None:
    if value is None:
        return None
    return pl.Series([value]).round(places, mode="half_away_from_zero")[0]


def recompute_cells(cells: pl.DataFrame, table: pl.DataFrame, counts: pl.DataFrame, year: int,
                    change_from: str = "rounded") -> pl.DataFrame:
    """Each published cell beside the value our table gives, and whether they match at the printed precision.

    change_from="rounded": a change is taken between the averages rounded to one decimal place
    (as a reader of the article's table would); "unrounded": between the full-precision averages.
    """
    rows = {r["rating"]: r for r in table.iter_rows(named=True)}
    count_rows = {r["rating"]: r for r in counts.iter_rows(named=True)}
    recomputed = []
    for cell in cells.iter_rows(named=True):
        rating, measure = cell["rating"], cell["measure"]
        if cell["kind"] == "count":
            value = float(count_rows[rating][measure])
        elif cell["kind"] == "mean":
            value = rows[rating][measure if cell["year"] == year else f"{measure}_base"]
        else:
            now, then = rows[rating][measure], rows[rating][f"{measure}_base"]
            if now is None or then is None:
                value = None
            elif change_from == "rounded":
                value = _round(_round(now, 1) - _round(then, 1), 1)
            else:
                value = now - then
        recomputed.append(value)
    out = cells.with_columns(pl.Series("recomputed", recomputed, dtype=pl.Float64))
    shown = [None if v is None else _round(v, p) for v, p in zip(out["recomputed"], out["precision"])]
    return out.with_columns(pl.Series("recomputed_rounded", shown, dtype=pl.Float64)).with_columns(
        (pl.col("recomputed_rounded") == pl.col("value")).fill_null(False).alias("match"))


def reproduce(cells: pl.DataFrame, vintage: int = 2022, choices: Choices = Choices(),
              change_from: str = "rounded") -> pl.DataFrame:
    """The article's cells recomputed under one set of choices."""
    table, councils = build(ARTICLE["as_of"], ARTICLE["year"], ARTICLE["base_year"], vintage, choices)
    return recompute_cells(cells, table, counts_table(councils, base=True), ARTICLE["year"], change_from)


# The settled choices, each varied alone: what the notebook's choices table shows.
VARIANTS = [
    ("settled: simple mean, FTE, publication date, joint return under lead council, "
     "inherited judgement, 2022 release, change between rounded averages", {}),
    ("pooled from counts instead of simple mean", {"method": "pooled"}),
    ("headcount instead of FTE (turnover, agency)", {"basis": "headcount"}),
    ("in force from the end of the inspection, not publication", {"dated_by": "inspected"}),
    ("joint return under the partner council (Richmond)", {"joint": "partner"}),
    ("joint return left out when its councils' judgements differ", {"joint": "exclude_mixed"}),
    ("reorganised councils without their inherited judgement", {"reorganised": "exclude"}),
    ("2023 release (later revisions)", {"vintage": 2023}),
    ("2024 release", {"vintage": 2024}),
    ("2025 release", {"vintage": 2025}),
    ("change between full-precision averages", {"change_from": "unrounded"}),
]


def method_choices(cells: pl.DataFrame) -> pl.DataFrame:
    """How many of the article's cells each choice reproduces (each varied alone from the settled one)."""
    out = []
    for label, change in VARIANTS:
        vintage = change.get("vintage", 2022)
        change_from = change.get("change_from", "rounded")
        choices = Choices(**{k: v for k, v in change.items() if k not in ("vintage", "change_from")})
        result = reproduce(cells, vintage, choices, change_from)
        out.append({"choice": label, "vintage": vintage, "method": choices.method, "basis": choices.basis,
                    "dated_by": choices.dated_by, "joint": choices.joint, "reorganised": choices.reorganised,
                    "change_from": change_from, "cells_matched": int(result["match"].sum()),
                    "cells": result.height})
    return pl.DataFrame(out)


def choice_grid(cells: pl.DataFrame) -> pl.DataFrame:
    """Every combination of the choices, scored; the settled one should be at the top."""
    out = []
    for vintage in (2022, 2023, 2024, 2025):
        for method in METHODS:
            for basis in BASES:
                for dated_by in DATED_BY:
                    for joint in JOINT_RULES:
                        for reorganised in REORGANISED_RULES:
                            choices = Choices(method, basis, joint, reorganised, dated_by)
                            table, councils = build(ARTICLE["as_of"], ARTICLE["year"], ARTICLE["base_year"],
                                                    vintage, choices)
                            counts = counts_table(councils, base=True)
                            for change_from in ("rounded", "unrounded"):
                                hit = recompute_cells(cells, table, counts, ARTICLE["year"], change_from)
                                out.append({"vintage": vintage, "method": method, "basis": basis,
                                            "dated_by": dated_by, "joint": joint, "reorganised": reorganised,
                                            "change_from": change_from, "cells_matched": int(hit["match"].sum())})
    return pl.DataFrame(out).sort("cells_matched", descending=True, maintain_order=True)


# ---- every edition --------------------------------------------------------------------------------

def edition_date(year: int) -> dt.date:
    """The date of the judgements for a year's edition: 6 May of the next year, as the article,
    after DfE's February release; capped at the latest Ofsted file's as-at date."""
    from ..inspections import coverage

    return min(dt.date(year + 1, 5, 6), coverage()[1])


def editions(vintage: int | None = None, first_year: int = FIRST_EDITION_YEAR,
             choices: Choices = Choices()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The table for every year the release holds from first_year, each against the year before.

    Returns (tables stacked with year, base_year, as_of; the council tables stacked likewise).
    """
    workforce = load_workforce(vintage)
    years = sorted(workforce.filter(pl.col("geographic_level") == "local_authority")["year"].unique().to_list())
    tables_, councils_ = [], []
    for year in [y for y in years if y >= first_year]:
        as_of = edition_date(year)
        table, councils = build(as_of, year, year - 1, vintage, choices)
        stamp = [pl.lit(year).alias("year"), pl.lit(year - 1).alias("base_year"), pl.lit(as_of).alias("as_of")]
        tables_.append(table.with_columns(stamp))
        councils_.append(councils.with_columns(stamp))
    return pl.concat(tables_, how="diagonal_relaxed"), pl.concat(councils_, how="diagonal_relaxed")


# ---- how robust is "a clear relationship"? -------------------------------------------------------

BOOTSTRAP_SEED = 20220506
BOOTSTRAP_RESAMPLES = 2000


def robustness(councils: pl.DataFrame, seed: int = BOOTSTRAP_SEED, resamples: int = BOOTSTRAP_RESAMPLES) -> pl.DataFrame:
    """Per measure: the inadequate-minus-outstanding gap with a bootstrap 95% interval, and Spearman's rank
    correlation between judgement (1 outstanding .. 4 inadequate) and the council figure.

    The bootstrap resamples councils within each judgement (fixed seed, so the same every run).
    `clear` is true when the interval excludes zero and the correlation is positive.
    """
    included = councils.filter(pl.col("status") == "included").with_columns(
        pl.col("judgement").replace_strict(RANK, return_dtype=pl.Int64).alias("rank"))
    rng = np.random.default_rng(seed)
    out = []
    for measure in MEASURES:
        data = included.drop_nulls(measure)
        best = data.filter(pl.col("judgement") == "outstanding")[measure].to_numpy()
        worst = data.filter(pl.col("judgement") == "inadequate")[measure].to_numpy()
        gap = float(worst.mean() - best.mean()) if len(best) and len(worst) else None
        low = high = None
        if len(best) > 1 and len(worst) > 1:
            draws = (rng.choice(worst, (resamples, len(worst))).mean(axis=1)
                     - rng.choice(best, (resamples, len(best))).mean(axis=1))
            low, high = (float(q) for q in np.quantile(draws, [0.025, 0.975]))
        rho = data.select(pl.corr("rank", measure, method="spearman")).item() if data.height > 2 else None
        out.append({"measure": measure, "councils": data.height, "gap": gap, "gap_low": low, "gap_high": high,
                    "spearman": rho,
                    "clear": bool(low is not None and (low > 0 or high < 0) and rho is not None and rho > 0)})
    return pl.DataFrame(out, schema={"measure": pl.String, "councils": pl.Int64, "gap": pl.Float64,
                                     "gap_low": pl.Float64, "gap_high": pl.Float64, "spearman": pl.Float64,
                                     "clear": pl.Boolean})


def robustness_by_year(councils_by_year: pl.DataFrame) -> pl.DataFrame:
    """robustness() for each edition in a stacked council table."""
    frames = []
    for year in sorted(councils_by_year["year"].unique().to_list()):
        part = councils_by_year.filter(pl.col("year") == year)
        frames.append(robustness(part).with_columns(pl.lit(year).alias("year"),
                                                    pl.lit(part["as_of"][0]).alias("as_of")))
    return pl.concat(frames).select("year", "as_of", pl.exclude("year", "as_of"))


# ---- claims ledger computations -------------------------------------------------------------------

def _claim_table(as_of: str, year: str, vintage: str | None = None, base_year: str | None = None) -> pl.DataFrame:
    return ratings_table(as_of, int(year), None if base_year is None else int(base_year),
                         None if vintage in (None, "") else int(vintage))


def _cell(table: pl.DataFrame, rating: str, column: str) -> float | None:
    if rating not in RATINGS:
        raise UserError(f"rating: {rating!r} is not one of {', '.join(RATINGS)}")
    if column not in table.columns:
        raise UserError(f"measure: {column!r} is not one of {', '.join(MEASURES)}")
    return table.filter(pl.col("rating") == rating)[column][0]


@register("ratings.group_mean")
def group_mean(rating: str, measure: str, year: str, as_of: str, vintage: str | None = None) -> float | None:
    """The average of a measure over the councils holding a judgement on as_of, in a year."""
    return _cell(_claim_table(as_of, year, vintage), rating, measure)


@register("ratings.group_change")
def group_change(rating: str, measure: str, year: str, base_year: str, as_of: str,
                 vintage: str | None = None) -> float | None:
    """The change in a group's average from base_year to year, between the averages rounded as printed."""
    table = ratings_table_rounded(_claim_table(as_of, year, vintage, base_year))
    return _cell(table, rating, f"{measure}_change")


@register("ratings.ordered")
def ordered(measure: str, year: str, as_of: str, vintage: str | None = None) -> float:
    """1 when the group averages rise strictly from outstanding to inadequate (better rating, lower value), else 0."""
    table = _claim_table(as_of, year, vintage)
    values = [_cell(table, rating, measure) for rating in RATINGS]
    return float(all(a is not None and b is not None and a < b for a, b in zip(values, values[1:])))
