"""Ofsted's judgements of councils' children's services: what was in force, what was published, what changed.

Reads the processed `inspections` table and `csc_figures.inspections.judgements_in_force`;
every function that does arithmetic also takes plain frames, so tests run on small
synthetic tables. Judgements are the four-point scale Ofsted has used since the
single inspection framework (SIF, November 2013) and its successor ILACS (2018);
older frameworks (SLAC, CPI, TLAC) graded differently, so by default only SIF and
ILACS judgements count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import polars as pl

from .. import charts
from .. import formatting as f
from ..errors import DataError, UserError

STORY = "inspection_judgements"
JUDGEMENTS = list(charts.JUDGEMENT_ORDER)  # best first
RANK = {judgement: i for i, judgement in enumerate(JUDGEMENTS)}
NOT_GOOD = ("requires_improvement", "inadequate")
GRADED_FRAMEWORKS = ("SIF", "ILACS")
NOT_YET = "not_yet_judged"  # no SIF/ILACS judgement in force at the date
SOURCE = "Source: Ofsted, local authority inspection outcomes and Children's social care in England 2023 data"

from ..claims import register  # the ledger's computations live beside the story they check


# ---- inputs ---------------------------------------------------------------------------------

def as_date(value: dt.date | str | None, name: str = "as_of") -> dt.date:
    """A date from a date or 'YYYY-MM-DD' text; a UserError naming the parameter otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"{name}: {value!r} is not a date written YYYY-MM-DD") from None


def load_inspections() -> pl.DataFrame:
    """The processed inspections table (one row per council per inspection)."""
    from .. import tables

    return tables.read("inspections")


def in_force(as_of: dt.date | str) -> pl.DataFrame:
    """Judgements in force on as_of for every council that existed then (as_of no later than the data)."""
    from ..inspections import judgements_in_force

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
    from ..inspections import coverage

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


# ---- upgrades and downgrades ----------------------------------------------------------------

def consecutive_inspections(inspections: pl.DataFrame, frameworks=GRADED_FRAMEWORKS) -> pl.DataFrame:
    """Each graded inspection beside the council's previous graded one under these frameworks.

    `steps` is how many grades the council moved (positive = up); `change` is
    upgrade, downgrade or unchanged. A council's first graded inspection has no row.
    """
    graded = inspections.filter(pl.col("framework").is_in(list(frameworks)) & pl.col("overall").is_not_null())
    _check_judgements(graded, "overall", "inspections")
    dupes = graded.group_by("la_code", "published").len().filter(pl.col("len") > 1)
    if dupes.height:
        row = dupes.row(0, named=True)
        raise DataError(f"inspections: council {row['la_code']} has {row['len']} graded inspections "
                        f"published on {row['published']}; cannot order them")
    keep = ["framework", "inspection_type", "published", "overall"]
    ordered = graded.sort("la_code", "published").select("la_code", "la_name", *keep)
    previous = [pl.col(c).shift(1).over("la_code").alias(f"previous_{c}") for c in keep]
    paired = ordered.with_columns(previous).filter(pl.col("previous_published").is_not_null())
    rank = lambda c: pl.col(c).replace_strict(RANK, return_dtype=pl.Int64)  # noqa: E731
    paired = paired.with_columns((rank("previous_overall") - rank("overall")).alias("steps"))
    return paired.select(
        "la_code", "la_name",
        pl.col("previous_framework"), pl.col("previous_inspection_type"), pl.col("previous_published"),
        pl.col("previous_overall").alias("previous_judgement"),
        "framework", "inspection_type", "published", pl.col("overall").alias("judgement"), "steps",
        pl.when(pl.col("steps") > 0).then(pl.lit("upgrade"))
        .when(pl.col("steps") < 0).then(pl.lit("downgrade")).otherwise(pl.lit("unchanged")).alias("change"),
    )


