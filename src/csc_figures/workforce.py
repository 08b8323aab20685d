"""DfE children's social work workforce: every release we hold as one long panel.

Each release (DfE "reporting year" 2022 to 2025) republishes every year since
2017, and later releases revise earlier years, so each row carries `vintage`:
the last reporting year its release holds. `year` is the reporting year
(2021 = the year to 30 September 2021).

Column names changed between releases (`turnover_rate_fte_%` in 2022,
`turnover_rate_fte` from 2023); each release layout maps every source column to
our name explicitly, and a column we do not expect, or one we expect and do not
find, is a DataError naming the file and the column.

Joint returns. Two pairs of councils send one workforce return between them:
Kingston upon Thames and Richmond upon Thames (314 and 318, through Achieving
for Children, every year we hold) and North and West Northamptonshire (940 and
941, through Northamptonshire Children's Trust, from 2021). The rule:
- a row is a joint unit (`is_joint` true, `joint_codes` the DfE codes it covers)
  and is never dropped or split between the councils;
- releases from 2023 publish it under the joined code ("314 / 318") and joined
  ONS codes, which we keep as published;
- the 2022 release publishes the joint figures under the lead council's code
  (314, 940) and gives the partner (318, 941) a row of `z` (not applicable). We
  keep both rows as published: the lead row is marked joint with both codes, the
  partner row stays a single-council row of nulls flagged `z` (checked, so a
  partner row carrying numbers is an error, not silently mislabelled). Which
  councils are joint, and from which year, is learnt from the releases that name
  them (`joint_returns`), never typed here; a council row of `z` in a release
  that names none, with no later release to say whose partner it is, is refused.
Compare a joint unit across vintages on `joint_codes`, not `la_code`.

Suppressed cells become nulls with the DfE code in `<measure>_flag`; a measure a
release does not publish at all (starters before 2023) is null with the flag
`not_published`.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from . import dfe_csv, geography, identities, measures, plausibility, sources, sums, tables
from . import releases as release_checks  # completeness and cross-release checks
from .errors import DataError, UserError
from .missing import UnknownValueError, split_values_and_flags

# Columns that identify a row, the same in every release.
ID_COLUMNS = list(dfe_csv.ID_COLUMNS)

# Source column -> our measure, one dict per release layout.
LAYOUT_2022 = {
    "social_worker_fte": "fte",
    "leaver_fte": "leavers",
    "turnover_rate_fte_%": "turnover_rate",
    "working_days_lost_fte": "working_days_lost",
    "absence_rate_fte_%": "absence_rate",
    "agency_fte": "agency_fte",
    "agency_worker_rate_fte_%": "agency_rate",
    "agency_cover_fte": "agency_cover_fte",
    "agency_cover_rate_fte_%": "agency_cover_rate",
    "vacancy_fte": "vacancies",
    "vacancy_rate_fte_%": "vacancy_rate",
    "vacancy_agency_cover_rate_fte_%": "vacancy_agency_cover_rate",
    "case_holders_fte": "case_holders",
    "cases": "cases",
    "caseload_fte": "caseload",
    "social_worker_headcount": "headcount",
    "leaver_headcount": "leavers_headcount",
    "turnover_rate_headcount_%": "turnover_rate_headcount",
    "agency_headcount": "agency_headcount",
    "agency_worker_rate_headcount_%": "agency_rate_headcount",
}
LAYOUT_2023 = {
    "inpost_fte": "fte",
    "inpost_headcount": "headcount",
    "starters_fte": "starters",
    "starters_headcount": "starters_headcount",
    "leavers_fte": "leavers",
    "leavers_headcount": "leavers_headcount",
    "turnover_rate_fte": "turnover_rate",
    "turnover_rate_headcount": "turnover_rate_headcount",
    "agency_fte": "agency_fte",
    "agency_headcount": "agency_headcount",
    "agency_rate_fte": "agency_rate",
    "agency_rate_headcount": "agency_rate_headcount",
    "agency_cover_fte": "agency_cover_fte",
    "agency_cover_rate_fte": "agency_cover_rate",
    "vacancy_fte": "vacancies",
    "vacancy_rate_fte": "vacancy_rate",
    "vacancy_agency_cover_rate_fte": "vacancy_agency_cover_rate",
    "case_holders_fte": "case_holders",
    "cases": "cases",
    "caseload_fte": "caseload",
    "working_days_lost_fte": "working_days_lost",
    "absence_rate_fte": "absence_rate",
}

# Layouts by name; a workforce entry in data/sources.toml names its own (`layout`), else the newest.
LAYOUTS = {"2022": LAYOUT_2022, "2023": LAYOUT_2023}


class Ignored(str):
    """A layout's value for a column read and left out on purpose: `Ignored("why")`. Any other value
    must be a declared measure, so a column mapped to a made-up name is refused, never dropped quietly."""

    def __new__(cls, reason: str):
        if not reason.strip():
            raise ValueError("an ignored column needs its reason")
        return super().__new__(cls, reason)


def check_layout(name: str, layout: dict[str, str]) -> None:
    """DataError naming the layout and the column unless every value is a measure or Ignored with a reason."""
    for column, measure in layout.items():
        if isinstance(measure, Ignored):
            continue
        if measure not in MEASURES:
            raise DataError(f"workforce layout {name!r}: column {column!r} is mapped to {measure!r}, which is not a "
                            f"declared measure ({', '.join(MEASURES)}); to leave a column out on purpose map it to "
                            f"Ignored('the reason')")
    measures_ = [m for m in layout.values() if not isinstance(m, Ignored)]
    twice = sorted({m for m in measures_ if measures_.count(m) > 1})
    if twice:
        raise DataError(f"workforce layout {name!r}: two columns are mapped to {twice[0]!r}")


def measure_columns(layout: dict[str, str]) -> dict[str, str]:
    """The layout without its ignored columns: source column -> measure."""
    return {column: measure for column, measure in layout.items() if not isinstance(measure, Ignored)}


def releases() -> dict[int, tuple[str, dict[str, str]]]:
    """vintage -> (raw file, layout) for every workforce release listed in data/sources.toml."""
    out = {}
    for source in sources.releases(sources.WORKFORCE):
        name = source.layout or max(LAYOUTS)
        if name not in LAYOUTS:
            raise DataError(f'data/sources.toml: entry [files."{source.name}"]: layout {name!r} is not one of '
                            f"the column maps in workforce.py ({', '.join(LAYOUTS)})")
        check_layout(name, LAYOUTS[name])
        out[source.vintage] = (source.name, LAYOUTS[name])
    return out


# Measures in table order, with what each holds.
# Our column -> what it holds (the table's contract); every figure's words, unit and printed places are declared
# once in csc_figures.measures.
MEASURES = {key: m.describes for key, m in measures.WORKFORCE.items()}
# Cover rates compare agency workers with vacancies, so they can pass 100: the releases we hold reach 120
# (agency_cover_rate) and 234.1 (vacancy_agency_cover_rate).
COVER_RANGES = {"agency_cover_rate": (0, 500), "vacancy_agency_cover_rate": (0, 1000)}
# Measures that are percentages of a whole (0-100), and counts (never negative; they add up).
PERCENT_MEASURES = tuple(k for k, m in measures.WORKFORCE.items() if m.is_rate and k not in COVER_RANGES)
COUNT_MEASURES = tuple(k for k, m in measures.WORKFORCE.items() if m.is_count)

NOT_PUBLISHED = "not_published"

GEOGRAPHIC_LEVELS = dfe_csv.GEOGRAPHIC_LEVELS


_FLAG_TEXT = "the suppression code (x, c, z, u, low...), `not_published` if the release lacks the measure, else null"

# The releases data/sources.toml lists, read once for the contract below.
_HELD = releases()
WORKFORCE = tables.declare(tables.TableSpec(
    name="workforce",
    description=("DfE children's social work workforce, every release we hold as one long panel "
                 "(national, regional and council rows; joint returns kept as flagged joint units)."),
    columns={
        "vintage": "the last reporting year the release holds (2022..2025): which DfE release the row is from",
        "year": "reporting year (2021 = the year to 30 September 2021)",
        "geographic_level": "national, regional or local_authority",
        "la_code": "DfE three-digit LA code as published; a joint return's text as published, e.g. '314 / 318'",
        "ons_code": "ONS area code(s) as published",
        "la_name": "council name as DfE spells it",
        "region_code": "ONS region code (Inner and Outer London are regions of their own in these files)",
        "region_name": "region name as published",
        "is_joint": "true when the row is one return covering several councils",
        "joint_codes": "DfE codes the row covers (a single code for a single council)",
        **{col: desc for m, d in MEASURES.items() for col, desc in ((m, d), (f"{m}_flag", _FLAG_TEXT))},
    },
    key=("vintage", "year", "geographic_level", "region_code", "la_code"),
    ranges={
        **{m: (0, 100) for m in PERCENT_MEASURES},
        **COVER_RANGES,
        **{m: (0, None) for m in COUNT_MEASURES},
        # Average caseloads in the releases we hold run from 6 to 32.7 cases per case holder.
        "caseload": (1, 60),
        "vintage": (min(_HELD), max(_HELD)), "year": (2017, max(_HELD)),
    },
    allowed={"geographic_level": tuple(GEOGRAPHIC_LEVELS.values())},
    patterns={"la_code": r"^\d{3}( / \d{3})*$", "ons_code": r"^E\d{8}( / E\d{8})*$", "region_code": r"^E1[23]\d{6}$"},
    required=("vintage", "year", "geographic_level", "is_joint"),
    rules=(
        tables.Rule("a row's year is no later than its release (vintage)", pl.col("year") <= pl.col("vintage"),
                    ("year", "vintage")),
        tables.Rule("a council row has a DfE code", (pl.col("geographic_level") != "local_authority")
                    | pl.col("la_code").is_not_null(), ("la_code",)),
        *(tables.Rule(f"`{m}` is null exactly when `{m}_flag` holds a code", pl.col(m).is_null()
                      == pl.col(f"{m}_flag").is_not_null(), (m, f"{m}_flag")) for m in MEASURES),
    ),
    inputs=tuple(name for name, _ in _HELD.values()),
    more_checks="Checked across rows and releases by `csc_figures.releases`:\n\n" + release_checks.__doc__,
    source_of=lambda row: _HELD[row["vintage"]][0] if row.get("vintage") in _HELD else "workforce releases",
))


def _data_error(source: str, message: str) -> DataError:
    return DataError(f"{source}: {message}")


def read_release(path: Path, layout: dict[str, str], vintage: int, source: str | None = None,
                 joint: dict[tuple[str, ...], int] | None = None) -> pl.DataFrame:
    """One release file as rows of the `workforce` table (every row kept). `joint`: the joint returns the
    releases name ((DfE codes) -> first year filed jointly, `joint_returns`), for a release that does not."""
    source = source or path.name
    raw = dfe_csv.read(path, source, ID_COLUMNS + list(layout))
    dfe_csv.check_identifiers(raw, source, period="year", joint_codes=True)
    rows_in = raw.height

    is_la = pl.col("geographic_level") == "Local authority"

    raw = raw.drop([column for column, measure in layout.items() if isinstance(measure, Ignored)])
    layout = measure_columns(layout)
    df = raw.rename(layout)
    try:
        # the places DfE prints each figure to (csc_figures.measures); more are refused
        df = split_values_and_flags(df, {m: measures.measure(m).precision for m in layout.values()}, source)
    except UnknownValueError as err:
        # name the source column, not ours, so the message points into the file
        source_col = next(k for k, v in layout.items() if v == err.column)
        raise DataError(str(err).replace(f"column {err.column!r}", f"column {source_col!r}")) from None
    for measure in MEASURES:
        if measure not in layout.values():
            df = df.with_columns(pl.lit(None, pl.Float64).alias(measure),
                                 pl.lit(NOT_PUBLISHED, pl.String).alias(f"{measure}_flag"))

    la_code = pl.when(is_la).then(pl.col("old_la_code").str.strip_chars())
    df = df.with_columns(
        pl.lit(vintage, pl.Int64).alias("vintage"),
        pl.col("time_period").cast(pl.Int64).alias("year"),
        pl.col("geographic_level").replace_strict(GEOGRAPHIC_LEVELS, return_dtype=pl.String),
        la_code.alias("la_code"),
        pl.when(is_la).then(pl.col("new_la_code").str.strip_chars()).alias("ons_code"),
        pl.when(is_la).then(pl.col("la_name")).alias("la_name"),
        pl.when(~pl.col("geographic_level").eq("National")).then(pl.col("region_code")).alias("region_code"),
        pl.when(~pl.col("geographic_level").eq("National")).then(pl.col("region_name")).alias("region_name"),
    )
    df = _mark_joint_units(df, list(layout.values()), source, joint or {})
    df = df.select(list(WORKFORCE.columns))
    if df.height != rows_in:
        raise _data_error(source, f"{rows_in} rows in but {df.height} rows out")
    tables.check(df, WORKFORCE, source, first_line=2)  # rows are still the file's, in order: name the line
    identities.check_staff(df, source, first_line=2)  # each council's FTE against its headcount
    identities.check(df, source, first_line=2)  # and its rates against their own counts
    return df


def joint_returns(names: list[str]) -> dict[tuple[str, ...], int]:
    """Each joint return the releases name ('314 / 318' from 2023), as its DfE codes with the first reporting
    year any of them files it jointly: learnt from the data, for the older layout that does not name them."""
    found: dict[tuple[str, ...], int] = {}
    for name in names:
        raw = dfe_csv.read(sources.raw_path(name), name)
        for code, year in raw.filter(pl.col("old_la_code").str.contains("/")).select("old_la_code", "time_period").rows():
            codes = tuple(geography.joint_members(code))
            found[codes] = min(found.get(codes, 9999), int(year))
    return dict(sorted(found.items()))


def _mark_joint_units(df: pl.DataFrame, published: list[str], source: str,
                      joint: dict[tuple[str, ...], int]) -> pl.DataFrame:
    """Set is_joint and joint_codes by the rule in the module docstring."""
    codes = pl.col("la_code").str.split(" / ")
    df = df.with_columns(is_joint=pl.col("la_code").str.contains("/").fill_null(False), joint_codes=codes)
    if df["is_joint"].any():
        return df  # the release names its joint units itself
    # Older layout: the lead council's row holds the joint return, the partner's is all `z`.
    all_z = pl.all_horizontal(pl.col(f"{m}_flag").fill_null("") == "z" for m in published)
    partners = {p for _, *rest in joint for p in rest}
    unknown = df.filter((pl.col("geographic_level") == "local_authority") & all_z & ~pl.col("la_code").is_in(partners))
    if unknown.height:
        row = unknown.row(0, named=True)
        raise _data_error(source, f"council {row['la_code']} ({row['la_name']}) in {row['year']} has no figure of its "
                                  "own (every cell `z`): a partner in a joint return this layout does not name, and "
                                  "no release we hold names it ('a / b' codes, from the 2023 release on)")
    for (lead, *partners), first_year in joint.items():
        in_force = pl.col("year") >= first_year
        partner_rows = df.filter(in_force & pl.col("la_code").is_in(partners))
        not_z = partner_rows.filter(pl.any_horizontal(pl.col(f"{m}_flag").fill_null("") != "z" for m in published))
        if not_z.height:
            row = not_z.row(0, named=True)
            raise _data_error(source, f"council {row['la_code']} ({row['la_name']}) in {row['year']} carries figures "
                                      f"of its own, but it is expected in a joint return with {lead}")
        df = df.with_columns(
            pl.when(in_force & (pl.col("la_code") == lead)).then(True).otherwise(pl.col("is_joint")).alias("is_joint"),
            pl.when(in_force & (pl.col("la_code") == lead)).then(pl.lit([lead, *partners]))
            .otherwise(pl.col("joint_codes")).alias("joint_codes"),
        )
    return df


def build() -> pl.DataFrame:
    """Every release we hold, harmonised into one panel, in a stable order."""
    joint = joint_returns([name for name, _ in releases().values()])
    frames = [read_release(sources.raw_path(name), layout, vintage, name, joint)
              for vintage, (name, layout) in sorted(releases().items())]
    level_order = {"national": 0, "regional": 1, "local_authority": 2}
    df = pl.concat(frames, how="vertical")
    release_checks.check_all(df, {v: name for v, (name, _) in releases().items()}, list(MEASURES))
    for vintage, (name, _) in sorted(releases().items()):  # each release's newest year against its history
        plausibility.check_newest_year(df.filter(pl.col("vintage") == vintage), name, list(COUNT_MEASURES),
                                       [*PERCENT_MEASURES, "caseload"])
        plausibility.check_councils(df.filter(pl.col("vintage") == vintage), name, list(COUNT_MEASURES),
                                    [*PERCENT_MEASURES, "caseload"])
        # England = its regions, a region = its councils; every level printed to 0.1 (see sums.py). After each
        # row's contract (read_release), so a council's impossible figure is refused naming the council.
        sums.check_sums(df.filter(pl.col("vintage") == vintage), name, list(COUNT_MEASURES),
                        sums.Printed(areas=0.1, councils=0.1), joint_flag=NOT_PUBLISHED)
    return df.sort(
        "vintage", "year", pl.col("geographic_level").replace_strict(level_order, return_dtype=pl.Int8),
        "region_code", "la_code", nulls_last=False,
    )


def write(df: pl.DataFrame | None = None) -> pl.DataFrame:
    """Write data/processed/workforce.parquet (built from the raw files unless given); returns the table."""
    df = build() if df is None else df
    tables.write(df, WORKFORCE)
    return df


def revisions(df: pl.DataFrame | None = None) -> pl.DataFrame:
    """How each release revised the one before it, measure by measure (see releases)."""
    return release_checks.revisions(df if df is not None else tables.read("workforce"), list(MEASURES))


def vintages() -> list[int]:
    """The releases we hold (those listed in data/sources.toml)."""
    return sorted(releases())


def panel(vintage: int | None = None) -> pl.DataFrame:
    """The workforce panel from one release (the latest by default)."""
    df = tables.read("workforce")
    held = sorted(df["vintage"].unique().to_list())
    if vintage is None:
        vintage = held[-1]
    if vintage not in held:
        raise UserError(f"no workforce release with vintage {vintage!r}; we hold {', '.join(map(str, held))}")
    return df.filter(pl.col("vintage") == vintage)


def england(year: int | None = None, vintage: int | None = None) -> pl.DataFrame:
    """England's rows from one release: every year, or one (UserError if the release lacks it)."""
    df = panel(vintage).filter(pl.col("geographic_level") == "national")
    if year is not None:
        years = df["year"].to_list()
        if year not in years:
            raise UserError(f"no national workforce figures for {year} in this release; it holds "
                            f"{', '.join(map(str, sorted(years)))}")
        df = df.filter(pl.col("year") == year)
    return df


