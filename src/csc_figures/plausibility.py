"""Is a release's newest year plausible against the years before it? (England, the regions, each council)

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

Councils are judged differently (check_councils, below): a small council's figures swing by a factor of 20
between real years, so each council's newest-year change is set against the distribution of every council's
earlier changes in that measure, and the councils' median change against the earlier years' (many councils
moving together). Their other guards are the identities (identities.py), the sums (sums.py), the contracts'
ranges and the cross-release checks. A measure the release suppresses for every council in its newest year,
though it gave figures in the year before, is refused too: a column emptied by a changed layout.
"""

from __future__ import annotations

import math

import polars as pl

from .errors import DataError
from .exceptions import reviewed

MARGIN = 6.0  # times the largest earlier change (the worst real newest year: 5.5)
MIN_POINTS = 1.0  # a rate may always move a point
MIN_RATIO = math.log(1.25)  # a count may always move by a quarter
LEVELS = ("national", "regional")
_WHERE = ["geographic_level", "region_code"]


def _changes(df: pl.DataFrame, measures: list[str], counts: list[str]) -> pl.DataFrame:
    """England's and the regions' consecutive-year changes in every measure at once: `change` as the absolute
    log ratio for counts (both years above 0), in points for rates."""
    rows = (df.filter(pl.col("geographic_level").is_in(LEVELS))
            .select(*_WHERE, "region_name", "year", *[pl.col(m).cast(pl.Float64) for m in measures])
            .with_columns(pl.col("region_code").fill_null(""))
            .unpivot(index=[*_WHERE, "region_name", "year"], on=measures, variable_name="measure", value_name="value")
            .sort("measure", *_WHERE, "year")
            .with_columns(before=pl.col("value").shift(1).over("measure", *_WHERE),
                          year_before=pl.col("year").shift(1).over("measure", *_WHERE))
            .filter(pl.col("value").is_not_null() & pl.col("before").is_not_null()
                    & (pl.col("year_before") == pl.col("year") - 1)))
    is_count = pl.col("measure").is_in(counts)
    rows = rows.filter(~is_count | ((pl.col("before") > 0) & (pl.col("value") > 0)))
    return rows.with_columns(change=pl.when(is_count).then((pl.col("value") / pl.col("before")).log().abs())
                             .otherwise((pl.col("value") - pl.col("before")).abs()))


def check_newest_year(df: pl.DataFrame, file: str, counts: list[str], rates: list[str]) -> None:
    """DataError naming the row of the newest year whose change is far outside the measure's history."""
    newest = df["year"].max()
    measures = [m for m in (*counts, *rates) if m in df.columns]
    if not measures:
        return
    changes = _changes(df, measures, list(counts))
    # each measure's largest earlier change at each level, and the newest rows beyond it, all in one pass
    limits = (changes.filter(pl.col("year") < newest).group_by("measure", "geographic_level")
              .agg(largest=pl.col("change").max())
              .with_columns(limit=pl.max_horizontal(MARGIN * pl.col("largest"),
                                                    pl.when(pl.col("measure").is_in(counts)).then(MIN_RATIO)
                                                    .otherwise(MIN_POINTS))))
    far: dict[tuple[str, str], list[dict]] = {}
    for r in (changes.filter(pl.col("year") == newest).with_row_index("__order")
              .join(limits, on=["measure", "geographic_level"]).filter(pl.col("change") > pl.col("limit") + 1e-9)
              .sort("__order").iter_rows(named=True)):
        far.setdefault((r["measure"], r["geographic_level"]), []).append(r)
    held = _council_figures(df, measures)
    for measure in measures:  # in the caller's order, each level in turn: the first row at fault is refused
        ratio = measure in counts
        for level in LEVELS:
            if (measure, level) in far:
                rows = far[measure, level]
                r, limit = rows[0], rows[0]["limit"]
                where = "England" if level == "national" else f"region {r['region_name']}"
                moved = (f"{r['value'] / r['before']:.2f} times" if ratio
                         else f"{r['value'] - r['before']:+.1f} points")
                allowed = f"{math.exp(limit):.2f} times" if ratio else f"{limit:.1f} points"
                raise DataError(
                    f"{file}: {where}, {measure!r} {r['before']:g} in {newest - 1} and {r['value']:g} in {newest}: "
                    f"{moved}, beyond anything its earlier years show (at most {allowed}, {MARGIN:g} times the "
                    f"largest earlier change); {len(rows)} such row(s) at that level. A real shock this size "
                    f"needs a reviewed look before it is published")
        check_not_emptied(df, file, measure, newest, held)


