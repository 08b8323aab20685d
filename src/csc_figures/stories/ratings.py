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
from decimal import ROUND_HALF_UP, Decimal
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
SOURCE = "Source: DfE, Children's social work workforce; Ofsted, local authority inspection outcomes."
METHOD_WORDS = {"mean": "Simple mean of council rates.", "pooled": "Rates pooled from the councils' counts."}


def source_line(method: str) -> str:
    return f"{SOURCE} {METHOD_WORDS[method]}"

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

from ..claims import register  # the ledger's computations live beside the story they check


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
        raise UserError(f"{name}: {value!r} is not a real date written YYYY-MM-DD (e.g. 2022-05-06)") from None


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
    `covered_by_predecessor_returns` (a new council whose area the year's returns still report under
    its predecessors' codes); `no_workforce_row` (a council in existence on as_of with no return in the year).
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
    predecessors = ({} if geography is None else
                    {r["la_code"]: r["predecessor_codes"] or [] for r in
                     geography.select("la_code", "predecessor_codes").iter_rows(named=True)})
    # a new council whose area the year's returns still cover under its predecessors' codes
    by_predecessors = [c for c in judgements["la_code"] if c not in covered and predecessors.get(c)
                       and set(predecessors[c]) <= covered]
    missing = (judgements.filter(~pl.col("la_code").is_in(sorted(covered)))
               .with_columns(pl.when(pl.col("la_code").is_in(by_predecessors))
                             .then(pl.lit("covered_by_predecessor_returns"))
                             .otherwise(pl.lit("no_workforce_row")).alias("status"),
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
    check_as_of(as_of)
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
    """Half away from zero, on the decimal a reader sees (16.05 -> 16.1), as the article rounds."""
    if value is None:
        return None
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return float(exact)


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
        stamp = [pl.lit(year, pl.Int64).alias("year"), pl.lit(year - 1, pl.Int64).alias("base_year"),
                 pl.lit(as_of, pl.Date).alias("as_of")]
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


# ---- words ------------------------------------------------------------------------------------------

def year_label(year: int) -> str:
    """2021 -> '2020-21' (the DfE year to 30 September 2021), as the article writes it."""
    return f"{year - 1}-{str(year)[2:]}"


def _date_words(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def key_sentences(table: pl.DataFrame, counts: pl.DataFrame, as_of: dt.date | str, year: int,
                  base_year: int | None) -> list[str]:
    """The article's key sentences with the recomputed numbers, worded by the shared formatter."""
    from .. import formatting as f

    as_of = as_date(as_of)
    rows = {r["rating"]: r for r in ratings_table_rounded(table).iter_rows(named=True)}
    n = {r["rating"]: r for r in counts.iter_rows(named=True)}
    bad, best, eng = rows["inadequate"], rows["outstanding"], rows["england"]
    y, on = year_label(year), _date_words(as_of)
    out = []
    if base_year is not None:
        b = year_label(base_year)
        out.append(f"Turnover at councils rated inadequate on {on} "
                   f"{f.rate_word(bad['turnover_rate_base'], bad['turnover_rate'])} by "
                   f"{f.points(bad['turnover_rate_change'])} on average from {b} to {y}, while nationally it "
                   f"{f.rate_word(eng['turnover_rate_base'], eng['turnover_rate'])} by "
                   f"{f.points(eng['turnover_rate_change'])} to {f.pct(eng['turnover_rate'])}.")
    out.append(f"{f.number(n['inadequate']['acquired_after_year_end'])} of the "
               f"{f.number(n['inadequate']['councils'])} 'inadequate' authorities acquired their ratings after "
               f"September {year}, the end of the period covered by the workforce data.")
    if base_year is not None:
        out.append(f"The average FTE turnover rate at 'inadequate' councils went from "
                   f"{f.pct(bad['turnover_rate_base'])} in {year_label(base_year)} to {f.pct(bad['turnover_rate'])} "
                   f"in {y} (national average {f.pct(eng['turnover_rate'])}).")
    out.append(f"Turnover rates at 'outstanding', 'good' and 'requires improvement' councils were "
               f"{f.pct(best['turnover_rate'])}, {f.pct(rows['good']['turnover_rate'])} and "
               f"{f.pct(rows['requires_improvement']['turnover_rate'])}, respectively, in {y}.")
    if base_year is not None:
        out.append(f"Vacancy rates: 'outstanding' councils {f.pct(best['vacancy_rate'])} "
                   f"({f.rate_word(best['vacancy_rate_base'], best['vacancy_rate'])} by "
                   f"{f.points(best['vacancy_rate_change'])}), 'inadequate' {f.pct(bad['vacancy_rate'])} "
                   f"({f.rate_word(bad['vacancy_rate_base'], bad['vacancy_rate'])} by "
                   f"{f.points(bad['vacancy_rate_change'])}); 'good' {f.pct(rows['good']['vacancy_rate'])}, "
                   f"'requires improvement' {f.pct(rows['requires_improvement']['vacancy_rate'])}; "
                   f"England {f.pct(eng['vacancy_rate_base'])} to {f.pct(eng['vacancy_rate'])}.")
    ratio = bad["agency_rate"] / best["agency_rate"] if best["agency_rate"] else None
    out.append(f"Agency rates: 'inadequate' councils {f.pct(bad['agency_rate'])}, "
               f"{f.number(ratio, 1)} times the 'outstanding' councils' {f.pct(best['agency_rate'])}.")
    if base_year is not None:
        ri, good = rows["requires_improvement"], rows["good"]
        out.append(f"'Requires improvement' councils' agency rate {f.rate_word(ri['agency_rate_base'], ri['agency_rate'])} "
                   f"by {f.points(ri['agency_rate_change'])} to {f.pct(ri['agency_rate'])}; 'good' councils "
                   f"{f.pct(good['agency_rate'])}, from {f.pct(good['agency_rate_base'])}.")
        out.append(f"Sickness absence at 'inadequate' councils: {f.pct(bad['absence_rate'])} of working days in {y}, "
                   f"from {f.pct(bad['absence_rate_base'])} in {year_label(base_year)}; at 'outstanding' councils "
                   f"{f.pct(best['absence_rate_base'])} then {f.pct(best['absence_rate'])}.")
    out.append(f"Average caseloads: 'outstanding' {f.number(best['caseload'], 1)}, 'good' "
               f"{f.number(rows['good']['caseload'], 1)}, 'requires improvement' "
               f"{f.number(rows['requires_improvement']['caseload'], 1)}, 'inadequate' "
               f"{f.number(bad['caseload'], 1)} as of September {year}.")
    return out


# ---- charts -----------------------------------------------------------------------------------------

def _long(table: pl.DataFrame) -> pl.DataFrame:
    england = table.filter(pl.col("rating") == "england")
    groups = table.filter(pl.col("rating") != "england")
    rows = []
    for measure in MEASURES:
        for row in groups.iter_rows(named=True):
            rows.append({"measure": MEASURE_LABELS[measure], "rating": row["rating"],
                         "label": charts.JUDGEMENT_LABELS[row["rating"]], "councils": row["councils"],
                         "value": row[measure], "england": england[measure][0]})
    return pl.DataFrame(rows)


def ordered_measures(table: pl.DataFrame) -> list[str]:
    """The measures whose group averages rise strictly from outstanding to inadequate."""
    out = []
    for measure in MEASURES:
        values = table.filter(pl.col("rating") != "england")[measure].to_list()
        if all(a is not None and b is not None and a < b for a, b in zip(values, values[1:])):
            out.append(measure)
    return out


PANEL_HEIGHT = 220
_SHORT = {"turnover_rate": "turnover", "vacancy_rate": "vacancies", "agency_rate": "agency use",
          "absence_rate": "sickness absence", "caseload": "caseloads"}


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def relationship_chart(table: pl.DataFrame, as_of: dt.date | str, year: int, method: str = "mean"):
    """'Relationship between Ofsted ratings and workforce indicators': one panel per measure, England as a line."""
    as_of = as_date(as_of)
    data = _long(table)
    ordered_ = ordered_measures(table)
    if len(ordered_) == len(MEASURES):
        title = "The better the Ofsted rating, the lower the turnover, vacancies, agency use, absence and caseloads"
    elif ordered_:
        title = f"The better the Ofsted rating, the lower the {_listing([_SHORT[m] for m in ordered_])}"
    else:
        title = "No measure falls steadily as the Ofsted rating improves"
    base = alt.Chart().encode(x=alt.X("rating:N", sort=RATINGS, axis=None))
    bars = base.mark_bar().encode(
        y=alt.Y("value:Q", title=None, axis=alt.Axis(tickCount=4, format="~r")),
        color=alt.Color("rating:N", **charts.judgement_scale("rating")),
        tooltip=[alt.Tooltip("label:N", title="Judgement"), alt.Tooltip("councils:Q", title="Councils"),
                 alt.Tooltip("value:Q", title="Average", format=".1f")])
    # values printed inside the foot of each bar (clear of the England line), dark on the light colours
    labels = base.mark_text(baseline="bottom", fontSize=11, fontWeight="bold").encode(
        y=alt.value(PANEL_HEIGHT - 5), text=alt.Text("value:Q", format=".1f"),
        color=alt.condition(alt.FieldOneOfPredicate("rating", ["outstanding", "inadequate"]),
                            alt.value("white"), alt.value("#222222")))
    england = alt.Chart().mark_rule(color="#222222", strokeDash=[4, 3], strokeWidth=1.5).encode(y="england:Q")
    panel = alt.layer(bars, england, labels, data=data).properties(width=118, height=PANEL_HEIGHT)
    chart = (panel.facet(facet=alt.Facet("measure:N", sort=[MEASURE_LABELS[m] for m in MEASURES],
                                         header=alt.Header(title=None, labelFontSize=12, labelFontWeight="bold")),
                         columns=5)
             .resolve_scale(y="independent"))
    average = "average of council figures" if method == "mean" else "rates pooled from council counts"
    subtitle = [f"Relationship between Ofsted ratings and workforce indicators: {average}, "
                f"year to 30 September {year},",
                f"by the judgement in force on {_date_words(as_of)}. Dashed line: England."]
    alt_text = ("Bar charts of the average turnover, vacancy, agency worker and sickness absence rates and "
                "caseload of councils by Ofsted judgement. " + "; ".join(
                    f"{MEASURE_LABELS[m]}: " + ", ".join(
                        f"{charts.JUDGEMENT_LABELS[r['rating']]} {r[m]:.1f}"
                        for r in table.filter(pl.col('rating') != 'england').iter_rows(named=True)
                        if r[m] is not None) for m in MEASURES) + ".")
    return charts.titled(chart, title, subtitle, source_line(method), alt_text), data


def gap_chart(robust_by_year: pl.DataFrame, method: str = "mean"):
    """The gap between inadequate and outstanding councils' averages each year, with its bootstrap interval."""
    data = robust_by_year.with_columns(
        pl.col("measure").replace_strict(MEASURE_LABELS).alias("label"),
        pl.col("year").map_elements(year_label, return_dtype=pl.String).alias("year_label"))
    # years to 30 September, labelled by the year they end: '18 is 2017-18
    x = alt.X("year:O", title="Year to 30 September",
              axis=alt.Axis(labelAngle=0, labelExpr="\"'\" + substring('' + datum.value, 2, 4)"))
    band = alt.Chart().mark_errorbar(ticks=True, color="#4a90c2").encode(
        x=x, y=alt.Y("gap_low:Q", title=None), y2="gap_high:Q")
    line = alt.Chart().mark_line(point=alt.OverlayMarkDef(color="#b2182b", size=40), color="#b2182b").encode(
        x=x, y=alt.Y("gap:Q", title=None),
        tooltip=[alt.Tooltip("year_label:N", title="Year"), alt.Tooltip("gap:Q", format=".1f"),
                 alt.Tooltip("gap_low:Q", format=".1f", title="95% low"),
                 alt.Tooltip("gap_high:Q", format=".1f", title="95% high"),
                 alt.Tooltip("spearman:Q", format=".2f", title="Spearman")])
    zero = alt.Chart().mark_rule(color="#888888").encode(y=alt.datum(0))
    panel = alt.layer(band, line, zero, data=data).properties(width=118, height=200)
    chart = (panel.facet(facet=alt.Facet("label:N", sort=[MEASURE_LABELS[m] for m in MEASURES],
                                         header=alt.Header(title=None, labelFontSize=12, labelFontWeight="bold")),
                         columns=5)
             .resolve_scale(y="independent"))
    first, last = data["year"].min(), data["year"].max()
    years = data["year"].n_unique()
    every_year = [m for m in MEASURES if data.filter(pl.col("measure") == m, pl.col("clear")).height == years]
    if every_year:
        title = (f"Every year, inadequate councils had clearly higher {_listing([_SHORT[m] for m in every_year])} "
                 f"than outstanding ones")
    else:
        title = "No gap between inadequate and outstanding councils was clear every year"
    subtitle = [f"Average at inadequate councils minus average at outstanding councils, {year_label(first)} to "
                f"{year_label(last)}; bars: 95% bootstrap interval.",
                "Judgements in force on 6 May after each year (or the latest Ofsted file). Caseload in cases, others in points."]
    alt_text = ("Line charts of the gap between inadequate and outstanding councils' averages by year. " + "; ".join(
        f"{MEASURE_LABELS[m]}: " + ", ".join(f"{year_label(r['year'])} {r['gap']:.1f}"
                                             for r in data.filter(pl.col('measure') == m).iter_rows(named=True)
                                             if r["gap"] is not None) for m in MEASURES) + ".")
    return charts.titled(chart, title, subtitle, source_line(method), alt_text), data


# ---- why a cell differs --------------------------------------------------------------------------------

def cells_by_vintage(cells: pl.DataFrame, vintages: tuple[int, ...] = (2022, 2023, 2024, 2025),
                     choices: Choices = Choices()) -> pl.DataFrame:
    """Each published cell recomputed from every release we hold (does a later revision move it?)."""
    out = cells.select("claim_id", "kind", "rating", "measure", "year", "value")
    for vintage in vintages:
        hit = reproduce(cells, vintage, choices)
        out = out.join(hit.select("claim_id", pl.col("recomputed").alias(f"vintage_{vintage}")), on="claim_id")
    return out


def explain_cells(result: pl.DataFrame, councils: pl.DataFrame, year: int) -> pl.DataFrame:
    """For each cell that does not match: the gap, how many council figures the average is over, the total
    change across them it implies, and any council in the group whose figure is suppressed or missing."""
    included = councils.filter(pl.col("status") == "included")
    out = []
    for cell in result.filter(~pl.col("match")).iter_rows(named=True):
        row = {k: cell[k] for k in ("claim_id", "rating", "measure", "year", "kind", "value", "recomputed")}
        row["gap"] = None if cell["recomputed"] is None else cell["value"] - cell["recomputed"]
        row.update(figures=None, total_change_needed=None, without_figure=None, missing_value_needed=None)
        if cell["kind"] == "mean":
            column = cell["measure"] if cell["year"] == year else f"{cell['measure']}_base"
            group = included.filter(pl.col("judgement") == cell["rating"])
            present = group.drop_nulls(column)
            row["figures"] = present.height
            row["total_change_needed"] = row["gap"] * present.height
            absent = group.filter(pl.col(column).is_null())
            if absent.height:
                row["without_figure"] = "; ".join(absent["la_name"].to_list())
            if absent.height == 1:
                # the figure the one missing council would need for the published average
                row["missing_value_needed"] = cell["value"] * (present.height + 1) - present[column].sum()
        out.append(row)
    schema = {"claim_id": pl.String, "rating": pl.String, "measure": pl.String, "year": pl.Int64, "kind": pl.String,
              "value": pl.Float64, "recomputed": pl.Float64, "gap": pl.Float64, "figures": pl.Int64,
              "total_change_needed": pl.Float64, "without_figure": pl.String, "missing_value_needed": pl.Float64}
    return pl.DataFrame(out, schema=schema)


def revisions(vintage_from: int, vintage_to: int, years: tuple[int, ...]) -> pl.DataFrame:
    """How many council figures a later release changed, per measure and year (matched on the councils a return covers)."""
    def rows(v):
        return (load_workforce(v).filter(pl.col("geographic_level") == "local_authority", pl.col("year").is_in(years))
                .with_columns(pl.col("joint_codes").list.sort().list.join("+").alias("_unit")))
    joined = rows(vintage_from).join(rows(vintage_to), on=["year", "_unit"], suffix="_later")
    out = []
    for year in years:
        part = joined.filter(pl.col("year") == year)
        for measure in MEASURES:
            changed = part.filter(((pl.col(measure) - pl.col(f"{measure}_later")).abs() > 1e-9).fill_null(False)
                                  | (pl.col(measure).is_null() != pl.col(f"{measure}_later").is_null()))
            out.append({"year": year, "measure": measure, "councils_compared": part.height,
                        "figures_revised": changed.height,
                        "largest_revision": changed.select((pl.col(f"{measure}_later") - pl.col(measure)).abs().max())
                        .item() if changed.height else 0.0})
    return pl.DataFrame(out)


def difference_notes(explained: pl.DataFrame, revised: pl.DataFrame) -> list[str]:
    """Sentences on the cells that do not match: their size, and the revisions a later release made."""
    from .. import formatting as f

    out = []
    for row in explained.iter_rows(named=True):
        label = MEASURE_LABELS[row["measure"]].split(" (")[0].lower()
        text = (f"{row['claim_id']}: {label} at {row['rating'].replace('_', ' ')} councils, {row['year']}: "
                f"published {f.number(row['value'], 1)}, recomputed {f.number(row['recomputed'], 2)}")
        if row["figures"] is not None:
            text += (f"; an average over {row['figures']} council figures, so they would need to differ by "
                     f"{f.number(abs(row['total_change_needed']), 1)} in total")
        if row["without_figure"]:
            text += (f"; no figure for {row['without_figure']}"
                     + (f", which would need to be {f.number(row['missing_value_needed'], 1)} to give the published "
                        f"average" if row["missing_value_needed"] is not None else ""))
        out.append(text + ".")
    totals = revised.group_by("measure", maintain_order=True).agg(pl.col("figures_revised").sum(),
                                                                   pl.col("largest_revision").max())
    years = " and ".join(str(y) for y in sorted(revised["year"].unique().to_list()))
    out.append(f"The next release revised, for {years}: " + "; ".join(
        f"{MEASURE_LABELS[r['measure']].split(' (')[0].lower()} {r['figures_revised']} "
        f"figure{'' if r['figures_revised'] == 1 else 's'}"
        + (f" (largest change {f.number(r['largest_revision'], 1)})" if r["figures_revised"] else "")
        for r in totals.iter_rows(named=True)) + ".")
    return out