def slac_to_first_sif(inspections: pl.DataFrame, published_to: dt.date | None = None) -> pl.DataFrame:
    """Each council's last SLAC safeguarding judgement beside its first SIF overall judgement.

    SLAC graded safeguarding and looked-after services separately, with no overall judgement;
    safeguarding is the nearer match to SIF's overall one. Only first SIF reports published
    by `published_to` (all if None) are paired.
    """
    slac = (inspections.filter((pl.col("framework") == "SLAC") & pl.col("safeguarding").is_not_null())
            .sort("published").group_by("la_code").last()
            .select("la_code", pl.col("published").alias("slac_published"),
                    pl.col("safeguarding").alias("slac_safeguarding")))
    sif = inspections.filter((pl.col("framework") == "SIF") & (pl.col("inspection_type") == "first"))
    if published_to is not None:
        sif = sif.filter(pl.col("published") <= published_to)
    _check_judgements(sif, "overall", "inspections")
    _check_judgements(slac, "slac_safeguarding", "inspections (SLAC safeguarding)")
    paired = sif.select("la_code", "la_name", pl.col("published").alias("sif_published"),
                        pl.col("overall").alias("sif_overall")).join(slac, on="la_code", how="inner")
    rank = lambda c: pl.col(c).replace_strict(RANK, return_dtype=pl.Int64)  # noqa: E731
    steps = rank("slac_safeguarding") - rank("sif_overall")
    return paired.with_columns(
        pl.when(steps > 0).then(pl.lit("upgrade")).when(steps < 0).then(pl.lit("downgrade"))
        .otherwise(pl.lit("unchanged")).alias("change"),
    ).select("la_code", "la_name", "slac_published", "slac_safeguarding", "sif_published", "sif_overall",
             "change").sort("la_code")


def transition_matrix(transitions: pl.DataFrame) -> pl.DataFrame:
    """Counts of every previous -> new judgement pair (all sixteen, zeros kept)."""
    grid = pl.DataFrame({"previous_judgement": JUDGEMENTS}).join(
        pl.DataFrame({"judgement": JUDGEMENTS}), how="cross")
    counts = transitions.group_by("previous_judgement", "judgement").agg(pl.len().alias("inspections"))
    grid = grid.join(counts, on=["previous_judgement", "judgement"], how="left", maintain_order="left")
    return grid.with_columns(pl.col("inspections").fill_null(0).cast(pl.Int64))


def judgement_crosstab(df: pl.DataFrame, rows: str, columns: str) -> pl.DataFrame:
    """Counts of one judgement column against another, both in the scale's order, zeros kept."""
    grid = pl.DataFrame({rows: JUDGEMENTS}).join(pl.DataFrame({columns: JUDGEMENTS}), how="cross")
    counts = df.group_by(rows, columns).agg(pl.len().alias("n"))
    long = grid.join(counts, on=[rows, columns], how="left", maintain_order="left")
    wide = long.with_columns(pl.col("n").fill_null(0).cast(pl.Int64)).pivot(on=columns, index=rows, values="n")
    return wide.select(rows, *JUDGEMENTS)


