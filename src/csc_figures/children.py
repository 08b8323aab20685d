"""DfE children in need, section 47 enquiries and children looked after: national, regional and council rows.

Three tables, one per DfE file (the 2025 releases, which revise earlier years):
`children_in_need` (b1), `section_47` (c4) and `children_looked_after` (CLA
numbers and rates, one row per place and year with the three published
populations side by side).

Years. DfE's `time_period` is the collection year, and both collections run
from 1 April to 31 March: `year` is the calendar year in which that year ends
(2021 = the year ending 31 March 2021, "2020-21"; for looked-after children
"at 31 March" counts are taken on that day). A six-digit period such as
"202021" is read the same way (2021) after checking the two halves are
consecutive years; `period` keeps the reader's label, "2020-21".

Every row of each file is kept (councils that did not exist in a year are rows
of `z` in the CLA file, as published). Suppressed cells are nulls with the DfE
code in `<measure>_flag`. Columns are mapped explicitly; an unknown or missing
column is a DataError naming the file and the column.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from . import dfe_csv, identities, measures, plausibility, releases, sources, sums, tables
from .errors import DataError, UserError
from .missing import UnknownValueError, check_text_column, split_values_and_flags

ID_COLUMNS = list(dfe_csv.ID_COLUMNS)
GEOGRAPHIC_LEVELS = dfe_csv.GEOGRAPHIC_LEVELS

# Each file found by its role in data/sources.toml: a new release replaces the entry there.
CIN_FILE = sources.one("children_in_need").name
S47_FILE = sources.one("section_47").name
CLA_FILE = sources.one("children_looked_after").name

# source column -> our column (its words, unit and precision are declared in csc_figures.measures)
CIN_MEASURES = {
    "Anypoint_episodes": "episodes_during_year", "Anypoint_child": "children_during_year",
    "Started_episodes": "episodes_started", "Started_child": "children_started",
    "Ended_episodes": "episodes_ended", "Ended_child": "children_ended",
    "At31_episodes": "in_need_at_31_march", "awaiting_assessment": "awaiting_assessment",
}
S47_MEASURES = {
    "Section47": "section_47_enquiries", "Section47_child": "children_in_section_47",
    "ICPC": "icpcs", "ICPC_child": "children_in_icpc",
    "Duration_0-10_days": "icpc_0_to_10_days", "Duration_11-15_days": "icpc_11_to_15_days",
    "Duration_16-20_days": "icpc_16_to_20_days", "Duration_21+_days": "icpc_21_days_or_more",
    "Duration_25th_Percentile": "icpc_days_25th_percentile", "Duration_median": "icpc_days_median",
    "Duration_75th_Percentile": "icpc_days_75th_percentile",
}
CIN_CATEGORY = "Children in Need"
S47_CATEGORY = "Section 47s and Initial Child Protection Conferences"

CLA_VALUE_COLUMNS = ["population_estimate", "children_count", "rate_per_10000"]
# population_type -> our prefix
CLA_POPULATIONS = {
    "Children looked after on 31 March each year": "looked_after",
    "Children starting to be looked after each year": "starting",
    "Children ceasing to be looked after each year": "ceasing",
}
CLA_MEASURES = measures.of_table("children_looked_after")

_FLAG = "the DfE suppression or missing code (x, c, z, u...) when the value is null, else null"
_IDS = {
    "year": "the year ending 31 March (2021 = 1 April 2020 to 31 March 2021)",
    "geographic_level": "national, regional or local_authority",
    "la_code": "DfE three-digit LA code (councils only)",
    "ons_code": "ONS area code (councils only)",
    "la_name": "council name as DfE spells it",
    "region_code": "ONS region code (Inner and Outer London are regions of their own in these files)",
    "region_name": "region name as published",
    "period": "the same year as the reader sees it, e.g. '2020-21'",
}
_KEY = ("year", "geographic_level", "region_code", "la_code")


def _with_flags(keys) -> dict[str, str]:
    """Each measure's column, described as the registry describes it, and its flag column."""
    return {col: d for m in keys for col, d in ((m, measures.measure(m).describes), (f"{m}_flag", _FLAG))}


