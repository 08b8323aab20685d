"""The claims ledger's computations for the ratings story (keys ratings.*); they call the computations."""

from __future__ import annotations

from itertools import pairwise

import polars as pl

from ...errors import UserError
from .compute import MEASURES, RATINGS, ratings_table, ratings_table_rounded

from ...claims import register


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
    return float(all(a is not None and b is not None and a < b for a, b in pairwise(values)))
