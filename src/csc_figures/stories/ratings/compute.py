"""The ratings story's figures: the council table, the group table and its counts, as pure functions on the processed tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from ... import measures, rounding
from ...dates import as_date
from ...errors import UserError
from ...judgements import GRADE as JUDGEMENT_GRADE
from ...judgements import ORDER as JUDGEMENT_ORDER

STORY = "ratings_vs_workforce"
RATINGS = list(JUDGEMENT_ORDER)  # best first
RANK = JUDGEMENT_GRADE  # 1 outstanding ... 4 inadequate
MEASURES = list(measures.COMPARED)
METHODS = ("mean", "pooled")
BASES = ("fte", "headcount")
JOINT_RULES = ("lead", "partner", "exclude_mixed")
REORGANISED_RULES = ("inherit", "exclude")
DATED_BY = ("published", "inspected")
FIRST_EDITION_YEAR = 2018
# The article: published 6 May 2022, DfE year to 30 September 2021 against 2020.
ARTICLE = {"as_of": "2022-05-06", "year": 2021, "base_year": 2020}
# The release the article's edition is rebuilt from: the February 2022 release it used is not held, so the
# earliest held (2022); the notebook's and `csc-figures ratings --edition article`'s default.
ARTICLE_VINTAGE = 2022

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


ARTICLE_CHOICES = Choices()  # the article's choices, the default everywhere


# ---- inputs ---------------------------------------------------------------------------------

def year_end(year: int) -> dt.date:
    """The end of a DfE workforce reporting year (30 September)."""
    return dt.date(year, 9, 30)


@lru_cache(maxsize=64)
def load_judgements(as_of: dt.date, dated_by: str = "published") -> pl.DataFrame:
    """Judgements in force on as_of (publication date), or by inspection date if asked."""
    from ...in_force import judgements_in_force

    judgements = judgements_in_force(as_of)
    if dated_by == "inspected":
        from ... import tables

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
    from ... import tables

    return tables.read("la_geography")


@lru_cache(maxsize=8)
def load_workforce(vintage: int | None) -> pl.DataFrame:
    from ...workforce import panel

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
        keep += ["base_code", "base_returns", *[f"{m}_base" for m in MEASURES], *[f"_w_{m}_base" for m in MEASURES]]
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
        pl.Series("judgement", [f[0] if f else j for f, j in zip(fills, out["judgement"], strict=True)], dtype=pl.String),
        pl.Series("published", [f[1] if f else p for f, p in zip(fills, out["published"], strict=True)], dtype=pl.Date),
        pl.Series("judged_via", [f[2] if f else None for f in fills], dtype=pl.String),
    )


def _with_base(out: pl.DataFrame, workforce: pl.DataFrame, base_year: int, geography: pl.DataFrame | None,
               basis: str) -> pl.DataFrame:
    """Attach each return's base-year returns: the same councils' return, else its predecessors' returns.

    `base_returns` lists them (with their figures) so that a group average counts each base-year
    return once, however many of the year's returns inherit it (Cumbria's 2022 return, inherited by
    Cumberland and by Westmorland and Furness) and however many it takes to cover one return
    (Bournemouth's and Poole's 2018 returns for Bournemouth, Christchurch and Poole). The per-return
    `<measure>_base` columns hold the figures when there is exactly one base-year return.
    """
    base = _weights(with_basis(council_rows(workforce, base_year), basis))
    base = base.filter(pl.any_horizontal(pl.col(m).is_not_null() for m in MEASURES))
    cols = [*MEASURES, *[f"_w_{m}" for m in MEASURES]]
    # which base-year return covers each council (a council listed in two, the later one, as before)
    owner = (base.select(pl.col("la_code").alias("found"), pl.col("joint_codes").alias("code")).explode("code")
             .drop_nulls("code").unique("code", keep="last", maintain_order=True))
    rows = out.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), "joint_codes")
    codes = rows.explode("joint_codes").rename({"joint_codes": "code"}).drop_nulls("code")
    direct = codes.join(owner, on="code").select("_row", "found")
    # a return whose councils did not exist in base_year: its predecessors' returns
    orphans = codes.join(direct.select("_row").unique(), on="_row", how="anti")
    if geography is not None and orphans.height:
        heirs = (geography.select(pl.col("la_code").alias("code"), pl.col("predecessor_codes").alias("predecessor"))
                 .explode("predecessor").drop_nulls("predecessor"))
        via = (orphans.join(heirs, on="code").join(owner.rename({"code": "predecessor"}), on="predecessor")
               .select("_row", "found"))
        direct = pl.concat([direct, via])
    struct = pl.Struct({"base_code": pl.String, **{_base_name(c): pl.Float64 for c in cols}})
    figures = base.select(pl.col("la_code").alias("found"),
                          pl.struct(pl.col("la_code").alias("base_code"),
                                    *[pl.col(c).cast(pl.Float64).alias(_base_name(c)) for c in cols])
                          .cast(struct).alias("base_returns"))
    found = (direct.unique().sort("_row", "found").join(figures, on="found", maintain_order="left")
             .group_by("_row", maintain_order=True).agg("found", "base_returns")
             # one base-year return: the per-return columns hold its figures
             .with_columns(pl.when(pl.col("found").list.len() == 1).then(pl.col("found").list.first())
                           .alias("base_code")).select("_row", "base_code", "base_returns"))
    out = (out.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"))
           .join(found, on="_row", how="left", maintain_order="left").drop("_row")
           .with_columns(pl.col("base_code").cast(pl.String),
                         pl.col("base_returns").fill_null(pl.lit([], dtype=pl.List(struct))).cast(pl.List(struct))))
    base = base.select(pl.col("la_code").alias("base_code"), *[pl.col(c).alias(_base_name(c)) for c in cols])
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


def base_returns(councils: pl.DataFrame) -> pl.DataFrame:
    """Each group's base-year returns, each once: one row per judgement and base-year return."""
    included = councils.filter(pl.col("status") == "included")
    return (included.select("judgement", "base_returns").explode("base_returns").drop_nulls("base_returns")
            .unnest("base_returns").unique(["judgement", "base_code"]).sort("judgement", "base_code"))


