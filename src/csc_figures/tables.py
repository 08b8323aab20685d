"""Processed tables: written once by a cleaning module, read by every story.

Each table is declared with a one-line description per column and its contract:
what every value must satisfy before the table is written (no NaN or infinity,
ranges, allowed values, code patterns, rules between columns). `write` refuses
a frame that breaks it, naming the raw file, column, row and council, and leaves
the previous table untouched; docs/tables.md is generated from the same
declarations, so the documentation cannot drift.

`read` refuses a table built from other versions of its raw files than
data/sources.toml now lists (a rebuild that failed, or was never run), so no
answer comes from a stale table unannounced.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from . import atomic, paths, sources
from .errors import DataError


@dataclass(frozen=True)
class Rule:
    """A condition every row must meet, in words and as a polars expression (null counts as met)."""
    words: str
    holds: pl.Expr
    columns: tuple[str, ...]  # the columns it is about, named in the error


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: dict[str, str]  # column -> what it holds
    key: tuple[str, ...] = ()  # columns that identify a row; checked unique on write
    # ---- contract, checked by `check` before every write (NaN and infinity are refused in every column) ----
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # inclusive bounds
    allowed: dict[str, tuple] = field(default_factory=dict)  # column -> the only values it may hold (or null)
    patterns: dict[str, str] = field(default_factory=dict)  # text column -> regex every value matches
    required: tuple[str, ...] = ()  # columns that may not be null
    rules: tuple[Rule, ...] = ()
    # ---- provenance: the raw files the table is built from (staleness, and naming them in errors) ----
    inputs: tuple[str, ...] = ()
    source_of: Callable[[dict], str] | None = None  # a row -> the raw file it came from
    more_checks: str = ""  # markdown: checks across rows the cleaning module runs (completeness...)

    @property
    def path(self) -> Path:
        return paths.PROCESSED / f"{self.name}.parquet"

    @property
    def stamp(self) -> Path:
        """Written by every successful write: the sha256 of each raw input it was built from."""
        return paths.PROCESSED / f"{self.name}.inputs.json"


REGISTRY: dict[str, TableSpec] = {}


def declare(spec: TableSpec) -> TableSpec:
    REGISTRY[spec.name] = spec
    return spec


# ---- contract ------------------------------------------------------------------------------

def _where(row: dict, spec: TableSpec, line: int | None) -> str:
    """A row in words: its line in the file if known, its council and its key."""
    parts = [f"row {line}"] if line is not None else []
    if row.get("la_code") is not None:
        parts.append(f"council {row['la_code']}" + (f" ({row['la_name']})" if row.get("la_name") else ""))
    parts += [f"{k} {row[k]}" for k in spec.key if k not in ("la_code", "geographic_level") and row.get(k) is not None]
    if row.get("geographic_level") not in (None, "local_authority"):
        parts.append(f"{row['geographic_level']} row")
    return ", ".join(parts) or "a row"


def _source(row: dict, spec: TableSpec, source: str | None) -> str:
    if source:
        return source
    if spec.source_of is not None:
        return spec.source_of(row)
    if len(spec.inputs) == 1:
        return spec.inputs[0]
    return f"table {spec.name} (built from {', '.join(spec.inputs) or 'no raw file'})"


def violations(df: pl.DataFrame, spec: TableSpec) -> list[tuple[str, tuple[str, ...], pl.Expr]]:
    """Every contract clause as (words, columns, expression true on a violating row)."""
    out = []
    for name, dtype in df.schema.items():
        if dtype.is_float():
            out.append(("is NaN or infinite (a number no publisher prints)", (name,),
                        pl.col(name).is_nan() | pl.col(name).is_infinite()))
    for name in spec.required:
        out.append(("is empty, and this column may not be", (name,), pl.col(name).is_null()))
    for name, (low, high) in spec.ranges.items():
        bad = pl.lit(False)
        if low is not None:
            bad = bad | (pl.col(name) < low)
        if high is not None:
            bad = bad | (pl.col(name) > high)
        out.append((f"is outside {_range_words(low, high)}", (name,), bad.fill_null(False)))
    for name, values in spec.allowed.items():
        out.append((f"is not one of {', '.join(map(str, values))}", (name,),
                    pl.col(name).is_not_null() & ~pl.col(name).is_in(list(values))))
    for name, pattern in spec.patterns.items():
        out.append((f"does not look like /{pattern}/", (name,), ~pl.col(name).str.contains(pattern).fill_null(True)))
    for rule in spec.rules:
        out.append((f"breaks the rule: {rule.words}", rule.columns, ~rule.holds.fill_null(True)))
    return out


def check(df: pl.DataFrame, spec: TableSpec, source: str | None = None, first_line: int | None = None) -> None:
    """Raise DataError on the first contract clause `df` breaks, naming file, column, row and council.

    `first_line` is the file line of df's first row, when df's rows are the file's rows in order.
    """
    if spec.key and df.height:
        repeated = df.select(spec.key).is_duplicated().arg_true()
        if repeated.len():
            first = df.row(repeated[0], named=True)
            same = df.with_row_index("__i").join(df.slice(repeated[0], 1).select(spec.key), on=list(spec.key),
                                                 nulls_equal=True)["__i"].to_list()
            lines = f" (rows {' and '.join(str(i + first_line) for i in same)})" if first_line is not None else ""
            raise DataError(f"{_source(first, spec, source)}: {_where(first, spec, None)} appears {len(same)} times"
                            f"{lines}: a repeated row (key {', '.join(spec.key)}); table {spec.name} not written, "
                            f"the previous one is kept")
    clauses = violations(df, spec)
    if not clauses:
        return
    flags = df.select(pl.any_horizontal(pl.lit(False), *(bad for _, _, bad in clauses)).alias("any"),
                      *(bad.alias(f"__{i}") for i, (_, _, bad) in enumerate(clauses)))
    if not flags["any"].any():
        return
    for i, (words, columns, _) in enumerate(clauses):
        hits = flags[f"__{i}"].arg_true()
        if hits.len():
            index = hits[0]
            row = df.row(index, named=True)
            values = ", ".join(f"{c}={row[c]!r}" for c in columns)
            where = _where(row, spec, None if first_line is None else index + first_line)
            raise DataError(f"{_source(row, spec, source)}: column {', '.join(map(repr, columns))}, {where}: "
                            f"{values} {words} ({hits.len()} such row(s)); table {spec.name} not written, "
                            f"the previous one is kept")


def _range_words(low, high) -> str:
    if high is None:
        return f"{low} or more"
    if low is None:
        return f"{high} or less"
    return f"{low} to {high}"


def contract_lines(spec: TableSpec) -> list[str]:
    """The contract in words, for docs/tables.md."""
    lines = ["- no NaN or infinite value in any number column"]
    if spec.key:
        lines.append(f"- unique on {', '.join(spec.key)}")
    if spec.required:
        lines.append(f"- never empty: {', '.join(f'`{c}`' for c in spec.required)}")
    by_range: dict[tuple, list[str]] = {}
    for c, bounds in spec.ranges.items():
        by_range.setdefault(tuple(bounds), []).append(f"`{c}`")
    lines += [f"- {_range_words(lo, hi)}: {', '.join(cs)}" for (lo, hi), cs in by_range.items()]
    lines += [f"- `{c}` is one of {', '.join(f'`{v}`' for v in vs)}" for c, vs in spec.allowed.items()]
    lines += [f"- `{c}` matches `{p}`" for c, p in spec.patterns.items()]
    lines += [f"- {r.words}" for r in spec.rules]
    return lines


# ---- write and read ------------------------------------------------------------------------

def check_table(df: pl.DataFrame, spec: TableSpec) -> None:
    """The table's columns as declared, its key and its contract (what `write` checks before writing)."""
    if list(df.columns) != list(spec.columns):
        missing = [c for c in spec.columns if c not in df.columns]
        extra = [c for c in df.columns if c not in spec.columns]
        raise DataError(f"table {spec.name}: columns differ from its declaration "
                        f"(missing {missing}, undeclared {extra}, or out of order)")
    check(df, spec)


