"""The claims ledger's computations for reported figures (keys reported.*); they call the computations."""

from __future__ import annotations

import polars as pl

from ...claims import register, register_evidence
from ...errors import UserError
from .compute import COHORTS, ROUTES, cohorts, read, value

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


@register_evidence("reported.")
def claim_evidence(key: str, args: dict[str, str]) -> pl.DataFrame:
    """The rows a reported.* claim reads: their kind of source and where they were read from."""
    df = read(args.get("table", COHORTS))  # the completion-rate computations read the cohorts table
    for column in ("subject", "measure", "period"):
        if column in args:
            df = df.filter(pl.col(column) == args[column])
    if "route" in args:
        df = df.filter(pl.col("subject") == args["route"])
    return df.select("source_kind", "read_from", "read_from_url")


# ---- statements: directions and rankings within one document's figures -------------------------

@register("reported.direction")
def direction(table: str, subject: str, measure: str, start: str, end: str) -> str:
    """'rose', 'fell' or 'unchanged' between two periods of a reported figure."""
    then = value(table, subject, measure, start)
    now = value(table, subject, measure, end)
    return "rose" if now > then else "fell" if now < then else "unchanged"


@register("reported.highest")
def highest(table: str, measure: str, period: str, lowest: str = "no") -> str:
    """The subject with the highest (lowest=yes: lowest) value of a measure in a period; 'tie' if shared."""
    df = read(table).filter((pl.col("measure") == measure) & (pl.col("period") == period))
    if df.height < 2:
        raise UserError(f"data/reported/{table}.csv: fewer than two subjects for {measure} in {period}")
    best = df["value"].min() if lowest == "yes" else df["value"].max()
    hit = df.filter(pl.col("value") == best)["subject"].to_list()
    return hit[0] if len(hit) == 1 else "tie"


@register("reported.lowest_completion")
def lowest_completion() -> str:
    """The fast-track route with the lowest completion rate, each pooled over its three most recent intakes."""
    rates = _pooled_rates()
    return min(rates, key=rates.get)


def _pooled_rates() -> dict[str, float]:
    """Each fast-track route's completion rate pooled over its three most recent intakes."""
    df = cohorts()
    rates = {}
    for route in sorted(df["route"].unique()):
        rows = df.filter(pl.col("route") == route).sort("intake").tail(3)
        rates[route] = rows["graduates"].sum() / rows["starters"].sum()
    return rates


@register("reported.lower_completion_than")
def lower_completion_than(route: str) -> str:
    """The routes whose pooled completion rate is strictly below `route`'s, by name ('Frontline and Think
    Ahead'); 'none' when no route's is."""
    rates = _pooled_rates()
    if route not in rates:
        raise UserError(f"fast-track cohorts: no route {route!r}; the routes are {sorted(rates)}")
    lower = [ROUTES[r] for r in sorted(rates) if rates[r] < rates[route]]
    return " and ".join(lower) if lower else "none"


def claims_by_result() -> pl.DataFrame:
    """The claims ledger's reported.* claims, each recomputed, counted by kind and result."""
    from ...claims import check_claim, load_claims

    mine = load_claims().filter(pl.col("computation").str.starts_with("reported."))
    checked = pl.DataFrame([check_claim(r) | {"kind": r["kind"]} for r in mine.iter_rows(named=True)])
    return checked.group_by("kind", "status").len("claims").sort("kind", "status")
