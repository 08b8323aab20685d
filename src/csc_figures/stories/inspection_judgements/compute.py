"""Judgements in force at a date and judgements published in a period: pure functions on the inspections table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ... import credits, judgements
from ...dates import as_date
from ...errors import DataError, UserError

STORY = "inspection_judgements"
JUDGEMENTS = list(judgements.ORDER)  # best first
RANK = judgements.GRADE  # 1 outstanding ... 4 inadequate
NOT_GOOD = ("requires_improvement", "inadequate")
GRADED_FRAMEWORKS = judgements.IN_FORCE_FRAMEWORKS  # the frameworks that grade overall effectiveness
NOT_YET = "not_yet_judged"  # no SIF/ILACS judgement in force at the date


def source_line() -> str:
    """The charts' credit: Ofsted's outcome files (the judgements in force come from all of them, merged)."""
    return credits.line(credits.credit("ofsted_outcomes"))


# ---- inputs ---------------------------------------------------------------------------------

def load_inspections() -> pl.DataFrame:
    """The processed inspections table (one row per council per inspection)."""
    from ... import tables

    return tables.read("inspections")


def in_force(as_of: dt.date | str) -> pl.DataFrame:
    """Judgements in force on as_of for every council that existed then (as_of no later than the data)."""
    from ...in_force import judgements_in_force

    day = as_date(as_of)
    if day > latest_as_of():
        raise UserError(f"as_of {day} is after {latest_as_of()}, the as-at date of the latest Ofsted file; "
                        "judgements in force after it are not held")
    return judgements_in_force(day)


def _check_judgements(df: pl.DataFrame, column: str, what: str) -> None:
    bad = df.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(JUDGEMENTS))
    if bad.height:
        row = bad.row(0, named=True)
        raise DataError(f"{what}: column {column} holds {row[column]!r} for council "
                        f"{row.get('la_code')} {row.get('la_name')}; expected one of {JUDGEMENTS} or null")


def latest_publication(inspections: pl.DataFrame) -> dt.date:
    """The last publication date the inspections table holds."""
    return inspections["published"].max()


def latest_as_of() -> dt.date:
    """The last date a judgement in force can be asked for: the latest Ofsted file's as-at date.

    Later publications in that file are inspections carried out before it; inspections
    after it are not held, so judgements in force after it would be incomplete.
    """
    from ...in_force import coverage

    return coverage()[1]


# ---- judgements in force at a date ----------------------------------------------------------

def distribution(in_force_frame: pl.DataFrame, frameworks=GRADED_FRAMEWORKS) -> pl.DataFrame:
    """Councils by judgement in force: counts, and shares of the councils with a judgement.

    A council whose judgement in force comes from another framework, or that has
    none yet, is counted as `not_yet_judged` (never dropped).
    """
    _check_judgements(in_force_frame, "judgement", "judgements in force")
    counted = in_force_frame.with_columns(
        pl.when(pl.col("framework").is_in(list(frameworks)) & pl.col("judgement").is_not_null())
        .then(pl.col("judgement")).otherwise(pl.lit(NOT_YET)).alias("judgement")
    )
    order = pl.DataFrame({"judgement": [*JUDGEMENTS, NOT_YET]})
    counts = order.join(counted.group_by("judgement").agg(pl.len().alias("councils")),
                        on="judgement", how="left", maintain_order="left")
    counts = counts.with_columns(pl.col("councils").fill_null(0).cast(pl.Int64))
    judged = counts.filter(pl.col("judgement") != NOT_YET)["councils"].sum()
    return counts.with_columns(
        pl.when((pl.col("judgement") != NOT_YET) & pl.lit(judged > 0))
        .then(pl.col("councils") / pl.lit(judged) * 100).otherwise(None).cast(pl.Float64)
        .alias("share_of_judged"),
    )


def share_not_good(dist: pl.DataFrame) -> float | None:
    """Percentage of judged councils rated requires improvement or inadequate (None if none judged)."""
    judged = dist.filter(pl.col("judgement").is_in(JUDGEMENTS))["councils"].sum()
    if judged == 0:
        return None
    return dist.filter(pl.col("judgement").is_in(NOT_GOOD))["councils"].sum() / judged * 100


def count_of(dist: pl.DataFrame, judgement: str) -> int:
    """Councils with one judgement (or not_yet_judged) in a distribution."""
    if judgement not in (*JUDGEMENTS, NOT_YET):
        raise UserError(f"judgement {judgement!r} is not one of {[*JUDGEMENTS, NOT_YET]}")
    return int(dist.filter(pl.col("judgement") == judgement)["councils"].sum())


def distribution_at(as_of: dt.date | str, frameworks=GRADED_FRAMEWORKS) -> pl.DataFrame:
    """The distribution of judgements in force on one date, with the date as a column."""
    day = as_date(as_of)
    return distribution(in_force(day), frameworks).select(pl.lit(day).alias("as_of"), pl.all())


def march_dates(first_year: int, last: dt.date) -> list[dt.date]:
    """Every 31 March from first_year up to and including the last one on or before `last`."""
    last_year = last.year if last >= dt.date(last.year, 3, 31) else last.year - 1
    if last_year < first_year:
        raise UserError(f"no 31 March between {first_year} and {last}")
    return [dt.date(year, 3, 31) for year in range(first_year, last_year + 1)]


def first_march_after(day: dt.date) -> dt.date:
    """The first 31 March on or after a date (the chart starts at the first one after SIF began)."""
    march = dt.date(day.year, 3, 31)
    return march if march >= day else dt.date(day.year + 1, 3, 31)


def distribution_over_time(dates: list[dt.date], frameworks=GRADED_FRAMEWORKS) -> pl.DataFrame:
    """The distribution at each date, stacked: as_of, judgement, councils, share_of_judged."""
    return pl.concat([distribution_at(day, frameworks) for day in dates])


def councils_with(in_force_frame: pl.DataFrame, judgement: str, frameworks=None) -> pl.DataFrame:
    """The councils holding one judgement in a judgements-in-force frame (any framework by default)."""
    rows = in_force_frame.filter(pl.col("judgement") == judgement)
    if frameworks is not None:
        rows = rows.filter(pl.col("framework").is_in(list(frameworks)))
    return rows.sort("la_code")


def first_published(inspections: pl.DataFrame, judgement: str, frameworks=GRADED_FRAMEWORKS) -> pl.DataFrame:
    """The first inspection(s) under these frameworks published with this overall judgement."""
    rows = inspections.filter(pl.col("framework").is_in(list(frameworks)) & (pl.col("overall") == judgement))
    if rows.height == 0:
        return rows
    return rows.filter(pl.col("published") == rows["published"].min()).sort("la_code")


OLDER_FRAMEWORK_COLUMNS = ("safeguarding", "looked_after_children", "child_protection")


def older_judgements_held(inspections: pl.DataFrame, as_of: dt.date, judgement: str) -> pl.DataFrame:
    """Councils with no SIF/ILACS report by as_of whose earlier inspections (SLAC, CPI, TLAC) gave `judgement`.

    Those frameworks have no overall effectiveness, so judgements_in_force ignores them;
    this lists what a reader of the time could still see on Ofsted's site.
    """
    graded = inspections.filter(pl.col("framework").is_in(list(GRADED_FRAMEWORKS)) & (pl.col("published") <= as_of))
    columns = [c for c in OLDER_FRAMEWORK_COLUMNS if c in inspections.columns]
    older = inspections.filter(~pl.col("framework").is_in(list(GRADED_FRAMEWORKS)) & (pl.col("published") <= as_of)
                               & ~pl.col("la_code").is_in(graded["la_code"].implode()))
    long = older.unpivot(on=columns, index=["la_code", "la_name", "framework", "inspection_type", "published"],
                         variable_name="judged", value_name="judgement")
    return long.filter(pl.col("judgement") == judgement).sort("la_code", "published", "judged")


# ---- judgements published in a period -------------------------------------------------------

@dataclass(frozen=True)
class Window:
    """A rule for 'the inspections of a period': dates, which date, which inspections."""

    name: str
    start: dt.date
    end: dt.date  # inclusive
    on: str = "published"  # or inspection_start / inspection_end
    frameworks: tuple[str, ...] = ("SIF",)
    inspection_types: tuple[str, ...] | None = None  # None = every type


def published_in(inspections: pl.DataFrame, window: Window) -> pl.DataFrame:
    """The inspections a window selects (rows whose date is null are not in any window)."""
    if window.on not in inspections.columns:
        raise UserError(f"window {window.name}: the inspections table has no column {window.on!r}")
    rows = inspections.filter(pl.col("framework").is_in(list(window.frameworks)))
    if window.inspection_types is not None:
        rows = rows.filter(pl.col("inspection_type").is_in(list(window.inspection_types)))
    return rows.filter(pl.col(window.on).is_between(window.start, window.end))


def judgement_counts(rows: pl.DataFrame) -> dict[str, int]:
    """Inspections and overall judgements among some inspection rows."""
    _check_judgements(rows, "overall", "inspections")
    counts = {"inspections": rows.height}
    for judgement in JUDGEMENTS:
        counts[judgement] = int((rows["overall"] == judgement).sum())
    counts["no_overall"] = int(rows["overall"].is_null().sum())
    return counts


def window_counts(inspections: pl.DataFrame, windows: list[Window]) -> pl.DataFrame:
    """One row per window: its rule, how many inspections it holds and their judgements.

    `undated` counts the inspections of those frameworks and types whose date
    column is null, so a window on a date we do not hold says so rather than zero.
    """
    rows = []
    for window in windows:
        counts = judgement_counts(published_in(inspections, window))
        chosen = inspections.filter(pl.col("framework").is_in(list(window.frameworks)))
        if window.inspection_types is not None:
            chosen = chosen.filter(pl.col("inspection_type").is_in(list(window.inspection_types)))
        rows.append({
            "window": window.name, "date_used": window.on, "start": window.start, "end": window.end,
            "frameworks": "+".join(window.frameworks),
            "inspection_types": "all" if window.inspection_types is None else "+".join(window.inspection_types),
            **counts, "undated": int(chosen[window.on].is_null().sum()),
        })
    return pl.DataFrame(rows)


def mark_reproduces(table: pl.DataFrame, target: dict[str, int]) -> pl.DataFrame:
    """Add `reproduces`: true where every targeted count equals the article's figure."""
    unknown = [k for k in target if k not in table.columns]
    if unknown:
        raise UserError(f"target counts {unknown} are not columns of {table.columns}")
    test = pl.all_horizontal([pl.col(k) == v for k, v in target.items()])
    return table.with_columns(test.alias("reproduces"))