def council(la_code: str, vintage: int | None = None) -> pl.DataFrame:
    """A council's rows from one release, including any joint return that covers it."""
    if not re.fullmatch(r"\d{3}", str(la_code)):
        raise UserError(f"{la_code!r} is not a DfE three-digit LA code")
    df = panel(vintage).filter(pl.col("geographic_level") == "local_authority")
    return df.filter(pl.col("joint_codes").list.contains(str(la_code)))


def suppression_counts(df: pl.DataFrame | None = None) -> pl.DataFrame:
    """How many cells carry each flag, by vintage: the audit of what became null and why."""
    df = df if df is not None else tables.read("workforce")
    flags = [c for c in df.columns if c.endswith("_flag")]
    long = df.select("vintage", *flags).unpivot(index="vintage", variable_name="column", value_name="flag")
    return (long.drop_nulls("flag").group_by("vintage", "flag").len("cells")
            .sort("vintage", "flag"))


def _one_row_a_year(la_code: str, measure: str) -> pl.DataFrame:
    """The council's rows from every release, one per release and year: where a release files a joint return
    and an empty row of the council's own (the 2022 release does for Richmond), the row with the figure."""
    rows = pl.concat([council(la_code, v) for v in vintages()])
    return (rows.sort("vintage", "year", pl.col(measure).is_null())
            .group_by("vintage", "year", maintain_order=True).first())


