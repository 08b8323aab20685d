"""DfE's open-data CSV layout, read and checked in one place.

Every DfE statistics file we use (workforce, children in need, section 47, looked-after
children) starts with the same identifier columns. `read` returns a file as text columns with
its header checked; `check_identifiers` checks each identifier cell row by row, so a header
row repeated inside the data or a mangled code is refused naming file, column and row.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from . import once
from .errors import DataError
from .missing import check_text_column

ID_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name",
              "region_code", "region_name", "old_la_code", "new_la_code", "la_name")
GEOGRAPHIC_LEVELS = {"National": "national", "Regional": "regional", "Local authority": "local_authority"}
# time_period: a reporting year (2021) or, in the children's files, a span written 202021.
PERIODS = {"year": (r"^\d{4}$", "a four-digit reporting year"),
           "year_or_span": (r"^(\d{4}|\d{6})$", "a year such as 2021 or 202021")}


def read(path: Path, source: str | None = None, columns: list[str] | None = None) -> pl.DataFrame:
    """A DfE CSV as text columns (BOM stripped); with `columns`, its header must be exactly those (any order)."""
    source = source or Path(path).name
    # read once per process (geography takes every file's codes, its own step the figures)
    df = once.read(path, lambda: _read(path, source), source).clone()
    if columns is not None:
        check_header(df.columns, list(columns), source)
    return df


def _read(path: Path, source: str) -> pl.DataFrame:
    check_row_lengths(path, source)
    df = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    df = df.rename({c: c.lstrip("\ufeff").strip() for c in df.columns})  # some releases start with a BOM
    return df.with_columns(pl.all().str.strip_chars())  # 'York ' is York: no name keeps a stray space


def check_row_lengths(path: Path, source: str) -> None:
    """Every row has as many fields as the header: a row cut short would be padded with nulls and read as
    missing (or revised) figures, a longer one would shift its values into other columns."""
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        rows = csv.reader(f)
        header = next(rows, [])
        for number, row in enumerate(rows, start=2):
            if row and len(row) != len(header):
                raise DataError(f"{source}: row {number} has {len(row)} fields where the header has {len(header)} "
                                f"(a row cut short or a stray separator): {','.join(row)[:80]!r}")


def check_header(found: list[str], expected: list[str], source: str) -> None:
    """DataError naming the file and column if the header is not exactly `expected`."""
    unknown = [c for c in found if c not in expected]
    if unknown:
        raise DataError(f"{source}: unknown column {unknown[0]!r} (not in the mapping for this release: "
                        f"renamed or new? {len(unknown)} unknown: {unknown})")
    missing = [c for c in expected if c not in found]
    if missing:
        raise DataError(f"{source}: expected column {missing[0]!r} is missing ({len(missing)} missing: {missing})")
    dupes = sorted({c for c in found if found.count(c) > 1})
    if dupes:
        raise DataError(f"{source}: column {dupes[0]!r} appears more than once")


def check_identifiers(df: pl.DataFrame, source: str, period: str = "year", joint_codes: bool = True,
                      columns: tuple[str, ...] = ID_COLUMNS) -> None:
    """Check every identifier cell of `columns`: period, level, LA and ONS codes (joint 'a / b' if allowed), region.

    `columns` are the columns the caller relies on; each must be present (names are present, not patterned).
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{source}: expected column(s) {missing} not found (columns: {df.columns})")
    is_la = pl.col("geographic_level") == "Local authority"
    la, ons = (r"^\d{3}( / \d{3})*$", r"^E\d{8}( / E\d{8})*$") if joint_codes else (r"^\d{3}$", r"^E\d{8}$")
    checks = {
        "time_period": (*PERIODS[period], None),
        "time_identifier": (r"^Reporting year$", "'Reporting year'", None),
        "geographic_level": ("^(" + "|".join(GEOGRAPHIC_LEVELS) + ")$",
                             f"a known geographic level ({', '.join(GEOGRAPHIC_LEVELS)})", None),
        "old_la_code": (la, "a DfE LA code" if joint_codes else "a DfE three-digit LA code", is_la),
        "new_la_code": (ons, "an ONS area code", is_la),
        "region_code": (r"^E1[23]\d{6}$", "an ONS region code", pl.col("geographic_level") == "Regional"),
    }
    for column, (pattern, what, when) in checks.items():
        if column in columns:
            check_text_column(df, column, pattern, source, what, when)
