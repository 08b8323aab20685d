"""Processed tables: written once by a cleaning module, read by every story.

Each table is declared with a one-line description per column; `write` refuses
a frame whose columns differ from the declaration, so the documentation in
docs/tables.md (generated from these declarations) cannot drift.
"""

from __future__ import annotations

import filecmp
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from . import paths
from .errors import DataError


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: dict[str, str]  # column -> what it holds
    key: tuple[str, ...] = ()  # columns that identify a row; checked unique on write

    @property
    def path(self) -> Path:
        return paths.PROCESSED / f"{self.name}.parquet"


REGISTRY: dict[str, TableSpec] = {}


def declare(spec: TableSpec) -> TableSpec:
    REGISTRY[spec.name] = spec
    return spec


def write(df: pl.DataFrame, spec: TableSpec) -> Path:
    """Check columns and key, then write data/processed/<name>.parquet atomically."""
    if list(df.columns) != list(spec.columns):
        missing = [c for c in spec.columns if c not in df.columns]
        extra = [c for c in df.columns if c not in spec.columns]
        raise DataError(f"table {spec.name}: columns differ from its declaration "
                        f"(missing {missing}, undeclared {extra}, or out of order)")
    if spec.key:
        dupes = df.group_by(list(spec.key)).len().filter(pl.col("len") > 1)
        if dupes.height:
            raise DataError(f"table {spec.name}: {dupes.height} duplicate key(s) on {spec.key}, "
                            f"e.g. {dupes.row(0, named=True)}")
    spec.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = spec.path.with_name(f".{spec.path.name}.tmp")
    df.write_parquet(tmp, statistics=False)
    if spec.path.exists() and filecmp.cmp(tmp, spec.path, shallow=False):
        # Same bytes: keep the old file and its mtime, so Make does not re-run what reads it.
        tmp.unlink()
    else:
        os.replace(tmp, spec.path)
    return spec.path


@cache
def _read_cached(path: str, mtime_ns: int) -> pl.DataFrame:
    return pl.read_parquet(path)


def read(name: str) -> pl.DataFrame:
    """A processed table by name; a clear error if it has not been built."""
    from .steps import check_read

    check_read(name)  # a step reads only the tables it declares (steps.py)
    path = paths.PROCESSED / f"{name}.parquet"
    if not path.exists():
        raise DataError(f"processed table {name} not found at {path}; run `make all` (or `make processed`)")
    return _read_cached(str(path), path.stat().st_mtime_ns)


def dictionary_markdown() -> str:
    """docs/tables.md: every declared table and its columns."""
    lines = ["# Processed tables", "", "Generated from the declarations in `src/csc_figures/` "
             "(`make docs`); each table is `data/processed/<name>.parquet`.", ""]
    for spec in sorted(REGISTRY.values(), key=lambda s: s.name):
        lines += [f"## {spec.name}", "", spec.description, ""]
        if spec.key:
            lines += [f"One row per {', '.join(spec.key)}.", ""]
        lines += ["| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {d} |" for c, d in spec.columns.items()]
        lines.append("")
    return "\n".join(lines)
