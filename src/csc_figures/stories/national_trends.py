"""National trends: children looked after, children starting and ceasing care, section 47 enquiries.

England's series come from the processed `children_looked_after` and `section_47`
tables (DfE's 2025 releases, which revise earlier years). Years those files do
not hold (2009-10 section 47 enquiries; children looked after before 2021) and
figures as first published (the article's 80,850) come from
data/reported/national_statistics_quoted.csv, each row citing its document, and
are always labelled as reported, never mixed silently into the official series.

`year` is the year ending 31 March (2021 = 2020-21).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from .. import charts, paths, tables
from .. import formatting as f
from ..errors import DataError, UserError

from ..claims import register  # the ledger's computations live beside the story they check


STORY = "national_trends"
REPORTED_CSV = paths.REPORTED / "national_statistics_quoted.csv"
REPORTED_COLUMNS = ["figure_id", "value", "unit", "description", "document", "publisher", "date", "page_or_url",
                    "quoted_in_article", "measure", "year", "release"]
OFFICIAL = "DfE data file, 2025 release"

# measure -> (processed table, column, words for a sentence)
MEASURES = {
    "looked_after": ("children_looked_after", "looked_after", "children looked after at 31 March"),
    "starting": ("children_looked_after", "starting", "children starting to be looked after"),
    "ceasing": ("children_looked_after", "ceasing", "children ceasing to be looked after"),
    "section_47_enquiries": ("section_47", "section_47_enquiries", "section 47 enquiries"),
    "in_need_at_31_march": ("children_in_need", "in_need_at_31_march", "children in need at 31 March"),
}
# the claims ledger's names for the same measures
CLAIM_MEASURES = {
    "children_looked_after": "looked_after",
    "children_starting_care": "starting",
    "children_ceasing_care": "ceasing",
    "section_47_enquiries": "section_47_enquiries",
    "children_in_need": "in_need_at_31_march",
}


def period_label(year: int) -> str:
    """2021 -> '2020-21'."""
    return f"{year - 1}-{year % 100:02d}"


def _measure(measure: str) -> tuple[str, str, str]:
    measure = CLAIM_MEASURES.get(measure, measure)
    if measure not in MEASURES:
        raise UserError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    return MEASURES[measure]


# ---- inputs ---------------------------------------------------------------------------------

def reported_figures(path=REPORTED_CSV) -> pl.DataFrame:
    """The cited national figures our data files do not hold, checked for columns, values and duplicates."""
    df = pl.read_csv(path, infer_schema=False)
    if df.columns != REPORTED_COLUMNS:
        raise DataError(f"{path.name}: columns {df.columns} differ from {REPORTED_COLUMNS}")
    for column in ("value", "year", "release"):
        bad = df.with_row_index("row").filter(pl.col(column).cast(pl.Float64, strict=False).is_null())
        if bad.height:
            raise DataError(f"{path.name}: column {column!r}, line {bad['row'][0] + 2}: "
                            f"{bad[column][0]!r} is not a number")
    for column in ("figure_id", "document", "publisher", "date", "page_or_url"):
        if df[column].is_null().any():
            raise DataError(f"{path.name}: column {column!r} is empty on line "
                            f"{df.with_row_index('row').filter(pl.col(column).is_null())['row'][0] + 2}")
    unknown = sorted(set(df["measure"]) - set(MEASURES))
    if unknown:
        raise DataError(f"{path.name}: unknown measure {unknown[0]!r}")
    df = df.with_columns(pl.col("value").cast(pl.Float64), pl.col("year").cast(pl.Int64),
                         pl.col("release").cast(pl.Int64))
    for key in (["figure_id"], ["measure", "year", "release"]):
        dupes = df.filter(pl.struct(key).is_duplicated())
        if dupes.height:
            raise DataError(f"{path.name}: duplicate {key} {dupes.row(0, named=True)['figure_id']}")
    return df


def official_series(measure: str) -> pl.DataFrame:
    """England's series from our DfE files: year, period, value, flag."""
    table, column, _ = _measure(measure)
    df = tables.read(table).filter(pl.col("geographic_level") == "national").sort("year")
    return df.select("year", "period", pl.col(column).alias("value"), pl.col(f"{column}_flag").alias("flag"))