def _contract(keys: list[str], ranges: dict, file: str) -> dict:
    """The contract every children's table shares, plus its own ranges (TableSpec keyword arguments)."""
    return dict(
        ranges={**{m: (0, None) for m in keys}, **ranges, "year": (2009, 2100)},
        allowed={"geographic_level": tuple(GEOGRAPHIC_LEVELS.values())},
        patterns={"la_code": r"^\d{3}$", "ons_code": r"^E\d{8}$", "region_code": r"^E1[23]\d{6}$"},
        required=("year", "geographic_level", "period"),
        rules=(tables.Rule("a council row has a DfE code and an ONS code",
                           (pl.col("geographic_level") != "local_authority")
                           | (pl.col("la_code").is_not_null() & pl.col("ons_code").is_not_null()), ("la_code", "ons_code")),
               *(tables.Rule(f"`{m}` is null exactly when `{m}_flag` holds a code",
                             pl.col(m).is_null() == pl.col(f"{m}_flag").is_not_null(), (m, f"{m}_flag"))
                 for m in keys)),
        inputs=(file,),
    )


CHILDREN_IN_NEED = tables.declare(tables.TableSpec(
    name="children_in_need",
    description="DfE children in need census (b1 file, 2025 release): counts of children in need, England, "
                "regions and councils, 2013 onwards.",
    columns={**_IDS, **_with_flags(CIN_MEASURES.values())},
    key=_KEY,
    **_contract(list(CIN_MEASURES.values()), {}, CIN_FILE),
))
SECTION_47 = tables.declare(tables.TableSpec(
    name="section_47",
    description="DfE children in need census (c4 file, 2025 release): section 47 enquiries and initial child "
                "protection conferences, England, regions and councils, 2013 onwards.",
    columns={**_IDS, **_with_flags(S47_MEASURES.values())},
    key=_KEY,
    # Working days from enquiry to conference: the 2025 release's council figures reach 356.
    **_contract(list(S47_MEASURES.values()),
                {f"icpc_days_{p}": (0, 730) for p in ("25th_percentile", "median", "75th_percentile")}, S47_FILE),
))
CHILDREN_LOOKED_AFTER = tables.declare(tables.TableSpec(
    name="children_looked_after",
    description="DfE children looked after (2025 release): at 31 March, starting and ceasing, counts and rates "
                "per 10,000 children, England, regions and councils (the file holds 2021 onwards).",
    columns={**_IDS, **_with_flags(CLA_MEASURES)},
    key=_KEY,
    # Rates are per 10,000 children (the 2025 release's council rates run from 10 to 321).
    **_contract(CLA_MEASURES, {m: (0, 10_000) for m in CLA_MEASURES if measures.measure(m).unit == measures.PER_10000}
                | {"population_under_18": (1, None)}, CLA_FILE),
))


def _error(source: str, message: str) -> DataError:
    return DataError(f"{source}: {message}")


def year_ending_march(time_period: pl.Series, source: str) -> pl.Series:
    """DfE time_period ('2021' or '202021') -> the year ending 31 March (2021)."""
    text = time_period.cast(pl.String)
    six = text.str.len_chars() == 6
    first, second = text.str.slice(0, 4).cast(pl.Int64, strict=False), text.str.slice(4, 2).cast(pl.Int64, strict=False)
    bad = text.to_frame("t").with_row_index("row").filter(six & ((first + 1) % 100 != second))
    if bad.height:
        raise _error(source, f"column 'time_period', row {bad['row'][0] + 2}: {bad['t'][0]!r} is not two "
                             "consecutive years")
    return pl.select(pl.when(six).then(first + 1).otherwise(text.cast(pl.Int64, strict=False))).to_series()


def _identifiers(df: pl.DataFrame, source: str) -> pl.DataFrame:
    """Check the identifier columns row by row and normalise them to ours."""
    dfe_csv.check_identifiers(df, source, period="year_or_span", joint_codes=False)
    is_la = pl.col("geographic_level") == "Local authority"
    year = year_ending_march(df["time_period"], source)
    not_national = pl.col("geographic_level") != "National"
    return df.with_columns(
        year.alias("year"),
        pl.format("{}-{}", year - 1, (year % 100).cast(pl.String).str.zfill(2)).alias("period"),
        pl.col("geographic_level").replace_strict(GEOGRAPHIC_LEVELS, return_dtype=pl.String),
        pl.when(is_la).then(pl.col("old_la_code")).alias("la_code"),
        pl.when(is_la).then(pl.col("new_la_code")).alias("ons_code"),
        pl.when(is_la).then(pl.col("la_name")).alias("la_name"),
        pl.when(not_national).then(pl.col("region_code").replace("", None)).alias("region_code"),
        pl.when(not_national).then(pl.col("region_name").replace("", None)).alias("region_name"),
    )


