"""Ofsted's files checked against themselves: one listing per inspection, and sheets that agree.

Two faults a file can carry that no single cell shows:
- the same inspection listed twice in one history sheet (one council, one framework, one publication date)
  with different judgements: which one is true cannot be decided, so neither is published;
- an 'as at' sheet that contradicts the same file's own history sheet for a council's judgement or dates.
Files disagreeing with each other are different: Ofsted corrects its history between releases, so the newest
file wins and every such difference is listed in outputs/tables/inspections/disagreements.csv.

A contradiction Ofsted has confirmed (or that the desk has checked against the published report) can be
accepted on purpose: one reviewed row in data/reviewed_exceptions.csv (what, why, who, when), never a code
change.
"""

from __future__ import annotations

import polars as pl

from .exceptions import EXCEPTION_COLUMNS, EXCEPTIONS, reviewed  # noqa: F401 - named here by its tests
from .errors import DataError

NOT_IN_FILE = "(not in file)"


def refuse_listed_twice(rows: pl.DataFrame, judgement_columns: tuple[str, ...]) -> None:
    """DataError naming the file, rows and council of an inspection a history sheet lists twice."""
    key = ["source", "la_code", "framework", "__group", "published"]
    twice = rows.filter(pl.len().over(key) > 1).sort([*key, "row"])
    if not twice.height:
        return
    first = twice.filter(pl.struct(key) == pl.struct(key).first())
    where = first["source"][0]
    said = "; ".join(
        f"row {r['row']}: " + ", ".join(f"{c} {r[c]}" for c in judgement_columns if r[c] is not None)
        for r in first.iter_rows(named=True))
    r = first.row(0, named=True)
    raise DataError(f"{where}: council {r['la_code']} ({r['la_name_source']}), {r['framework']} inspection "
                    f"published {r['published']} is listed {first.height} times ({said}); "
                    f"{twice.select(key).unique().height} such inspection(s); table inspections not written")


def refuse_self_contradictions(as_at: pl.DataFrame, exceptions: set | None = None) -> None:
    """DataError where an 'as at' sheet gives a council a value its own file's history sheet contradicts.

    `as_at` holds one row per difference between an as-at sheet and the merged history, with a column per
    file giving what that file's history says (inspections._with_history_values)."""
    exceptions = reviewed("sheets disagree") if exceptions is None else exceptions
    bad = []
    for r in as_at.iter_rows(named=True):
        file, _, sheet = (r["as_at_table"] or "").partition("/")
        own = r.get(file)
        if own in (None, NOT_IN_FILE) or own == r["as_at_value"]:
            continue
        if (file, r["la_code"], r["field"], r["as_at_value"]) in exceptions:
            continue
        bad.append((file, sheet, r, own))
    if bad:
        file, sheet, r, own = bad[0]
        raise DataError(
            f"{file}: sheet {sheet} gives council {r['la_code']} ({r['la_name']}) {r['field']} "
            f"{r['as_at_value']!r}, but the same file's history sheet gives {own!r}; {len(bad)} such "
            f"contradiction(s); table inspections not written. If the published report settles it, record it "
            f"in {EXCEPTIONS.name} (check 'sheets disagree', with why and who)")