def reported_series(measure: str, reported: pl.DataFrame | None = None) -> pl.DataFrame:
    """The reported figures for a measure: year, period, value, release, figure_id, document."""
    reported = reported_figures() if reported is None else reported
    key = CLAIM_MEASURES.get(measure, measure)
    rows = reported.filter(pl.col("measure") == key).sort("year", "release")
    return rows.select("year", pl.col("year").map_elements(period_label, return_dtype=pl.String).alias("period"),
                       "value", "release", "figure_id", "document")


def combined_series(official: pl.DataFrame, reported: pl.DataFrame) -> pl.DataFrame:
    """Official values, plus reported ones (latest release per year) for years the files lack; labelled."""
    held = set(official.filter(pl.col("value").is_not_null())["year"])
    extra = (reported.filter(~pl.col("year").is_in(list(held)))
             .sort("year", "release").group_by("year", maintain_order=True).last())
    return pl.concat([
        official.filter(pl.col("value").is_not_null()).select(
            "year", "period", "value", pl.lit(OFFICIAL).alias("source"), pl.lit(False).alias("is_reported")),
        extra.select("year", "period", "value",
                     pl.format("Reported: DfE {} release", pl.col("release")).alias("source"),
                     pl.lit(True).alias("is_reported")),
    ]).sort("year")


def series(measure: str) -> pl.DataFrame:
    """A measure's England series over every year we hold, reported years labelled."""
    return combined_series(official_series(measure), reported_series(measure))


def revisions(official: pl.DataFrame, reported: pl.DataFrame) -> pl.DataFrame:
    """Figures as first published beside today's release, for the years both hold."""
    return (reported.join(official.select("year", pl.col("value").alias("today")), on="year", how="inner")
            .select("year", "period", pl.col("value").alias("published"), "release", "today",
                    (pl.col("today") - pl.col("value")).alias("revision"))
            .sort("year", "release"))


# ---- the article's comparisons, as functions of a series --------------------------------------

def value_in(df: pl.DataFrame, year: int) -> float | None:
    row = df.filter(pl.col("year") == year)
    return row["value"][0] if row.height else None


def years_lowest(df: pl.DataFrame, year: int) -> int | None:
    """'Lowest in N years': years back to the latest earlier year at or below it; None if the data run out first."""
    current = value_in(df, year)
    if current is None:
        return None
    earlier = df.filter((pl.col("year") < year) & pl.col("value").is_not_null()).sort("year", descending=True)
    for row in earlier.iter_rows(named=True):
        if row["value"] <= current:
            return year - row["year"]
    return None


def years_highest(df: pl.DataFrame, year: int) -> int | None:
    """'Highest in N years', the mirror of years_lowest."""
    flipped = df.with_columns(-pl.col("value"))
    return years_lowest(flipped, year)


def is_record_high(df: pl.DataFrame, year: int) -> bool | None:
    """Higher than every earlier year held (None if the year is missing)."""
    current = value_in(df, year)
    if current is None:
        return None
    earlier = df.filter((pl.col("year") < year) & pl.col("value").is_not_null())
    return bool(earlier.height == 0 or current > earlier["value"].max())


def previous_years_higher(df: pl.DataFrame, year: int) -> int | None:
    """How many consecutive years before `year` were higher than it."""
    current = value_in(df, year)
    if current is None:
        return None
    count = 0
    for row in df.filter(pl.col("year") < year).sort("year", descending=True).iter_rows(named=True):
        if row["value"] is None or row["value"] <= current:
            break
        count += 1
    return count


def change_pct(df: pl.DataFrame, year: int, base_year: int) -> float | None:
    """Percentage change from base_year to year (unrounded)."""
    new, old = value_in(df, year), value_in(df, base_year)
    if new is None or old is None or old == 0:
        return None
    return (new - old) / old * 100


# ---- the claims ledger's computations -----------------------------------------------------------

@register("national.value")
def claim_value(measure: str, year: str) -> float | None:
    """England's figure for a year in today's DfE release."""
    return value_in(official_series(measure), int(year))


@register("national.record")
def claim_record(measure: str, year: str) -> str | None:
    """'record high' if the year beats every earlier year we hold (official, plus reported years)."""
    result = is_record_high(series(measure), int(year))
    return None if result is None else ("record high" if result else "not a record")


