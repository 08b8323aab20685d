"""The maps' titles and descriptions: what a reader (or a screen reader) needs without the picture."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ... import judgements, measures
from ...dates import day_words
from .compute import NOT_JUDGED, judgement_counts


def _councils(n: int) -> str:
    return f"{n:,} council" + ("" if n == 1 else "s")


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def judgement_title(table: pl.DataFrame) -> str:
    counts = judgement_counts(table)
    judged = sum(v for k, v in counts.items() if k != NOT_JUDGED)
    good = counts[judgements.LABELS["outstanding"]] + counts[judgements.LABELS["good"]]
    day = table["as_of"][0]
    return f"{good} of {judged} councils were judged good or outstanding on {day_words(day)}"


def judgement_description(table: pl.DataFrame) -> str:
    """Counts per judgement, and every inherited judgement by name."""
    counts = judgement_counts(table)
    day = table["as_of"][0]
    parts = [f"{n} {label.lower()}" for label, n in counts.items() if n]
    text = (f"Hex map of the {table.height} English councils with children's services on {day_words(day)}, "
            f"one hexagon each, coloured by Ofsted's overall judgement then in force (SIF or ILACS): "
            f"{_names(parts)}.")
    inherited = table.filter(pl.col("inherited")).sort("la_name")
    if inherited.height:
        carried = [f"{r['la_name']} (from {r['inherited_from_name']})" for r in inherited.iter_rows(named=True)]
        text += (f" {_councils(inherited.height)} carry the judgement of the council they replaced, marked "
                 f"with a dot: {_names(carried)}.")
    return text


def _extreme(table: pl.DataFrame, value: float, m: measures.Measure) -> str:
    at = table.filter(pl.col("printed") == m.format(value)).sort("la_name")["la_name"].to_list()
    return at[0] + (f" and {len(at) - 1} other{'s' if len(at) > 2 else ''}" if len(at) > 1 else "")


def measure_title(table: pl.DataFrame) -> str:
    """The median, not the extremes: the highest and lowest are often the smallest councils."""
    m = measures.measure(table["measure"][0])
    values = table["value"].drop_nulls()
    year = table["year"][0]
    if values.is_empty():
        return f"No council has a figure for the {m.words} in {year}"
    return f"Half of councils had a {m.words} of {m.format(values.median())} or more in {year}"


def basis_words(m: measures.Measure) -> str:
    return "counted in full-time equivalent (FTE) posts" if m.basis == "fte" else "counted in heads"


def measure_subtitle(table: pl.DataFrame) -> list[str]:
    m = measures.measure(table["measure"][0])
    year, vintage = table["year"][0], table["vintage"][0]
    lines = [f"{m.label[0].upper()}{m.label[1:]} by council, year to 30 September {year}, {basis_words(m)}; "
             f"DfE's {vintage} release",
             "Each hexagon is one council; groups of about a fifth of councils each"]
    if table["joint"].any():
        lines.append("A dot marks a joint return: one figure published for two councils")
    return lines


def measure_description(table: pl.DataFrame, groups: list[str]) -> str:
    """The spread, the extremes, the groups and every council without a figure."""
    m = measures.measure(table["measure"][0])
    year, vintage = table["year"][0], table["vintage"][0]
    values = table["value"].drop_nulls()
    text = (f"Hex map of the {table.height} English councils, one hexagon each, coloured by {m.words}, "
            f"{basis_words(m)}, in the year to 30 September {year}, from DfE's {vintage} release.")
    if not values.is_empty():
        low, high, median = values.min(), values.max(), values.median()
        text += (f" Lowest {m.format(low)} ({_extreme(table, low, m)}), highest {m.format(high)} "
                 f"({_extreme(table, high, m)}), median {m.format(median)}.")
        shown = [g for g in groups if g != "No figure"]
        text += f" Colour groups, lowest first: {_names(shown)}."
    joint = table.filter(pl.col("joint")).sort("la_name")
    if joint.height:
        returns = sorted(set(joint["joint_return"]))
        text += " Joint returns, one figure for the councils named together: " + "; ".join(returns) + "."
    missing = table.filter(pl.col("value").is_null()).sort("la_name")["la_name"].to_list()
    if missing:
        text += f" No figure for {_councils(len(missing))}: {_names(missing)}."
    return text


def counts_line(table: pl.DataFrame) -> str:
    """'31 March 2014: outstanding 0, good 5, ...': councils per judgement on a map's date."""
    from .compute import judgement_counts

    day = table["as_of"][0]
    day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
    return f"{day_words(day)}: " + ", ".join(f"{label.lower()} {n}" for label, n in judgement_counts(table).items())
