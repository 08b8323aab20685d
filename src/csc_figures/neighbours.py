"""DfE's statistical neighbours: each council's ten closest councils, read from the published wide file
(and the neighbour file's spellings of council names, which `geography` adds to `la_names`)."""

from __future__ import annotations

import polars as pl

from . import steps, tables
from .errors import DataError
from .sources import raw_path

[NEIGHBOURS_FILE] = steps.NEIGHBOURS

STATISTICAL_NEIGHBOURS = tables.declare(tables.TableSpec(
    "statistical_neighbours",
    "DfE's statistical neighbour groupings (April 2021): each council's ten closest councils.",
    {
        "la_code": "DfE code of the council",
        "neighbour_code": "DfE code of the neighbour",
        "rank": "1 (closest) to 10",
        "closeness": "DfE's wording, as published (e.g. 'Very Close')",
        "pre_reorganisation": "true for the file's 'Old SNs' block (councils since abolished)",
    },
    key=("la_code", "rank"),
    ranges={"rank": (1, 10)},
    patterns={"la_code": r"^\d{3}$", "neighbour_code": r"^\d{3}$"},
    required=("la_code", "neighbour_code", "rank"),
    rules=(tables.Rule("a council is not its own neighbour", pl.col("la_code") != pl.col("neighbour_code"),
                       ("la_code", "neighbour_code")),),
    inputs=(NEIGHBOURS_FILE,),
))


def read_neighbours_raw() -> pl.DataFrame:
    return pl.read_csv(raw_path(NEIGHBOURS_FILE), has_header=False, infer_schema=False,
                       encoding="utf8-lossy", truncate_ragged_lines=True)


def parse_neighbours(raw: pl.DataFrame, source: str = NEIGHBOURS_FILE) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Long table of neighbours from the published wide file, plus the rows set aside with reasons.

    The header must read LA num, LA Name, LA number, GOInd, GOReg, then SN1, SNP ... SN10, SNP.
    """
    header = [(v or "").lstrip("\ufeff").strip() for v in raw.row(0)]
    expected = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"]
    for i in range(1, 11):
        expected += [f"SN{i}", "SNP"]
    if header[: len(expected)] != expected:
        diff = [(i, want, got) for i, (want, got) in enumerate(zip(expected, header, strict=False)) if want != got]
        raise DataError(f"{source}: header differs from the expected layout at "
                        f"{[(f'column {i + 1}', f'expected {w!r}', f'found {g!r}') for i, w, g in diff[:3]]}")
    body = raw.slice(1).select(raw.columns[: len(expected)])
    body.columns = [f"c{i}" for i in range(len(expected))]
    body = body.with_row_index("row", offset=2)
    old_block_start = body.filter(pl.col("c1").str.strip_chars().str.to_lowercase() == "old sns:")["row"]
    old_from = old_block_start[0] if old_block_start.len() else None
    is_council = pl.col("c0").str.contains(r"^\d{3}$").fill_null(False)
    blank = pl.all_horizontal(pl.exclude("row").is_null() | (pl.exclude("row").str.strip_chars() == ""))
    excluded = body.filter(~is_council).select(
        "row", pl.col("c1").alias("text"),
        pl.when(blank).then(pl.lit("blank row")).otherwise(pl.lit("section label")).alias("reason"))
    other = excluded.filter((pl.col("reason") == "section label") & (pl.col("text").str.to_lowercase() != "old sns:"))
    if other.height:
        raise DataError(f"{source}: row {other['row'][0]} is neither a council (three-digit code in "
                        f"column 1) nor blank nor the 'Old SNs:' label: {other['text'][0]!r}")
    councils = body.filter(is_council)
    mismatch = councils.filter(pl.col("c0") != pl.col("c2"))
    if mismatch.height:
        raise DataError(f"{source}: row {mismatch['row'][0]}: 'LA num' {mismatch['c0'][0]} differs from "
                        f"'LA number' {mismatch['c2'][0]}")
    long = pl.concat([
        councils.select(
            pl.col("c0").alias("la_code"),
            pl.col(f"c{5 + 2 * (rank - 1)}").str.strip_chars().alias("neighbour_code"),
            pl.lit(rank, dtype=pl.Int8).alias("rank"),
            pl.col(f"c{6 + 2 * (rank - 1)}").str.strip_chars().alias("closeness"),
            (pl.lit(old_from is not None) & (pl.col("row") > (old_from or 0))).alias("pre_reorganisation"),
            "row",
        ) for rank in range(1, 11)
    ])
    bad = long.filter(~pl.col("neighbour_code").str.contains(r"^\d{3}$").fill_null(False))
    if bad.height:
        raise DataError(f"{source}: row {bad['row'][0]}, SN{bad['rank'][0]}: "
                        f"{bad['neighbour_code'][0]!r} is not a DfE code")
    tables.assert_accounted(body.height, councils.height, excluded.height, f"{source}: rows")
    return long.drop("row").sort("la_code", "rank"), excluded


def neighbour_names(raw: pl.DataFrame, source: str = NEIGHBOURS_FILE) -> pl.DataFrame:
    body = raw.slice(1).select(raw.columns[:2])
    body.columns = ["la_code", "name_variant"]
    return body.filter(pl.col("la_code").str.contains(r"^\d{3}$").fill_null(False)).with_columns(
        source=pl.lit(source))


def build_statistical_neighbours(geo: pl.DataFrame, raw: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The neighbours from the file as read (`raw`, read here if not given), every council known to `geo`."""
    long, excluded = parse_neighbours(read_neighbours_raw() if raw is None else raw)
    known = set(geo["la_code"])
    unknown = sorted((set(long["la_code"]) | set(long["neighbour_code"])) - known)
    if unknown:
        raise DataError(f"{NEIGHBOURS_FILE}: DfE code(s) {unknown} are in no DfE file")
    return long.select(list(STATISTICAL_NEIGHBOURS.columns)), excluded
