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
    """DataError at the first measure, check (England, London, the regions), year and area whose parts do not
    add up to the published total; otherwise the number of totals checked. All measures are summed at once."""
    level = pl.col("geographic_level")
    wide = [pl.col(m).cast(pl.Float64) for m in measures]
    areas = (df.filter(level.is_in(["national", "regional"]))
             .select(year, "geographic_level", "region_code", "region_name", *wide)
             .unpivot(index=[year, "geographic_level", "region_code", "region_name"], on=measures,
                      variable_name="measure", value_name="value"))

    def counted(m: str) -> pl.Expr:  # a council in a joint return counts as zero: its lead's row holds both
        joint = (pl.col(f"{m}_flag") == joint_flag) if joint_flag and f"{m}_flag" in df.columns else pl.lit(False)
        return pl.when(pl.col(m).is_null() & joint.fill_null(False)).then(0.0).otherwise(pl.col(m).cast(pl.Float64))

    councils = (df.filter(level == "local_authority").select(year, "region_code", *[counted(m).alias(m) for m in measures])
                .unpivot(index=[year, "region_code"], on=measures, variable_name="measure", value_name="value"))
    summed = [pl.col("value").sum().alias("parts"), pl.len().alias("n"), pl.col("value").null_count().alias("missing")]
    regions = areas.filter(pl.col("geographic_level") == "regional")
    england = areas.filter(pl.col("geographic_level") == "national").select(year, "measure", total="value")
    nine = regions.filter(pl.col("region_code").str.starts_with(ENGLAND_REGIONS)).group_by(year, "measure").agg(summed)
    halves = regions.filter(pl.col("region_code").is_in(LONDON_HALVES)).group_by(year, "measure").agg(summed)
    london = regions.filter(pl.col("region_code") == LONDON).select(year, "measure", total="value")
    by_region = (councils.group_by(year, "measure", "region_code").agg(summed)
                 .join(regions.select(year, "measure", "region_code", "region_name", total="value"),
                       on=[year, "measure", "region_code"]))
    step = printed.areas / 2
    checks = [(england.join(nine, on=[year, "measure"]), "its nine regions", step, "England"),
              (london.join(halves, on=[year, "measure"]), "Inner and Outer London", step, "London"),
              (by_region, "its councils", printed.councils / 2, None)]
    checked, broken = 0, []
    for pairs, _, part_half, _ in checks:
        pairs = pairs.filter((pl.col("missing") == 0) & pl.col("total").is_not_null())
        checked += pairs.height
        broken.append(pairs.with_columns(tolerance=pl.col("n") * part_half + step + EPSILON)
                      .filter((pl.col("parts") - pl.col("total")).abs() > pl.col("tolerance")))
    if any(b.height for b in broken):  # the first measure (in the caller's order), then England, London, regions
        for measure in measures:
            for rows, (_, what, _, area) in zip(broken, checks, strict=True):
                rows = rows.filter(pl.col("measure") == measure).sort(year, *(["region_code"] if area is None else []))
                if rows.height:
                    r = rows.row(0, named=True)
                    where = f"{area or 'region ' + r['region_name']}, {year} {r[year]}"
                    raise _refuse(file, where, measure, r["total"], r["parts"], f"{what} ({r['n']})",
                                  round(r["tolerance"] - EPSILON, 6))
    return checked