def _split(df: pl.DataFrame, columns: dict[str, str], source: str, places: dict[str, int] | None = None) -> pl.DataFrame:
    """Rename source columns to ours and split each into value + flag, naming the source column on error.
    A number printed to more places than its measure's precision (`places`, else the registry's) is refused."""
    df = df.rename(columns)
    places = places or {ours: measures.measure(ours).precision for ours in columns.values()}
    try:
        return split_values_and_flags(df, places, source)
    except UnknownValueError as err:
        source_col = next(k for k, v in columns.items() if v == err.column)
        raise DataError(str(err).replace(f"column {err.column!r}", f"column {source_col!r}")) from None


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    order = {"national": 0, "regional": 1, "local_authority": 2}
    return df.sort("year", pl.col("geographic_level").replace_strict(order, return_dtype=pl.Int8),
                   "region_code", "la_code", nulls_last=False)


def _read_census(path: Path, source: str, columns: dict, category: str, spec: tables.TableSpec) -> pl.DataFrame:
    raw = dfe_csv.read(path, source, ID_COLUMNS + ["category"] + list(columns))
    df = _identifiers(raw, source)
    check_text_column(raw, "category", f"^{category}$", source, repr(category))
    df = _split(df, columns, source)
    df = _sorted(df.select(list(spec.columns)))
    if df.height != raw.height:
        raise _error(source, f"{raw.height} rows in but {df.height} rows out")
    return df


def read_children_in_need(path: Path, source: str | None = None) -> pl.DataFrame:
    """The b1 file as rows of `children_in_need`."""
    return _read_census(path, source or path.name, CIN_MEASURES, CIN_CATEGORY, CHILDREN_IN_NEED)


def read_section_47(path: Path, source: str | None = None) -> pl.DataFrame:
    """The c4 file as rows of `section_47`."""
    return _read_census(path, source or path.name, S47_MEASURES, S47_CATEGORY, SECTION_47)


def read_children_looked_after(path: Path, source: str | None = None) -> pl.DataFrame:
    """The CLA numbers-and-rates file as rows of `children_looked_after` (three populations side by side)."""
    source = source or path.name
    raw = dfe_csv.read(path, source, ID_COLUMNS + ["population_type"] + CLA_VALUE_COLUMNS)
    df = _identifiers(raw, source)
    check_text_column(raw, "population_type", "^(" + "|".join(CLA_POPULATIONS) + ")$", source,
           f"a known population type ({', '.join(CLA_POPULATIONS)})")
    # the count and rate columns hold each population's figures (pivoted below): their places are those measures'
    places = {"population_under_18": measures.measure("population_under_18").precision,
              "count": measures.measure("looked_after").precision, "rate": measures.measure("looked_after_rate").precision}
    df = _split(df, {"population_estimate": "population_under_18", "children_count": "count",
                     "rate_per_10000": "rate"}, source, places)
    df = df.with_columns(pl.col("population_type").replace_strict(CLA_POPULATIONS, return_dtype=pl.String))
    ids = list(_IDS)
    # each place and year must have each population exactly once
    counts = df.group_by(_KEY).agg(pl.col("population_type").sort().alias("types"))
    bad = counts.filter(pl.col("types") != pl.lit(sorted(CLA_POPULATIONS.values())))
    if bad.height:
        row = bad.row(0, named=True)
        raise _error(source, f"{row['geographic_level']} {row['la_code'] or row['region_code'] or 'England'} in "
                             f"{row['year']} has population types {row['types']}, expected each of "
                             f"{sorted(CLA_POPULATIONS.values())} once")
    # the denominator is published on every row; it must agree across the three populations
    pops = df.group_by(_KEY).agg(pl.col("population_under_18").n_unique().alias("n"),
                                 pl.col("population_under_18_flag").n_unique().alias("f"))
    bad = pops.filter((pl.col("n") > 1) | (pl.col("f") > 1))
    if bad.height:
        row = bad.row(0, named=True)
        raise _error(source, f"population_estimate differs between population types for "
                             f"{row['la_code'] or row['region_code'] or 'England'} in {row['year']}")
    wide = df.pivot(on="population_type", index=ids, values=["count", "count_flag", "rate", "rate_flag"],
                    aggregate_function=None)
    rename = {}
    for prefix in CLA_POPULATIONS.values():
        rename |= {f"count_{prefix}": prefix, f"count_flag_{prefix}": f"{prefix}_flag",
                   f"rate_{prefix}": f"{prefix}_rate", f"rate_flag_{prefix}": f"{prefix}_rate_flag"}
    wide = wide.rename(rename)
    population = df.filter(pl.col("population_type") == "looked_after").select(
        ids + ["population_under_18", "population_under_18_flag"])
    out = wide.join(population, on=ids, how="left", nulls_equal=True, validate="1:1")
    out = _sorted(out.select(list(CHILDREN_LOOKED_AFTER.columns)))
    if out.height * len(CLA_POPULATIONS) != raw.height:
        raise _error(source, f"{raw.height} rows in but {out.height} places x years out (expected a third)")
    return out


