"""National trends: children looked after, children starting and ceasing care, section 47 enquiries.

England's series come from the processed `children_looked_after` and `section_47`
tables (DfE's 2025 releases, which revise earlier years). Years those files do
not hold (2009-10 section 47 enquiries; children looked after before 2021) and
figures as first published (the article's 80,850) come from
data/reported/national_statistics_quoted.csv, each row citing its document, and
are always labelled as reported, never mixed silently into the official series.

`year` is the year ending 31 March (2021 = 2020-21).

The story is split by concern: `compute` (the series and the article's comparisons, pure
functions on the tables), `words` (the article's sentences), `chart` (the charts) and `ledger`
(the claims ledger's computations, which call `compute`).
"""

from __future__ import annotations

from .compute import (ARTICLE, ARTICLE_CLAIMS, CLAIM_MEASURES, MEASURES, REPORTED_COLUMNS, REPORTED_CSV,
    STORY, article_claims, article_figures, article_years, change_pct, combined_series, is_record_high, official_series,
    previous_years_higher, reported_credit, reported_figures, reported_series, revisions, series, value_in, years_highest,
    years_lowest)
from .words import (REVISION_COLUMNS, article_comparison, article_sentences, count_word, figure_lines, lowest_words,
    previous_words,
    record_words, reported_lines, revisions_caption)
from .chart import (REPORTED_COLOUR, looked_after_chart, section_47_chart, starting_ceasing_chart)
from .ledger import (claim_change_pct, claim_direction, claim_lower_than_previous, claim_lowest_in_years, claim_record,
    claim_value)

__all__ = [
    "ARTICLE", "ARTICLE_CLAIMS", "CLAIM_MEASURES", "MEASURES", "REPORTED_COLOUR", "REPORTED_COLUMNS",
    "REPORTED_CSV", "STORY", "article_claims", "article_comparison", "article_figures", "article_sentences", "article_years",
    "REVISION_COLUMNS", "count_word", "figure_lines", "lowest_words", "previous_words", "record_words",
    "reported_lines", "revisions_caption", "change_pct", "claim_change_pct", "claim_direction",
    "claim_lower_than_previous", "claim_lowest_in_years", "claim_record", "claim_value", "combined_series",
    "is_record_high", "looked_after_chart", "official_series", "previous_years_higher",
    "reported_credit", "reported_figures", "reported_series", "revisions", "section_47_chart", "series",
    "starting_ceasing_chart", "value_in", "years_highest", "years_lowest",
]
