"""The claims ledger's computations for reported figures (keys reported.*); they call the computations."""

from __future__ import annotations

import polars as pl

from ...claims import register
from ...errors import UserError
from .compute import cohorts, value

register("reported.value")(value)  # the one figure, as compute reads it


@register("reported.completion_rate")
def completion_rate(route: str, intake: str) -> float:
    """Graduates over starters for one intake, or pooled over several (comma-separated)."""
    intakes = [i.strip() for i in intake.split(",")]
    df = cohorts().filter((pl.col("route") == route) & pl.col("intake").is_in(intakes))
    if df.height != len(intakes):
        have = cohorts().filter(pl.col("route") == route)["intake"].to_list()
        raise UserError(f"fast-track cohorts: route {route!r} has intakes {have}, not all of {intakes}")
    return df["graduates"].sum() / df["starters"].sum() * 100