def write(df: pl.DataFrame, spec: TableSpec) -> Path:
    """Check columns, key and contract, then write data/processed/<name>.parquet atomically."""
    check_table(df, spec)
    buffer = io.BytesIO()
    df.write_parquet(buffer, statistics=False)
    # Same bytes: keep the old file and its mtime, so Make does not re-run what reads it.
    atomic.write_bytes(spec.path, buffer.getvalue())
    # Record which versions of the raw files it was built from (see `read`).
    atomic.write_text(spec.stamp, json.dumps(_input_hashes(spec), indent=1, sort_keys=True) + "\n")
    return spec.path


@cache
def _read_cached(path: str, mtime_ns: int) -> pl.DataFrame:
    return pl.read_parquet(path)


@cache
def _manifest(path: str, mtime_ns: int) -> dict[str, str]:
    return {name: source.sha256 for name, source in sources.load_manifest(Path(path)).items()}


def _input_hashes(spec: TableSpec) -> dict[str, str | None]:
    """The sha256 data/sources.toml lists for each of the table's raw files (the cleaning verified them)."""
    manifest = _manifest(str(paths.SOURCES_TOML), paths.SOURCES_TOML.stat().st_mtime_ns)
    return {name: manifest.get(name) for name in spec.inputs}


def stale_inputs(spec: TableSpec) -> list[str]:
    """Raw files whose listed version differs from the one the table was built from.

    Content, not mtimes: a raw file replaced (and its hash updated in data/sources.toml) whose rebuild
    failed or never ran. A table written before builds recorded this counts as built from nothing.
    """
    built = json.loads(spec.stamp.read_text()) if spec.stamp.exists() else {}
    return [name for name, sha in _input_hashes(spec).items() if built.get(name) != sha]


