"""Where each council sits on the hex map of England: one hexagon per council, every council the same size.

The layout is Open Innovations' HexJSON of the 151 upper-tier councils of 2019-20 (data/raw, MIT
licence), found by its publication in data/sources.toml. It is never edited: the councils it does not
hold are placed by one rule, applied to la_geography's reorganisations.

The rule, in order:
1. A council takes the hexagon of any ONS code it has used (North Yorkshire and Somerset kept their
   DfE codes when their ONS codes changed in 2023, as did Buckinghamshire in 2020).
2. Otherwise it takes the hexagon of a council it replaced or that replaced it: the two never exist
   on the same day. Where several councils claim one hexagon (a county split in two, two boroughs
   merged into one), the lowest DfE code takes it and each other claimant takes the nearest hexagon
   the layout leaves empty (fewest steps; ties broken east, north-east, north-west, west, south-west,
   south-east, so the result never depends on row order).
So North Northamptonshire takes Northamptonshire's hexagon and West Northamptonshire the empty one
nearest it; Cumberland takes Cumbria's and Westmorland and Furness the nearest empty one; the former
Dorset county takes the new Dorset's, Poole takes Bournemouth, Christchurch and Poole's and
Bournemouth the nearest empty one. `check` proves that on every day the councils then existing hold
one hexagon each and no two share one.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import cache

import polars as pl

from . import geography, sources, tables
from .errors import DataError


# Odd-r offset neighbours (column, row) for even and odd rows; rows count north, so +1 is north.
# Order: east, north-east, north-west, west, south-west, south-east (the rule's tie-break).
_NEIGHBOURS = {
    0: ((1, 0), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1)),
    1: ((1, 0), (1, 1), (0, 1), (-1, 0), (0, -1), (1, -1)),
}


def layout_source() -> sources.Source:
    """The manifest entry of the hex layout (found by its role, never by a file name)."""
    return sources.one("hex_layout")


def parse_layout(text: str, where: str) -> pl.DataFrame:
    """The HexJSON's hexagons as ons_code, name, q, r; DataError naming the file and hexagon at fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(f"{where}: not valid JSON ({err})") from None
    if not isinstance(data, dict) or data.get("layout") != "odd-r" or not isinstance(data.get("hexes"), dict):
        raise DataError(f"{where}: expected a HexJSON object with layout 'odd-r' and a 'hexes' object")
    rows = []
    for code, hexagon in data["hexes"].items():
        q, r = hexagon.get("q"), hexagon.get("r")
        if not (isinstance(q, int) and isinstance(r, int)) or isinstance(q, bool) or isinstance(r, bool):
            raise DataError(f"{where}: hexagon {code!r} has no whole-number q and r ({q!r}, {r!r})")
        if not (isinstance(code, str) and len(code) == 9 and code.startswith("E") and code[1:].isdigit()):
            raise DataError(f"{where}: hexagon key {code!r} is not an English ONS area code")
        rows.append({"ons_code": code, "name": str(hexagon.get("n") or hexagon.get("name") or ""), "q": q, "r": r})
    layout = pl.DataFrame(rows, schema={"ons_code": pl.String, "name": pl.String, "q": pl.Int64, "r": pl.Int64})
    shared = layout.filter(pl.struct("q", "r").is_duplicated())
    if shared.height:
        raise DataError(f"{where}: hexagons share a position: " + ", ".join(
            f"{c} ({q}, {r})" for c, q, r in shared.select("ons_code", "q", "r").rows()))
    return layout.sort("ons_code")


@cache
def layout() -> pl.DataFrame:
    """The hex layout as published (hash-checked against the manifest)."""
    source = layout_source()
    path = sources.raw_path(source.name)
    return parse_layout(path.read_text(encoding="utf-8"), source.name)


def _step(q: int, r: int, direction: int) -> tuple[int, int]:
    dq, dr = _NEIGHBOURS[r % 2][direction]
    return q + dq, r + dr


