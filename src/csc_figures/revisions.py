"""What each new workforce release changed: every published figure it revised.

DfE's workforce releases republish every year since 2017, and councils amend
their returns, so a later release can change a figure an earlier one published.
For every pair of consecutive releases we hold (2022 -> 2023, 2023 -> 2024, ...),
`revisions` lists each council (and England) and each year and measure that both
releases publish whose published value differs: old and new value, the change,
and what kind of change it is. The releases come from the workforce panel, so a
new release in data/sources.toml adds its pair with no code change.

Rows are matched on what a row covers, not its label: a council by its DfE
code, a joint return by the councils it covers (`joint_codes`), England by year.
A row that one release of the pair has and the other lacks, in a year both hold,
is listed too (`only in the old release` / `only in the new release`), so nothing
is silently left out. A measure the older release did not publish at all (flag
`not_published`) is new, not revised, and is not listed.

DfE's children-looked-after and children-in-need releases revise too, but we hold
only the latest data files. England's headline figures as each earlier release
published them are read from DfE's own release pages into
data/reported/national_statistics_quoted.csv, each with its citation;
`dfe_first_published` sets each figure as first published (the year's own
release) beside the release whose data file we hold, and `dfe_releases` every
figure read from any earlier release.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from . import charts, credits, formatting, measures, style, workforce
from .errors import UserError

STORY = "revisions"
LEVELS = ("national", "local_authority")  # England and councils; regions are sums of councils
# Kinds of change, in the order the table lists them.
STATUSES = ("revised", "newly suppressed", "newly published", "suppression code changed",
            "only in the old release", "only in the new release")
# Percentage measures charted (same unit, so their revisions compare): the four headline rates.
CHART_MEASURES = ("turnover_rate", "agency_rate", "vacancy_rate", "absence_rate")

COLUMNS = ["from_release", "to_release", "year", "geographic_level", "la_code", "la_name", "joint_codes",
           "measure", "old_value", "new_value", "change", "old_flag", "new_flag", "status"]


def measure_label(measure: str) -> str:
    """'turnover rate, FTE': the measure's description up to its colon (workforce.MEASURES)."""
    return workforce.MEASURES[measure].split(":")[0]


def _long(panel: pl.DataFrame, vintage: int) -> pl.DataFrame:
    """One release as (row key, measure, value, flag), England and council rows."""
    rows = panel.filter(pl.col("vintage") == vintage, pl.col("geographic_level").is_in(LEVELS))
    rows = rows.with_columns(pl.col("joint_codes").list.sort().list.join(" / ").fill_null("").alias("covers"),
                             pl.lit(True).alias("held"))
    figures = [m for m in workforce.MEASURES if m in rows.columns]
    values = rows.unpivot(index=["year", "geographic_level", "covers", "held", "la_code", "la_name"],
                          on=figures, variable_name="measure", value_name="value")
    flags = rows.unpivot(index=["year", "geographic_level", "covers"], on=[f"{m}_flag" for m in figures],
                         variable_name="measure", value_name="flag")
    flags = flags.with_columns(pl.col("measure").str.strip_suffix("_flag"))
    return values.join(flags, on=["year", "geographic_level", "covers", "measure"], how="left",
                       validate="1:1", nulls_equal=True)


def between(panel: pl.DataFrame, old: int, new: int) -> pl.DataFrame:
    """Every published figure release `new` changed from release `old`, in the years both hold."""
    a, b = _long(panel, old), _long(panel, new)
    years = set(a["year"].unique().to_list()) & set(b["year"].unique().to_list())
    a, b = a.filter(pl.col("year").is_in(years)), b.filter(pl.col("year").is_in(years))
    key = ["year", "geographic_level", "covers", "measure"]
    both = a.join(b, on=key, how="full", coalesce=True, suffix="_new", nulls_equal=True)
    in_old, in_new = pl.col("held").fill_null(False), pl.col("held_new").fill_null(False)
    same_value = (pl.col("value") == pl.col("value_new")).fill_null(False) | (
        pl.col("value").is_null() & pl.col("value_new").is_null())
    same_flag = pl.col("flag").eq_missing(pl.col("flag_new"))
    status = (
        pl.when(~in_new).then(pl.lit("only in the old release"))
        .when(~in_old).then(pl.lit("only in the new release"))
        .when(pl.col("flag") == workforce.NOT_PUBLISHED).then(None)  # a new measure, not a revision
        .when(same_value & same_flag).then(None)
        .when(pl.col("value").is_not_null() & pl.col("value_new").is_not_null()).then(pl.lit("revised"))
        .when(pl.col("value").is_not_null()).then(pl.lit("newly suppressed"))
        .when(pl.col("value_new").is_not_null()).then(pl.lit("newly published"))
        .otherwise(pl.lit("suppression code changed"))  # both null, different codes
    )
    # A row missing from one release is listed once, not once per measure.
    whole_row = pl.col("status").str.starts_with("only in")
    out = (both.with_columns(status.alias("status"))
           .filter(pl.col("status").is_not_null())
           .filter(~whole_row | (pl.col("measure") == next(iter(workforce.MEASURES)))))
    out = out.with_columns(
        pl.lit(old, pl.Int64).alias("from_release"), pl.lit(new, pl.Int64).alias("to_release"),
        pl.coalesce("la_code_new", "la_code").alias("la_code"),
        pl.coalesce("la_name_new", "la_name").alias("la_name"),
        pl.col("covers").alias("joint_codes"),
        pl.when(whole_row).then(pl.lit("")).otherwise(pl.col("measure")).alias("measure"),
        pl.col("value").alias("old_value"), pl.col("value_new").alias("new_value"),
        (pl.col("value_new") - pl.col("value")).round(6).alias("change"),
        pl.col("flag").alias("old_flag"), pl.col("flag_new").alias("new_flag"),
    )
    return out.select(COLUMNS)


