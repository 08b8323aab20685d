"""Figures the articles cite from documents that publish no table (data/reported/*.csv).

Each CSV holds one source document's figures exactly as the article printed them,
every row citing document, publisher, date, page or URL and the article that
quoted it. From them: fast-track completion rates (graduates over starters) and
the Health and Social Care Workforce Study's quality-of-working-life, burnout
and wellbeing scores.

The story is split by concern: `compute` (reading and checking the tables, pure functions),
`words` (sentences and alt text), `chart` (the charts) and `ledger` (the claims ledger's
computations, which call `compute`).
"""

from __future__ import annotations

from .compute import (BURNOUT, COHORTS, COLUMNS, LONGITUDINAL, OTHER_LAYOUTS, PROFESSIONS, ROUTES, STORY, STUDY, burnout, by_rating,
    citations, cohort_table, cohorts, completion_rates, documents, quality_of_working_life, read, study, study_table, tables,
    threshold, wellbeing)
from .words import (FAST_TRACK_SOURCE, STUDY_SOURCE, alt_completion, completion_sentences, source_line, study_sentences)
from .chart import (SCORE_SCALE, burnout_chart, completion_chart, longitudinal_chart, quality_chart)
from .ledger import (claims_by_result, completion_rate, value)  # value: compute's, registered by the ledger

__all__ = [
    "BURNOUT", "COHORTS", "COLUMNS", "FAST_TRACK_SOURCE", "LONGITUDINAL", "OTHER_LAYOUTS", "PROFESSIONS", "ROUTES",
    "SCORE_SCALE", "STORY", "STUDY", "STUDY_SOURCE", "alt_completion", "burnout", "burnout_chart", "by_rating",
    "citations", "cohort_table", "study_table", "cohorts", "completion_chart", "completion_rate", "completion_rates",
    "completion_sentences", "longitudinal_chart", "quality_chart", "source_line", "quality_of_working_life", "read", "study", "study_sentences",
    "tables", "threshold", "value", "wellbeing", "claims_by_result", "documents",
]