def change_counts(transitions: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """Upgrades, downgrades and unchanged, overall or by a column (e.g. the new framework)."""
    counts = [
        pl.len().cast(pl.Int64).alias("reinspections"),
        (pl.col("change") == "upgrade").sum().cast(pl.Int64).alias("upgrades"),
        (pl.col("change") == "downgrade").sum().cast(pl.Int64).alias("downgrades"),
        (pl.col("change") == "unchanged").sum().cast(pl.Int64).alias("unchanged"),
    ]
    if by is None:
        return transitions.select(counts)
    return transitions.group_by(by).agg(counts).sort(by)


def council_history(inspections: pl.DataFrame, la_code: str) -> pl.DataFrame:
    """Every inspection of one council, oldest first."""
    rows = inspections.filter(pl.col("la_code") == la_code)
    if rows.height == 0:
        raise UserError(f"no inspections held for council {la_code}")
    return rows.sort("published")


def resolve(council: str) -> str:
    """A DfE code from a council name, ONS code or DfE code (through the geography module)."""
    from ..geography import resolve_council

    return resolve_council(council)


def transition_in(transitions: pl.DataFrame, la_code: str, year: int) -> dict | None:
    """The council's change of judgement published in a year (the last one if several), or None."""
    rows = transitions.filter((pl.col("la_code") == la_code) & (pl.col("published").dt.year() == year))
    return rows.sort("published").row(-1, named=True) if rows.height else None


# Sub-judgement columns in the contract's words; a table may hold only some of them.
SUB_JUDGEMENTS = ("help_and_protection", "children_in_care", "care_leavers", "leadership", "adoption")


def history_columns(history: pl.DataFrame) -> list[str]:
    """The columns worth printing for a council's history, in reading order."""
    wanted = ["framework", "inspection_type", "inspection_start", "inspection_end", "published", "overall",
              *SUB_JUDGEMENTS]
    return [c for c in wanted if c in history.columns]


def _words(judgement: str | None) -> str:
    return "not judged" if judgement is None else charts.JUDGEMENT_LABELS[judgement].lower()


def _when(row: dict) -> str:
    # Ofsted gives fieldwork dates for ILACS only; SIF inspections are dated by their report.
    start = row.get("inspection_start")
    fieldwork = f"fieldwork from {start:%-d %B %Y}, " if start else ""
    return f"{row['framework']} {row['inspection_type']}, {fieldwork}published {row['published']:%-d %B %Y}"


def change_sentence(inspections: pl.DataFrame, la_code: str, published: dt.date) -> str:
    """The overall and sub-judgement changes between one graded inspection and the council's previous one."""
    graded = council_history(inspections, la_code).filter(
        pl.col("framework").is_in(list(GRADED_FRAMEWORKS)) & pl.col("overall").is_not_null())
    before = graded.filter(pl.col("published") < published)
    now = graded.filter(pl.col("published") == published)
    if now.height != 1 or before.height == 0:
        raise UserError(f"council {la_code}: no graded inspection published on {published} "
                        f"with an earlier one to compare")
    new, old = now.row(0, named=True), before.row(-1, named=True)
    steps = RANK[old["overall"]] - RANK[new["overall"]]
    verb = "up from" if steps > 0 else "down from" if steps < 0 else "the same as"
    text = (f"{new['la_name']}: {_words(new['overall'])} ({_when(new)}), {verb} {_words(old['overall'])} "
            f"({_when(old)})")
    # Only sub-judgements both inspections gave: the frameworks judged different things.
    subs = [c for c in SUB_JUDGEMENTS if c in inspections.columns and old[c] is not None and new[c] is not None]
    if subs:
        parts = [f"{c.replace('_', ' ')} {_words(old[c])} -> {_words(new[c])}" for c in subs]
        text += "; " + ", ".join(parts)
    return text + "."


def share_not_good_counts(counts: dict[str, int]) -> float | None:
    """Percentage less than good among judged inspections, from judgement_counts()."""
    judged = sum(counts[j] for j in JUDGEMENTS)
    return None if judged == 0 else (counts["requires_improvement"] + counts["inadequate"]) / judged * 100


def save(chart, name: str, table: pl.DataFrame):
    """Save a chart of this story in the four formats, with its table."""
    return charts.save_chart(chart, STORY, name, table)


def save_table(table: pl.DataFrame, name: str):
    """Save a table of this story as CSV."""
    return charts.save_table(table, STORY, name)


# ---- charts ---------------------------------------------------------------------------------

def distribution_chart(over_time: pl.DataFrame):
    """Stacked bars: councils by SIF/ILACS judgement in force at each date."""
    judged = over_time.filter(pl.col("judgement") != NOT_YET).with_columns(
        pl.col("as_of").dt.year().cast(pl.String).alias("year"),
        pl.col("judgement").replace_strict(RANK, return_dtype=pl.Int64).alias("order"),
    )
    dates = sorted(over_time["as_of"].unique().to_list())
    at = {day: over_time.filter(pl.col("as_of") == day) for day in dates}
    # Compare from the first date every council had a SIF/ILACS judgement: earlier shares rest on few councils.
    complete = [day for day in dates if count_of(at[day], NOT_YET) == 0]
    base_day, day = (complete[0] if complete else dates[0]), dates[-1]
    base, last = share_not_good(at[base_day]), share_not_good(at[day])
    if base is not None and last is not None and base_day != day and round(last, 1) != round(base, 1):
        verb = "fell" if last < base else "rose"
        title = (f"Councils judged less than good {verb} from {f.pct(base)} in "
                 f"{base_day.year} to {f.pct(last)} in {day.year}")
    else:
        title = f"{f.pct(last)} of councils were judged less than good in {day.year}"
    missing = count_of(at[day], NOT_YET)
    subtitle = ["Councils by Ofsted's judgement of their children's services in force at 31 March "
                "(SIF or ILACS judgements only)",
                "Bars grow as councils received their first SIF judgement: "
                + (f"every council had one by {complete[0].year}" if complete else
                   f"{missing} still had none at {day:%-d %B %Y}")]
    first_year = dates[0].year
    bars = alt.Chart(judged).mark_bar().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("councils:Q", title="Councils", stack="zero"),
        color=alt.Color("judgement:N", **charts.judgement_scale()),
        order=alt.Order("order:Q", sort="ascending"),
        tooltip=["year:O", "judgement:N", "councils:Q", alt.Tooltip("share_of_judged:Q", format=".1f")],
    ).properties(width=520, height=300)
    alt_text = (f"Stacked bar chart of English councils by the Ofsted judgement in force at each 31 March "
                f"from {first_year} to {day.year}. Less than good: {f.pct(base)} of judged councils in "
                f"{base_day.year}, {f.pct(last)} in {day.year}.")
    return charts.titled(bars, title, subtitle, SOURCE, alt_text)


