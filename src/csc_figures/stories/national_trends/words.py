"""The national trends story in words: the article's sentences, recomputed."""

from __future__ import annotations

import polars as pl

from ... import formatting as f
from .compute import change_pct, is_record_high, period_label, previous_years_higher, reported_series, series, value_in, years_lowest

def article_sentences(year: int = 2021, base_year: int = 2010) -> list[str]:
    """The article's national sentences, rewritten with today's numbers (and the reported ones, labelled)."""
    cla, start, cease, s47 = (series(m) for m in ("looked_after", "starting", "ceasing", "section_47_enquiries"))
    first = value_in(reported_series("looked_after").filter(pl.col("release") == year), year)
    peak = cla.sort("value").row(-1, named=True)
    cla_first = cla["year"].min()
    lowest = years_lowest(start, year)
    prev_cease = cease.filter(pl.col("year") == year - 1)
    base = s47.filter(pl.col("year") == base_year)
    higher = previous_years_higher(s47, year)
    record = is_record_high(cla, year)
    change = change_pct(s47, year, base_year)
    return [
        f"Children in care in England at 31 March {year}: {f.number(value_in(cla, year))} in today's DfE release "
        f"(first published as {f.number(first)}), "
        + (f"higher than every earlier year we hold (from {period_label(cla_first)})"
           if record else f"not higher than every earlier year we hold (from {period_label(cla_first)})")
        + f"; the count has since peaked at {f.number(peak['value'])} in {peak['period']}.",
        f"{f.number(value_in(start, year))} children started to be looked after in {period_label(year)}, "
        + (f"the lowest in {lowest} years." if lowest is not None else
           f"{'the lowest of every year' if value_in(start, year) == start['value'].min() else 'lower than every earlier year'}"
           f" we hold ({period_label(start['year'].min())} to {period_label(start['year'].max())}); whether it was "
           f"the lowest in nine years cannot be checked from the files we hold."),
        f"{f.number(value_in(cease, year))} children ceased to be looked after in {period_label(year)}, "
        f"against {f.number(prev_cease['value'][0] if prev_cease.height else None)} in {period_label(year - 1)}"
        + (f" (reported, DfE {prev_cease['release'][0]} release, read from a {prev_cease['source_kind'][0]})"
           if prev_cease.height and prev_cease['is_reported'][0] else "")
        + ".",
        f"Section 47 enquiries: {f.number(value_in(s47, year))} in {period_label(year)}, "
        f"{'up' if (change or 0) >= 0 else 'down'} {f.pct(None if change is None else abs(change))} from "
        f"{f.number(base['value'][0] if base.height else None)} in {period_label(base_year)}"
        + (" (reported)" if base.height and base["is_reported"][0] else "")
        + f", and lower than in each of the {_count_word(higher)} years before ("
        + ", ".join(f"{period_label(y)}: {f.number(value_in(s47, y))}" for y in range(year - (higher or 0), year))
        + ").",
    ]



_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count_word(n: int | None) -> str:
    return "unavailable" if n is None else (_WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}")
