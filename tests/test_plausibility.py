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


# ---- councils: the newest year against the distribution of earlier changes ------------------------------

def _councils(newest: dict[str, float], n: int = 60, years: int = 4) -> pl.DataFrame:
    """n councils whose counts grow 2% a year with a little noise; the last year's given per council."""
    rows = []
    for i in range(n):
        code = f"{300 + i}"
        for k, year in enumerate(range(2020, 2020 + years)):
            value = (100 + 10 * i) * 1.02 ** k * (1 + 0.08 * ((i * 7 + k * 3) % 5 - 2))
            if year == 2019 + years and code in newest:
                value = newest[code]
            rows.append({"geographic_level": "local_authority", "la_code": code, "la_name": f"Council {code}",
                         "year": year, "n": value})
    return pl.DataFrame(rows)


def test_a_council_far_outside_the_distribution_is_refused_unless_reviewed():
    base = _councils({})
    assert plausibility.check_councils(base, "f.csv", ["n"], [], exceptions=set()) == 60
    typo = _councils({"330": 3 * 10 * 390.0})
    with pytest.raises(DataError, match=r"f.csv: council 330 \(Council 330\), 'n' .* in 2022 and 11700 in 2023: \d+ "
                                        r"times the usual spread"):
        plausibility.check_councils(typo, "f.csv", ["n"], [], exceptions=set())
    reviewed = {("f.csv", "330", "n", "2023")}  # one row in data/reviewed_exceptions.csv accepts it
    assert plausibility.check_councils(typo, "f.csv", ["n"], [], exceptions=reviewed) == 60


def test_councils_moving_together_are_refused():
    frame = _councils({})
    last = frame.with_columns(pl.when(pl.col("year") == 2023).then(pl.col("n") * 1.6).otherwise(pl.col("n")).alias("n"))
    with pytest.raises(DataError, match="'n' in 2023: the councils' median change is x.*: 60 councils moving together"):
        plausibility.check_councils(last, "f.csv", ["n"], [], exceptions=set())
    assert plausibility.check_councils(last, "f.csv", ["n"], [], exceptions={("f.csv", "all councils", "n", "2023")})


def test_every_release_we_hold_passes_and_is_judged():
    from csc_figures import children

    judged = 0
    panel = tables.read("workforce")
    for vintage in panel["vintage"].unique():
        judged += plausibility.check_councils(panel.filter(pl.col("vintage") == vintage), str(vintage),
                                              list(workforce.COUNT_MEASURES), list(workforce.PERCENT_MEASURES))
    for name in children.SPECS:
        df = tables.read(name)
        judged += plausibility.check_councils(df, name, [c for c in df.columns if f"{c}_flag" in df.columns], [])
    assert judged > 10_000