def transitions_chart(matrix: pl.DataFrame, transitions: pl.DataFrame):
    """A grid of previous judgement (rows) by new judgement (columns), each cell the count."""
    counts = change_counts(transitions).row(0, named=True)
    labelled = matrix.with_columns(
        pl.col("previous_judgement").replace_strict(charts.JUDGEMENT_LABELS).alias("previous"),
        pl.col("judgement").replace_strict(charts.JUDGEMENT_LABELS).alias("new"),
        (pl.col("previous_judgement").replace_strict(RANK, return_dtype=pl.Int64)
         - pl.col("judgement").replace_strict(RANK, return_dtype=pl.Int64)).sign().replace_strict(
            {1: "Upgrade", 0: "Unchanged", -1: "Downgrade"}, return_dtype=pl.String).alias("change"),
    )
    order = [charts.JUDGEMENT_LABELS[j] for j in JUDGEMENTS]
    base = alt.Chart(labelled).encode(
        x=alt.X("new:N", sort=order, title="Judgement at the next inspection",
                axis=alt.Axis(orient="top", labelAngle=0, domain=False, ticks=False)),
        y=alt.Y("previous:N", sort=order, title="Judgement before", axis=alt.Axis(domain=False, ticks=False)),
    )
    # Hue says the direction, depth the number of inspections.
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("change:N", scale=alt.Scale(domain=["Upgrade", "Unchanged", "Downgrade"],
                                                    range=["#4a90c2", "#9e9e9e", "#b2182b"]),
                        legend=alt.Legend(title=None)),
        opacity=alt.Opacity("inspections:Q", scale=alt.Scale(domain=[0, matrix["inspections"].max()],
                                                            range=[0.12, 1]), legend=None),
    )
    text = base.mark_text(fontSize=15).encode(
        text="inspections:Q",
        color=alt.condition(alt.datum.inspections > matrix["inspections"].max() / 2,
                            alt.value("white"), alt.value("black")))
    grid = (cells + text).properties(width=440, height=240)
    n = counts["reinspections"]
    title = (f"{counts['upgrades']} of {n} re-inspections moved a council up a grade, "
             f"{counts['downgrades']} down")
    subtitle = ["Ofsted's overall judgement of a council's children's services against its previous one",
                "Consecutive SIF and ILACS inspections of the same council, counted by the pair of judgements"]
    alt_text = (f"Grid of {f.number(n)} consecutive Ofsted inspections of the same council, previous judgement "
                f"against the next: {counts['upgrades']} upgrades, {counts['downgrades']} downgrades, "
                f"{counts['unchanged']} unchanged.")
    return charts.titled(grid, title, subtitle, SOURCE, alt_text)


# ---- the claims ledger ----------------------------------------------------------------------
# Keys `inspections.*` in data/claims.csv; args arrive as text (k=v). Conventions:
# - `window=YYYY-YY` is Ofsted's statistical year, 1 April to 31 March by publication date
#   (the convention of its in-year sheets, e.g. "Inspections_in_year_2023-24");
# - `published_to` / `published_from` are inclusive publication dates;
# - `overall` is one judgement or several separated by commas.

def _judgement_list(text: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in values if v not in JUDGEMENTS]
    if not values or unknown:
        raise UserError(f"overall={text!r}: expected judgements from {JUDGEMENTS}, separated by commas")
    return values


def _statistical_year(text: str) -> tuple[dt.date, dt.date]:
    first, sep, second = text.partition("-")
    if not (sep and first.isdigit() and second.isdigit() and len(first) == 4
            and int(second) == (int(first) + 1) % 100):
        raise UserError(f"window={text!r} is not a year written like 2013-14")
    return financial_year(int(first))


