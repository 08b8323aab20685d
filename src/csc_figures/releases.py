"""Is each release complete, and does it agree with the release before it? (workforce, children)

Row-by-row contracts (tables.TableSpec) cannot see a council row that is missing, a
year that is missing, or two columns swapped: each value is still plausible. These
checks compare rows with each other, per release and between releases.

Completeness, per release (a file named `..._2017_to_2025.csv` promises 2017 to 2025):
- every promised year has one national row, 11 regional rows (Inner and Outer London
  are regions of their own) and at least MIN_COUNCIL_ROWS council rows (the releases
  we hold have 150 to 152);
- the councils a year covers (joint returns count for every council they cover) are
  the previous year's, changed only by the reorganisations in geography.REORGANISATIONS
  that took effect in between (a reporting year ends on 30 September);
- each year covers the same councils as the previous release does for that year.

Agreement between releases. Later releases revise earlier years, so figures are
compared council by council for every year both releases hold. A figure *disagrees*
when it moves by more than DISAGREE_RELATIVE of the earlier value and more than
DISAGREE_ABSOLUTE. Measured on the four releases we hold (`revisions`, shown in
notebook 03): the 2024 and 2025 releases repeat every earlier figure exactly; the
2023 release revised the 2022 release's figures for 2017-2022 in up to 68.4% of council
figures for a measure (turnover_rate_headcount; leavers_headcount 64.0%: DfE revised the
headcount leavers of most councils; every other measure 20.5% or less), and at most
20.4% of a measure's council figures disagree by the rule above (turnover_rate_headcount;
every FTE measure 1.6% or less). Two columns swapped
(turnover_rate <-> agency_rate, vacancy_rate <-> absence_rate) make 88-97% of figures
disagree; fte <-> headcount makes 98.6% change. So a measure is refused when more than
MAX_DISAGREEING (40%, twice the worst real revision) of its council figures disagree,
or more than MAX_CHANGED (90%) change at all; anything less is a revision, reported
by `revisions` and not refused.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from .errors import DataError
from .geography import REORGANISATIONS

MIN_COUNCIL_ROWS = 145
REGIONAL_ROWS = 11
DISAGREE_RELATIVE = 0.10
DISAGREE_ABSOLUTE = 0.5
MAX_DISAGREEING = 0.40
MAX_CHANGED = 0.90

_YEARS_IN_NAME = re.compile(r"(\d{4})_to_(\d{4})")


def promised_years(file: str) -> list[int]:
    """The reporting years a release's file name promises (`..._2017_to_2025.csv` -> 2017..2025)."""
    match = _YEARS_IN_NAME.search(file)
    if not match:
        raise DataError(f"{file}: its name does not say which years it holds (expected '<first>_to_<last>')")
    first, last = map(int, match.groups())
    return list(range(first, last + 1))


def check_levels(df: pl.DataFrame, file: str, years: list[int], min_council_rows: int = MIN_COUNCIL_ROWS) -> None:
    """Every year in `years` has one national row, REGIONAL_ROWS regional rows and enough council rows."""
    counts = {(r["year"], r["geographic_level"]): r["len"]
              for r in df.group_by("year", "geographic_level").len().iter_rows(named=True)}
    held = sorted({y for y, _ in counts})
    if missing := [y for y in years if y not in held]:
        raise DataError(f"{file}: it should hold {years[0]}-{years[-1]} but has no rows for "
                        f"{', '.join(map(str, missing))} (years held: {', '.join(map(str, held)) or 'none'})")
    for year in years:
        for level, expected in (("national", 1), ("regional", REGIONAL_ROWS)):
            if counts.get((year, level), 0) != expected:
                raise DataError(f"{file}: {year} has {counts.get((year, level), 0)} {level} row(s), expected {expected}")
        if counts.get((year, "local_authority"), 0) < min_council_rows:
            raise DataError(f"{file}: {year} has {counts.get((year, 'local_authority'), 0)} council rows, "
                            f"expected at least {min_council_rows}")


def _year_end(year: int) -> dt.date:
    return dt.date(year, 9, 30)


def _march_end(year: int) -> dt.date:
    return dt.date(year, 3, 31)


def reorganised(year: int, year_end=_year_end) -> tuple[set[str], set[str]]:
    """DfE codes that stopped and started reporting between reporting years year-1 and year (a workforce year
    ends at its 30 September census; a children's year, `_march_end`, on 31 March)."""
    gone, new = set(), set()
    for reorg in REORGANISATIONS:
        if year_end(year - 1) < reorg.date <= year_end(year):
            gone |= set(reorg.predecessors)
            new |= set(reorg.successors)
    return gone, new


def covered(df: pl.DataFrame) -> dict[int, set[str]]:
    """Year -> the DfE codes the council rows cover (a joint return covers each of its councils)."""
    rows = df.filter(pl.col("geographic_level") == "local_authority")
    if "joint_codes" not in df.columns:  # the children's files: one council a row
        rows = rows.with_columns(joint_codes=pl.concat_list("la_code"))
    rows = rows.explode("joint_codes")
    by_year = rows.group_by("year").agg(pl.col("joint_codes").unique())
    return {r["year"]: set(r["joint_codes"]) for r in by_year.iter_rows(named=True)}


def _names(df: pl.DataFrame, codes: set[str]) -> str:
    known = dict(df.filter(pl.col("la_code").is_in(list(codes))).select("la_code", "la_name").iter_rows())
    return ", ".join(f"{c} ({known[c]})" if known.get(c) else c for c in sorted(codes))