def nearest_empty(q: int, r: int, taken: set[tuple[int, int]]) -> tuple[int, int]:
    """The empty hexagon fewest steps from (q, r); ties go to the first found in the rule's direction order."""
    seen, frontier = {(q, r)}, [(q, r)]
    while frontier:
        following = []
        for cq, cr in frontier:
            for direction in range(6):
                cell = _step(cq, cr, direction)
                if cell in seen:
                    continue
                if cell not in taken:
                    return cell
                seen.add(cell)
                following.append(cell)
        frontier = following
    raise DataError("the hex layout has no empty hexagon left")  # unreachable on an unbounded grid


def place(geo: pl.DataFrame, hexes: pl.DataFrame) -> pl.DataFrame:
    """Every council in la_geography with its hexagon: la_code, ons_code, la_name, region, q, r, placed_by."""
    by_ons = {code: (q, r) for code, q, r in hexes.select("ons_code", "q", "r").rows()}
    councils = geo.sort("la_code").to_dicts()
    placed: dict[str, tuple[int, int]] = {}
    how: dict[str, str] = {}
    for council in councils:  # rule 1: any ONS code the council has used
        for code in [council["ons_code"], *sorted(council["ons_codes"] or [])]:
            if code in by_ons:
                placed[council["la_code"]] = by_ons[code]
                how[council["la_code"]] = "layout" if code == council["ons_code"] else f"layout, as {code}"
                break
    names = {c["la_code"]: c["la_name"] for c in councils}
    claims: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for council in councils:  # rule 2: a council it replaced or that replaced it
        code = council["la_code"]
        if code in placed:
            continue
        related = sorted({*(council["predecessor_codes"] or []), *(council["successor_codes"] or [])})
        holders = [c for c in related if c in placed]
        if not holders:
            raise DataError(f"hex map: {council['la_name']} ({code}, {council['ons_code']}) is not in the layout "
                            f"and replaced or was replaced by no council that is; {layout_source().name} needs it")
        claims.setdefault(placed[holders[0]], []).append((code, holders[0]))
    taken = set(by_ons.values())
    for cell, claimants in sorted(claims.items()):
        for i, (code, holder) in enumerate(sorted(claimants)):
            if i == 0:
                placed[code], how[code] = cell, f"the hexagon of {names[holder]} ({holder})"
            else:
                placed[code] = nearest_empty(*cell, taken)
                how[code] = f"the empty hexagon nearest {names[holder]} ({holder})"
            taken.add(placed[code])
    out = geo.select("la_code", "ons_code", "la_name", "region", "start_date", "end_date").sort("la_code")
    return out.with_columns(
        q=pl.Series([placed[c][0] for c in out["la_code"]], dtype=pl.Int64),
        r=pl.Series([placed[c][1] for c in out["la_code"]], dtype=pl.Int64),
        placed_by=pl.Series([how[c] for c in out["la_code"]], dtype=pl.String),
    )


def check(positions: pl.DataFrame) -> None:
    """On every day a council starts or ends, those existing hold one hexagon each and no two share one."""
    days = {dt.date(2000, 1, 1)}
    days |= {d for d in positions["start_date"].drop_nulls()}
    days |= {d + dt.timedelta(days=1) for d in positions["end_date"].drop_nulls()}
    for day in sorted(days):
        now = positions.filter(geography.exists_on(day))
        shared = now.filter(pl.struct("q", "r").is_duplicated())
        if shared.height:
            raise DataError(f"hex map: on {day.isoformat()} " + ", ".join(
                f"{n} ({c})" for c, n in shared.select("la_code", "la_name").rows()) + " share a hexagon")


def positions(geo: pl.DataFrame | None = None, placed: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every council's hexagon (checked), with its centre: x = q + 1/2 on odd rows, y = r * sqrt(3)/2.
    `placed`: the councils already placed (the check phase's hex_layout table), else placed here."""
    if placed is None:
        placed = place(tables.read("la_geography") if geo is None else geo, layout())
    check(placed)
    return placed.with_columns(
        x=pl.col("q").cast(pl.Float64) + 0.5 * (pl.col("r") % 2).cast(pl.Float64),
        y=pl.col("r").cast(pl.Float64) * (math.sqrt(3) / 2),
    )


def on(day: dt.date, geo: pl.DataFrame | None = None, placed: pl.DataFrame | None = None) -> pl.DataFrame:
    """The councils that existed on `day`, with their hexagons."""
    return positions(geo, placed).filter(geography.exists_on(day)).drop("start_date", "end_date")