def published_selection(inspections: pl.DataFrame, framework: str, window: str | None = None,
                        published_from: str | None = None, published_to: str | None = None,
                        inspection_type: str | None = None) -> pl.DataFrame:
    """The inspections of a framework published in a statistical year or between two dates."""
    start, end = dt.date.min, dt.date.max
    if window:
        start, end = _statistical_year(window)
    if published_from:
        start = max(start, as_date(published_from, "published_from"))
    if published_to:
        end = min(end, as_date(published_to, "published_to"))
    types = None if inspection_type is None else tuple(t.strip() for t in inspection_type.split(","))
    return published_in(inspections, Window("claim", start, end, "published", (framework,), types))


@register("inspections.count_published")
def claim_count_published(framework: str, overall: str | None = None, **selection) -> int:
    """Inspections of a framework published in a window (optionally with given overall judgements)."""
    rows = published_selection(load_inspections(), framework, **selection)
    if overall is not None:
        rows = rows.filter(pl.col("overall").is_in(_judgement_list(overall)))
    return rows.height


@register("inspections.share_published")
def claim_share_published(framework: str, overall: str, **selection) -> float | None:
    """Percentage of the graded inspections published in a window whose overall judgement is in `overall`."""
    rows = published_selection(load_inspections(), framework, **selection).filter(pl.col("overall").is_not_null())
    if rows.height == 0:
        return None
    return rows.filter(pl.col("overall").is_in(_judgement_list(overall))).height / rows.height * 100


def distinct_inspections(in_force_frame: pl.DataFrame) -> int:
    """Judgements in force counted once per inspection: councils sharing a predecessor's judgement count once."""
    source = pl.coalesce("inherited_from", "la_code")
    return in_force_frame.select(source.alias("source"), "published").unique().height


@register("inspections.count_in_force")
def claim_count_in_force(judgement: str, as_of: str, published_after: str | None = None,
                         count: str = "councils") -> int:
    """Councils holding a judgement on as_of (`any`: every council that existed, judged or not).

    count=inspections counts each inspection once (North and West Northamptonshire
    both hold Northamptonshire's 2019 judgement).
    """
    frame = in_force(as_of)
    if judgement != "any":
        frame = frame.filter(pl.col("judgement").is_in(_judgement_list(judgement)))
    if published_after:
        frame = frame.filter(pl.col("published") > as_date(published_after, "published_after"))
    if count == "councils":
        return frame.height
    if count == "inspections":
        return distinct_inspections(frame)
    raise UserError(f"count={count!r}: expected councils or inspections")


def inspection_year(row: dict) -> int:
    """The year of the inspection: its first day of fieldwork where Ofsted gives it, else its publication."""
    return (row["inspection_start"] or row["published"]).year


def history_value(inspections: pl.DataFrame, la_code: str, before: dt.date, field: str,
                  framework: str | None = None, as_of: dt.date | None = None):
    """A field of the council's latest graded inspection published before a date.

    `field` is a judgement column, `year` (see inspection_year) or `years_since`
    (years from that inspection to as_of). None when no such inspection is held.
    """
    frameworks = GRADED_FRAMEWORKS if framework is None else (framework,)
    rows = inspections.filter((pl.col("la_code") == la_code) & pl.col("framework").is_in(list(frameworks))
                              & (pl.col("published") < before) & pl.col("overall").is_not_null())
    if rows.height == 0:
        return None
    row = rows.sort("published").row(-1, named=True)
    if field == "year":
        return inspection_year(row)
    if field == "years_since":
        if as_of is None:
            raise UserError("field=years_since needs as_of")
        return (as_of - (row["inspection_start"] or row["published"])).days / 365.25
    if field not in (*SUB_JUDGEMENTS, "overall"):
        raise UserError(f"field={field!r}: expected overall, year, years_since or one of {SUB_JUDGEMENTS}")
    return row[field]


@register("inspections.history")
def claim_history(council: str, before: str, field: str, framework: str | None = None,
                  as_of: str | None = None):
    """A field of a council's latest SIF/ILACS inspection published before a date."""
    return history_value(load_inspections(), resolve(council), as_date(before, "before"), field, framework,
                         None if as_of is None else as_date(as_of))
