"""The national series (children looked after, section 47 enquiries) and the article's comparisons, as pure functions."""

from __future__ import annotations

import polars as pl

from ... import credits, measures, paths, tables
from ...dates import year_span
from ... import formatting as f
from ...errors import DataError, UserError

STORY = "national_trends"
REPORTED_CSV = paths.REPORTED / "national_statistics_quoted.csv"
REPORTED_COLUMNS = ["figure_id", "value", "unit", "description", "document", "publisher", "date", "page_or_url",
                    "quoted_in_article", "measure", "year", "release", "source_kind", "read_from", "read_from_url",
                    "source_note"]

# measure -> (processed table, column, words for a sentence), from the registry (csc_figures.measures)
MEASURES = {key: (measures.measure(key).table, key, measures.words(key)) for key in (
    "looked_after", "looked_after_rate", "starting", "ceasing", "section_47_enquiries", "in_need_at_31_march")}
# the claims ledger's names for the same measures
CLAIM_MEASURES = {
    "children_looked_after": "looked_after",
    "children_looked_after_rate": "looked_after_rate",
    "children_starting_care": "starting",
    "children_ceasing_care": "ceasing",
    "section_47_enquiries": "section_47_enquiries",
    "children_in_need": "in_need_at_31_march",
}


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
    for column in ("figure_id", "document", "publisher", "page_or_url"):
        if df[column].is_null().any():
            raise DataError(f"{path.name}: column {column!r} is empty on line "
                            f"{df.with_row_index('row').filter(pl.col(column).is_null())['row'][0] + 2}")
    # a publication date where the page we read shows one (a stored release page often does not): ISO or empty
    bad = df.with_row_index("row").filter(pl.col("date").is_not_null()
                                          & pl.col("date").str.to_date("%Y-%m-%d", strict=False).is_null())
    if bad.height:
        raise DataError(f"{path.name}: column 'date', line {bad['row'][0] + 2}: {bad['date'][0]!r} is not a date "
                        "(YYYY-MM-DD, or empty when the page read does not show one)")
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
    """The reported figures for a measure: year, period, value, release, figure_id, document, where read."""
    reported = reported_figures() if reported is None else reported
    key = CLAIM_MEASURES.get(measure, measure)
    rows = reported.filter(pl.col("measure") == key).sort("year", "release")
    return rows.select("year", pl.col("year").map_elements(year_span, return_dtype=pl.String).alias("period"),
                       "value", "release", "figure_id", "document", "source_kind", "read_from", "read_from_url")


def official_label(table: str) -> str:
    """How a chart labels the figures of the data file we hold: 'DfE data file, 2025 release'."""
    return f"DfE data file, {credits.release(table)}"  # the children's tables are named after their files' roles


def combined_series(official: pl.DataFrame, reported: pl.DataFrame, table: str) -> pl.DataFrame:
    """Official values (from `table`'s file), plus reported ones (latest release per year) for years the
    files lack; labelled."""
    held = set(official.filter(pl.col("value").is_not_null())["year"])
    extra = (reported.filter(~pl.col("year").is_in(list(held)))
             .sort("year", "release").group_by("year", maintain_order=True).last())
    return pl.concat([
        official.filter(pl.col("value").is_not_null()).select(
            "year", "period", "value", pl.lit(official_label(table)).alias("source"), pl.lit(False).alias("is_reported")),
        extra.select("year", "period", "value",
                     pl.format("Reported ({}): DfE {} release", pl.col("source_kind"), pl.col("release")).alias("source"),
                     pl.lit(True).alias("is_reported"), "release", "source_kind", "read_from", "read_from_url"),
    ], how="diagonal_relaxed").sort("year")


def reported_credit(rows: pl.DataFrame) -> str:
    """Where a chart's reported figures were read, for its source line: periods, release, kind and source."""
    rep = rows.filter(pl.col("is_reported")) if "is_reported" in rows.columns else rows
    parts = []
    for key, group in rep.sort("year").group_by("release", "source_kind", "read_from", maintain_order=True):
        release, kind, read_from = key
        periods = " and ".join(dict.fromkeys(group["period"].to_list()))
        parts.append(f"{periods}: DfE's {release} release, read from a {kind} ({read_from})")
    return "; ".join(parts)


def series(measure: str) -> pl.DataFrame:
    """A measure's England series over every year we hold, reported years labelled."""
    return combined_series(official_series(measure), reported_series(measure), _measure(measure)[0])


def revisions(official: pl.DataFrame, reported: pl.DataFrame) -> pl.DataFrame:
    """Figures as first published beside today's release, for the years both hold."""
    return (reported.join(official.select("year", pl.col("value").alias("today")), on="year", how="inner")
            .select("year", "period", pl.col("value").alias("published"), "release", "today",
                    (pl.col("today") - pl.col("value")).alias("revision"))
            .sort("year", "release"))