def across_releases(la_code: str, measure: str = "vacancy_rate") -> pl.DataFrame:
    """One council's measure, a row per year and a column per release that holds it ('2022 release', ...)."""
    if measure not in MEASURES:
        raise UserError(f"no workforce measure {measure!r}; choose one of {', '.join(MEASURES)}")
    rows = _one_row_a_year(la_code, measure)
    if rows.is_empty():
        return pl.DataFrame({"year": []}, schema={"year": pl.Int64})
    wide = (rows.with_columns(pl.format("{} release", pl.col("vintage")).alias("release"))
            .pivot(on="release", index="year", values=measure, sort_columns=True).sort("year"))
    return wide


def revision_words(la_code: str, name: str, measure: str = "vacancy_rate") -> list[str]:
    """How the releases we hold differ on one council's measure, in sentences."""
    from .formatting import number

    rows = _one_row_a_year(la_code, measure).filter(pl.col(measure).is_not_null())
    what = measures.words(measure)
    if rows.is_empty():
        return [f"No workforce release we hold gives {name}'s {what}."]
    lines = []  # a joint return is said by the council's own notes (councils.Council.notes)
    places = measures.measure(measure).precision
    unit = "%" if measures.measure(measure).unit == "%" else ""
    revised = 0
    for (year,), group in rows.sort("vintage").group_by("year", maintain_order=True):
        first, last = group.row(0, named=True), group.row(-1, named=True)
        if group.height > 1 and number(first[measure], places) != number(last[measure], places):
            revised += 1
            lines.append(f"{name}'s {what} for {year}: {number(first[measure], places)}{unit} in the "
                         f"{first['vintage']} release, {number(last[measure], places)}{unit} in the {last['vintage']} release.")
    if not revised:
        lines.append(f"No release we hold revised {name}'s {what} for a year an earlier release also gives.")
    return lines