def flat_councils(councils: pl.DataFrame) -> pl.DataFrame:
    """The council table as a flat CSV table: codes joined with ' / ', base-year returns by code, no weights."""
    out = councils.drop(pl.selectors.starts_with("_w_")).with_columns(pl.col("joint_codes").list.join(" / "))
    if "base_returns" in out.columns:
        out = out.with_columns(pl.col("base_returns").list.eval(pl.element().struct.field("base_code"))
                               .list.join(" / "))
    return out


def group_table(councils: pl.DataFrame, method: str = "mean", base: bool = False) -> pl.DataFrame:
    """Average of each measure over the included returns holding each judgement, best first.

    `councils` counts the year's returns; the base-year averages count each base-year return once
    per judgement (see `base_returns`), as a joint return counts once.
    """
    included = councils.filter(pl.col("status") == "included")
    aggs = [pl.len().alias("councils"), *[_average(m, method).alias(m) for m in MEASURES]]
    grouped = included.group_by("judgement").agg(aggs).rename({"judgement": "rating"})
    if base:
        base_groups = (base_returns(councils).group_by("judgement")
                       .agg(_average(m, method, "_base").alias(f"{m}_base") for m in MEASURES)
                       .rename({"judgement": "rating"}))
        grouped = grouped.join(base_groups, on="rating", how="left")
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
    from ...in_force import check_as_of  # the one range check (CLI, notebooks, stories)

    check_as_of(as_of)
    year = _as_year(year, "year")
    base_year = None if base_year is None else _as_year(base_year, "base_year")
    workforce = load_workforce(vintage)
    council_rows(workforce, year)  # a clear error before any other work
    if base_year is not None:
        council_rows(workforce, base_year)
    judgements = load_judgements(as_of, choices.dated_by)
    if judgements.height == 0 or judgements["judgement"].is_null().all():
        raise UserError(f"as_of {as_of}: no council held a SIF or ILACS judgement then, and the ratings table "
                        f"groups councils by one; give a later date")
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
    rounded = rounding.round_frame(df, 1, exclude=("rating", "councils"))
    changes = [rounding.round_column(pl.col(m) - pl.col(f"{m}_base"), 1).alias(f"{m}_change")
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
    grouped = included.group_by("judgement").agg(aggs).rename({"judgement": "rating"})
    if base:  # base-year returns, each once per judgement however many of the year's returns inherit it
        grouped = grouped.join(base_returns(councils).group_by("judgement").agg(pl.len().alias("base_year_returns"))
                               .rename({"judgement": "rating"}), on="rating", how="left")
    out = pl.DataFrame({"rating": RATINGS}).join(grouped, on="rating", how="left")
    return out.with_columns(pl.exclude("rating").fill_null(0).cast(pl.Int64))


def special_councils(councils: pl.DataFrame) -> pl.DataFrame:
    """The returns and councils a rule touches: joint returns, judgements inherited from a predecessor, and
    councils judged through another council's inspection (so a reader sees each by name)."""
    touched = (pl.col("inherited_from").is_not_null() | pl.col("judged_via").is_not_null()
               | (pl.col("joint_codes").list.len() > 1))
    return councils.filter(touched).select("la_code", "la_name", "status", "judgement", "published",
                                           "inherited_from", "judged_via", "joint_mixed")


def statuses_by_year(councils_by_year: pl.DataFrame) -> pl.DataFrame:
    """How many returns and councils each status holds, one row per year (editions' council tables)."""
    return (councils_by_year.group_by("year", "status").len().sort("year", "status")
            .pivot(on="status", index="year", values="len"))


def is_article_edition(as_of: dt.date, year: int, base_year: int | None) -> bool:
    """True for the article's date, year and base year (whatever the release or method)."""
    return (as_of.isoformat(), year, base_year) == (ARTICLE["as_of"], ARTICLE["year"], ARTICLE["base_year"])
