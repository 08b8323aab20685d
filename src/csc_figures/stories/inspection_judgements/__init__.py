"""Ofsted's judgements of councils' children's services: what was in force, what was published, what changed.

Reads the processed `inspections` table and `csc_figures.in_force.judgements_in_force`;
every function that does arithmetic also takes plain frames, so tests run on small
synthetic tables. Judgements are the four-point scale Ofsted has used since the
single inspection framework (SIF, November 2013) and its successor ILACS (2018);
older frameworks (SLAC, CPI, TLAC) graded differently, so by default only SIF and
ILACS judgements count.

The story is split by concern: `compute` (judgements in force and published, pure functions on
the inspections table), `transitions` (upgrades and downgrades), `words` (sentences), `chart`
(charts and their tables) and `ledger` (the claims ledger's computations, which call the others).
"""

from __future__ import annotations

from .compute import (GRADED_FRAMEWORKS, JUDGEMENTS, NOT_GOOD, NOT_YET, OLDER_FRAMEWORK_COLUMNS, RANK,
    STORY, Window, councils_with, count_of, cutoff_window, cutoffs_matching, distribution,
    distribution_at, distribution_over_time, financial_year, first_march_after, first_published,
    framework_start, in_force, in_year, judgement_counts, year_ends, latest_as_of, latest_publication, load_inspections,
    march_dates, mark_reproduces, older_judgements_held, over_time_table, published_in, running_counts, share_not_good,
    share_not_good_counts, window_counts, windows_for_year)
from .transitions import (SUB_JUDGEMENTS, change_counts, consecutive_inspections, council_history,
    distinct_inspections, good_then_not_good, history_columns, history_value, inspection_year, judgement_crosstab,
    published_selection, resolve, slac_to_first_sif, transition_in, transition_matrix, transition_table)
from .words import (TABLE_WORDS, change_sentence, cutoff_sentences, first_outstanding_sentence, holdings_sentence,
    inadequate_sentences, not_good_during_sentence, not_good_sentence, older_outstanding_sentence,
    published_by_sentence, squeezed_sentence, windows_sentences)
from .chart import (distribution_chart, first_sif_chart, first_sif_split, report_date, save, save_table,
    transitions_chart)
from .ledger import (claim_count_in_force, claim_count_published, claim_history, claim_share_published,
    guardian_counts)

__all__ = [
    "GRADED_FRAMEWORKS", "JUDGEMENTS", "NOT_GOOD", "NOT_YET", "OLDER_FRAMEWORK_COLUMNS", "RANK",
    "STORY", "SUB_JUDGEMENTS", "TABLE_WORDS", "Window", "holdings_sentence", "change_counts", "change_sentence", "claim_count_in_force",
    "claim_count_published", "claim_history", "claim_share_published", "consecutive_inspections",
    "council_history", "councils_with", "count_of", "cutoff_window", "cutoffs_matching",
    "distinct_inspections", "distribution", "distribution_at", "distribution_chart",
    "distribution_over_time", "financial_year", "first_sif_chart", "first_sif_split", "guardian_counts", "first_march_after", "first_published", "framework_start",
    "history_columns", "history_value", "in_force", "inspection_year", "judgement_counts",
    "judgement_crosstab", "latest_as_of", "latest_publication", "load_inspections", "march_dates",
    "mark_reproduces", "older_judgements_held", "published_in", "published_selection", "resolve",
    "running_counts", "save", "save_table", "share_not_good", "share_not_good_counts", "slac_to_first_sif",
    "transition_in", "transition_matrix", "transitions_chart", "window_counts", "windows_for_year",
    "in_year", "year_ends", "over_time_table", "good_then_not_good", "transition_table", "report_date", "cutoff_sentences",
    "first_outstanding_sentence", "inadequate_sentences", "not_good_during_sentence", "not_good_sentence",
    "older_outstanding_sentence", "published_by_sentence", "squeezed_sentence", "windows_sentences",
]