# The modules that declare processed tables: a reader (a story, the CLI) may not have imported them.
CLEANING_MODULES = ("geography", "inspections", "workforce", "children")


def _declaration(name: str) -> TableSpec | None:
    for module in CLEANING_MODULES:
        importlib.import_module(f"{__package__}.{module}")
    return REGISTRY.get(name)


def read(name: str) -> pl.DataFrame:
    """A processed table by name; a clear error if it has not been built or its raw files have changed."""
    from .steps import check_read

    check_read(name)  # a step reads only the tables it declares (steps.py)
    path = paths.PROCESSED / f"{name}.parquet"
    if not path.exists():
        raise DataError(f"processed table {name} not found at {path}; run `make all` (or `make processed`)")
    spec = REGISTRY.get(name) or _declaration(name)
    if spec is not None and spec.inputs and (changed := stale_inputs(spec)):
        built = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        raise DataError(f"processed table {name} (last written {built:%Y-%m-%d %H:%M} UTC) was not built from the "
                        f"raw file(s) now listed in data/sources.toml: {', '.join(changed)}. Its figures may not "
                        f"match them, so it is not used: rebuild with `make all` (if the new file is refused, "
                        f"that message says why)")
    return _read_cached(str(path), path.stat().st_mtime_ns)


def dictionary_markdown() -> str:
    """docs/tables.md: every declared table, its columns and its contract."""
    lines = ["# Processed tables", "", "Generated from the declarations in `src/csc_figures/` "
             "(`make docs`); each table is `data/processed/<name>.parquet`. Every table is checked "
             "against its contract before it is written: a value that breaks it is refused naming the "
             "raw file, column, row and council, and the previous table is kept.", ""]
    for spec in sorted(REGISTRY.values(), key=lambda s: s.name):
        lines += [f"## {spec.name}", "", spec.description, ""]
        if spec.key:
            lines += [f"One row per {', '.join(spec.key)}.", ""]
        if spec.inputs:
            lines += [f"Built from: {', '.join(f'`{f}`' for f in spec.inputs)}.", ""]
        lines += ["| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {d} |" for c, d in spec.columns.items()]
        lines += ["", "Contract:", "", *contract_lines(spec)]
        if spec.more_checks:
            lines += ["", spec.more_checks.strip()]
        lines.append("")
    return "\n".join(lines)


def assert_accounted(n_in: int, n_out: int, n_excluded: int, what: str) -> None:
    """Rows in = rows out + rows reported excluded, or a DataError saying how many went missing."""
    if n_in != n_out + n_excluded:
        raise DataError(f"{what}: {n_in} in, {n_out} out and {n_excluded} reported excluded; "
                        f"{n_in - n_out - n_excluded} unaccounted for")
