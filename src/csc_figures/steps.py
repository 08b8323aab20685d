"""The build's step graph, declared once: what each cleaning and story step reads and writes.

A step is a notebook (or the claims report). It reads raw files (data/raw/), processed tables
(data/processed/<name>.parquet) and other committed inputs, and writes processed tables and
outputs. The Makefile's rules must list the same inputs (tests/test_steps.py proves it and that
touching a table re-runs exactly the steps that read it), and while a step runs under the
runner `tables.read` refuses a table the step did not declare (`check_read`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import sources

# Set by the runner (csc_figures.run, csc_figures.claims) for the step it runs; unset in JupyterLab.
STEP_VARIABLE = "CSC_FIGURES_STEP"

# Every workforce release listed in data/sources.toml: a new release is one entry there.
DFE_WORKFORCE = tuple(source.name for source in sources.releases(sources.WORKFORCE))
DFE_CHILDREN = ("b1_children_in_need_2013_to_2025.csv", "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
                "cla_number_and_rate_per_10k_children.csv")
NEIGHBOURS = "New_Statistical_Neighbour_Groupings_April_2021.csv"
OFSTED_2023 = "Childrens_social_care_in_England_2023_underlying_data.ods"
OFSTED_2024 = "LA_Inspection_Outcomes_as_at_March_2024.ods"
OFSTED_2025 = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
HEX_LAYOUT = tuple(s.name for s in sources.load_manifest().values() if s.publication == sources.HEX_LAYOUT)

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


STEPS: dict[str, Step] = {s.name: s for s in (
    # cleaning (0x): raw files -> data/processed/
    Step("01_geography", raw=(*DFE_WORKFORCE, *DFE_CHILDREN, NEIGHBOURS, OFSTED_2025), writes=GEOGRAPHY_TABLES),
    Step("02_inspections", raw=(OFSTED_2023, OFSTED_2024, OFSTED_2025), reads=("la_geography", "la_names"),
         inputs=("data/reviewed_exceptions.csv",),
         writes=("inspections", "ofsted_names"), outputs=("outputs/tables/inspections/disagreements.csv",)),
    # 03 and 04 read the council lookups only to resolve their `council` parameter
    Step("03_workforce", raw=DFE_WORKFORCE, reads=("la_geography", "la_names"), writes=("workforce",)),
    Step("04_children", raw=DFE_CHILDREN, reads=("la_geography", "la_names"), writes=CHILDREN_TABLES),
    # stories (1x): processed tables -> outputs/
    # 10 and 12 draw their maps on the hex layout, as 16 does
    Step("10_ratings_vs_workforce", raw=(OFSTED_2025, *HEX_LAYOUT), reads=("inspections", "la_geography", "workforce"),
         inputs=("data/claims.csv",)),
    Step("11_council_profile", reads=(*GEOGRAPHY_TABLES, "inspections", "workforce")),
    Step("12_inspection_judgements", raw=(OFSTED_2025, *HEX_LAYOUT), reads=("inspections", "la_geography", "la_names")),
    Step("13_national_trends", reads=("children_looked_after", "section_47"),
         inputs=("data/reported/national_statistics_quoted.csv",)),
    Step("14_reported_figures", inputs=("data/reported/*.csv",)),
    Step("15_revisions", reads=("workforce",)),
    Step("16_maps", raw=(OFSTED_2025, *HEX_LAYOUT), reads=("inspections", "la_geography", "workforce")),
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
