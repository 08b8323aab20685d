"""A workforce figure checked against what constrains it: each council's rates against their counts and bases,
and its full-time equivalent against its headcount.

DfE publishes a rate beside the counts it is computed from, all rounded: FTE figures to one decimal
place (so each is within 0.05 of the true value), headcounts and cases as whole numbers, rates to one
decimal place. A published rate that cannot come from its published counts, even allowing for that
rounding, is refused naming the file, line, council and figure: it is a typo, a shifted column or a
counts-and-rates mix-up, and would otherwise be published.

Council rows only: DfE's regional rates differ from their own published counts by up to 1.4 points in
a few years (regions' leavers and FTE are not the councils' sums as published), so regions and England are
left to the cross-release checks.

Full-time equivalents against heads: a council's FTE social workers in post lie between 0.71 and 1.15 times
their headcount in every release we hold (2017-2025; above 1 where staff work more than full-time hours), so
a council with at least 10 staff outside half to one and a half times is refused: an FTE or a headcount
typed ten times too large or small, or the two columns swapped with another measure, lands there.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .errors import DataError

FTE_STEP = 0.05  # an FTE printed to one decimal place is within this of its true value
RATE_STEP = 0.05  # as is a rate printed to one decimal place
EPSILON = 1e-9  # an exact half (18.75 printed as 18.8) is within the rounding, not beyond it


@dataclass(frozen=True)
class Identity:
    rate: str  # the published rate
    part: str  # the count it is a share of
    rest: str | None  # with `part`, the base: part / (part + rest); None: the base is `base`
    base: str | None
    scale: float  # 100 for a percentage, 1 for a ratio (caseload)
    part_step: float  # rounding of the published count
    base_step: float

    def words(self) -> str:
        whole = f"({self.part} + {self.rest})" if self.rest else self.base
        return f"{self.rate} = {'100 x ' if self.scale == 100 else ''}{self.part} / {whole}"


IDENTITIES = (
    Identity("turnover_rate", "leavers", None, "fte", 100, FTE_STEP, FTE_STEP),
    Identity("vacancy_rate", "vacancies", "fte", None, 100, FTE_STEP, 2 * FTE_STEP),
    Identity("agency_rate", "agency_fte", "fte", None, 100, FTE_STEP, 2 * FTE_STEP),
    Identity("caseload", "cases", None, "case_holders", 1, 0.0, FTE_STEP),
    Identity("turnover_rate_headcount", "leavers_headcount", None, "headcount", 100, 0.0, 0.0),
)


def recomputed(identity: Identity) -> tuple[pl.Expr, pl.Expr]:
    """The rate from its counts, and how far rounding alone can move it (first-order, plus the rate's own)."""
    part = pl.col(identity.part)
    base = part + pl.col(identity.rest) if identity.rest else pl.col(identity.base)
    value = identity.scale * part / base
    spread = identity.scale * (identity.part_step / base + part * identity.base_step / (base * base))
    return value, spread + RATE_STEP + EPSILON


def check(df: pl.DataFrame, source: str, first_line: int = 2) -> None:
    """DataError naming the file, line, council and figures of the first council row that breaks an identity."""
    rows = df.with_row_index("__line", offset=first_line).filter(pl.col("geographic_level") == "local_authority")
    for identity in IDENTITIES:
        value, tolerance = recomputed(identity)
        needed = [identity.rate, identity.part, identity.rest or identity.base]
        broken = (rows.drop_nulls(needed)
                  .with_columns(__value=value, __tolerance=tolerance)
                  .filter(pl.col("__value").is_finite() & ((pl.col(identity.rate) - pl.col("__value")).abs()
                                                           > pl.col("__tolerance"))))
        if broken.height:
            r = broken.row(0, named=True)
            raise DataError(
                f"{source}: line {r['__line']}, council {r['la_code']} ({r['la_name']}), year {r['year']}: "
                f"{identity.rate!r} is published as {r[identity.rate]:g} but its counts give {r['__value']:.2f} "
                f"({identity.words()}; rounding allows {r['__tolerance']:.2f}); {broken.height} such row(s)")

FTE_PER_HEAD = (0.5, 1.5)  # DfE's councils: 0.71 to 1.15 in every release 2017-2025
MIN_HEADS = 10  # below this one part-timer moves the ratio too far to judge


def check_staff(df: pl.DataFrame, source: str, first_line: int = 2) -> None:
    """DataError naming the file, line, council and figures of a council whose FTE cannot go with its headcount."""
    low, high = FTE_PER_HEAD
    rows = (df.with_row_index("__line", offset=first_line)
            .filter(pl.col("geographic_level") == "local_authority")
            .drop_nulls(["fte", "headcount"]).filter(pl.col("headcount") >= MIN_HEADS)
            .with_columns(__ratio=pl.col("fte") / pl.col("headcount"))
            .filter((pl.col("__ratio") < low) | (pl.col("__ratio") > high)))
    if rows.height:
        r = rows.row(0, named=True)
        raise DataError(
            f"{source}: line {r['__line']}, council {r['la_code']} ({r['la_name']}), year {r['year']}: 'fte' "
            f"{r['fte']:g} is {r['__ratio']:.2f} times 'headcount' {r['headcount']:g}; councils' FTE lies between "
            f"{low:g} and {high:g} times their headcount; {rows.height} such row(s)")


# Children looked after: each rate per 10,000 against its count and the population under 18, at every level.
# DfE prints the rates as whole numbers, councils' counts exactly and England's and the regions' to the nearest
# 10; measured on the release we hold, every rate is within 0.53 of its counts (at most 0.5 for councils).
PER_10000 = {"looked_after_rate": "looked_after", "starting_rate": "starting", "ceasing_rate": "ceasing"}
AREA_COUNT_STEP = {"local_authority": 0.0, "regional": 10.0, "national": 10.0}


def _area(r: dict) -> str:
    """A row's area as a refusal names it: 'council 816 (York)', 'England', 'region North East'."""
    if r["geographic_level"] == "local_authority":
        return f"council {r['la_code']} ({r['la_name']})"
    return "England" if r["geographic_level"] == "national" else f"region {r['region_name']}"


def check_per_10000(df: pl.DataFrame, source: str) -> int:
    """DataError naming the file, year, area and figures of a rate its count and population cannot give;
    otherwise the number of rates checked."""
    step = pl.col("geographic_level").replace_strict(AREA_COUNT_STEP, return_dtype=pl.Float64)
    checked = 0
    for rate, count in PER_10000.items():
        rows = (df.drop_nulls([rate, count, "population_under_18"]).filter(pl.col("population_under_18") > 0)
                .with_columns(__value=10_000 * pl.col(count) / pl.col("population_under_18"),
                              __tolerance=0.5 + 10_000 * step / 2 / pl.col("population_under_18") + EPSILON))
        checked += rows.height
        broken = rows.filter((pl.col(rate) - pl.col("__value")).abs() > pl.col("__tolerance"))
        if broken.height:
            r = broken.row(0, named=True)
            where = _area(r)
            raise DataError(
                f"{source}: {where}, year {r['year']}: {rate!r} is published as {r[rate]:g} but {count!r} "
                f"{r[count]:g} per 10,000 of 'population_under_18' {r['population_under_18']:g} gives "
                f"{r['__value']:.2f} (rounding allows {r['__tolerance']:.2f}); {broken.height} such row(s)")
    return checked


# Children looked after: the stock at 31 March against last year's stock plus the children starting minus those
# ceasing. It does not close exactly (a child who starts and ceases twice in a year counts once in each flow),
# and always the same way: on the release we hold the stock grows by 420-440 more than the flows say for
# England, 20-100 for a region, -2 to +25 for a council. Allowed: from -STOCK_FLOW_BELOW to the larger of
# STOCK_FLOW_SHARE of the stock and STOCK_FLOW_ABOVE, plus the printed rounding of the four figures. A flow
# typed 3% high for England (about 1,000 children) or doubled for a council falls outside.
STOCK_FLOW_BELOW, STOCK_FLOW_ABOVE, STOCK_FLOW_SHARE = 5.0, 30.0, 0.02


def check_stock_flow(df: pl.DataFrame, source: str) -> int:
    """DataError naming the file, year and area whose stock cannot follow from last year's and the flows;
    otherwise the number of years checked."""
    step = pl.col("geographic_level").replace_strict(AREA_COUNT_STEP, return_dtype=pl.Float64)
    rows = (df.sort("geographic_level", "region_code", "la_code", "year")
            .with_columns(before=pl.col("looked_after").shift(1).over("geographic_level", "region_code", "la_code"),
                          year_before=pl.col("year").shift(1).over("geographic_level", "region_code", "la_code"))
            .filter(pl.col("year_before") == pl.col("year") - 1)
            .drop_nulls(["looked_after", "before", "starting", "ceasing"])
            .with_columns(gap=pl.col("looked_after") - pl.col("before") - (pl.col("starting") - pl.col("ceasing")),
                          rounding=2 * step + EPSILON)
            .with_columns(low=-STOCK_FLOW_BELOW - pl.col("rounding"),
                          high=pl.max_horizontal(STOCK_FLOW_SHARE * pl.col("looked_after"), pl.lit(STOCK_FLOW_ABOVE))
                          + pl.col("rounding")))
    broken = rows.filter((pl.col("gap") < pl.col("low")) | (pl.col("gap") > pl.col("high")))
    if broken.height:
        r = broken.sort("year").row(0, named=True)
        where = _area(r)
        raise DataError(
            f"{source}: {where}, year {r['year']}: {r['looked_after']:g} looked after at 31 March, but "
            f"{r['before']:g} a year earlier + {r['starting']:g} starting - {r['ceasing']:g} ceasing gives "
            f"{r['before'] + r['starting'] - r['ceasing']:g} (a gap of {r['gap']:+g} where real years allow "
            f"{r['low']:+.0f} to {r['high']:+.0f}); a flow or the stock typed wrong? {broken.height} such row(s)")
    return rows.height
