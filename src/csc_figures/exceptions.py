"""Reviewed exceptions: a finding the checks refuse but the desk has confirmed, accepted on purpose.

One row in data/reviewed_exceptions.csv per exception says what (the check, the file, the council, the field
and value), why and who reviewed it, and when; never a code change. Read by the Ofsted sheets' checks
(inspection_checks) and the plausibility of councils' changes (plausibility).
"""

from __future__ import annotations

import polars as pl

from . import paths
from .errors import DataError

EXCEPTIONS = paths.DATA / "reviewed_exceptions.csv"
EXCEPTION_COLUMNS = ("check", "file", "la_code", "field", "value", "why", "reviewed_by", "reviewed_on")
def reviewed(check: str, path=None) -> set[tuple[str, str, str, str]]:
    """The (file, la_code, field, value) exceptions accepted for a check, each with its reason and reviewer."""
    path = EXCEPTIONS if path is None else path
    table = pl.read_csv(path, infer_schema_length=0)
    if tuple(table.columns) != EXCEPTION_COLUMNS:
        raise DataError(f"{path.name}: columns {table.columns}, expected {list(EXCEPTION_COLUMNS)}")
    for i, row in enumerate(table.iter_rows(named=True), start=2):
        empty = [c for c in EXCEPTION_COLUMNS if not (row[c] or "").strip()]
        if empty:
            raise DataError(f"{path.name}: line {i}: {', '.join(empty)} empty (an exception says what, why and who)")
    rows = table.filter(pl.col("check") == check)
    return {(r["file"], r["la_code"], r["field"], r["value"]) for r in rows.iter_rows(named=True)}