# The counts that add up (England = its regions, a region = its councils), with the step DfE prints them to:
# England and the regions to the nearest 10, councils exactly; the populations exactly (see sums.py).
_TENS = sums.Printed(areas=10, councils=0)
SUMMED = {
    "children_in_need": [(list(CIN_MEASURES.values()), _TENS)],
    "section_47": [([m for m in S47_MEASURES.values() if measures.measure(m).is_count], _TENS)],
    "children_looked_after": [(["looked_after", "starting", "ceasing"], _TENS),
                              (["population_under_18"], sums.Printed(areas=1, councils=0))],
}


def build() -> dict[str, pl.DataFrame]:
    """The three tables from the raw files, checked; nothing written."""
    built = {
        "children_in_need": (read_children_in_need(sources.raw_path(CIN_FILE)), CHILDREN_IN_NEED),
        "section_47": (read_section_47(sources.raw_path(S47_FILE)), SECTION_47),
        "children_looked_after": (read_children_looked_after(sources.raw_path(CLA_FILE)), CHILDREN_LOOKED_AFTER),
    }
    for name, (df, spec) in built.items():
        file = spec.inputs[0]
        if not df.height:
            raise DataError(f"{file}: no data rows (a header-only file?); {name} not written")
        # A file named `..._2013_to_2025.csv` must hold every year it names; one without years in its
        # name every year from its first to its last.
        years = releases.promised_years(file) if "_to_" in file else list(range(df["year"].min(), df["year"].max() + 1))
        releases.check_levels(df, file, years)
        releases.check_no_council_lost(df, file, years)  # a council missing for a year would show as a gap
    # each row on its own first (its contract, its rates), so a refusal names the council, then the sums
    for df, spec in built.values():
        tables.check_table(df, spec)
    identities.check_per_10000(built["children_looked_after"][0], CLA_FILE)
    identities.check_stock_flow(built["children_looked_after"][0], CLA_FILE)
    for name, (df, spec) in built.items():  # each council's newest year against the measure's earlier changes
        figures = measures.of_table(name)
        counts = [m for m in figures if measures.measure(m).is_count]
        plausibility.check_councils(df, spec.inputs[0], counts, [m for m in figures if m not in counts])
    for name, (df, spec) in built.items():
        for figures, printed in SUMMED[name]:
            sums.check_sums(df, spec.inputs[0], figures, printed)
    return {name: df for name, (df, _) in built.items()}


SPECS = {"children_in_need": CHILDREN_IN_NEED, "section_47": SECTION_47, "children_looked_after": CHILDREN_LOOKED_AFTER}


def write(built: dict[str, pl.DataFrame] | None = None) -> dict[str, pl.DataFrame]:
    """Write the three tables to data/processed/ (built from the raw files unless given); returns them by name."""
    built = build() if built is None else {name: built[name] for name in SPECS}  # in the order they are declared
    for name, df in built.items():
        tables.write(df, SPECS[name])
    return built


def england(table: str) -> pl.DataFrame:
    """England's rows of one of the three tables, by year."""
    if table not in ("children_in_need", "section_47", "children_looked_after"):
        raise UserError(f"no children table {table!r}; choose children_in_need, section_47 or children_looked_after")
    return tables.read(table).filter(pl.col("geographic_level") == "national").sort("year")