# ---- as DfE first published each figure, against the release we hold ---------------------------

def held_release(measure: str) -> int:
    """The reporting year of the DfE release whose data file holds a measure (data/sources.toml: 'Reporting year 2025')."""
    from ... import sources

    table = _measure(measure)[0]
    label = sources.one(table).release
    year = label.split()[-1]
    if not year.isdigit():
        raise DataError(f"data/sources.toml: the {table} entry's release {label!r} does not end in its reporting year")
    return int(year)


def first_published_row(measure: str, year: int, release: int | None = None,
                        reported: pl.DataFrame | None = None) -> dict | None:
    """The cited row giving `year` as DfE's `release` published it (the year's own release unless given), or None."""
    reported = reported_figures() if reported is None else reported
    key = CLAIM_MEASURES.get(measure, measure)
    _measure(key)
    release = year if release is None else release
    rows = reported.filter(pl.col("measure") == key, pl.col("year") == year, pl.col("release") == release)
    return rows.row(0, named=True) if rows.height else None


def releases_against_latest(reported: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every England figure read from an earlier DfE release, beside the same figure in the release whose data file
    we hold, for the years that file covers: measure, year, period, release, published, latest_release, latest,
    revision, first_published (the year's own release), source_kind, where it was read."""
    reported = reported_figures() if reported is None else reported
    frames = []
    for measure in MEASURES:
        rows = reported.filter(pl.col("measure") == measure)
        if not rows.height:
            continue
        latest = official_series(measure).filter(pl.col("value").is_not_null())
        frames.append(rows.join(latest.select("year", pl.col("value").alias("latest")), on="year", how="inner")
                      .with_columns(pl.lit(held_release(measure), pl.Int64).alias("latest_release")))
    schema = {"measure": pl.String, "year": pl.Int64, "period": pl.String, "release": pl.Int64, "published": pl.Float64,
              "latest_release": pl.Int64, "latest": pl.Float64, "revision": pl.Float64, "first_published": pl.Boolean,
              "source_kind": pl.String, "read_from_url": pl.String}
    if not frames:
        return pl.DataFrame(schema=schema)
    order = pl.col("measure").replace_strict({m: i for i, m in enumerate(MEASURES)}, return_dtype=pl.Int8)
    out = pl.concat(frames).with_columns(
        pl.col("year").map_elements(year_span, return_dtype=pl.String).alias("period"),
        pl.col("value").alias("published"),
        (pl.col("latest") - pl.col("value")).alias("revision"),
        (pl.col("release") == pl.col("year")).alias("first_published"),
    )
    return out.sort(order, "year", "release").select(list(schema))


def first_published_against_latest(reported: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per England figure whose first publication (the year's own DfE release) we cite: as first published
    against the release we hold, and the change."""
    table = releases_against_latest(reported).filter(pl.col("first_published") & (pl.col("release") < pl.col("latest_release")))
    return table.drop("first_published").rename({"published": "first_published", "release": "first_release"})


def revision_words(measure: str, year: int, latest: float | None, latest_release: int) -> str:
    """'the 2025 release, whose data file we hold, revises 2020-21 to 80,780' (or keeps it)."""
    rate = _measure(measure)[1].endswith("_rate")
    text = f.number(latest, 1) if rate and latest is not None and not float(latest).is_integer() else f.number(latest)
    return f"DfE's {latest_release} release, whose data file we hold, gives {year_span(year)} as {text}"


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



# ---- the article's figures, read from the claims ledger and recomputed ----------------------------

ARTICLE = "002_667d6abb4d680e35.txt"
# Each national figure the article prints, by its claim in data/claims.csv: the ledger holds the printed
# figure and gives the status, so the story keeps no copy of the article's numbers.
ARTICLE_CLAIMS = {"looked_after": "a002-105", "looked_after_record": "a002-106", "starting_lowest": "a002-107",
                  "ceasing_fewer": "a002-285", "s47_value": "a002-109", "s47_change": "a002-108",
                  "s47_lower": "a002-110"}


def article_claims() -> dict[str, dict]:
    """The ledger's row for each of the article's national figures, checked to be this article's."""
    from ...claims import claim

    rows = {figure: claim(claim_id) for figure, claim_id in ARTICLE_CLAIMS.items()}
    for figure, row in rows.items():
        if row["article"] != ARTICLE or not row["computation"].startswith("national."):
            raise DataError(f"data/claims.csv: {row['claim_id']} ({figure}) is not one of {ARTICLE}'s national figures")
    return rows


def printed_number(row: dict) -> float | int:
    """A claim's printed figure as a number (80850, 126.7), for arithmetic on it."""
    value = float(row["value"])
    return int(value) if value.is_integer() else value


def article_years() -> tuple[int, int]:
    """The year the article is about and its base year for the section 47 change, from the claims ledger."""
    from ...claims import parse_args

    row = article_claims()["s47_change"]
    args = parse_args(row["args"], row["claim_id"])
    return int(args["year"]), int(args["base_year"])


def article_figures() -> pl.DataFrame:
    """Each national figure in the article: as printed (from the ledger), as recomputed today, the ledger's
    status, and why they differ."""
    from ...claims import check_claim
    from .words import lowest_words  # words builds on these functions

    year, base_year = article_years()
    claims = article_claims()
    status = {figure: check_claim(row)["status"] for figure, row in claims.items()}
    printed = {figure: row["published"] for figure, row in claims.items()}
    cla, start, cease, s47 = (series(m) for m in ("looked_after", "starting", "ceasing", "section_47_enquiries"))
    cla_rep = reported_series("looked_after")
    first_published = value_in(cla_rep.filter(pl.col("release") == year), year)
    today = value_in(official_series("looked_after"), year)
    lowest = years_lowest(start, year)
    first_start = start["year"].min()
    change = change_pct(s47, year, base_year)
    base_row = s47.filter(pl.col("year") == base_year)
    implied_base = value_in(s47, year) / (1 + printed_number(claims["s47_change"]) / 100)
    lower = previous_years_higher(s47, year)
    lowest_years = printed_number(claims["starting_lowest"])  # the article's "nine years"
    fewer = (value_in(cease, year) or 0) < (value_in(cease, year - 1) or 0)
    rows = [
        ("looked_after", f"children in care at 31 March {year}", f.number(first_published),
         f"as DfE first published it ({year} release, read from DfE's release page); "
         f"{revision_words('looked_after', year, today, held_release('looked_after'))} after councils amended their returns"),
        ("looked_after_record", "a record high", "record high" if is_record_high(cla, year) else "not a record",
         f"checked against every year we hold up to {year_span(year)} ({year_span(cla['year'].min())} "
         f"onwards, earlier years from the 2021 release); later years are higher still: peak "
         f"{f.number(cla['value'].max())} in {year_span(cla.sort('value')['year'][-1])}"),
        ("starting_lowest", f"children entering care at its lowest in {printed['starting_lowest']} years",
         "undetermined" if lowest is None else str(lowest),
         f"{year_span(year)} ({f.number(value_in(start, year))}): {lowest_words(start, year)}; "
         f"{printed['starting_lowest']} years would need {year_span(year - lowest_years)} "
         f"to {year_span(first_start - 1)}, which no file we hold contains"
         if first_start > year - lowest_years else f"{year_span(year)}: {lowest_words(start, year)}"),
        ("ceasing_fewer", "fewer children leaving care", "fewer" if fewer else "not fewer",
         f"{f.number(value_in(cease, year))} ceased in {year_span(year)} against {f.number(value_in(cease, year - 1))}"
         f" in {year_span(year - 1)} ({cease.filter(pl.col('year') == year - 1)['source'][0] if value_in(cease, year - 1) else 'not held'}); "
         f"{f.number(value_in(start, year))} started, so the care population rose"),
        ("s47_value", f"section 47 enquiries in {year_span(year)}", f.number(value_in(s47, year)),
         "today's release holds the same figure" if status["s47_value"] == "match" else "today's release differs"),
        ("s47_change", f"up from {year_span(base_year)}", "unavailable" if change is None else f.pct(change),
         f"against the reported {year_span(base_year)} figure of "
         f"{f.number(base_row['value'][0]) if base_row.height else 'unavailable'} "
         f"({base_row['source'][0] if base_row.height else 'not held'}); the article's {printed['s47_change']} implies a base of "
         f"about {f.number(implied_base)}, a figure we cannot trace to a DfE table we hold"),
        ("s47_lower", f"lower than the previous {printed['s47_lower']} years", str(lower),
         f"{year_span(year - 2)} {f.number(value_in(s47, year - 2))}, {year_span(year - 1)} "
         f"{f.number(value_in(s47, year - 1))}, {year_span(year)} {f.number(value_in(s47, year))}"),
    ]
    rows = [(figure, ARTICLE_CLAIMS[figure], says, printed[figure], recomputed, status[figure], why)
            for figure, says, recomputed, why in rows]
    return pl.DataFrame(rows, schema=["figure", "claim_id", "article_says", "printed", "recomputed", "status", "why"],
                        orient="row")
