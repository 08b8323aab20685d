"""sums.py: England against its regions, London against its halves, a region against its councils."""

import polars as pl
import pytest

from csc_figures import children, sums, tables, workforce
from csc_figures.errors import DataError


def _area(year, level, region, value, name=None):
    return {"year": year, "geographic_level": level, "region_code": region, "region_name": name or region,
            "la_code": None, "n": value, "n_flag": None}


def _council(year, region, code, value, flag=None):
    return {"year": year, "geographic_level": "local_authority", "region_code": region, "region_name": region,
            "la_code": code, "n": value, "n_flag": flag}


def _table(england=100.0, north=60.0, councils=(30.0, 30.0), flags=(None, None)):
    rows = [_area(2024, "national", None, england), _area(2024, "regional", "E12000001", north, "North East"),
            *[_area(2024, "regional", f"E1200000{i}", 5.0) for i in range(2, 10)],
            *[_council(2024, "E12000001", f"80{i}", v, f) for i, (v, f) in enumerate(zip(councils, flags, strict=True))]]
    return pl.DataFrame(rows)


def test_parts_within_the_printed_rounding_pass():
    # nine regions printed to 10 may differ from England by 9 x 5 + 5 = 50; councils printed exactly by 5
    assert sums.check_sums(_table(england=150.0), "f.csv", ["n"], sums.Printed(10, 0)) == 2
    assert sums.check_sums(_table(north=65.0, england=105.0), "f.csv", ["n"], sums.Printed(10, 0)) == 2


@pytest.mark.parametrize(("table", "said"), [
    (_table(england=151.0), "f.csv: England, year 2024, 'n': 151 published, but its nine regions (9) sum to 100"),
    (_table(north=66.0, england=106.0), "region North East, year 2024, 'n': 66 published, but its councils (2) sum to 60"),
])
def test_parts_beyond_the_rounding_are_refused(table, said):
    with pytest.raises(DataError, match="Refused") as refused:
        sums.check_sums(table, "f.csv", ["n"], sums.Printed(10, 0))
    assert said in str(refused.value)


def test_a_suppressed_council_leaves_its_region_unchecked_and_a_joint_partner_counts_zero():
    suppressed = _table(north=90.0, england=130.0, councils=(30.0, None), flags=(None, "c"))
    assert sums.check_sums(suppressed, "f.csv", ["n"], sums.Printed(10, 0)) == 1  # England only
    joint = _table(councils=(60.0, None), flags=(None, "not_published"))
    assert sums.check_sums(joint, "f.csv", ["n"], sums.Printed(10, 0), joint_flag="not_published") == 2


def test_every_release_we_hold_adds_up():
    checked = 0
    for name, summed in children.SUMMED.items():
        for measures, printed in summed:
            checked += sums.check_sums(tables.read(name), name, measures, printed)
    panel = tables.read("workforce")
    for vintage in panel["vintage"].unique():
        checked += sums.check_sums(panel.filter(pl.col("vintage") == vintage), str(vintage),
                                   list(workforce.COUNT_MEASURES), sums.Printed(0.1, 0.1),
                                   joint_flag=workforce.NOT_PUBLISHED)
    assert checked > 5000  # every year, measure and area that can be summed, not a handful
