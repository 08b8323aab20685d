"""The claims ledger's computations for the ratings story (keys ratings.*); they call the computations."""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

import polars as pl

from ...dates import as_date
from ...errors import UserError
from .compute import MEASURES, RATINGS, build, ratings_table, ratings_table_rounded
from .reproduce import robustness

from ...claims import register


# ---- claims ledger computations -------------------------------------------------------------------

@lru_cache(maxsize=64)  # the ledger asks for the same few tables many times (and once per release)
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
    return float(all(a is not None and b is not None and a < b for a, b in pairwise(values)))


# ---- statements: comparisons between groups, years and editions ------------------------------------

def _groups(as_of: str, year: str, vintage: str | None, base_year: str | None = None) -> dict[str, dict]:
    """The ratings table as the article rounds it, by rating (the four judgements and england)."""
    table = _claim_table(as_of, year, vintage, base_year)
    return {r["rating"]: r for r in ratings_table_rounded(table).iter_rows(named=True)}


def _groups_named(*ratings: str) -> None:
    """A UserError unless each is a judgement group or england."""
    for rating in ratings:
        if rating not in (*RATINGS, "england"):
            raise UserError(f"rating: {rating!r} is not one of {', '.join(RATINGS)} or england")


def _measure(measure: str) -> str:
    if measure not in MEASURES:
        raise UserError(f"measure: {measure!r} is not one of {', '.join(MEASURES)}")
    return measure


@register("ratings.largest_change")
def largest_change(measure: str, year: str, base_year: str, as_of: str, vintage: str | None = None) -> str:
    """The judgement whose group average rose most (or fell least) from base_year; 'tie' if shared."""
    rows = _groups(as_of, year, vintage, base_year)
    changes = {r: rows[r][f"{_measure(measure)}_change"] for r in RATINGS}
    top = max(changes.values())
    winners = [r for r, c in changes.items() if c == top]
    return winners[0] if len(winners) == 1 else "tie"


@register("ratings.relationship")
def relationship(measure: str, year: str, as_of: str, vintage: str | None = None) -> str:
    """'clear' when the inadequate-outstanding gap's bootstrap interval excludes 0 and Spearman's rho > 0."""
    _, councils = build(as_of, int(year), None, None if vintage in (None, "") else int(vintage))
    row = robustness(councils).filter(pl.col("measure") == _measure(measure)).row(0, named=True)
    return "clear" if row["clear"] else "not clear"


@register("ratings.gap")
def gap(measure: str, year: str, as_of: str, higher: str, lower: str, vintage: str | None = None,
        base_year: str | None = None) -> float:
    """Group `higher`'s average minus group `lower`'s (points); with base_year, how much that gap changed."""
    _groups_named(higher, lower)
    rows = _groups(as_of, year, vintage, base_year)
    m = _measure(measure)
    now = rows[higher][m] - rows[lower][m]
    return now if base_year is None else now - (rows[higher][f"{m}_base"] - rows[lower][f"{m}_base"])


@register("ratings.against_trend")
def against_trend(measure: str, rating: str, direction: str, year: str, base_year: str, as_of: str,
                  vintage: str | None = None) -> str:
    """'true' when a group's average moved in `direction` ('down' or 'up') from base_year to year while
    England's moved the other way: bucking the national trend is both, not a narrower gap to England."""
    if direction not in ("down", "up"):
        raise UserError(f"direction: {direction!r} is not 'down' or 'up'")
    if rating not in RATINGS:
        raise UserError(f"rating: {rating!r} is not one of {', '.join(RATINGS)}")
    rows = _groups(as_of, year, vintage, base_year)
    sign = -1 if direction == "down" else 1
    group, england = (rows[r][f"{_measure(measure)}_change"] for r in (rating, "england"))
    return str(sign * group > 0 and sign * england < 0).lower()


@register("ratings.converged")
def converged(measure: str, higher: str, lower: str, within: str, year: str, base_year: str, as_of: str,
              vintage: str | None = None) -> str:
    """'true' when two groups (or a group and england) ended within `within` points of each other and
    closer than in base_year: coalescing is moving together, not only ending near."""
    _groups_named(higher, lower)
    rows = _groups(as_of, year, vintage, base_year)
    m = _measure(measure)
    now = abs(rows[higher][m] - rows[lower][m])
    then = abs(rows[higher][f"{m}_base"] - rows[lower][f"{m}_base"])
    return str(now <= float(within) and now < then).lower()


@register("ratings.biggest_divide")
def biggest_divide(year: str, as_of: str, vintage: str | None = None) -> str:
    """The measure on which inadequate councils' average is the largest multiple of outstanding ones'."""
    rows = _groups(as_of, year, vintage)
    ratios = {m: rows["inadequate"][m] / rows["outstanding"][m] for m in MEASURES}
    return max(ratios, key=ratios.get)


@register("ratings.group_count")
def group_count(rating: str, year: str, as_of: str, vintage: str | None = None,
                published_after: str | None = None) -> int:
    """The story's count of authorities holding a judgement: workforce returns (a joint return counts once).

    With published_after: those of them whose judgement was published after that date.
    """
    _, councils = build(as_of, int(year), None, None if vintage in (None, "") else int(vintage))
    held = councils.filter((pl.col("status") == "included") & (pl.col("judgement") == rating))
    if published_after is not None:
        held = held.filter(pl.col("published") > as_date(published_after, "published_after"))
    return held.height
