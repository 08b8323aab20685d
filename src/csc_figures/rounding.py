"""The one rounding rule: half up on the decimal a reader sees, as DfE and the articles print.

A float such as 2.675 is held as 2.67499999...; rounding it in binary gives 2.67, but the
figure a publisher prints and a reader sees is 2.675, which rounds to 2.68. So the rule works on
the float's shortest decimal text (its repr), not on its binary value: 0.35 -> 0.4, 2.675 -> 2.68,
-0.35 -> -0.4 (halves go away from zero). Every table, label, sentence and claim rounds here.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import polars as pl


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _quantized(value: float, places: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_half_up(value: float | None, places: int = 1) -> float | None:
    """16.05 -> 16.1, 0.35 -> 0.4, 2.675 (places=2) -> 2.68; None and NaN stay None."""
    if _missing(value):
        return None
    if math.isinf(value):
        raise ValueError(f"cannot round {value!r}")
    return float(_quantized(value, places))


def units(value: float, places: int = 1) -> int:
    """The printed value as a whole number of its last digit (16.05, 1 place -> 161), to compare exactly."""
    return int(_quantized(value, places).scaleb(places))


def fixed(value: float, places: int = 1, thousands: bool = True) -> str:
    """The printed text of a value: 1234.55 -> '1,234.6' (or '1234.6' without thousands separators)."""
    quantized = _quantized(value, places)
    if quantized == 0:
        quantized = abs(quantized)  # -0.04 prints as 0.0, never -0.0
    return f"{quantized:,.{places}f}" if thousands else f"{quantized:.{places}f}"


def round_column(column: str | pl.Expr, places: int = 1) -> pl.Expr:
    """A polars column rounded by the same rule (polars' own rounding works on the binary value)."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.map_elements(lambda v: round_half_up(v, places), return_dtype=pl.Float64, skip_nulls=True)


def round_frame(df: pl.DataFrame, places: int = 1, exclude: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every float column of a table rounded by the rule (for tables printed at one precision)."""
    floats = [c for c, t in df.schema.items() if t.is_float() and c not in exclude]
    return df.with_columns(pl.Series(c, [round_half_up(v, places) for v in df[c]], dtype=pl.Float64)
                           for c in floats)