@register("national.lowest_in_years")
def claim_lowest_in_years(measure: str, year: str) -> int | None:
    """'Lowest in N years' over every year we hold; None when our years run out before a lower one."""
    return years_lowest(series(measure), int(year))


@register("national.change_pct")
def claim_change_pct(measure: str, year: str, base_year: str) -> float | None:
    """Percentage change between two years (a reported base year when our files lack it)."""
    return change_pct(series(measure), int(year), int(base_year))


@register("national.lower_than_previous")
def claim_lower_than_previous(measure: str, year: str) -> int | None:
    """How many consecutive earlier years were higher."""
    return previous_years_higher(series(measure), int(year))


# ---- the article's sentences, recomputed ----------------------------------------------------------

ARTICLE = "002_667d6abb4d680e35.txt"
# The figures as the article prints them (its claims, checked below; never used as data).
PRINTED = {"looked_after": 80850, "starting_lowest_years": 9, "section_47_enquiries": 198790,
           "section_47_change_pct": 126.7, "section_47_lower_years": 2}


def article_figures(year: int = 2021, base_year: int = 2010) -> pl.DataFrame:
    """Each national figure in the article: as printed, as recomputed today, and why they differ."""
    cla, start, cease, s47 = (series(m) for m in ("looked_after", "starting", "ceasing", "section_47_enquiries"))
    cla_rep = reported_series("looked_after")
    first_published = value_in(cla_rep.filter(pl.col("release") == year), year)
    today = value_in(official_series("looked_after"), year)
    lowest = years_lowest(start, year)
    first_start = start["year"].min()
    change = change_pct(s47, year, base_year)
    base_row = s47.filter(pl.col("year") == base_year)
    p = PRINTED
    implied_base = value_in(s47, year) / (1 + p["section_47_change_pct"] / 100)
    lower = previous_years_higher(s47, year)
    rows = [
        ("looked_after", f"children in care at 31 March {year}", f.number(p["looked_after"]), f.number(today),
         "match" if today == p["looked_after"] else "differs",
         f"DfE first published {f.number(first_published)} (2021 release, reported); the 2025 release revises "
         f"2020-21 to {f.number(today)} after councils amended their returns"),
        ("looked_after_record", "a record high", "record high",
         "record high" if is_record_high(cla, year) else "not a record",
         "match" if is_record_high(cla, year) else "differs",
         f"checked against every year we hold up to {period_label(year)} ({period_label(cla['year'].min())} "
         f"onwards, earlier years from the 2021 release); later years are higher still: peak "
         f"{f.number(cla['value'].max())} in {period_label(cla.sort('value')['year'][-1])}"),
        ("starting_lowest", "children entering care at its lowest in nine years", str(p["starting_lowest_years"]),
         "undetermined" if lowest is None else str(lowest),
         "not reproducible" if lowest is None else ("match" if lowest == p["starting_lowest_years"] else "differs"),
         f"{period_label(year)} ({f.number(value_in(start, year))}) is the lowest of every year we hold "
         f"({period_label(first_start)} onwards, earlier years reported from the 2020 release); nine years "
         f"would need 2011-12 to 2018-19, which no file we hold contains"),
        ("ceasing_fewer", "fewer children leaving care", "fewer",
         "fewer" if (value_in(cease, year) or 0) < (value_in(cease, year - 1) or 0) else "not fewer",
         "match" if (value_in(cease, year) or 0) < (value_in(cease, year - 1) or 0) else "differs",
         f"{f.number(value_in(cease, year))} ceased in {period_label(year)} against {f.number(value_in(cease, year - 1))}"
         f" in {period_label(year - 1)} ({cease.filter(pl.col('year') == year - 1)['source'][0] if value_in(cease, year - 1) else 'not held'}); "
         f"{f.number(value_in(start, year))} started, so the care population rose"),
        ("s47_value", f"section 47 enquiries in {period_label(year)}", f.number(p["section_47_enquiries"]),
         f.number(value_in(s47, year)), "match" if value_in(s47, year) == p["section_47_enquiries"] else "differs",
         "today's release holds the same figure" if value_in(s47, year) == p["section_47_enquiries"]
         else "today's release differs"),
        ("s47_change", f"up from {period_label(base_year)}", f.pct(p["section_47_change_pct"]),
         "unavailable" if change is None else f.pct(change),
         "match" if change is not None and round(change, 1) == p["section_47_change_pct"] else "differs",
         f"against the reported {period_label(base_year)} figure of "
         f"{f.number(base_row['value'][0]) if base_row.height else 'unavailable'} "
         f"({base_row['source'][0] if base_row.height else 'not held'}); the article's {f.pct(p['section_47_change_pct'])} implies a base of "
         f"about {f.number(implied_base)}, a figure we cannot trace to a DfE table we hold"),
        ("s47_lower", "lower than the previous two years", str(p["section_47_lower_years"]), str(lower),
         "match" if (lower or 0) >= p["section_47_lower_years"] else "differs",
         f"{period_label(year - 2)} {f.number(value_in(s47, year - 2))}, {period_label(year - 1)} "
         f"{f.number(value_in(s47, year - 1))}, {period_label(year)} {f.number(value_in(s47, year))}"),
    ]
    return pl.DataFrame(rows, schema=["figure", "article_says", "printed", "recomputed", "status", "why"],
                        orient="row")


