"""Hex maps of England's councils: the judgement in force on any date, any workforce measure in any year.

Split by concern like every story: `compute` (the map's table: councils, hexagons, values), `words`
(titles and descriptions), `chart` (the Vega-Lite maps). The hexagons come from `csc_figures.hexmap`.
"""

from __future__ import annotations

from .chart import judgement_map, judgement_small_multiples, map_table, measure_map, save
from .compute import (BINS, NO_FIGURE, NOT_JUDGED, STORY, bin_labels, every_march, filled, judgement_counts,
                      judgement_map_table, measure_map_table, regions, with_bins)
from .words import counts_line, judgement_description, judgement_title, measure_description, measure_title

__all__ = ["BINS", "NOT_JUDGED", "NO_FIGURE", "STORY", "bin_labels", "counts_line", "judgement_counts", "judgement_description",
           "judgement_map", "judgement_map_table", "judgement_small_multiples", "judgement_title", "map_table",
           "measure_description", "measure_map", "measure_map_table", "measure_title", "regions", "save",
           "with_bins", "every_march", "filled"]
