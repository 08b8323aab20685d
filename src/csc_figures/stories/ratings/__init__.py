"""Ofsted ratings and the workforce: council averages by the judgement in force.

The Community Care analysis of 6 May 2022 ("'Inadequate' councils bore brunt of
sharp rise in social workers quitting posts") takes each council's Ofsted
judgement in force on a date and averages DfE workforce rates over the councils
holding each judgement, for a reporting year and the year before. This module
rebuilds that table for any date, year and release.

Rules (each one a parameter, so the notebook can show what it changes):
- Unit: a workforce return. A joint return (Kingston and Richmond; North and West
  Northamptonshire) counts once; a row with none of the five measures (the 2022
  release's `z` row for a joint partner) is not a return and is reported.
- A joint return's judgement: `joint="lead"` takes the judgement of the first
  council in the return (the code DfE published the joint figures under before
  2023), `"partner"` the other's, `"exclude_mixed"` drops it when they differ.
- Reorganised councils: `reorganised="inherit"` keeps the judgement a new council
  inherits from its predecessor (as `judgements_in_force` gives it),
  `"exclude"` treats it as not yet judged.
- Base year: the same returns; a return that did not exist then takes its predecessors'
  returns (North Northamptonshire <- Northamptonshire; Bournemouth, Christchurch and Poole <-
  Bournemouth and Poole). A base-year return counts once in each group's base average,
  however many of the year's returns inherit it, as a joint return counts once.
- `method="mean"`: the simple mean of council rates (the article's); `"pooled"`:
  each rate weighted by its own denominator, i.e. the group's rate from counts.
- `basis="fte"` (the article's) or `"headcount"` for turnover and agency rates.
- `dated_by="published"` (judgement in force from its publication, the article's)
  or `"inspected"` (from the end of the inspection).
Nothing is dropped silently: `council_table` keeps every return and every council
with its `status`, and `exclusions` counts them.

The story is split by concern: `compute` (the council and group tables, pure functions on the
processed tables), `reproduce` (the article's cells recomputed, editions, robustness, differences),
`words` (sentences and source lines), `chart` (the charts), `ledger` (the claims ledger's
computations, which call `compute`) and `method_search` (a build step: every
combination of choices scored once, for the notebook to read; not imported here, as `python -m` runs it).
"""

from __future__ import annotations

from .compute import (ARTICLE, BASES, Choices, DATED_BY, FIRST_EDITION_YEAR, JOINT_RULES, MEASURES, METHODS,
    RANK, RATINGS, REORGANISED_RULES, STORY, WEIGHTS, assemble, base_returns, build, flat_councils, columns, council_rows,
    council_table, counts_table, england_row, exclusions, group_table, judged_by_inspection, load_geography,
    load_judgements, load_workforce, ratings_table, ratings_table_rounded, special_councils, statuses_by_year, with_basis, year_end,
    is_article_edition)
from .reproduce import (BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, COUNT_KEY, GROUP_KEYS, LEDGER_ARTICLE, VARIANTS,
    cells_by_vintage, choice_grid, edition_date, editions, notebook_edition, explain_cells, method_choices, published_cells,
    recompute_cells, reproduce, revisions, robustness, robustness_by_year, missing_figure_rows, every_year_table,
    next_release)
from .words import (ARTICLE_NOTES, METHOD_WORDS, TABLE_WORDS, article_note, difference_notes, key_sentences,
    not_the_article, source_line, table_caption, robustness_sentences, editions_note)
from .chart import (PANEL_HEIGHT, bars_unlike_article, gap_chart, ordered_measures, relationship_chart)
from .ledger import (group_change, group_mean, ordered)

__all__ = [
    "ARTICLE", "BASES", "BOOTSTRAP_RESAMPLES", "BOOTSTRAP_SEED", "COUNT_KEY", "Choices", "DATED_BY",
    "FIRST_EDITION_YEAR", "GROUP_KEYS", "JOINT_RULES", "LEDGER_ARTICLE", "MEASURES", "METHODS",
    "ARTICLE_NOTES", "METHOD_WORDS", "TABLE_WORDS", "article_note", "not_the_article", "table_caption", "PANEL_HEIGHT", "RANK", "RATINGS", "REORGANISED_RULES", "STORY", "VARIANTS",
    "WEIGHTS", "assemble", "base_returns", "build", "flat_councils", "cells_by_vintage", "choice_grid", "columns",
    "council_rows", "council_table", "counts_table", "difference_notes", "edition_date", "editions", "notebook_edition",
    "england_row", "exclusions", "explain_cells", "gap_chart", "group_change", "group_mean", "group_table",
    "judged_by_inspection", "key_sentences", "load_geography", "load_judgements", "load_workforce",
    "method_choices", "ordered", "ordered_measures", "published_cells", "ratings_table",
    "ratings_table_rounded", "recompute_cells", "relationship_chart", "bars_unlike_article", "reproduce", "revisions", "robustness",
    "robustness_by_year", "source_line", "with_basis", "year_end", "special_councils",
    "statuses_by_year", "missing_figure_rows", "every_year_table", "next_release", "robustness_sentences",
    "editions_note", "is_article_edition",
]