def article_sentences(year: int = 2021, base_year: int = 2010) -> list[str]:
    """The article's national sentences, rewritten with today's numbers (and the reported ones, labelled)."""
    cla, start, cease, s47 = (series(m) for m in ("looked_after", "starting", "ceasing", "section_47_enquiries"))
    first = value_in(reported_series("looked_after").filter(pl.col("release") == year), year)
    peak = cla.sort("value").row(-1, named=True)
    cla_first = cla["year"].min()
    lowest = years_lowest(start, year)
    prev_cease = cease.filter(pl.col("year") == year - 1)
    base = s47.filter(pl.col("year") == base_year)
    higher = previous_years_higher(s47, year)
    record = is_record_high(cla, year)
    change = change_pct(s47, year, base_year)
    return [
        f"Children in care in England at 31 March {year}: {f.number(value_in(cla, year))} in today's DfE release "
        f"(first published as {f.number(first)}), "
        + (f"higher than every earlier year we hold (from {period_label(cla_first)})"
           if record else f"not higher than every earlier year we hold (from {period_label(cla_first)})")
        + f"; the count has since peaked at {f.number(peak['value'])} in {peak['period']}.",
        f"{f.number(value_in(start, year))} children started to be looked after in {period_label(year)}, "
        + (f"the lowest in {lowest} years." if lowest is not None else
           f"{'the lowest of every year' if value_in(start, year) == start['value'].min() else 'lower than every earlier year'}"
           f" we hold ({period_label(start['year'].min())} to {period_label(start['year'].max())}); whether it was "
           f"the lowest in nine years cannot be checked from the files we hold."),
        f"{f.number(value_in(cease, year))} children ceased to be looked after in {period_label(year)}, "
        f"against {f.number(prev_cease['value'][0] if prev_cease.height else None)} in {period_label(year - 1)}"
        + (f" ({prev_cease['source'][0].replace('Reported: ', 'reported, ')})" if prev_cease.height and prev_cease['is_reported'][0] else "")
        + ".",
        f"Section 47 enquiries: {f.number(value_in(s47, year))} in {period_label(year)}, "
        f"{'up' if (change or 0) >= 0 else 'down'} {f.pct(None if change is None else abs(change))} from "
        f"{f.number(base['value'][0] if base.height else None)} in {period_label(base_year)}"
        + (" (reported)" if base.height and base["is_reported"][0] else "")
        + f", and lower than in each of the {_count_word(higher)} years before ("
        + ", ".join(f"{period_label(y)}: {f.number(value_in(s47, y))}" for y in range(year - (higher or 0), year))
        + ").",
    ]


# ---- charts ---------------------------------------------------------------------------------------

_YEAR_AXIS = alt.Axis(title=None, format="d", tickMinStep=1,
                      labelExpr="format(datum.value - 1, 'd') + '-' + slice(format(datum.value, 'd'), 2)")
REPORTED_COLOUR = charts.SERIES_COLOURS[1]


def _x(domain: list[int]) -> alt.X:
    return alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(domain=domain, nice=False))