def _council_figures(df: pl.DataFrame, measures: list[str]) -> dict[str, dict[int, int]]:
    """measure -> year -> how many councils have a figure."""
    counted = (df.filter(pl.col("geographic_level") == "local_authority")
               .group_by("year").agg(*[pl.col(m).is_not_null().sum() for m in measures]))
    return {m: dict(zip(counted["year"], counted[m], strict=True)) for m in measures}


def check_not_emptied(df: pl.DataFrame, file: str, measure: str, newest: int,
                      held: dict[str, dict[int, int]] | None = None) -> None:
    """DataError when the newest year gives no council a figure for a measure the year before gave."""
    by_year = (held or _council_figures(df, [measure]))[measure]
    if by_year.get(newest - 1, 0) > 0 and by_year.get(newest, 0) == 0:
        raise DataError(f"{file}: column {measure!r} gives no council a figure for {newest} (it gave "
                        f"{by_year[newest - 1]} for {newest - 1}): emptied by a changed layout? Refused")


# ---- councils: the newest year against the distribution of the measure's earlier changes ----------------
#
# Councils' figures swing (a small council's leavers can treble in a real year), so a council's change is
# judged against the spread of every council's earlier year-on-year changes in that measure: counts on a
# square-root scale (2 x (sqrt(new) - sqrt(old)): counts' noise grows with their size), rates and caseloads
# in points. The spread is robust (1.4826 x the median absolute deviation), so one wild year does not widen it.
# Calibrated on every release we hold (workforce 2022-2025, children 2013-2025): councils' newest-year changes
# lie within 12.8 spreads, earlier ones within 46.5 (a small council's ICPC timings). A newest-year change is
# refused beyond SPREADS and beyond BEYOND_HISTORY times the furthest earlier one: a large council's count
# typed ten times too large lies 40 to 90 spreads out. (Smaller slips in one council's count are the sums'
# to catch: sums.py.)
#
# Many councils moving together (a unit or column changed across the file) shows in the councils' median
# change of a count (as a log ratio, a share): it is refused when it lies further from the earlier years'
# middle than SHIFT_TIMES the furthest earlier year's median did, and by more than MIN_SHIFT (a half: x1.5).
# The largest real newest-year shift we hold is 0.35 (2023, the first year of starters); 2022's jump in
# vacancies (0.20) was 7 times the earlier years' furthest and stays under MIN_SHIFT.
#
# A real change this size is accepted by one reviewed row in data/reviewed_exceptions.csv (check 'implausible
# change'; field the measure, value the year; la_code the council, or 'all councils' for a shift), never by
# a code change.
SPREADS = 25.0
BEYOND_HISTORY = 1.5
SHIFT_TIMES = 3.0
MIN_SHIFT = math.log(1.5)
MIN_CHANGES = 50  # fewer earlier changes than this give no distribution to judge by
ALL_COUNCILS = "all councils"
REVIEW = "If it is real, record it in data/reviewed_exceptions.csv (check 'implausible change', la_code {who}, field "\
         "{measure}, value {year}, with why and who)"


def _council_changes(df: pl.DataFrame, measures: list[str], counts: list[str]) -> pl.DataFrame:
    """Every council's consecutive-year changes in every measure at once (one table, a row per council, measure
    and year): `change` on the square-root scale for counts, in points for rates."""
    long = (df.filter(pl.col("geographic_level") == "local_authority")
            .select("la_code", "la_name", "year", *[pl.col(m).cast(pl.Float64) for m in measures])
            .unpivot(index=["la_code", "la_name", "year"], on=measures, variable_name="measure", value_name="value")
            .sort("measure", "la_code", "year")
            .with_columns(before=pl.col("value").shift(1).over("measure", "la_code"),
                          year_before=pl.col("year").shift(1).over("measure", "la_code"))
            .filter(pl.col("value").is_not_null() & pl.col("before").is_not_null()
                    & (pl.col("year_before") == pl.col("year") - 1)))
    return long.with_columns(change=pl.when(pl.col("measure").is_in(counts))
                             .then(2 * (pl.col("value").clip(0).sqrt() - pl.col("before").clip(0).sqrt()))
                             .otherwise(pl.col("value") - pl.col("before")))


