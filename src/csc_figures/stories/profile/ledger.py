"""The claims ledger's computations for the profiles (data/claims.csv keys profile.*); they call the computations."""

from __future__ import annotations

from itertools import pairwise

import polars as pl

from ...errors import UserError
from .compute import ProfileData, _council_rows, _region_rows, _vintage, load_data

# ---- the claims ledger's computations (data/claims.csv keys profile.*) --------------------------

def area_series(area: str, measure: str, vintage: int | None = None,
                data: ProfileData | None = None) -> dict[int, float | None]:
    """{year: value} for England, a region (by name) or a council (any name or code) from one release."""
    data = data or load_data()
    panel = data.workforce.filter(pl.col("vintage") == _vintage(data, vintage))
    if measure not in panel.columns:
        raise UserError(f"no workforce measure {measure!r}")
    text = str(area).strip()
    if text.lower() == "england":
        rows = panel.filter(pl.col("geographic_level") == "national")
    elif text.lower() in {r.lower() for r in panel["region_name"].drop_nulls().unique().to_list()}:
        rows = _region_rows(panel, text)
    else:
        rows = _council_rows(panel, data.resolve(text))
    return dict(rows.select("year", measure).iter_rows())


def _year_value(series: dict, year, area: str, measure: str) -> float:
    value = series.get(int(year))
    if value is None:
        raise UserError(f"no {measure} for {area} in {year} in this release (suppressed or not held)")
    return value


from ...claims import register  # noqa: E402 - the ledger's computations for this story follow


@register("profile.value")
def claim_value(council: str, measure: str, year: str, vintage: str | None = None) -> float:
    """The published figure for a council, a region or England."""
    return _year_value(area_series(council, measure, vintage and int(vintage)), year, council, measure)


@register("profile.change")
def claim_change(council: str, measure: str, year: str, base_year: str, vintage: str | None = None) -> float:
    """Change from base_year to year, in the measure's units (percentage points for rates)."""
    s = area_series(council, measure, vintage and int(vintage))
    return _year_value(s, year, council, measure) - _year_value(s, base_year, council, measure)


@register("profile.ratio")
def claim_ratio(council: str, measure: str, year: str, vintage: str | None = None, base_year: str | None = None,
                compare_to: str | None = None) -> float:
    """The figure as a multiple of the same figure in base_year, or of another area's (compare_to)."""
    v = vintage and int(vintage)
    value = _year_value(area_series(council, measure, v), year, council, measure)
    if base_year:
        return value / _year_value(area_series(council, measure, v), base_year, council, measure)
    if compare_to:
        return value / _year_value(area_series(compare_to, measure, v), year, compare_to, measure)
    raise UserError("profile.ratio needs base_year or compare_to")


@register("profile.highest_in_years")
def claim_highest_in_years(council: str, measure: str, year: str, vintage: str | None = None) -> int:
    """How many years, counting this one, the figure is the highest over (back to the release's first year)."""
    s = area_series(council, measure, vintage and int(vintage))
    value, y, years = _year_value(s, year, council, measure), int(year) - 1, 1
    while s.get(y) is not None and s[y] < value:
        years, y = years + 1, y - 1
    return years


@register("profile.trend")
def claim_trend(council: str, measure: str, from_year: str, to_year: str, vintage: str | None = None) -> str:
    """'rising every year' if the figure rose in each year from from_year to to_year, else 'not rising every year'."""
    s = area_series(council, measure, vintage and int(vintage))
    values = [_year_value(s, y, council, measure) for y in range(int(from_year), int(to_year) + 1)]
    rising = all(b > a for a, b in pairwise(values))
    return "rising every year" if rising else "not rising every year"