def financial_year(first_year: int) -> tuple[dt.date, dt.date]:
    """1 April first_year to 31 March the next year."""
    return dt.date(first_year, 4, 1), dt.date(first_year + 1, 3, 31)


def windows_for_year(first_year: int, framework_start: dt.date) -> list[Window]:
    """The plausible fixed readings of 'inspected in <first_year>-<yy>' for a SIF period count."""
    fy = financial_year(first_year)
    academic = (dt.date(first_year, 9, 1), dt.date(first_year + 1, 8, 31))
    label = f"{first_year}-{str(first_year + 1)[-2:]}"
    first = ("first",)
    return [
        Window(f"financial year {label}, by publication, first SIF", *fy, "published", ("SIF",), first),
        Window(f"financial year {label}, by publication, all SIF", *fy, "published", ("SIF",), None),
        Window(f"financial year {label}, by inspection start, first SIF", *fy, "inspection_start", ("SIF",), first),
        Window(f"financial year {label}, by inspection end, first SIF", *fy, "inspection_end", ("SIF",), first),
        Window(f"academic year {label}, by publication, first SIF", *academic, "published", ("SIF",), first),
        Window(f"calendar year {first_year + 1}, by publication, first SIF",
               dt.date(first_year + 1, 1, 1), dt.date(first_year + 1, 12, 31), "published", ("SIF",), first),
        Window(f"financial year {first_year + 1}-{str(first_year + 2)[-2:]}, by publication, first SIF",
               *financial_year(first_year + 1), "published", ("SIF",), first),
        Window(f"SIF start ({framework_start.isoformat()}) to 31 March {first_year + 1}, by publication, all SIF",
               framework_start, fy[1], "published", ("SIF",), None),
    ]


