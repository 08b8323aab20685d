"""A release's newest year against its own history: England's and the regions' changes, emptied columns."""

import polars as pl
import pytest

from csc_figures import plausibility, tables, workforce
from csc_figures.errors import DataError


def _panel(fte: list[float], rate: list[float], council_rates: list[float | None]) -> pl.DataFrame:
    years = list(range(2020, 2020 + len(fte)))
    england = [{"geographic_level": "national", "region_code": None, "region_name": None, "la_code": None,
                "year": y, "fte": f, "turnover_rate": r} for y, f, r in zip(years, fte, rate, strict=True)]
    council = [{"geographic_level": "local_authority", "region_code": "E12000001", "region_name": "North East",
                "la_code": "841", "year": y, "fte": 50.0, "turnover_rate": c}
               for y, c in zip(years, council_rates, strict=True)]
    return pl.DataFrame(england + council, schema_overrides={"region_code": pl.String, "region_name": pl.String,
                                                              "la_code": pl.String, "turnover_rate": pl.Float64})


def test_a_change_far_beyond_the_history_is_refused_naming_the_row():
    with pytest.raises(DataError, match=r"f.csv: England, 'fte' 100 in 2022 and 1000 in 2023: 10.00 times"):
        plausibility.check_newest_year(_panel([95, 97, 100, 1000], [15, 16, 15, 16], [10, 11, 12, 13]), "f.csv",
                                       ["fte"], ["turnover_rate"])
    with pytest.raises(DataError, match=r"'turnover_rate' 15 in 2022 and 31 in 2023: \+16.0 points"):
        plausibility.check_newest_year(_panel([95, 97, 100, 101], [15, 16, 15, 31], [10, 11, 12, 13]), "f.csv",
                                       ["fte"], ["turnover_rate"])


def test_a_shock_within_six_times_the_history_passes():
    # like England's vacancy rate in 2022: 3.3 points after moves of at most 0.6
    plausibility.check_newest_year(_panel([95, 97, 100, 101], [15.0, 15.6, 15.2, 18.5], [10, 11, 12, 13]), "f.csv",
                                   ["fte"], ["turnover_rate"])


def test_a_measure_emptied_for_every_council_is_refused():
    with pytest.raises(DataError, match="'turnover_rate' gives no council a figure for 2023"):
        plausibility.check_newest_year(_panel([95, 97, 100, 101], [15, 16, 15, 16], [10, 11, 12, None]), "f.csv",
                                       ["fte"], ["turnover_rate"])


def test_every_release_we_hold_passes():
    panel = tables.read("workforce")
    for vintage in panel["vintage"].unique().sort().to_list():
        plausibility.check_newest_year(panel.filter(pl.col("vintage") == vintage), f"release {vintage}",
                                       list(workforce.COUNT_MEASURES), [*workforce.PERCENT_MEASURES, "caseload"])
