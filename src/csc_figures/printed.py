"""A recomputed value against the figure as the article prints it: the compare rules of data/claims.csv.

`round` (the default): the value rounds to the printed figure at the article's precision (16.1 matches
16.06, not 16.2); `about`: within the claim's tolerance; `above`/`below`/`at_least`/`at_most`: a
threshold the sentence states. Text (judgements, directions) is compared in one spelling.
"""

from __future__ import annotations

from decimal import Decimal

# above/below are strict ("more than 20", "just under half"); at_least/at_most include the value
# ("three-quarters or more"): the sentence decides which.
COMPARES = {"round", "about", "above", "below", "at_least", "at_most"}


def within(computed: float, value: float, tolerance: float | str) -> bool:
    """|computed - value| <= tolerance, in decimal so 16.15 vs 16.1 at 0.05 is not lost to binary floats.

    The difference is rounded to 1e-9 first: binary noise such as 0.1 + 0.2 sits far below
    any printed precision and must not push a boundary value outside.
    """
    diff = abs(Decimal(repr(float(computed))) - Decimal(repr(float(value))))
    return diff.quantize(Decimal("1e-9")) <= Decimal(str(tolerance))


def rounding_tolerance(precision: int) -> Decimal:
    """Half a unit in the last printed place: precision 1 -> 0.05."""
    return Decimal(5) * Decimal(10) ** (-(int(precision) + 1))


def normalise_text(text: str) -> str:
    """Judgement words and phrases in one spelling: 'require improvement to be good' -> 'requires_improvement'."""
    t = " ".join(str(text).lower().replace("_", " ").replace("-", " ").replace("’", "'").split())
    if t.startswith(("requires improvement", "require improvement")):
        return "requires_improvement"
    return t.replace(" ", "_")


def agrees(row: dict, computed) -> bool:
    """Does the computed value agree with the printed one, under the claim's compare rule?"""
    if row["unit"] == "text":
        return normalise_text(computed) == normalise_text(row["value"])
    computed, value = float(computed), float(row["value"])
    mode = row["compare"]
    if mode == "above":
        return computed > value
    if mode == "below":
        return computed < value
    if mode == "at_least":
        return computed >= value
    if mode == "at_most":
        return computed <= value
    tolerance = row["tolerance"] if mode == "about" else rounding_tolerance(int(row["precision"]))
    return within(computed, value, tolerance)


def format_computed(computed, row: dict) -> str:
    """The recomputed value as text for the report: up to two more places than the article printed."""
    if computed is None:
        return ""
    if isinstance(computed, str):
        return computed
    if float(computed).is_integer():
        return str(int(computed))
    printed = int(row["precision"]) if row["precision"] else 0
    text = f"{float(computed):.{printed + 2}f}"
    # trailing zeros carry nothing, but keep the places the article printed: 16.700 -> 16.7
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0").ljust(printed, "0")
    return f"{whole}.{decimals}" if decimals else whole
