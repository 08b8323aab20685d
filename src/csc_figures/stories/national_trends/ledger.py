"""The claims ledger's computations for the national figures (keys national.*); they call the computations."""

from __future__ import annotations


import polars as pl

from ...claims import Noted, register, register_evidence
from .compute import (change_pct, first_published_row, held_release, is_record_high, official_series,
                      previous_years_higher, revision_words, series, value_in, years_lowest)


# ---- the claims ledger's computations -----------------------------------------------------------

@register_evidence("national.")
def claim_evidence(key: str, args: dict[str, str]) -> pl.DataFrame:
    """The reported figures a national.* claim uses (a year our files lack, or the figure as a release first
    published it), with where they were read from."""
    columns = ["source_kind", "read_from", "read_from_url"]
    if key == "national.first_published":
        row = first_published_row(args["measure"], int(args["year"]), int(args.get("release", args["year"])))
        return pl.DataFrame([{c: row[c] for c in columns}] if row else [], schema={c: pl.String for c in columns})
    years = [int(args[k]) for k in ("year", "base_year") if k in args]
    used = series(args["measure"]).filter(pl.col("year").is_in(years) & pl.col("is_reported"))
    return used.select("source_kind", "read_from", "read_from_url")


@register("national.value")
def claim_value(measure: str, year: str) -> float | None:
    """England's figure for a year in today's DfE release."""
    return value_in(official_series(measure), int(year))


@register("national.first_published")
def claim_first_published(measure: str, year: str, release: str | None = None) -> Noted | None:
    """England's figure for a year as DfE first published it (the year's own release, or `release`), read from
    DfE's page in data/reported; the note says what the release we hold gives now."""
    row = first_published_row(measure, int(year), None if release is None else int(release))
    if row is None:
        return None
    latest = value_in(official_series(measure), int(year))
    if latest is None:
        return Noted(row["value"], f"The data files we hold do not cover {year}.")
    words = revision_words(measure, int(year), latest, held_release(measure))
    return Noted(row["value"], f"Since revised: {words}." if latest != row["value"] else f"Unrevised: {words}.")


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
