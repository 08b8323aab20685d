"""The one number formatter for sentences, in the house style of the articles.

Every figure is rounded by `rounding` (half up on the printed decimal), so a sentence prints
the same digits as the table beside it.
"""

from __future__ import annotations

from .rounding import _missing, fixed, round_half_up


def pct(value: float | None, places: int = 1) -> str:
    """16.06 -> '16.1%', 0.35 -> '0.4%'. Rates are held as percentages, not fractions."""
    return "unavailable" if _missing(value) else f"{fixed(value, places)}%"


def points(value: float | None, places: int = 1) -> str:
    """A difference between two percentages: 2.04 -> '2.0 percentage points'."""
    if _missing(value):
        return "unavailable"
    word = "percentage point" if round_half_up(abs(value), places) == 1 else "percentage points"
    return f"{fixed(abs(value), places)} {word}"


def number(value: float | None, places: int = 0) -> str:
    """Counts with thousands separators: 80850 -> '80,850'."""
    return "unavailable" if _missing(value) else fixed(value, places)


def change_pct(old: float | None, new: float | None, places: int = 1) -> str:
    """Percentage change from old to new: '126.7%'."""
    if _missing(old) or _missing(new) or old == 0:
        return "unavailable"
    return pct((new - old) / old * 100, places)


def rate_word(old: float | None, new: float | None, places: int = 1) -> str:
    """'rose', 'fell' or 'was unchanged', judged at the precision the sentence prints."""
    if _missing(old) or _missing(new):
        return "is unavailable"
    a, b = round_half_up(old, places), round_half_up(new, places)
    return "rose" if b > a else "fell" if b < a else "was unchanged"
