"""The article's published cells recomputed, every edition since 2018, how robust the gap is, and why a cell differs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ... import rounding
from ...dates import day_words
from ...errors import DataError, UserError
from .compute import ARTICLE_CHOICES, ARTICLE, ARTICLE_VINTAGE, BASES, Choices, DATED_BY, FIRST_EDITION_YEAR, JOINT_RULES, MEASURES, METHODS, RANK, RATINGS, REORGANISED_RULES, build, counts_table, load_workforce, ratings_table_rounded

# ---- the article's published cells, from the claims ledger --------------------------------------

LEDGER_ARTICLE = "002_667d6abb4d680e35.txt"
GROUP_KEYS = ("ratings.group_mean", "ratings.group_change")
COUNT_KEY = "ratings.group_count"  # the story's rule: returns holding the judgement


def published_cells(ledger: str | None = None) -> pl.DataFrame:
    """The article's 30 published cells of the group table, from data/claims.csv.

    Every ledger row of the article computed by ratings.group_mean or ratings.group_change with an
    exact comparison (27 printed figures and 'flatlined', i.e. no change), plus the two counts
    (19 inadequate councils, 3 judged after September 2021). The one worded claim checked within
    a tolerance ('relatively static') is left to the ledger.
    """
    from ...claims import CLAIMS_CSV, load_claims, parse_args

    path = CLAIMS_CSV if ledger is None else Path(ledger)
    if not path.exists():
        raise DataError(f"{path}: the claims ledger is missing")
    rows = load_claims(path).filter(pl.col("article") == LEDGER_ARTICLE).iter_rows(named=True)
    out = []
    for row in rows:
        args = parse_args(row["args"], row["claim_id"])
        where = f"{path.name}, claim {row['claim_id']}, column 'args'"
        if row["computation"] in GROUP_KEYS and row["compare"] == "round":
            missing = [k for k in ("rating", "measure", "year") if k not in args]
            if missing:
                raise DataError(f"{where}: {row['args']!r} lacks {', '.join(missing)}")
            if args["rating"] not in RATINGS or args["measure"] not in MEASURES or not args["year"].isdigit():
                raise DataError(f"{where}: {row['args']!r} needs a judgement ({', '.join(RATINGS)}), a measure "
                                f"({', '.join(MEASURES)}) and a year")
            kind = "mean" if row["computation"].endswith("mean") else "change"
            out.append({"claim_id": row["claim_id"], "kind": kind, "rating": args["rating"],
                        "measure": args["measure"], "year": int(args["year"]), "published": row["published"],
                        "value": float(row["value"]), "precision": int(row["precision"] or 0)})
        elif row["computation"] == COUNT_KEY and args.get("as_of") == ARTICLE["as_of"]:
            if args.get("rating") not in RATINGS:
                raise DataError(f"{where}: {row['args']!r} needs rating= one of {', '.join(RATINGS)}")
            measure = "acquired_after_year_end" if "published_after" in args else "councils"
            out.append({"claim_id": row["claim_id"], "kind": "count", "rating": args["rating"],
                        "measure": measure, "year": ARTICLE["year"], "published": row["published"],
                        "value": float(row["value"]), "precision": 0})
    if not out:
        raise DataError(f"{path}: no ratings claims for {LEDGER_ARTICLE}")
    return pl.DataFrame(out).sort("claim_id")


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
                value = rounding.round_half_up(rounding.round_half_up(now, 1) - rounding.round_half_up(then, 1), 1)
            else:
                value = now - then
        recomputed.append(value)
    out = cells.with_columns(pl.Series("recomputed", recomputed, dtype=pl.Float64))
    shown = [rounding.round_half_up(v, p) for v, p in zip(out["recomputed"], out["precision"], strict=True)]
    return out.with_columns(pl.Series("recomputed_rounded", shown, dtype=pl.Float64)).with_columns(
        (pl.col("recomputed_rounded") == pl.col("value")).fill_null(False).alias("match"))


def reproduce(cells: pl.DataFrame, vintage: int = 2022, choices: Choices = ARTICLE_CHOICES,
              change_from: str = "rounded") -> pl.DataFrame:
    """The article's cells recomputed under one set of choices."""
    table, councils = build(ARTICLE["as_of"], ARTICLE["year"], ARTICLE["base_year"], vintage, choices)
    return recompute_cells(cells, table, counts_table(councils, base=True), ARTICLE["year"], change_from)


