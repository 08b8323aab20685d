"""Is a release's newest year plausible against the years before it? (England and the regions)

Cross-release checks (releases.py) compare the years two releases share, so the newest year of a release
is compared with nothing there. Here each release's newest year is judged against that release's own
history, per measure and level (England, regions): a year-on-year change far larger than any change the
measure shows in the earlier years is refused, naming the file, the row, the year and both values. Counts are
compared as ratios (log scale: a doubling and a halving weigh the same), rates and caseloads in points.

How far is too far, measured on the four releases we hold (2022-2025): the largest newest-year change is
5.5 times the largest earlier change of the same measure and level (England's vacancy rate in 2022, up 3.3
points after years of moves under 0.6: the post-pandemic jump, real). So the limit is MARGIN = 6 times the
largest earlier change, with a floor (MIN_POINTS, MIN_RATIO) for measures that barely moved before. England's
FTE or a region's headcount typed ten times too large (a ratio of 10 where earlier years moved by at most
1.1) is refused; a real shock like 2022's is not. The margin is wide for rates: a region's agency rate would
have to move 25 points (six times the 4.2 its earlier years show) to be refused, so this check catches
slips of scale and emptied columns, not a plausible-looking wrong rate (the identities catch those in
councils' rows).

Councils are not judged this way: a small council's figures swing by a factor of 20 between real years, so
their guards are the identities (identities.py: each rate against its counts, FTE against headcount), the
contracts' ranges and the cross-release checks. A measure the release suppresses for every council in its
newest year, though it gave figures in the year before, is refused too: a column emptied by a changed layout.
"""

from __future__ import annotations

import math

import polars as pl

from .errors import DataError

MARGIN = 6.0  # times the largest earlier change (the worst real newest year: 5.5)
MIN_POINTS = 1.0  # a rate may always move a point
MIN_RATIO = math.log(1.25)  # a count may always move by a quarter
LEVELS = ("national", "regional")
_WHERE = ["geographic_level", "region_code"]


def _changes(df: pl.DataFrame, measure: str, ratio: bool) -> pl.DataFrame:
    rows = (df.filter(pl.col("geographic_level").is_in(LEVELS))
            .select(*_WHERE, "region_name", "year", measure)
            .with_columns(pl.col("region_code").fill_null(""))
            .sort(*_WHERE, "year")
            .with_columns(before=pl.col(measure).shift(1).over(_WHERE), year_before=pl.col("year").shift(1).over(_WHERE))
            .filter(pl.col(measure).is_not_null() & pl.col("before").is_not_null()
                    & (pl.col("year_before") == pl.col("year") - 1)))
    if ratio:
        rows = rows.filter((pl.col("before") > 0) & (pl.col(measure) > 0))
        return rows.with_columns(change=(pl.col(measure) / pl.col("before")).log().abs())
    return rows.with_columns(change=(pl.col(measure) - pl.col("before")).abs())


def check_newest_year(df: pl.DataFrame, file: str, counts: list[str], rates: list[str]) -> None:
    """DataError naming the row of the newest year whose change is far outside the measure's history."""
    newest = df["year"].max()
    for measure, ratio in [*((m, True) for m in counts), *((m, False) for m in rates)]:
        if measure not in df.columns:
            continue
        changes = _changes(df, measure, ratio)
        for level in LEVELS:
            at_level = changes.filter(pl.col("geographic_level") == level)
            history = at_level.filter(pl.col("year") < newest)["change"]
            if history.len() == 0:
                continue
            limit = max(MARGIN * float(history.max()), MIN_RATIO if ratio else MIN_POINTS)
            far = at_level.filter((pl.col("year") == newest) & (pl.col("change") > limit + 1e-9))
            if far.height:
                r = far.row(0, named=True)
                where = "England" if level == "national" else f"region {r['region_name']}"
                moved = (f"{r[measure] / r['before']:.2f} times" if ratio
                         else f"{r[measure] - r['before']:+.1f} points")
                allowed = f"{math.exp(limit):.2f} times" if ratio else f"{limit:.1f} points"
                raise DataError(
                    f"{file}: {where}, {measure!r} {r['before']:g} in {newest - 1} and {r[measure]:g} in {newest}: "
                    f"{moved}, beyond anything its earlier years show (at most {allowed}, {MARGIN:g} times the "
                    f"largest earlier change); {far.height} such row(s) at that level. A real shock this size "
                    f"needs a reviewed look before it is published")
        check_not_emptied(df, file, measure, newest)


def check_not_emptied(df: pl.DataFrame, file: str, measure: str, newest: int) -> None:
    """DataError when the newest year gives no council a figure for a measure the year before gave."""
    councils = df.filter(pl.col("geographic_level") == "local_authority")
    held = councils.group_by("year").agg(pl.col(measure).is_not_null().sum().alias("n"))
    by_year = dict(held.iter_rows())
    if by_year.get(newest - 1, 0) > 0 and by_year.get(newest, 0) == 0:
        raise DataError(f"{file}: column {measure!r} gives no council a figure for {newest} (it gave "
                        f"{by_year[newest - 1]} for {newest - 1}): emptied by a changed layout? Refused")
