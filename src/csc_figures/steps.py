"""The build's step graph, declared once: what each cleaning and story step reads and writes.

A step is a notebook, the claims report, or a module that writes a table a notebook reads (the ratings
story's method search: computed once, not on every run of the notebook). It reads raw files (data/raw/),
processed tables (data/processed/<name>.parquet) and other committed inputs, and writes processed tables and
outputs. Raw files are found by their role in data/sources.toml, never by name, so a new
release is an entry there. The Makefile's rules take their inputs from this graph:
`python3 -m csc_figures.steps` writes them to build/steps.mk, which the Makefile includes and
remakes when this file or the manifest changes. While a step runs under the runner,
`tables.read` refuses a table the step did not declare (`check_read`).

This module imports nothing outside the standard library and `sources`, so Make can run it
before the environment exists.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from . import sources

# Set by the runner (csc_figures.run, csc_figures.claims) for the step it runs; unset in JupyterLab.
STEP_VARIABLE = "CSC_FIGURES_STEP"


def _names(role: str) -> tuple[str, ...]:
    return tuple(s.name for s in sources.releases(role))


# Raw files by role (data/sources.toml): every workforce release and every Ofsted outcomes file, oldest first.
DFE_WORKFORCE = _names(sources.WORKFORCE)
DFE_CHILDREN = (*_names("children_in_need"), *_names("section_47"), *_names("children_looked_after"))
NEIGHBOURS = _names("statistical_neighbours")
OFSTED = _names(sources.OFSTED_OUTCOMES)
OFSTED_NEWEST = OFSTED[-1:]  # as-at dates and ONS codes come from the newest Ofsted file
HEX_LAYOUT = _names("hex_layout")

GEOGRAPHY_TABLES = ("la_geography", "la_names", "statistical_neighbours")
CHILDREN_TABLES = ("children_in_need", "section_47", "children_looked_after")


@dataclass(frozen=True)
class Step:
    name: str
    raw: tuple[str, ...] = ()  # files in data/raw/
    reads: tuple[str, ...] = ()  # processed tables
    inputs: tuple[str, ...] = ()  # other committed files, relative to the project root (globs allowed)
    writes: tuple[str, ...] = ()  # processed tables
    outputs: tuple[str, ...] = field(default=())  # other files it writes, relative to the root
    # run by `python -m <module> STAMP` instead of a notebook: a table a notebook reads, computed once
    module: str = ""


RATINGS_TABLES = "outputs/tables/ratings_vs_workforce"


STEPS: dict[str, Step] = {s.name: s for s in (
    # cleaning (0x): raw files -> data/processed/
    Step("01_geography", raw=(*DFE_WORKFORCE, *DFE_CHILDREN, *NEIGHBOURS, *OFSTED_NEWEST), writes=GEOGRAPHY_TABLES),
    Step("02_inspections", raw=OFSTED, reads=("la_geography", "la_names"),
         inputs=("data/reviewed_exceptions.csv",),
         writes=("inspections", "ofsted_names"), outputs=("outputs/tables/inspections/disagreements.csv",)),
    # 03 and 04 read the council lookups only to resolve their `council` parameter
    # (and the reviewed exceptions to the plausibility of councils' changes)
    Step("03_workforce", raw=DFE_WORKFORCE, reads=("la_geography", "la_names"), inputs=("data/reviewed_exceptions.csv",),
         writes=("workforce",)),
    Step("04_children", raw=DFE_CHILDREN, reads=("la_geography", "la_names"), inputs=("data/reviewed_exceptions.csv",),
         writes=CHILDREN_TABLES),
    # stories (1x): processed tables -> outputs/
    # 10 and 12 draw their maps on the hex layout, as 16 does
    # the article's method, searched once over every combination of choices (not notebook 10's parameters)
    Step("ratings_method_search", module="csc_figures.stories.ratings.method_search",
         reads=("inspections", "la_geography", "workforce"), inputs=("data/claims.csv", "data/sources.toml"),
         outputs=(f"{RATINGS_TABLES}/method_choices.csv", f"{RATINGS_TABLES}/method_choice_grid.csv")),
    Step("10_ratings_vs_workforce", raw=(*OFSTED_NEWEST, *HEX_LAYOUT), reads=("inspections", "la_geography", "workforce"),
         inputs=("data/claims.csv", f"{RATINGS_TABLES}/method_choices.csv", f"{RATINGS_TABLES}/method_choice_grid.csv")),
    Step("11_council_profile", reads=(*GEOGRAPHY_TABLES, "inspections", "workforce")),
    # 12 and 13 read the article's figures from the claims ledger (and 12 the Guardian's split from data/reported)
    Step("12_inspection_judgements", raw=(*OFSTED_NEWEST, *HEX_LAYOUT), reads=("inspections", "la_geography", "la_names"),
         inputs=("data/claims.csv", "data/reported/*.csv")),
    Step("13_national_trends", reads=("children_looked_after", "section_47"),
         inputs=("data/claims.csv", "data/reported/national_statistics_quoted.csv")),
    Step("14_reported_figures", inputs=("data/reported/*.csv",)),
    # 15 also sets DfE's first-published children figures (data/reported) against the children tables
    Step("15_revisions", reads=("workforce", *CHILDREN_TABLES),
         inputs=("data/reported/national_statistics_quoted.csv",)),
    Step("16_maps", raw=(*OFSTED_NEWEST, *HEX_LAYOUT), reads=("inspections", "la_geography", "workforce")),
    # every figure in the articles, recomputed from every table
    Step("claims", reads=(*GEOGRAPHY_TABLES, "inspections", "ofsted_names", "workforce", *CHILDREN_TABLES),
         inputs=("data/claims.csv", "data/reported/*.csv"),
         outputs=("outputs/claims_report.csv", "outputs/claims_by_vintage.csv")),
)}


def writer(table: str) -> Step:
    """The one step that writes a processed table."""
    found = [s for s in STEPS.values() if table in s.writes]
    if len(found) != 1:
        raise KeyError(f"processed table {table!r} is written by {len(found)} steps")
    return found[0]


def readers(table: str) -> list[str]:
    return sorted(s.name for s in STEPS.values() if table in s.reads)


class UndeclaredRead(RuntimeError):
    """A step read a processed table its declaration does not list."""


def check_read(table: str) -> None:
    """Refuse a read the running step has not declared (no check outside a step, e.g. in JupyterLab)."""
    name = os.environ.get(STEP_VARIABLE)
    if not name:
        return
    step = STEPS.get(name)
    if step is None:
        return  # a notebook outside the graph (the benchmark's empty one)
    if table not in step.reads and table not in step.writes:
        raise UndeclaredRead(f"step {name} read processed table {table!r}, which it does not declare; "
                             f"add it to its reads in src/csc_figures/steps.py (and the Makefile rule)")


# ---- the Makefile's half: build/steps.mk ----------------------------------------------------------

def _paths(step: Step) -> list[str]:
    """Every file a step's Make rule lists, relative to the root; a glob stays a glob for Make to expand."""
    found = [f"data/raw/{name}" for name in step.raw] + [f"data/processed/{t}.parquet" for t in step.reads]
    return found + [f"$(wildcard {p})" if "*" in p else p for p in step.inputs]