def looked_after_chart(cla: pl.DataFrame, first_published: pl.DataFrame):
    """Children looked after at 31 March: today's release, and the series as first published (reported)."""
    table = pl.concat([
        cla.filter(~pl.col("is_reported")).select("year", "period", "value", "source"),
        first_published.select("year", "period", "value",
                               pl.format("Reported: as published in DfE {} release", pl.col("release"))
                               .alias("source")),
    ])
    peak = cla.sort("value").row(-1, named=True)
    domain = [int(table["year"].min()), int(table["year"].max())]
    base = alt.Chart(table).encode(
        x=_x(domain),
        y=alt.Y("value:Q", title="Children", scale=alt.Scale(zero=False), axis=alt.Axis(format=",.0f")),
        color=alt.Color("source:N", title=None, scale=alt.Scale(range=[charts.SERIES_COLOURS[0], REPORTED_COLOUR]),
                        legend=alt.Legend(orient="top", direction="vertical", labelLimit=0)),
        strokeDash=alt.StrokeDash("source:N", legend=None, scale=alt.Scale(range=[[1, 0], [5, 3]])),
        tooltip=["period:N", alt.Tooltip("value:Q", format=","), "source:N"],
    )
    chart = (base.mark_line(strokeWidth=2.5) + base.mark_point(filled=True, size=50)).properties(width=520, height=280)
    title = (f"Children in care peaked at {f.number(peak['value'])} in {peak['period']}")
    subtitle = ["Children looked after by councils in England at 31 March."]
    alt_text = (f"Line chart of children looked after in England at 31 March from {period_label(domain[0])} to "
                f"{period_label(domain[1])}. The count peaked at {f.number(peak['value'])} in {peak['period']}.")
    if first_published.height:  # a year whose first-published figures we hold as reported
        rep_latest = first_published.sort("year").row(-1, named=True)
        today = value_in(cla.filter(~pl.col("is_reported")), rep_latest["year"])
        subtitle = [f"{subtitle[0][:-1]}. DfE first published {f.number(rep_latest['value'])} for "
                    f"{rep_latest['period']},",
                    f"revised to {f.number(today)} in later releases. Dashed: figures as first published (reported)."]
        alt_text += (f" {rep_latest['period']} was first published as {f.number(rep_latest['value'])}, "
                     f"revised to {f.number(today)}.")
    source = ("Source: DfE, Children looked after in England including adoptions, 2025 release; "
              "2021 release for figures as first published")
    return charts.titled(chart, title, subtitle, source, alt_text), table.sort("source", "year")


def starting_ceasing_chart(start: pl.DataFrame, cease: pl.DataFrame):
    """Children starting and ceasing to be looked after each year, reported years marked."""
    table = pl.concat([
        start.with_columns(pl.lit("Started to be looked after").alias("measure")),
        cease.with_columns(pl.lit("Ceased to be looked after").alias("measure")),
    ]).with_columns(pl.when(pl.col("is_reported")).then(pl.lit("Reported (earlier release)"))
                    .otherwise(pl.lit(OFFICIAL)).alias("basis"))
    low = start.sort("value").row(0, named=True)
    domain = [int(table["year"].min()), int(table["year"].max())]
    colour = alt.Color("measure:N", title=None, legend=alt.Legend(orient="top", labelLimit=0),
                       scale=alt.Scale(domain=["Started to be looked after", "Ceased to be looked after"],
                                       range=[charts.SERIES_COLOURS[2], charts.SERIES_COLOURS[0]]))
    y = alt.Y("value:Q", title="Children in the year", scale=alt.Scale(zero=False), axis=alt.Axis(format=",.0f"))
    tooltip = ["period:N", "measure:N", alt.Tooltip("value:Q", format=","), "source:N"]
    line = alt.Chart(table).mark_line(strokeWidth=2.5).encode(x=_x(domain), y=y, color=colour, detail="measure:N")
    official = alt.Chart(table.filter(~pl.col("is_reported"))).mark_point(
        filled=True, size=60, shape="circle").encode(x=_x(domain), y=y, color=colour, tooltip=tooltip)
    reported = alt.Chart(table.filter(pl.col("is_reported"))).mark_point(
        filled=False, size=80, strokeWidth=2, shape="triangle-down").encode(x=_x(domain), y=y, color=colour,
                                                                           tooltip=tooltip)
    chart = (line + official + reported).properties(width=520, height=280)
    title = f"Fewest children entered care in {low['period']} of any year we hold"
    subtitle = [f"{f.number(low['value'])} children started to be looked after in England in {low['period']};",
                f"years before {period_label(int(start.filter(~pl.col('is_reported'))['year'].min()))} "
                f"are reported figures from DfE's 2020 release (hollow triangles)."]
    alt_text = (f"Line chart of children starting and ceasing to be looked after in England each year from "
                f"{period_label(domain[0])} to {period_label(domain[1])}. Starts fell to {f.number(low['value'])} in "
                f"{low['period']}, the lowest of these years, then rose to "
                f"{f.number(start.sort('year')['value'][-1])} in {start.sort('year')['period'][-1]}.")
    source = "Source: DfE, Children looked after in England including adoptions, 2025 release (2020 release, reported)"
    return charts.titled(chart, title, subtitle, source, alt_text), table.sort("measure", "year")


