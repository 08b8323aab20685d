"""The one number formatter for sentences, in the house style of the articles.

Every figure is rounded by `rounding` (half up on the printed decimal), so a sentence prints
the same digits as the table beside it.
"""

from __future__ import annotations

from .rounding import _missing, fixed, round_half_up


_COUNT_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count_word(n: int) -> str:
    """3 -> 'three'; 12 -> '12' (the house style spells out one to ten)."""
    return _COUNT_WORDS[n] if 0 <= n < len(_COUNT_WORDS) else f"{n:,}"


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


# ---- comparison words: one table, judged on the printed values ----------------------------------
# How a figure moved from `old` to `new`, by the ratio r = new / old of the printed values. Each row:
# (word, lowest ratio, whether the lowest is included). Rows are tried top to bottom; exactly equal
# printed values are "was unchanged". A ratio is only used on a base large enough to carry it: a rate
# under SMALL_RATE (%) or a count under SMALL_COUNT, before or after, is described in points or counts.
RISES: tuple[tuple[str, float, bool], ...] = (
    ("more than tripled", 3.0, False),  # r > 3
    ("tripled", 3.0, True),  # r == 3
    ("more than doubled", 2.0, False),  # 2 < r < 3
    ("doubled", 2.0, True),  # r == 2
    ("almost doubled", 1.8, True),  # 1.8 <= r < 2
    ("leapt", 1.25, True),  # 1.25 <= r < 1.8
    ("rose", 1.1, True),  # 1.1 <= r < 1.25
    ("edged up", 1.0, False),  # 1 < r < 1.1
)
# Falls, by the ratio r = new / old (below 1), highest first.
FALLS: tuple[tuple[str, float, bool], ...] = (
    ("edged down", 0.91, False),  # 0.91 < r < 1
    ("fell", 0.8, False),  # 0.8 < r <= 0.91
    ("fell sharply", 0.55, False),  # 0.55 < r <= 0.8
    ("almost halved", 0.5, False),  # 0.5 < r <= 0.55
    ("halved", 0.5, True),  # r == 0.5
    ("more than halved", 1 / 3, False),  # 1/3 < r < 0.5
    ("fell by two-thirds or more", 0.0, False),  # r <= 1/3 (r == 0 is a small base: points)
)
SMALL_RATE = 1.0  # a rate under 1% is described in percentage points, never as a ratio
SMALL_COUNT = 10  # a count under 10 is described in counts, never as a ratio


def _ratio_word(a: int, b: int) -> str:
    """The table's word for printed units a -> b (both positive), compared exactly as fractions."""
    from fractions import Fraction

    r = Fraction(b, a)
    if r > 1:
        for word, low, inclusive in RISES:
            low = Fraction(low).limit_denominator(1000)
            if r > low or (inclusive and r == low):
                return word
    for word, low, inclusive in FALLS:
        low = Fraction(low).limit_denominator(1000)
        if r > low or (inclusive and r == low):
            if word == "halved" and r != Fraction(1, 2):
                continue
            return word
    return FALLS[-1][0]


def is_small_base(old: float, new: float, unit: str = "%", places: int = 1) -> bool:
    """A base too small for a ratio: a rate under 1% or a count under 10, before or after."""
    a, b = round_half_up(old, places), round_half_up(new, places)
    if unit == "%":
        return min(a, b) < SMALL_RATE
    if unit == "count":
        return min(a, b) < SMALL_COUNT
    return min(a, b) <= 0


def change_words(old: float | None, new: float | None, unit: str = "%", places: int = 1) -> str:
    """How a figure moved, in the house's words: 'almost doubled from 6.5% to 12.1%',
    'fell by 0.4 percentage points, from 0.4% to 0.0%', 'was unchanged at 4.1%'.

    unit: '%' for rates (printed with %), 'count' for counts, anything else for other figures
    (caseloads), printed as plain numbers.
    """
    if _missing(old) or _missing(new):
        return "is unavailable"
    show = (lambda v: pct(v, places)) if unit == "%" else (lambda v: fixed(v, places))
    a, b = round_half_up(old, places), round_half_up(new, places)
    if a == b:
        return f"was unchanged at {show(new)}"
    direction = "rose" if b > a else "fell"
    if is_small_base(old, new, unit, places):
        by = points(b - a, places) if unit == "%" else fixed(abs(b - a), places)
        return f"{direction} by {by}, from {show(old)} to {show(new)}"
    from .rounding import units
    return f"{_ratio_word(units(old, places), units(new, places))} from {show(old)} to {show(new)}"


def change_verb(old: float | None, new: float | None, unit: str = "%", places: int = 1) -> str:
    """The verb alone, as a title uses it ('leapt'); on a small base, 'rose' or 'fell'."""
    if _missing(old) or _missing(new):
        return "is unavailable"
    a, b = round_half_up(old, places), round_half_up(new, places)
    if a == b:
        return "was unchanged"
    if is_small_base(old, new, unit, places):
        return "rose" if b > a else "fell"
    from .rounding import units
    return _ratio_word(units(old, places), units(new, places))


# How a figure stands against a benchmark, by r = value / reference of the printed values.
AGAINST: tuple[tuple[str, float, bool], ...] = (
    ("more than double", 2.1, True),  # r >= 2.1
    ("double", 1.9, True),  # 1.9 <= r < 2.1
    ("above", 1.05, False),  # 1.05 < r < 1.9
    ("in line with", 0.95, True),  # 0.95 <= r <= 1.05
    ("below", 0.55, False),  # 0.55 < r < 0.95
    ("half", 0.45, True),  # 0.45 <= r <= 0.55
    ("less than half", 0.0, True),  # r < 0.45
)


def against_word(value: float | None, reference: float | None, unit: str = "%", places: int = 1) -> str | None:
    """'above', 'double', 'in line with'... the benchmark; on a small base only above, below or in line with."""
    from fractions import Fraction

    from .rounding import units

    if _missing(value) or _missing(reference):
        return None
    v, r = units(value, places), units(reference, places)
    if r <= 0 or is_small_base(value, reference, unit, places):
        return "above" if v > r else "in line with" if v == r else "below"
    ratio = Fraction(v, r)
    for word, low, inclusive in AGAINST:
        low = Fraction(low).limit_denominator(1000)
        if ratio > low or (inclusive and ratio == low):
            return word
    return AGAINST[-1][0]
