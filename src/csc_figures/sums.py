"""England against the sum of its regions, and each region against the sum of its councils, for every count.

DfE publishes England, the regions and the councils side by side; England's figure is the sum of the nine
regions', London's is Inner London's plus Outer London's, and a region's is the sum of its councils', each up
to rounding. A row that breaks this (a figure typed wrong, a council left out, England's starters set 3%
above the regions') is refused naming the file, the year, the area and both figures.

The tolerance is the rounding the release itself declares, nothing more: a sum of n figures each printed to
a step s, against a total printed to a step S, can differ by at most n x s/2 + S/2. Measured on every release
we hold: children's figures for England and the regions are printed to the nearest 10 and councils' exactly
(England against its regions differs by at most 20, a region against its councils by at most 5); workforce
figures are printed to 0.1 at every level (at most 0.3 apart). A region with a suppressed council figure
cannot be summed and is not checked that year (a council in a joint return carries no figures of its own
and counts as zero: its lead council's row holds both).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .errors import DataError

ENGLAND_REGIONS = "E12"  # the nine regions' ONS codes; Inner and Outer London (E13) are London's halves
LONDON, LONDON_HALVES = "E12000007", ("E13000001", "E13000002")
EPSILON = 1e-6


@dataclass(frozen=True)
class Printed:
    """The step each level's figures are printed to (0: exact)."""
    areas: float  # England and the regions
    councils: float


def _refuse(file: str, where: str, measure: str, total: float, parts: float, what: str, tolerance: float) -> DataError:
    return DataError(f"{file}: {where}, {measure!r}: {total:g} published, but {what} sum to {parts:g} "
                     f"({parts - total:+g}; DfE's rounding allows {tolerance:g}): a figure typed wrong or a row "
                     f"left out? Refused")


def check_sums(df: pl.DataFrame, file: str, measures: list[str], printed: Printed, year: str = "year",
               joint_flag: str | None = None) -> int:
    """DataError at the first year, area and measure whose parts do not add up to the published total;
    otherwise the number of totals checked."""
    checked = 0
    areas = df.filter(pl.col("geographic_level").is_in(["national", "regional"]))
    councils = df.filter(pl.col("geographic_level") == "local_authority")
    for measure in measures:
        flag = pl.col(f"{measure}_flag") if f"{measure}_flag" in df.columns else pl.lit(None)
        joint = (flag == joint_flag) if joint_flag else pl.lit(False)
        counted = councils.with_columns(
            value=pl.when(pl.col(measure).is_null() & joint.fill_null(False)).then(0.0).otherwise(pl.col(measure)))
        regions = areas.filter(pl.col("geographic_level") == "regional")
        england = areas.filter(pl.col("geographic_level") == "national").select(year, total=pl.col(measure))
        nine = (regions.filter(pl.col("region_code").str.starts_with(ENGLAND_REGIONS))
                .group_by(year).agg(parts=pl.col(measure).sum(), n=pl.len(), missing=pl.col(measure).null_count()))
        halves = (regions.filter(pl.col("region_code").is_in(LONDON_HALVES))
                  .group_by(year).agg(parts=pl.col(measure).sum(), n=pl.len(), missing=pl.col(measure).null_count()))
        london = regions.filter(pl.col("region_code") == LONDON).select(year, total=pl.col(measure))
        by_region = (counted.group_by(year, "region_code")
                     .agg(parts=pl.col("value").sum(), n=pl.len(), missing=pl.col("value").null_count())
                     .join(regions.select(year, "region_code", "region_name", total=pl.col(measure)),
                           on=[year, "region_code"]))
        step = printed.areas / 2
        for totals, parts, what, half in ((england, nine, "its nine regions", step),
                                          (london, halves, "Inner and Outer London", step)):
            pairs = totals.join(parts, on=year).filter((pl.col("missing") == 0) & pl.col("total").is_not_null())
            checked += _first_break(pairs, file, measure, year, what, half, step,
                                    "England" if what.startswith("its nine") else "London")
        pairs = by_region.filter((pl.col("missing") == 0) & pl.col("total").is_not_null())
        checked += _first_break(pairs, file, measure, year, "its councils", printed.councils / 2, step, None)
    return checked


def _first_break(pairs: pl.DataFrame, file: str, measure: str, year: str, what: str, part_half: float,
                 total_half: float, area: str | None) -> int:
    checked = pairs.with_columns(tolerance=pl.col("n") * part_half + total_half + EPSILON).filter(
        (pl.col("parts") - pl.col("total")).abs() > pl.col("tolerance")).sort(year, *(["region_code"] if area is None else []))
    if checked.height:
        r = checked.row(0, named=True)
        where = f"{area or 'region ' + r['region_name']}, {year} {r[year]}"
        raise _refuse(file, where, measure, r["total"], r["parts"], f"{what} ({r['n']})",
                      round(r["tolerance"] - EPSILON, 6))
    return pairs.height
