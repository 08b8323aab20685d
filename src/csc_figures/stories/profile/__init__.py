"""A profile of any council, and of every council at once.

One function, `council_profile`, gathers a council's Ofsted judgements since 2009,
its workforce indicators in every year of a DfE release against England, its
region and the mean of its statistical neighbours, and writes sentences in the
articles' style. The notebook (11_council_profile), the CLI (`csc-figures council`)
and every council's page on the site (`csc_figures.site.profiles`, `make site` or `make profiles`) all
call it, so they cannot disagree.

Rules the sentences follow (each a small function with boundary tests):
- `change_verb` says how a figure moved, from the ratio new/old of the printed values;
- `comparison_word` says how a figure stands against a benchmark, from the same ratio;
- `judgement_change_word` says whether Ofsted upgraded, downgraded or kept a rating.

Reorganised councils: a council's own figures are its own; the councils it replaced
appear as labelled predecessors (their judgements and workforce series), and a council
that no longer exists has figures only for the years it existed. Where DfE publishes one
return for two councils (Kingston and Richmond; North and West Northamptonshire) both
councils show that return, said so in words, and neither counts the other as a neighbour.

The profile (JSON-ready dict): la_code, ons_code, la_name (DfE spelling), name (the reader's),
region (its name), vintage, year, start_date, end_date, judgements [{published, framework,
inspection_type, overall, sub_judgements}], indicators {measure: {"YYYY": value or null}},
unavailable {measure: {"YYYY": suppression code}}, england, region_indicators and neighbours
(the same shape; neighbours = unweighted mean of the statistical neighbours' published figures),
neighbour_councils, joint_returns, predecessors, successors, revisions (each release's value
where releases differ), judgement_in_force (at the end of the workforce year) and sentences.

The package splits the story by concern: `compute` (the figures, pure functions on the processed
tables), `words` (the comparison rules and sentences), `chart` (Vega-Lite charts), `ledger` (the
claims ledger's computations, calling `compute`). The pages are the site's (`csc_figures.site.profiles`).
"""

from __future__ import annotations

from . import ledger  # noqa: F401 - registers the profile.* computations with the claims ledger
from .assemble import council_profile
from .chart import (indicator_chart, indicator_tables, judgement_chart, measure_chart, measure_table, revisions_table,
                    write_measure_chart)
from .compute import (STORY, ProfileData, council_figure, display_name, indicator_table, judgement_table, load_data,
                      nearest_year, profile_figures, rise_streak_start, slug)
from .ledger import area_series, claim_change, claim_highest_in_years, claim_ratio, claim_trend, claim_value
from .words import (change_verb, comparison_word, fmt, identity_lines, judgement_change_word, possessive, profile_as_text,
                    revision_text, sentences)


__all__ = [
    "STORY", "ProfileData", "area_series", "change_verb", "claim_change", "claim_highest_in_years", "claim_ratio",
    "claim_trend", "claim_value", "comparison_word", "council_figure", "council_profile", "display_name", "fmt",
    "identity_lines",
    "indicator_chart", "indicator_table", "judgement_change_word", "judgement_chart", "judgement_table",
    "load_data", "measure_chart", "measure_table", "nearest_year", "possessive", "profile_as_text", "profile_figures",
    "revision_text", "rise_streak_start", "sentences", "slug", "write_measure_chart", "indicator_tables",
    "revisions_table",
]