def suppression_counts(df: pl.DataFrame) -> pl.DataFrame:
    """Cells carrying each code, by column: the audit of what became null and why."""
    flags = [c for c in df.columns if c.endswith("_flag")]
    long = df.select(flags).unpivot(variable_name="column", value_name="flag").drop_nulls("flag")
    return long.with_columns(pl.col("column").str.strip_suffix("_flag")).group_by("column", "flag").len("cells") \
        .sort("column", "flag")


# One council's activity by year: (table, column) in the order a reader takes them.
COUNCIL_COLUMNS = (("section_47", "section_47_enquiries"), ("section_47", "icpcs"),
                   ("children_in_need", "in_need_at_31_march"), ("children_looked_after", "looked_after"),
                   ("children_looked_after", "starting"))


def council_years(built: dict[str, pl.DataFrame], la_code: str) -> pl.DataFrame:
    """One council's section 47 enquiries, conferences, children in need and looked after, a row per year."""
    frames = [built[table].filter(pl.col("la_code") == la_code).select("year", "period", column)
              for table, column in COUNCIL_COLUMNS]
    out = frames[0]
    for frame in frames[1:]:
        out = out.join(frame, on=["year", "period"], how="full", coalesce=True)
    return out.sort("year").drop("year")


def council_words(built: dict[str, pl.DataFrame], la_code: str, name: str) -> list[str]:
    """The council's latest year in a sentence, or why there is none."""
    from .formatting import number

    table = council_years(built, la_code)
    held = table.filter(pl.any_horizontal(pl.col(c).is_not_null() for _, c in COUNCIL_COLUMNS))
    if held.is_empty():
        return [f"DfE's children in need and looked after files hold no figures for {name}."]
    last = held.row(-1, named=True)
    said = [words.format(number(last[column])) for column, words in _COUNCIL_WORDS if last[column] is not None]
    missing = [words.format("no figure for") for column, words in _COUNCIL_WORDS if last[column] is None]
    return [f"In {last['period']}, {name}: " + "; ".join(said) + "."
            + (f" The files give {'; '.join(missing)} that year." if missing else "")]


_COUNCIL_WORDS = (("section_47_enquiries", "{} section 47 enquiries begun"),
                  ("icpcs", "{} initial child protection conferences"),
                  ("in_need_at_31_march", "{} children in need at 31 March"),
                  ("looked_after", "{} children looked after at 31 March"),
                  ("starting", "{} children starting to be looked after"))


_TABLE_WORDS = {"children_in_need": "Children in need", "section_47": "Section 47 enquiries and conferences",
                "children_looked_after": "Children looked after"}
_LEVEL_WORDS = {"national": "England", "regional": "regions", "local_authority": "councils"}


def table_lines(built: dict[str, pl.DataFrame]) -> list[str]:
    """What each built table holds, in words: rows, years, and rows for England, regions and councils."""
    lines = []
    for name, df in built.items():
        levels = df.group_by("geographic_level").len().sort("geographic_level")
        parts = ", ".join(f"{r['len']:,} for {_LEVEL_WORDS.get(r['geographic_level'], r['geographic_level'])}"
                          for r in levels.iter_rows(named=True))
        first, last = df["period"].sort()[0], df["period"].sort()[-1]
        lines.append(f"{_TABLE_WORDS.get(name, name)} (data/processed/{name}.parquet): {df.height:,} rows, "
                     f"{first} to {last}; {parts}.")
    return lines


def england_words(built: dict[str, pl.DataFrame]) -> list[str]:
    """England's latest year of section 47 enquiries and of children looked after, in sentences."""
    from .formatting import number

    s47 = built["section_47"].filter(pl.col("geographic_level") == "national").sort("year")
    cla = built["children_looked_after"].filter(pl.col("geographic_level") == "national").sort("year")
    lines = []
    if s47.height:
        last = s47.row(-1, named=True)
        lines.append(f"In {last['period']} councils in England began {number(last['section_47_enquiries'])} section 47 "
                     f"enquiries and held {number(last['icpcs'])} initial child protection conferences.")
    if cla.height:
        last = cla.row(-1, named=True)
        lines.append(f"At 31 March {last['year']}, {number(last['looked_after'])} children were looked after "
                     f"({number(last['looked_after_rate'])} per 10,000 children); {number(last['starting'])} "
                     f"started and {number(last['ceasing'])} ceased to be looked after in {last['period']}.")
    return lines