def _held_vintages() -> list[int]:
    """Every workforce release we hold, oldest first, from the manifest (never listed by year here)."""
    from ...sources import WORKFORCE, releases

    return [source.vintage for source in releases(WORKFORCE)]


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
    # every later release we hold (data/sources.toml), each with its revisions
    *((f"{v} release{' (later revisions)' if i == 0 else ''}", {"vintage": v})
      for i, v in enumerate(v for v in _held_vintages() if v > ARTICLE_VINTAGE)),
    ("change between full-precision averages", {"change_from": "unrounded"}),
]


def method_choices(cells: pl.DataFrame) -> pl.DataFrame:
    """How many of the article's cells each choice reproduces (each varied alone from the settled one)."""
    out = []
    for label, change in VARIANTS:
        vintage = change.get("vintage", ARTICLE_VINTAGE)
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
    for vintage in _held_vintages():
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
    from ...in_force import coverage

    return min(dt.date(year + 1, 5, 6), coverage()[1])


@dataclass(frozen=True)
class Edition:
    """The parameters of one ratings table, and a sentence for each saying where it came from."""
    as_of: dt.date
    year: int
    base_year: int | None
    vintage: int
    method: str
    stated: tuple[str, ...]


def edition_for(year: int | None = None, base_year: int | None = None, as_of: dt.date | str | None = None,
                vintage: int | None = None, method: str = "mean", edition: str | None = None) -> Edition:
    """Fill what is not given: the latest release and the latest year it holds, the year before as the base
    year, and the every-year rule's date (`edition_date`); `edition="article"` fills from the article instead.
    Refuses a base year on or after the year."""
    from ...dates import as_date
    from ...sources import WORKFORCE, releases

    if edition not in (None, "article", "latest"):
        raise UserError(f"edition: {edition!r} is not 'article' or 'latest'")
    article = edition == "article"
    held = {s.vintage: s for s in releases(WORKFORCE)}
    stated = []
    if vintage is None:
        vintage = ARTICLE_VINTAGE if article else max(held)
        why = ("the article's edition, the earliest release we hold (the article used February 2022's, which we lack)"
               if article else "the latest release we hold")
    else:
        why = "as given"
    if int(vintage) not in held:
        raise UserError(f"vintage: no workforce release {vintage!r}; we hold {', '.join(map(str, sorted(held)))}")
    vintage = int(vintage)
    stated.append(f"Release: DfE {held[vintage].publication}, {held[vintage].release}, vintage {vintage}: {why}.")
    years = sorted(load_workforce(vintage).filter(pl.col("geographic_level") == "local_authority")["year"].unique())
    if year is None:
        year = ARTICLE["year"] if article else years[-1]
        why = "the article's" if article else "the latest the release holds"
    else:
        why = "as given"
    year = int(year)
    stated.append(f"Year: {year}, the DfE year to 30 September {year}: {why}.")
    if base_year is None:
        base_year = ARTICLE["base_year"] if article else year - 1
        why = "the article's" if article else "the year before"
    else:
        why = "as given"
    base_year = int(base_year)
    if base_year >= year:
        raise UserError(f"base-year: {base_year} is not before year {year}; the base year is the one compared against")
    stated.append(f"Compared with: {base_year}: {why}.")
    if as_of is None:
        as_of = as_date(ARTICLE["as_of"]) if article else edition_date(year)
        why = ("the article's publication date" if article else
               "6 May after the year, as the article did some weeks after DfE's February release, or the "
               "latest Ofsted file's as-at date if earlier")
    else:
        as_of, why = as_date(as_of, "as-of"), "as given"
    stated.append(f"Ofsted judgements in force on {as_of.isoformat()}: {why}.")
    stated.append(f"Method: {method}: " + ("the simple mean of council rates, as the article." if method == "mean"
                                           else "each group's rates from summed counts."))
    if not article and (as_of.isoformat(), year, base_year) == (ARTICLE["as_of"], ARTICLE["year"], ARTICLE["base_year"]) \
            and vintage != ARTICLE_VINTAGE:
        stated.append(f"These are the article's year and date from release {vintage}, which revised earlier years: "
                      f"the article's edition (release {ARTICLE_VINTAGE}) is `--edition article`.")
    return Edition(as_of, year, base_year, vintage, method, tuple(stated))