_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count_word(n: int | None) -> str:
    return "unavailable" if n is None else (_WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}")


def section_47_chart(s47: pl.DataFrame, year: int = 2021):
    """Section 47 enquiries each year, with the reported 2009-10 figure marked and missing years left empty."""
    table = s47.with_columns(pl.when(pl.col("is_reported")).then(pl.lit("Reported figure"))
                             .otherwise(pl.lit(OFFICIAL)).alias("basis"))
    first, last = int(table["year"].min()), int(table["year"].max())
    periods = [period_label(y) for y in range(first, last + 1)]  # years we lack stay as empty slots
    official = table.filter(~pl.col("is_reported"))
    reported = table.filter(pl.col("is_reported"))
    x = alt.X("period:O", title=None, scale=alt.Scale(domain=periods), axis=alt.Axis(labelAngle=-45))
    y = alt.Y("value:Q", title="Section 47 enquiries", axis=alt.Axis(format=",.0f"), scale=alt.Scale(zero=True))
    tooltip = ["period:N", alt.Tooltip("value:Q", format=","), "source:N"]
    colour = alt.condition(alt.datum.year == year, alt.value(charts.SERIES_COLOURS[2]),
                           alt.value(charts.SERIES_COLOURS[0]))
    bars = alt.Chart(official).mark_bar().encode(x=x, y=y, color=colour, tooltip=tooltip)
    rep = alt.Chart(reported).mark_bar(color="white", stroke=REPORTED_COLOUR, strokeWidth=2,
                                       strokeDash=[4, 2]).encode(x=x, y=y, tooltip=tooltip)
    rep_label = alt.Chart(reported.with_columns(
        pl.format("{} (reported)", pl.col("value").map_elements(f.number, return_dtype=pl.String)).alias("label"))
    ).mark_text(dy=-8, align="left", dx=-12, fontSize=11, color="#333333").encode(x=x, y=y, text="label:N")
    chart = (bars + rep + rep_label).properties(width=520, height=280)
    value = value_in(table, year)
    higher = previous_years_higher(table, year)
    latest = official.sort("year").row(-1, named=True)
    missing = [period_label(y) for y in range(first, last + 1) if y not in set(table["year"])]
    title = (f"Section 47 enquiries dipped to {f.number(value)} in {period_label(year)}, "
             f"below the {_count_word(higher)} years before")
    subtitle = [f"Child protection enquiries begun by councils in England each year ({f.number(latest['value'])} in "
                f"{latest['period']}).",
                "Hollow bar: a published figure our data file does not hold (reported)"
                + (f"; none shown for {', '.join(missing)}." if missing else ".")]
    alt_text = (f"Bar chart of section 47 enquiries in England from {period_label(first)} to "
                f"{period_label(last)}. From {f.number(reported['value'][0]) if reported.height else 'no figure'} "
                f"in {period_label(first)} (reported) they rose to {f.number(value)} in {period_label(year)}, "
                f"below the {_count_word(higher)} years before, and reached {f.number(latest['value'])} in "
                f"{latest['period']}.")
    source = "Source: DfE, Children in need, 2025 release (c4 file); 2009-10 from DfE's 2012-13 release (reported)"
    return charts.titled(chart, title, subtitle, source, alt_text), table.select(
        "year", "period", "value", "source").sort("year")
