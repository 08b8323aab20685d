"""Each council's published rates against their own published counts, allowing for DfE's rounding."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import identities
from csc_figures.errors import DataError


def _rows(**columns) -> pl.DataFrame:
    base = {"geographic_level": ["local_authority"], "la_code": ["816"], "la_name": ["York"], "year": [2024],
            "turnover_rate": [None], "leavers": [None], "fte": [None], "vacancy_rate": [None], "vacancies": [None],
            "agency_rate": [None], "agency_fte": [None], "caseload": [None], "cases": [None],
            "case_holders": [None], "turnover_rate_headcount": [None], "leavers_headcount": [None],
            "headcount": [None]}
    base.update({k: [v] for k, v in columns.items()})
    return pl.DataFrame(base, schema_overrides={k: pl.Float64 for k in base if k not in
                                                ("geographic_level", "la_code", "la_name", "year")})


def test_a_rate_that_fits_its_rounded_counts_passes():
    identities.check(_rows(turnover_rate=18.8, leavers=15.0, fte=80.0), "f.csv")  # 18.75 printed half up
    identities.check(_rows(caseload=9.7, cases=29.0, case_holders=3.0), "f.csv")  # 9.67 from rounded holders


def test_a_rate_its_counts_cannot_give_is_refused_naming_line_council_and_figures():
    with pytest.raises(DataError, match=r"f.csv: line 2, council 816 \(York\), year 2024: 'turnover_rate' is "
                                        r"published as 28.8 but its counts give 18.75"):
        identities.check(_rows(turnover_rate=28.8, leavers=15.0, fte=80.0), "f.csv")


def test_a_small_council_gets_the_wider_rounding_it_needs():
    # 0.5 leavers of 2.0 FTE: each could be 0.05 out, so 25% could honestly print anywhere from 22.0 to 28.5
    identities.check(_rows(turnover_rate=27.0, leavers=0.5, fte=2.0), "f.csv")
    with pytest.raises(DataError):
        identities.check(_rows(turnover_rate=35.0, leavers=0.5, fte=2.0), "f.csv")


def test_regions_and_missing_counts_are_not_checked_here():
    region = _rows(turnover_rate=14.0, leavers=100.0, fte=800.0).with_columns(geographic_level=pl.lit("regional"))
    identities.check(region, "f.csv")
    identities.check(_rows(turnover_rate=14.0, leavers=None, fte=800.0), "f.csv")


def test_fte_far_from_headcount_is_refused_naming_the_council():
    identities.check_staff(_rows(fte=368.2, headcount=321.0), "f.csv")  # Warwickshire 2020: 1.15, real
    with pytest.raises(DataError, match=r"f.csv: line 2, council 816 \(York\), year 2024: 'fte' 929.6 is 10.00 times"):
        identities.check_staff(_rows(fte=929.6, headcount=92.96), "f.csv")
    with pytest.raises(DataError, match="0.10 times"):
        identities.check_staff(_rows(fte=9.3, headcount=93.0), "f.csv")
    identities.check_staff(_rows(fte=2.0, headcount=5.0), "f.csv")  # too few staff to judge


def test_every_release_we_hold_passes_the_staff_check():
    from csc_figures import tables

    workforce = tables.read("workforce")
    for vintage in workforce["vintage"].unique().to_list():
        identities.check_staff(workforce.filter(pl.col("vintage") == vintage), f"release {vintage}")


def test_every_stock_of_children_looked_after_follows_from_last_years_and_the_flows():
    from csc_figures import tables

    assert identities.check_stock_flow(tables.read("children_looked_after"), "cla.csv") > 600  # every area, year
    assert identities.check_per_10000(tables.read("children_looked_after"), "cla.csv") > 2000