def notebook_edition(year: int, base_year: int | None = None, as_of: dt.date | str | None = None,
                     vintage: int | None = None, method: str = "mean") -> Edition:
    """The notebook's run: what is not given follows from the year, as the article's did from its year. The
    release is the earliest we hold that has the year (the article used the first release with its year; for
    2021 that is the earliest we hold); the base year the year before; the judgements those in force on
    `edition_date(year)`. Each choice is stated."""
    from ...sources import WORKFORCE, releases

    chosen = None
    if vintage is None:
        held = sorted(s.vintage for s in releases(WORKFORCE))
        years = {v: set(load_workforce(v).filter(pl.col("geographic_level") == "local_authority")["year"])
                 for v in held}
        having = [v for v in held if year in years[v]]
        if not having:
            raise UserError(f"year: no workforce release we hold has {year}; the releases hold "
                            f"{min(min(y) for y in years.values())} to {max(max(y) for y in years.values())}")
        vintage = chosen = having[0]
    edition = edition_for(year=year, base_year=base_year, as_of=as_of, vintage=vintage, method=method)
    stated = tuple(line.replace(f"vintage {chosen}: as given.", f"vintage {chosen}: the earliest release we hold "
                                f"with {year}, as the article used the first release with its year.")
                   .replace(f"in force on {edition.as_of.isoformat()}", f"in force on {day_words(edition.as_of)}")
                   for line in edition.stated)
    return Edition(edition.as_of, edition.year, edition.base_year, edition.vintage, edition.method, stated)


def editions(vintage: int | None = None, first_year: int = FIRST_EDITION_YEAR,
             choices: Choices = ARTICLE_CHOICES) -> tuple[pl.DataFrame, pl.DataFrame]:
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



# ---- why a cell differs --------------------------------------------------------------------------------

def cells_by_vintage(cells: pl.DataFrame, vintages: tuple[int, ...] | None = None,
                     choices: Choices = ARTICLE_CHOICES) -> pl.DataFrame:
    """Each published cell recomputed from every release we hold (does a later revision move it?)."""
    from ...sources import WORKFORCE, releases

    out = cells.select("claim_id", "kind", "rating", "measure", "year", "value")
    for vintage in vintages or sorted(s.vintage for s in releases(WORKFORCE)):
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


def missing_figure_rows(explained: pl.DataFrame, vintage: int, years: tuple[int, ...]) -> pl.DataFrame:
    """The councils whose figure is missing from an average that differs, as DfE publishes them (agency rate,
    its code, the headcount rate and the counts behind it), for the years compared."""
    missing = sorted({name for names in explained["without_figure"].drop_nulls() for name in names.split("; ")})
    return (load_workforce(vintage)
            .filter(pl.col("la_name").is_in(missing), pl.col("year").is_in(list(years)))
            .select("year", "la_name", "agency_rate", "agency_rate_flag", "agency_rate_headcount", "agency_fte",
                    "agency_fte_flag", "agency_headcount")
            .sort("year", "la_name"))


def every_year_table(edition_tables: pl.DataFrame) -> pl.DataFrame:
    """The editions' tables rounded as the article rounds, one row per year and judgement: year, as-at date,
    judgement, councils, each measure and its change."""
    rounded = ratings_table_rounded(edition_tables.drop("year", "base_year", "as_of"))
    return rounded.with_columns(edition_tables.select("year", "as_of")).select(
        "year", "as_of", "rating", "councils", *MEASURES, *[f"{m}_change" for m in MEASURES])


def next_release(vintage: int) -> int | None:
    """The release after `vintage` among those we hold, or None for the latest."""
    from ...sources import WORKFORCE, releases

    later = sorted(s.vintage for s in releases(WORKFORCE) if s.vintage > vintage)
    return later[0] if later else None