def revisions(panel: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every pair of consecutive releases we hold, stacked, in a stable order."""
    panel = panel if panel is not None else workforce.tables.read("workforce")
    held = sorted(panel["vintage"].unique().to_list())
    frames = [between(panel, old, new) for old, new in zip(held, held[1:], strict=False)]
    if not frames:
        return pl.DataFrame(schema={c: pl.Null for c in COLUMNS})
    level = pl.col("geographic_level").replace_strict({lv: i for i, lv in enumerate(LEVELS)}, return_dtype=pl.Int8)
    order = pl.col("measure").replace_strict({m: i for i, m in enumerate(["", *workforce.MEASURES])},
                                             return_dtype=pl.Int16)
    return pl.concat(frames).sort("from_release", level, "la_code", "year", order)


def summary(table: pl.DataFrame) -> pl.DataFrame:
    """How many figures each release changed, by kind, for England and for councils."""
    return (table.group_by("from_release", "to_release", "geographic_level", "status").len("figures")
            .with_columns(pl.col("status").replace_strict({s: i for i, s in enumerate(STATUSES)},
                                                          return_dtype=pl.Int8).alias("_order"))
            .sort("from_release", "geographic_level", "_order").drop("_order"))


def pairs(table: pl.DataFrame, vintages: list[int] | None = None) -> list[tuple[int, int]]:
    """Every pair of consecutive releases held (from the manifest unless `vintages` says), even one whose
    newer release changed nothing (it has no rows in `table`)."""
    held = sorted(vintages if vintages is not None else workforce.vintages())
    return list(zip(held, held[1:], strict=False))


def sentences(table: pl.DataFrame, vintages: list[int] | None = None) -> list[str]:
    """One sentence per pair of releases: how many council and England figures it changed."""
    out = []
    for old, new in pairs(table, vintages):
        pair = table.filter(pl.col("from_release") == old, pl.col("to_release") == new)
        councils = pair.filter(pl.col("geographic_level") == "local_authority")
        counts = {s: councils.filter(pl.col("status") == s).height for s in STATUSES}
        revised = councils.filter(pl.col("status") == "revised")
        national = pair.filter(pl.col("geographic_level") == "national", pl.col("status") == "revised").height
        if counts["revised"]:
            first, last = revised["year"].min(), revised["year"].max()
            text = (f"The {new} release revised {formatting.number(counts['revised'])} council figure"
                    f"{'s' if counts['revised'] != 1 else ''} published in the {old} release, for "
                    f"{revised['la_code'].n_unique()} council{'s' if revised['la_code'].n_unique() != 1 else ''} "
                    f"and {f'years {first}-{last}' if first != last else f'the year {first}'}")
        else:
            text = f"The {new} release revised no council figure published in the {old} release"
        extra = [f"{formatting.number(n)} {s}" for s, n in counts.items() if s != "revised" and n]
        text += f" (other changes: {', '.join(extra)})" if extra else ""
        text += f", and {formatting.number(national) if national else 'none'} of England's figures."
        out.append(text)
    return out


def england(table: pl.DataFrame) -> pl.DataFrame:
    """England's revised figures."""
    return table.filter(pl.col("geographic_level") == "national").drop("la_code", "joint_codes")


def largest(table: pl.DataFrame, n: int = 15, release: int | None = None,
            vintages: list[int] | None = None) -> pl.DataFrame:
    """The n largest revisions of the headline rates (percentage points), councils and England, that one
    release made to the release before it: the newest release unless `release` says."""
    held = pairs(table, vintages)
    if not held:
        raise UserError("revisions need two workforce releases; data/sources.toml lists fewer")
    newer = {new: old for old, new in held}
    release = max(newer) if release is None else release
    if release not in newer:
        raise UserError(f"release {release}: no release before it to compare with; use one of "
                        f"{', '.join(map(str, sorted(newer)))}")
    rates = table.filter(pl.col("status") == "revised", pl.col("measure").is_in(CHART_MEASURES),
                         pl.col("to_release") == release)
    rates = rates.with_columns(pl.col("change").abs().alias("size"))
    # Ties broken by a stable key, so the same data always gives the same chart.
    top = rates.sort(["size", "la_code", "year", "measure"], descending=[True, False, False, False]).head(n)
    short = pl.col("measure").map_elements(lambda m: measure_label(m).removesuffix(", FTE"), return_dtype=pl.String)
    return top.with_columns(
        pl.col("measure").map_elements(measure_label, return_dtype=pl.String).alias("measure_label"),
        pl.format("{} {}, {}", pl.col("la_name").fill_null("England"), pl.col("year"), short).alias("figure"),
        pl.format("{} to {}", pl.col("from_release"), pl.col("to_release")).alias("releases"),
        pl.lit(newer[release]).alias("from_release"), pl.lit(release).alias("to_release"),
    ).drop("size")


def largest_chart(top: pl.DataFrame, release: int | None = None, vintages: list[int] | None = None):
    """Bar chart of the largest revisions one release made: how far each published rate moved, in points."""
    newer = {new: old for old, new in pairs(top, vintages)}
    new = top["to_release"][0] if top.height else (max(newer) if release is None else release)
    old = newer[new]
    rates = "turnover, agency, vacancy or sickness absence rates (FTE), councils' and England's"
    if top.height:
        biggest = top.row(0, named=True)
        title = (f"The {new} release revised published rates by up to "
                 f"{formatting.points(abs(biggest['change']))}")
        subtitle = [f"The {top.height} largest revision{'s' if top.height != 1 else ''} the {new} release made to "
                    f"{rates}, as the {old} release published them.",
                    f"Change from the {old} release's figure to the {new} release's, in percentage points."]
    else:
        title = f"The {new} release revised none of the rates the {old} release published"
        subtitle = [f"No revision of {rates}."]
    words = "; ".join(f"{r['figure']}: {formatting.pct(r['old_value'])} to {formatting.pct(r['new_value'])}"
                      for r in top.iter_rows(named=True)) or "no bars"
    bars = (
        alt.Chart(top.select("figure", "releases", "change", "old_value", "new_value"))
        .mark_bar(color=style.ROLE_COLOURS["other"])
        .encode(
            y=alt.Y("figure:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("change:Q", title="Revision (percentage points)"),
            tooltip=["figure:N", "releases:N", "old_value:Q", "new_value:Q", "change:Q"],
        )
        .properties(width=220, height=alt.Step(18))
    )
    source = credits.line(credits.credit("workforce", f"releases {old} and {new}"))
    return charts.titled(bars, title, subtitle, source, f"Bar chart. {title}. {words}.")


# ---- DfE's children releases: England's figures as first published, against the release we hold ----------

def dfe_releases() -> pl.DataFrame:
    """Every England children-looked-after and children-in-need figure read from an earlier DfE release page,
    beside the release whose data file we hold."""
    from .stories.national_trends.compute import releases_against_latest

    return releases_against_latest()


def dfe_first_published() -> pl.DataFrame:
    """Each England figure as its own year's DfE release first published it, against the release we hold."""
    from .stories.national_trends.compute import first_published_against_latest

    return first_published_against_latest()


def dfe_sentences(first: pl.DataFrame) -> list[str]:
    """One sentence per series: how many first-published figures the release we hold revised, and the largest."""
    out = []
    for (measure,), rows in first.group_by("measure", maintain_order=True):
        revised = rows.filter(pl.col("revision") != 0)
        years = f"{rows['period'].min()} to {rows['period'].max()}" if rows.height > 1 else rows["period"][0]
        latest = rows["latest_release"][0]
        if not revised.height:
            out.append(f"England's {measures.words(measure)}: the {latest} release keeps every first-published figure we "
                       f"cite ({rows.height}, {years}).")
            continue
        big = revised.sort(pl.col("revision").abs(), "year", descending=[True, False]).row(0, named=True)
        if rows.height == 1:
            out.append(f"England's {measures.words(measure)}: the {latest} release revises the {big['period']} figure we "
                       f"cite as first published, from {formatting.number(big['first_published'])} to "
                       f"{formatting.number(big['latest'])}.")
            continue
        out.append(f"England's {measures.words(measure)}: the {latest} release revises {revised.height} of the "
                   f"{rows.height} first-published figures we cite ({years}); the largest, {big['period']}, from "
                   f"{formatting.number(big['first_published'])} to {formatting.number(big['latest'])}.")
    return out


def write(table: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """Build and save the revisions tables to outputs/tables/revisions/; returns them."""
    table = table if table is not None else revisions()
    built = {"revisions": table, "summary": summary(table), "england": england(table),
             "dfe_first_published": dfe_first_published(), "dfe_releases": dfe_releases()}
    for name, frame in built.items():
        charts.save_table(frame, STORY, name)
    return built