def cutoff_window(framework_start: dt.date, cutoff: dt.date, inspection_types=("first",)) -> Window:
    """Every SIF inspection (of these types) published from the framework's start to a cut-off."""
    kind = "first SIF" if inspection_types == ("first",) else "all SIF"
    return Window(f"SIF start ({framework_start.isoformat()}) to {cutoff.isoformat()}, by publication, {kind}",
                  framework_start, cutoff, "published", ("SIF",), inspection_types)


def framework_start(inspections: pl.DataFrame, framework: str = "SIF") -> dt.date:
    """The first publication date held for a framework."""
    rows = inspections.filter(pl.col("framework") == framework)
    if rows.height == 0:
        raise DataError(f"inspections: no {framework} inspections held")
    return rows["published"].min()


def running_counts(inspections: pl.DataFrame, frameworks=("SIF",), inspection_types=("first",)) -> pl.DataFrame:
    """Cumulative inspections and judgements published up to and including each publication date.

    Also `next_published` (the next publication date, so a cut-off anywhere from
    `published` to the day before gives the same counts) and `share_not_good`.
    """
    rows = inspections.filter(pl.col("framework").is_in(list(frameworks)))
    if inspection_types is not None:
        rows = rows.filter(pl.col("inspection_type").is_in(list(inspection_types)))
    _check_judgements(rows, "overall", "inspections")
    daily = rows.group_by("published").agg(
        pl.len().alias("inspections"),
        *[(pl.col("overall") == j).sum().cast(pl.Int64).alias(j) for j in JUDGEMENTS],
    ).sort("published")
    cumulative = daily.with_columns(pl.col(["inspections", *JUDGEMENTS]).cum_sum())
    judged = pl.sum_horizontal(JUDGEMENTS)
    return cumulative.with_columns(
        pl.col("published").shift(-1).alias("next_published"),
        ((pl.col("requires_improvement") + pl.col("inadequate")) / judged * 100).alias("share_not_good"),
        (pl.col("inadequate") / judged * 100).alias("share_inadequate"),
    )