def column_map() -> pl.DataFrame:
    """Each measure: our column, and DfE's column for it in the 2022 layout and in the 2023 layout (blank if none).
    Column names are in backticks, as code: a table shows them exactly as spelt, never turned into words."""
    from . import lab

    def code(name: str | None) -> str | None:
        return f"`{name}`" if name else None

    return pl.DataFrame(
        [{"figure": lab.column_words(ours), "our column": code(ours),
          "2022 release": code(next((k for k, v in LAYOUT_2022.items() if v == ours), None)),
          "2023 to 2025 releases": code(next((k for k, v in LAYOUT_2023.items() if v == ours), None))}
         for ours in MEASURES])


def england_words(vintage: int | None = None) -> list[str]:
    """England's latest year in the release (the latest by default), in a sentence."""
    from .formatting import number, pct

    eng = england(vintage=vintage).sort("year")
    if eng.is_empty():
        return ["The release holds no figures for England."]
    latest = eng.row(-1, named=True)
    return [f"In the year to 30 September {latest['year']}, England had {number(latest['fte'])} FTE children and "
            f"family social workers; turnover {pct(latest['turnover_rate'])}, vacancy rate "
            f"{pct(latest['vacancy_rate'])}, agency worker rate {pct(latest['agency_rate'])}, average caseload "
            f"{number(latest['caseload'], 1)} (DfE's {latest['vintage']} release)."]
