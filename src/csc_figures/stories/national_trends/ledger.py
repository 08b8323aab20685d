"""The claims ledger's computations for the national figures (keys national.*); they call the computations."""

from __future__ import annotations


import polars as pl

from .compute import change_pct, is_record_high, official_series, previous_years_higher, series, value_in, years_lowest

from ...claims import register, register_evidence


# ---- the claims ledger's computations -----------------------------------------------------------

@register_evidence("national.")
def claim_evidence(key: str, args: dict[str, str]) -> pl.DataFrame:
    """The reported figures a national.* claim uses (a year our files lack), with where they were read from."""
    years = [int(args[k]) for k in ("year", "base_year") if k in args]
    used = series(args["measure"]).filter(pl.col("year").is_in(years) & pl.col("is_reported"))
    return used.select("source_kind", "read_from", "read_from_url")


@register("national.value")
def claim_value(measure: str, year: str) -> float | None:
    """England's figure for a year in today's DfE release."""
    return value_in(official_series(measure), int(year))


@register("national.record")
def claim_record(measure: str, year: str) -> str | None:
    """'record high' if the year beats every earlier year we hold (official, plus reported years)."""
    result = is_record_high(series(measure), int(year))
    return None if result is None else ("record high" if result else "not a record")


@register("national.lowest_in_years")
def claim_lowest_in_years(measure: str, year: str) -> int | None:
    """'Lowest in N years' over every year we hold; None when our years run out before a lower one."""
    return years_lowest(series(measure), int(year))


@register("national.change_pct")
def claim_change_pct(measure: str, year: str, base_year: str) -> float | None:
    """Percentage change between two years (a reported base year when our files lack it)."""
    return change_pct(series(measure), int(year), int(base_year))


@register("national.direction")
def claim_direction(measure: str, year: str, base_year: str) -> str | None:
    """'rose', 'fell' or 'unchanged' from the base year to the year (a reported base year when our files lack it)."""
    df = series(measure)
    new, old = value_in(df, int(year)), value_in(df, int(base_year))
    if new is None or old is None:
        return None
    return "rose" if new > old else "fell" if new < old else "unchanged"


@register("national.lower_than_previous")
def claim_lower_than_previous(measure: str, year: str) -> int | None:
    """How many consecutive earlier years were higher."""
    return previous_years_higher(series(measure), int(year))