def cutoffs_matching(running: pl.DataFrame, target: dict[str, int]) -> pl.DataFrame:
    """The cut-off dates at which the running counts equal the target: from `published` to `last_cutoff`."""
    matched = mark_reproduces(running, target).filter(pl.col("reproduces"))
    return matched.with_columns(
        (pl.col("next_published") - pl.duration(days=1)).alias("last_cutoff"),
    ).select("published", "last_cutoff", "inspections", *JUDGEMENTS)



def share_not_good_counts(counts: dict[str, int]) -> float | None:
    """Percentage less than good among judged inspections, from judgement_counts()."""
    judged = sum(counts[j] for j in JUDGEMENTS)
    return None if judged == 0 else (counts["requires_improvement"] + counts["inadequate"]) / judged * 100


def over_time_table(over_time: pl.DataFrame) -> pl.DataFrame:
    """Councils by judgement at each date (one row per date), with the share less than good to one place."""
    from ...rounding import round_half_up

    wide = over_time.pivot(on="judgement", index="as_of", values="councils", sort_columns=False)
    shares = [share_not_good(over_time.filter(pl.col("as_of") == day)) for day in wide["as_of"]]
    return wide.with_columns(pl.Series("share_not_good", [None if s is None else round_half_up(s, 1) for s in shares],
                                       dtype=pl.Float64))


def in_year(running: pl.DataFrame, year: int) -> pl.DataFrame:
    """The running counts on the publication dates of one calendar year."""
    return running.filter(pl.col("published").dt.year() == year)


def year_ends(year: int) -> tuple[dt.date, dt.date]:
    """1 January and 31 December of a year."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