def check_release(df: pl.DataFrame, file: str) -> None:
    """One release's rows: every promised year, every level, every council expected (DataError if not)."""
    years = promised_years(file)
    check_levels(df, file, years)
    codes = covered(df)
    for year in years[1:]:
        gone, new = reorganised(year)
        expected = (codes[year - 1] - gone) | new
        if missing := expected - codes[year]:
            raise DataError(f"{file}: council(s) {_names(df, missing)} reported for {year - 1} but missing from "
                            f"{year} (no reorganisation explains it)")
        if extra := codes[year] - expected:
            raise DataError(f"{file}: council(s) {_names(df, extra)} appear in {year} but not in {year - 1} "
                            f"(no reorganisation explains it)")


def check_no_council_lost(df: pl.DataFrame, file: str, years: list[int]) -> None:
    """A children's file: a council reported for a year is reported the next, unless a reorganisation (by
    31 March) ended it. (These files keep rows for councils before they began or after they ended, so only a
    council lost is a fault: a gap would be published as a missing year.)"""
    codes = covered(df)
    for year in years[1:]:
        gone, _ = reorganised(year, _march_end)
        if missing := codes.get(year - 1, set()) - gone - codes.get(year, set()):
            raise DataError(f"{file}: council(s) {_names(df, missing)} reported for {year - 1} but missing from "
                            f"{year} (no reorganisation explains it)")


def _pairs(new: pl.DataFrame, old: pl.DataFrame) -> pl.DataFrame:
    """Council figures of two releases side by side, joined on year and the councils a row covers."""
    unit = pl.col("joint_codes").list.sort().list.join("/").alias("unit")
    new = new.filter(pl.col("geographic_level") == "local_authority").with_columns(unit)
    old = old.filter(pl.col("geographic_level") == "local_authority").with_columns(unit)
    return new.join(old, on=["year", "unit"], suffix="_previous")


def compare(new: pl.DataFrame, old: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    """Per measure: council figures both releases hold, how many changed, how many disagree."""
    pairs = _pairs(new, old)
    out = []
    for m in measures:
        both = pairs.filter(pl.col(m).is_not_null() & pl.col(f"{m}_previous").is_not_null())
        if not both.height:
            continue
        diff = (both[m] - both[f"{m}_previous"]).abs()
        limit = (both[f"{m}_previous"].abs() * DISAGREE_RELATIVE).clip(lower_bound=DISAGREE_ABSOLUTE)
        out.append({"measure": m, "compared": both.height, "changed": int((diff > 1e-9).sum()),
                    "disagree": int((diff > limit).sum()), "largest_change": round(float(diff.max()), 1)})
    schema = {"measure": pl.String, "compared": pl.Int64, "changed": pl.Int64, "disagree": pl.Int64,
              "largest_change": pl.Float64}
    return pl.DataFrame(out, schema=schema)


def check_agreement(new: pl.DataFrame, old: pl.DataFrame, new_file: str, old_file: str,
                    measures: list[str]) -> None:
    """Refuse a release whose councils or figures mostly disagree with the previous release's."""
    new_codes, old_codes = covered(new), covered(old)
    for year in sorted(set(new_codes) & set(old_codes)):
        if new_codes[year] != old_codes[year]:
            lost, gained = old_codes[year] - new_codes[year], new_codes[year] - old_codes[year]
            raise DataError(f"{new_file}: {year} covers different councils from {old_file}: "
                            f"missing {_names(old, lost) or 'none'}, new {_names(new, gained) or 'none'}")
    for row in compare(new, old, measures).iter_rows(named=True):
        if row["disagree"] > MAX_DISAGREEING * row["compared"] or row["changed"] > MAX_CHANGED * row["compared"]:
            raise DataError(
                f"{new_file}: column {row['measure']!r} disagrees with {old_file} for the years both hold: "
                f"{row['changed']} of {row['compared']} council figures changed, {row['disagree']} by more than "
                f"{DISAGREE_RELATIVE:.0%} (real revisions: at most {MAX_DISAGREEING:.0%} disagree, "
                f"{MAX_CHANGED:.0%} change). Columns swapped or mislabelled? Refused")


def check_all(panel: pl.DataFrame, files: dict[int, str], measures: list[str]) -> None:
    """Completeness of every release, then agreement of each with the one before it."""
    by_vintage = {v: panel.filter(pl.col("vintage") == v) for v in sorted(files)}
    for vintage, df in by_vintage.items():
        check_release(df, files[vintage])
    vintages = sorted(files)
    for old, new in zip(vintages, vintages[1:], strict=False):
        check_agreement(by_vintage[new], by_vintage[old], files[new], files[old], measures)


def revisions(panel: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    """Every measure each release revised, against the release before it (unchanged measures left out)."""
    vintages = sorted(panel["vintage"].unique().to_list())
    frames = [compare(panel.filter(pl.col("vintage") == new), panel.filter(pl.col("vintage") == old), measures)
              .with_columns(pl.lit(new, pl.Int64).alias("release"), pl.lit(old, pl.Int64).alias("previous"))
              for old, new in zip(vintages, vintages[1:], strict=False)]
    return (pl.concat(frames).filter(pl.col("changed") > 0)
            .select("release", "previous", "measure", "compared", "changed", "disagree", "largest_change"))
