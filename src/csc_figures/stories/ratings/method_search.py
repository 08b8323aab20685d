"""The ratings story's method search as a build step: which choices reproduce the article's published cells.

Every combination of the story's choices (192 table builds, about 7 s) is scored against the article's cells
from the claims ledger. Its inputs are the processed tables and the ledger, never notebook 10's parameters, so
the build runs it once, when those change (`python -m csc_figures.stories.ratings.method_search STAMP`, a rule
generated from csc_figures.steps), and writes two tables to outputs/tables/ratings_vs_workforce/; notebook 10
reads them (`read`) instead of searching on every run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import polars as pl

from ... import atomic, paths, steps, written
from ...errors import DataError
from .reproduce import choice_grid, method_choices, published_cells

STEP = "ratings_method_search"
# The two tables, in the step's declared order (steps.STEPS[STEP].outputs), with their columns' types:
# read back with the types they were written with, so the notebook shows what the search computed.
_CHOICE = {"vintage": pl.Int64, "method": pl.String, "basis": pl.String, "dated_by": pl.String,
           "joint": pl.String, "reorganised": pl.String, "change_from": pl.String, "cells_matched": pl.Int64}
SCHEMAS = {"method_choices": {"choice": pl.String, **_CHOICE, "cells": pl.Int64},
           "method_choice_grid": _CHOICE}


def outputs() -> dict[str, Path]:
    """{table name: its path}, from the step's declaration (the one place its outputs are named)."""
    found = {Path(rel).stem: paths.ROOT / rel for rel in steps.STEPS[STEP].outputs}
    if set(found) != set(SCHEMAS):
        raise RuntimeError(f"steps.py declares {sorted(found)} for {STEP}; this module writes {sorted(SCHEMAS)}")
    return found


def compute() -> dict[str, pl.DataFrame]:
    """Both tables: each choice varied alone from the settled one, and every combination, best first."""
    cells = published_cells()
    return {"method_choices": method_choices(cells), "method_choice_grid": choice_grid(cells)}


def read() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(each choice alone, every combination) as the build wrote them; a missing or reshaped table is an error."""
    out = []
    for name, path in outputs().items():
        if not path.exists():
            raise DataError(f"{path.relative_to(paths.ROOT)}: missing; `make all` writes it (the {STEP} step)")
        table = pl.read_csv(path, infer_schema=False)
        if table.columns != list(SCHEMAS[name]):
            raise DataError(f"{path.relative_to(paths.ROOT)}: columns {table.columns}, expected "
                            f"{list(SCHEMAS[name])}; `make all` writes it again")
        out.append(table.cast(SCHEMAS[name]))
    return out[0], out[1]


def main(argv: list[str]) -> int:
    """Write both tables (all or neither), then touch the stamp Make keeps for the step."""
    if len(argv) != 1:
        print("usage: python -m csc_figures.stories.ratings.method_search STAMP", file=sys.stderr)
        return 2
    stamp = Path(argv[0]).resolve()
    os.environ[steps.STEP_VARIABLE] = STEP  # tables.read refuses a table the step does not declare
    stamp.parent.mkdir(parents=True, exist_ok=True)
    # recorded as a published run's outputs are (csc_figures.written): a hand edit dates the stamp back
    with written.published_run(STEP) as keep:
        for name, table in compute().items():
            atomic.write_bytes(outputs()[name], table.write_csv().encode())
        keep(stamp)
    stamp.touch()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