def check_councils(df: pl.DataFrame, file: str, counts: list[str], rates: list[str],
                   exceptions: set | None = None) -> int:
    """DataError naming the council (or the councils together) whose newest-year change lies far outside the
    distribution of the measure's earlier changes; otherwise the number of changes judged."""
    exceptions = reviewed("implausible change") if exceptions is None else exceptions
    newest = df["year"].max()
    measures = [m for m in (*counts, *rates) if m in df.columns]
    if not measures:
        return 0
    changes = _council_changes(df, measures, list(counts))
    # each measure's earlier changes: their middle, robust spread and furthest point, all measures in one pass
    deviation = (pl.col("change") - pl.col("change").median()).abs()
    stats = (changes.filter(pl.col("year") < newest).group_by("measure")
             .agg(n=pl.len(), middle=pl.col("change").median(), spread=1.4826 * deviation.median(),
                  deviation=deviation.max())
             .filter((pl.col("n") >= MIN_CHANGES) & (pl.col("spread") > 0))  # else no distribution to judge by
             .with_columns(furthest=pl.col("deviation") / pl.col("spread"))
             .with_columns(limit=pl.max_horizontal(pl.lit(SPREADS), BEYOND_HISTORY * pl.col("furthest"))))
    newest_rows = (changes.filter(pl.col("year") == newest).join(stats, on="measure")
                   .with_columns(spreads=(pl.col("change") - pl.col("middle")).abs() / pl.col("spread")))
    excused = {(field, code) for f, code, field, year in exceptions if (f, year) == (file, str(newest))}
    far = [r for r in newest_rows.filter(pl.col("spreads") > pl.col("limit")).sort("spreads", descending=True)
           .iter_rows(named=True) if (r["measure"], r["la_code"]) not in excused]
    shifts, judged = _shifts(changes, newest), set(stats["measure"])
    for measure in measures:  # in the caller's order: the first measure at fault is the one refused
        if measure not in judged:
            continue
        at_fault = [r for r in far if r["measure"] == measure]
        if at_fault:
            r = at_fault[0]
            raise DataError(
                f"{file}: council {r['la_code']} ({r['la_name']}), {measure!r} {r['before']:g} in {newest - 1} and "
                f"{r['value']:g} in {newest}: {r['spreads']:.0f} times the usual spread of councils' year-on-year "
                f"changes in it (earlier years: at most {r['furthest']:.1f}; the limit is {r['limit']:.1f}); "
                f"{len(at_fault)} such council(s). " + REVIEW.format(who=r["la_code"], measure=measure, year=newest))
        if measure in counts and (measure, ALL_COUNCILS) not in excused:
            _check_shift(shifts.get(measure), file, measure, newest)
    return newest_rows.height


def _shifts(changes: pl.DataFrame, newest: int) -> dict[str, pl.DataFrame]:
    """Each measure's median year-on-year change (a log ratio) across councils, year by year."""
    medians = (changes.filter((pl.col("value") > 0) & (pl.col("before") > 0))
               .group_by("measure", "year").agg(pl.col("value").truediv(pl.col("before")).log().median().alias("shift"),
                                                pl.len().alias("councils")))
    return {key[0]: part for key, part in medians.partition_by("measure", as_dict=True).items()}


def _check_shift(medians: pl.DataFrame | None, file: str, measure: str, newest: int) -> None:
    if medians is None:
        return
    earlier = medians.filter(pl.col("year") < newest)["shift"]
    now = medians.filter(pl.col("year") == newest)
    if earlier.len() < 2 or not now.height:
        return
    middle = float(earlier.median())
    limit = max(SHIFT_TIMES * float((earlier - middle).abs().max()), MIN_SHIFT)
    shift, councils = now.select("shift", "councils").row(0)
    if abs(shift - middle) > limit:
        raise DataError(
            f"{file}: {measure!r} in {newest}: the councils' median change is x{math.exp(shift):.2f} where earlier "
            f"years' lay around x{math.exp(middle):.2f} (allowed: within x{math.exp(limit):.2f} of that): {councils} "
            f"councils moving together, a unit or a column changed across the file? "
            + REVIEW.format(who=f"'{ALL_COUNCILS}'", measure=measure, year=newest))
