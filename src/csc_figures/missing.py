"""Suppressed and missing cells: nulls with the publisher's code kept beside them.

DfE and Ofsted files mark a cell they will not publish with a short code. Such a
cell is never a zero: it becomes null, and the code goes into a `<column>_flag`
column so a reader can tell "suppressed" from "not collected".
"""

from __future__ import annotations

import polars as pl

from .errors import DataError

# The codes publishers use, with what each means (DfE's own glossary).
MISSING_CODES = {
    "x": "not available / suppressed",
    "c": "confidential (suppressed to protect individuals)",
    "z": "not applicable",
    "u": "low reliability",
    "low": "fewer than 0.5, rounds to zero",
    "..": "not available",
    ":": "not available",
    "": "blank",
}


# A number as DfE and Ofsted print one: optional minus, digits with commas only between groups of three,
# optional decimals.
NUMBER = r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"


def _hint(value: str | None) -> str:
    text = (value or "").strip()
    if "," in text and any(ch.isdigit() for ch in text):
        return " (a comma may only separate thousands, as in 1,234: a decimal comma such as 5,6 is refused)"
    return ""


class UnknownValueError(ValueError):
    """A cell that is neither a number nor a known missing code (or printed to more places than declared)."""

    def __init__(self, message: str, column: str):
        super().__init__(message)
        self.column = column  # the column at fault, as the frame names it


def _parsed(column: str) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """A text column's number (null where it is not one), whether it is a missing code, the code as written
    (lower case), and its decimal places."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    lowered = text.str.to_lowercase()
    # Strict: a comma is a thousands separator only between groups of three digits ("1,234"); "5,6" (a
    # decimal comma) or "12,34" is refused, never read as 56 or 1234.
    # NaN and infinities parse as such: the table's contract refuses them naming the council.
    well_formed = text.str.contains(NUMBER) | lowered.is_in(["nan", "inf", "-inf", "+inf", "infinity", "-infinity"])
    number = pl.when(well_formed).then(text.str.replace_all(",", "")).cast(pl.Float64, strict=False)
    is_code = lowered.is_in(list(MISSING_CODES)) | text.is_null()
    decimals = text.str.extract(r"\.(\d+)$").str.len_chars().fill_null(0)
    return number, is_code, lowered, decimals


def split_values_and_flags(df: pl.DataFrame, places: dict[str, int | None], source: str,
                           rows_offset: int = 2) -> pl.DataFrame:
    """split_value_and_flag for several columns at once (column -> its declared decimal places): every cell
    parsed once, in one pass; a column at fault is refused as split_value_and_flag refuses it, the first in order."""
    if not places:
        return df
    parts = {column: _parsed(column) for column in places}
    # each cell parsed once, into temporary columns: its number, whether it is a code, the code, its decimals
    parsed = df.with_columns(e.alias(f"{column}\0{i}") for column, exprs in parts.items() for i, e in enumerate(exprs))

    def part(column: str, i: int) -> pl.Expr:
        return pl.col(f"{column}\0{i}")

    counts = []
    for column, allowed in places.items():
        number, is_code, decimals = part(column, 0), part(column, 1), part(column, 3)
        precise = (number.is_not_null() & (decimals > allowed)).sum() if allowed is not None else pl.lit(0)
        counts += [(number.is_null() & ~is_code).sum().alias(f"{column}\0bad"), precise.alias(f"{column}\0places")]
    found = parsed.select(counts).row(0)
    for i, (column, allowed) in enumerate(places.items()):
        if found[2 * i] or found[2 * i + 1]:
            split_value_and_flag(df, column, source, rows_offset, allowed)  # raises, naming the row
    out = []
    for column in places:
        number, lowered = part(column, 0), part(column, 2)
        out += [number.alias(column), pl.when(number.is_null()).then(lowered.fill_null("")).otherwise(None)
                .alias(f"{column}_flag")]
    return parsed.with_columns(out).drop(f"{column}\0{i}" for column in places for i in range(4))


def split_value_and_flag(df: pl.DataFrame, column: str, source: str, rows_offset: int = 2,
                         places: int | None = None) -> pl.DataFrame:
    """Turn a text column of numbers and codes into a Float64 column plus `<column>_flag`.

    Raises UnknownValueError naming the file, column and first bad row when a cell
    is neither a number nor a known code (a header row inside the data, say), or (with `places`, the
    decimal places the release prints the figure to) when a number has more decimal places than that:
    a count written '198.790' is a thousands separator typed as a point, not 198.79 people.
    """
    number, is_code, lowered, decimals = _parsed(column)
    checked = df.with_columns(number.alias("__value"), is_code.alias("__is_code"), lowered.alias("__code"))
    bad = checked.with_row_index("__row").filter(pl.col("__value").is_null() & ~pl.col("__is_code"))
    if bad.height:
        first = bad.row(0, named=True)
        raise UnknownValueError(
            f"{source}: column {column!r}, row {first['__row'] + rows_offset}: "
            f"{first[column]!r} is neither a number nor a known missing code "
            f"({', '.join(repr(c) for c in MISSING_CODES if c)}){_hint(first[column])}; {bad.height} such cell(s)",
            column)
    if places is not None:
        precise = checked.with_row_index("__row").filter(pl.col("__value").is_not_null() & (decimals > places))
        if precise.height:
            first = precise.row(0, named=True)
            printed = "whole numbers" if places == 0 else f"{places} decimal place{'s' * (places != 1)}"
            raise UnknownValueError(
                f"{source}: column {column!r}, row {first['__row'] + rows_offset}: {first[column]!r} has more decimal "
                f"places than the release prints this figure to ({printed}): a thousands separator written as a "
                f"point, or a figure from another column? {precise.height} such cell(s)", column)
    return checked.with_columns(
        pl.col("__value").alias(column),
        pl.when(pl.col("__value").is_null()).then(pl.col("__code").fill_null("")).otherwise(None).alias(f"{column}_flag"),
    ).drop("__value", "__is_code", "__code")


def check_text_column(df: pl.DataFrame, column: str, pattern: str, source: str, what: str,
                      when: pl.Expr | None = None, rows_offset: int = 2) -> None:
    """Every cell of `column` (in rows where `when`) must match `pattern`; else a DataError naming the first bad row."""
    wrong = ~pl.col(column).fill_null("").str.contains(pattern)
    wrong = wrong if when is None else when & wrong
    if not df.select(wrong.any()).item():  # the usual case: one pass, no row numbers
        return
    bad = df.with_row_index("__row").filter(wrong)
    if bad.height:
        first = bad.row(0, named=True)
        raise DataError(f"{source}: column {column!r}, row {first['__row'] + rows_offset}: {first[column]!r} "
                        f"is not {what} ({bad.height} such row(s); a header row repeated inside the data?)")