def makefile() -> str:
    """Make variables for every step: STEP_INPUTS_<name> (what its rule lists), STEP_TABLES_<name> (the
    processed tables it writes), STEP_OUTPUTS_<name>; CLEANING_STEPS and STORY_STEPS name the notebook steps,
    MODULE_STEPS the others, each with STEP_MODULE_<name> (the module the rule runs)."""
    lines = ["# Generated from src/csc_figures/steps.py and data/sources.toml by `python3 -m csc_figures.steps`.",
             "# Do not edit: the Makefile remakes it when either changes."]
    for step in STEPS.values():
        lines.append(f"STEP_INPUTS_{step.name} := {' '.join(_paths(step))}")
        lines.append(f"STEP_TABLES_{step.name} := {' '.join(f'data/processed/{t}.parquet' for t in step.writes)}")
        lines.append(f"STEP_OUTPUTS_{step.name} := {' '.join(step.outputs)}")
    notebooks = [s.name for s in STEPS.values() if not s.module]
    lines.append(f"CLEANING_STEPS := {' '.join(s for s in notebooks if s.startswith('0'))}")
    lines.append(f"STORY_STEPS := {' '.join(s for s in notebooks if s.startswith('1'))}")
    for step in STEPS.values():
        if step.module:
            lines.append(f"STEP_MODULE_{step.name} := {step.module}")
    lines.append(f"MODULE_STEPS := {' '.join(s.name for s in STEPS.values() if s.module)}")
    lines.append(f"RAW_NAMES := {' '.join(sorted(sources.load_manifest()))}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(makefile())
