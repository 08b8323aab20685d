"""English councils with children's services: codes, names, regions, reorganisations, neighbours.

Keys are DfE three-digit LA codes; ONS area codes and every publisher's spelling
of a name resolve to one. A council unit is one DfE code: North Yorkshire (815),
Somerset (933) and Buckinghamshire (825) changed ONS code when they became
unitary but kept their DfE code and their children's services, so each stays
one unit whose earlier ONS codes are listed in `ons_codes`. Where the DfE code
changed (Dorset 835 -> 838; Poole 836 and Bournemouth 837 -> 839;
Northamptonshire 928 -> 940 and 941; Cumbria 909 -> 942 and 943) the old and
new councils are separate units linked by predecessor and successor codes.

Joint workforce returns ("314 / 318", "940 / 941") are not council units: the
DfE files publish one return for two councils. `joint_members` maps such a code
to its members; `is_joint` flags it. The workforce panel keeps them as joint rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass

import polars as pl

from . import dfe_csv, ofsted_layouts, steps, tables
from .errors import DataError, UserError
from .neighbours import (NEIGHBOURS_FILE, STATISTICAL_NEIGHBOURS, build_statistical_neighbours,
                         neighbour_names, read_neighbours_raw)
from .ofsted_rows import history_rows
from .spreadsheet import load_sheet
from .sources import raw_path

# DfE files whose LA rows give DfE code, ONS code, name and region: the raw files the step declares.
DFE_FILES = (*steps.DFE_WORKFORCE, *steps.DFE_CHILDREN)
# Ofsted's spellings with ONS codes: the newest Ofsted file with one row per inspection.
OFSTED_NAMES_FILE = ofsted_layouts.NAMES_FILE.name
OFSTED_NAMES_SHEET = ofsted_layouts.NAMES_FILE.layout.history_sheet
DFE_CODE_COLUMNS = ("time_period", "geographic_level", "old_la_code", "new_la_code", "la_name", "region_name")

OFSTED_MERGED_REGION = "North East, Yorkshire and the Humber"
_MERGED_INTO_OFSTED_REGION = ("North East", "Yorkshire and The Humber")
# DfE splits London into Inner and Outer in some files; the region is London.
_LONDON_PARTS = ("Inner London", "Outer London")


@dataclass(frozen=True)
class Reorganisation:
    """Councils abolished on `date` and the councils that took over their children's services."""
    date: dt.date
    predecessors: dict[str, str]  # DfE code -> DfE name (checked against the files)
    successors: dict[str, str]
    note: str


# The dates are the statutory vesting days; the codes and names are checked
# against the DfE files by `check_reorganisations`, so a typo cannot pass.
REORGANISATIONS = (
    Reorganisation(dt.date(2019, 4, 1), {"835": "Dorset"}, {"838": "Dorset"},
                   "Dorset County Council and five districts became Dorset Council (new DfE code)"),
    Reorganisation(dt.date(2019, 4, 1), {"836": "Poole", "837": "Bournemouth"},
                   {"839": "Bournemouth, Christchurch and Poole"},
                   "Bournemouth, Poole and Christchurch (a Dorset district, with no children's services "
                   "of its own) became Bournemouth, Christchurch and Poole"),
    Reorganisation(dt.date(2021, 4, 1), {"928": "Northamptonshire"},
                   {"940": "North Northamptonshire", "941": "West Northamptonshire"},
                   "Northamptonshire split into two unitary councils"),
    Reorganisation(dt.date(2023, 4, 1), {"909": "Cumbria"},
                   {"942": "Cumberland", "943": "Westmorland and Furness"},
                   "Cumbria split into two unitary councils"),
)

LA_GEOGRAPHY = tables.declare(tables.TableSpec(
    "la_geography",
    "Every council unit with children's services since 2009, keyed by DfE code, with its "
    "ONS codes, region, and the councils it replaced or that replaced it. Built from the LA rows "
    "of every DfE file we hold; reorganisation dates from the statutory orders (checked names).",
    {
        "la_code": "DfE three-digit LA code (text)",
        "ons_code": "ONS area code in use most recently (most files' choice in the latest year)",
        "la_name": "name as the latest DfE file spells it",
        "region": "ONS/DfE region (Inner and Outer London are London)",
        "ofsted_region": "Ofsted's region: North East and Yorkshire and The Humber merged",
        "start_date": "date the council took over children's services; null = existed before 2009",
        "end_date": "last day the council existed; null = still exists",
        "predecessor_codes": "DfE codes of the councils it replaced (empty if none)",
        "successor_codes": "DfE codes of the councils that replaced it (empty if none)",
        "ons_codes": "every ONS code the publishers' files use for this unit, sorted",
        "note": "the reorganisation it took part in, or an ONS code change with the DfE code kept",
    },
    key=("la_code",),
    patterns={"la_code": r"^\d{3}$", "ons_code": r"^E\d{8}$"},
    required=("la_code", "ons_code", "la_name", "region", "ofsted_region"),
    rules=(tables.Rule("a council ends after it starts", pl.col("end_date") >= pl.col("start_date"),
                       ("start_date", "end_date")),),
    inputs=(*DFE_FILES, NEIGHBOURS_FILE),
))

LA_NAMES = tables.declare(tables.TableSpec(
    "la_names",
    "Every spelling of a council's name in the files that code it: DfE and neighbour files give the "
    "DfE code, Ofsted's 2025 history the ONS code. Ofsted's other sheets, which give no code, are "
    "matched through these spellings by the inspections step (its `ofsted_names` table).",
    {
        "name_variant": "the name as the file spells it",
        "normalised": "lower-case, punctuation-free form used for matching (see geography.normalise)",
        "la_code": "DfE three-digit code",
        "source": "file that spells it that way",
    },
    key=("name_variant", "la_code", "source"),
    patterns={"la_code": r"^\d{3}$"},
    required=("name_variant", "normalised", "la_code", "source"),
    inputs=(*DFE_FILES, NEIGHBOURS_FILE, OFSTED_NAMES_FILE),
))



# ---- names ---------------------------------------------------------------------------------

def normalise(name: str) -> str:
    """Lower-case, '&' as 'and', no punctuation; drops ', City of', ', County of', a leading
    'County ' and a trailing ' Borough' so that publishers' spellings meet."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    text = text.replace("&", " and ")
    text = re.sub(r",\s*(city|county) of\s*$", "", text)
    text = re.sub(r"^county\s+", "", text)
    text = re.sub(r"\s+borough$", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


# ---- joint returns -------------------------------------------------------------------------

_JOINT = re.compile(r"^\s*\d{3}(\s*/\s*\d{3})+\s*$")


def is_joint(code: str) -> bool:
    """True for a published joint code such as '314 / 318'."""
    return bool(_JOINT.match(code or ""))


def joint_members(code: str) -> list[str]:
    """DfE codes in a published code: '940 / 941' -> ['940', '941']; '314' -> ['314'].

    Rule: a joint return covers each member council in full; we never split its
    figures between them. Raises UserError for text that is not one or more codes.
    """
    text = (code or "").strip()
    if re.fullmatch(r"\d{3}", text):
        return [text]
    if not is_joint(text):
        raise UserError(f"{code!r} is neither a DfE LA code nor a joint code such as '314 / 318'")
    return [part.strip() for part in text.split("/")]


# ---- reading the files ---------------------------------------------------------------------

def read_dfe_codes(name: str) -> pl.DataFrame:
    """The LA rows of one DfE file: time_period, codes, name, region; a missing column is an error."""
    return select_dfe_codes(dfe_csv.read(raw_path(name), name), name)


def select_dfe_codes(df: pl.DataFrame, source: str) -> pl.DataFrame:
    dfe_csv.check_identifiers(df, source, period="year_or_span", joint_codes=True, columns=DFE_CODE_COLUMNS)
    # `row`: the line in the file (the header is line 1), so a refusal can name it
    la = (df.with_row_index("row", offset=2).filter(pl.col("geographic_level") == "Local authority")
          .select(*DFE_CODE_COLUMNS, pl.col("row").cast(pl.Int64)))
    return la.with_columns(pl.col("time_period").str.slice(0, 4).cast(pl.Int32), source=pl.lit(source))


def all_dfe_codes() -> pl.DataFrame:
    return pl.concat([read_dfe_codes(name) for name in DFE_FILES])


def check_reorganisations(codes: pl.DataFrame) -> None:
    """Every code in REORGANISATIONS exists in the DfE files with the expected name."""
    names = codes.group_by("old_la_code").agg(pl.col("la_name").unique())
    found = {row["old_la_code"]: set(row["la_name"]) for row in names.iter_rows(named=True)}
    for reorg in REORGANISATIONS:
        for code, name in {**reorg.predecessors, **reorg.successors}.items():
            if code not in found:
                raise DataError(f"reorganisation of {reorg.date}: DfE code {code} ({name}) is in no DfE file")
            if name not in found[code]:
                raise DataError(f"reorganisation of {reorg.date}: DfE code {code} is spelt "
                                f"{sorted(found[code])} in the DfE files, not {name!r}")


def _most_used(rows: pl.DataFrame, column: str) -> pl.DataFrame:
    """Per la_code, the value of `column` used in the latest year by the most files (ties: greatest)."""
    latest = rows.filter(pl.col("time_period") == pl.col("time_period").max().over("la_code"))
    counted = latest.group_by("la_code", column).agg(pl.col("source").n_unique().alias("n"))
    return counted.sort(["la_code", "n", column], descending=[False, True, True]).unique("la_code", keep="first")


def check_council_identity(codes: pl.DataFrame) -> None:
    """Across every DfE file, a council's name and its ONS code belong to one DfE code: a name or ONS code
    found under two codes is two councils' codes (or names) swapped in a file, and every figure in those
    rows would be published as the other council's. The one name a reorganisation carried over to a new
    code (Dorset, 835 then 838) is allowed."""
    carried = {frozenset((p, s)) for r in REORGANISATIONS for p, n in r.predecessors.items()
               for s, m in r.successors.items() if n == m}
    for column, words in (("la_name", "name"), ("new_la_code", "ONS code")):
        used = (codes.filter(pl.col(column).is_not_null()).group_by(column)
                .agg(pl.col("old_la_code").unique().sort()).filter(pl.col("old_la_code").list.len() > 1).sort(column))
        for value, shared in used.rows():
            if len(shared) == 2 and frozenset(shared) in carried:
                continue
            rows = codes.filter(pl.col(column) == value).group_by("old_la_code").agg(pl.all().sort_by("row"))
            # the code that uses it least is the odd one out: name its file and first row
            odd = rows.sort(pl.col("row").list.len(), "old_la_code").row(0, named=True)
            usual = [c for c in shared if c != odd["old_la_code"]]
            raise DataError(f"{odd['source'][0]} row {odd['row'][0]}: council {words} {value!r} has DfE code "
                            f"{odd['old_la_code']} there ({len(odd['row'])} row(s), from year {odd['time_period'][0]}) "
                            f"but {' and '.join(usual)} in the other rows of the DfE files: two councils' codes or "
                            f"names swapped (columns old_la_code, la_name, new_la_code)? No table written")


def build_la_geography(codes: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """la_geography from the DfE LA rows, plus the rows set aside (joint returns) with the reason."""
    codes = all_dfe_codes() if codes is None else codes
    check_reorganisations(codes)
    check_council_identity(codes)
    codes = codes.rename({"old_la_code": "la_code", "new_la_code": "ons"})
    joint = codes.filter(pl.col("la_code").map_elements(is_joint, return_dtype=pl.Boolean))
    single = codes.filter(~pl.col("la_code").is_in(joint["la_code"].unique().implode()))
    excluded = (joint.group_by("la_code").agg(pl.col("la_name").first(), pl.col("source").unique().sort())
                .with_columns(reason=pl.lit("joint workforce return of two councils, not a council unit: each "
                                            "member council is its own unit"))
                .sort("la_code"))

    name = _most_used(single, "la_name").select("la_code", "la_name")
    ons = _most_used(single, "ons").select("la_code", pl.col("ons").alias("ons_code"))
    ons_all = single.group_by("la_code").agg(pl.col("ons").drop_nulls().unique().sort().alias("ons_codes"))
    region = single.with_columns(
        pl.when(pl.col("region_name").is_in(_LONDON_PARTS)).then(pl.lit("London"))
        .otherwise(pl.col("region_name")).alias("region")
    ).group_by("la_code").agg(pl.col("region").drop_nulls().unique())
    clash = region.filter(pl.col("region").list.len() != 1)
    if clash.height:
        raise DataError(f"DfE files place council(s) in more than one region: {clash.to_dicts()}")

    geo = (name.join(ons, on="la_code", how="full", coalesce=True, validate="1:1")
           .join(region.with_columns(pl.col("region").list.first()), on="la_code", how="full",
                 coalesce=True, validate="1:1")
           .join(ons_all, on="la_code", how="full", coalesce=True, validate="1:1"))
    geo = geo.with_columns(
        pl.when(pl.col("region").is_in(_MERGED_INTO_OFSTED_REGION)).then(pl.lit(OFSTED_MERGED_REGION))
        .otherwise(pl.col("region")).alias("ofsted_region"))
    geo = geo.join(_reorganisation_columns(), on="la_code", how="left")
    geo = geo.with_columns(
        pl.col("predecessor_codes").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("successor_codes").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.when(pl.col("note").is_null() & (pl.col("ons_codes").list.len() > 1))
        .then(pl.lit("ONS code changed, DfE code and children's services continuous: ")
              + pl.col("ons_codes").list.join(", "))
        .otherwise(pl.col("note")).alias("note"),
    )
    geo = geo.select(list(LA_GEOGRAPHY.columns)).sort("la_code")
    n_in = codes["la_code"].n_unique()
    tables.assert_accounted(n_in, geo.height, excluded.height, "la_geography: DfE codes")
    return geo, excluded


def _reorganisation_columns() -> pl.DataFrame:
    rows: dict[str, dict] = {}
    for reorg in REORGANISATIONS:
        for code in reorg.predecessors:
            row = rows.setdefault(code, {"la_code": code, "start_date": None, "end_date": None,
                                         "predecessor_codes": [], "successor_codes": [], "note": None})
            row["end_date"] = reorg.date - dt.timedelta(days=1)
            row["successor_codes"] = sorted(reorg.successors)
            row["note"] = f"{reorg.note} on {reorg.date.isoformat()}"
        for code in reorg.successors:
            row = rows.setdefault(code, {"la_code": code, "start_date": None, "end_date": None,
                                         "predecessor_codes": [], "successor_codes": [], "note": None})
            row["start_date"] = reorg.date
            row["predecessor_codes"] = sorted(reorg.predecessors)
            row["note"] = f"{reorg.note} on {reorg.date.isoformat()}"
    return pl.DataFrame(list(rows.values()), schema={
        "la_code": pl.String, "start_date": pl.Date, "end_date": pl.Date,
        "predecessor_codes": pl.List(pl.String), "successor_codes": pl.List(pl.String), "note": pl.String})


def exists_on(as_of: dt.date) -> pl.Expr:
    """Filter expression: the council existed on as_of."""
    return ((pl.col("start_date").is_null() | (pl.col("start_date") <= as_of))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= as_of)))


# ---- names ---------------------------------------------------------------------------------

def read_ofsted_names() -> pl.DataFrame:
    """Ofsted's spellings with their ONS codes: the rows of the newest long ILACS history, parsed and checked
    by the same reader the inspections step uses (ofsted_rows), not a second one."""
    file = ofsted_layouts.NAMES_FILE
    rows = history_rows(load_sheet(file.name, file.layout.history_sheet), file)
    return rows.select(pl.col("ons_code").alias("ons"), pl.col("la_name_source").alias("name_variant")).unique(
        ).with_columns(source=pl.lit(f"{OFSTED_NAMES_FILE}/{OFSTED_NAMES_SHEET}"))


def build_la_names(geo: pl.DataFrame, dfe_codes: pl.DataFrame, neighbours_raw: pl.DataFrame,
                   ofsted: pl.DataFrame) -> pl.DataFrame:
    """Every spelling with its code: DfE and neighbour files carry DfE codes, Ofsted's history ONS codes."""
    dfe = dfe_codes.filter(~pl.col("old_la_code").map_elements(is_joint, return_dtype=pl.Boolean)).select(
        pl.col("la_name").alias("name_variant"), pl.col("old_la_code").alias("la_code"), "source")
    sn = neighbour_names(neighbours_raw).select("name_variant", "la_code", "source")
    ons_to_code = ons_lookup(geo)
    ofsted = ofsted.join(ons_to_code, left_on="ons", right_on="ons_code", how="left")
    unmatched = ofsted.filter(pl.col("la_code").is_null())
    if unmatched.height:
        raise DataError(f"{OFSTED_NAMES_FILE}: ONS code(s) in no DfE file: "
                        f"{unmatched.select('ons', 'name_variant').unique().sort('ons').rows()}")
    names = pl.concat([dfe, sn, ofsted.select("name_variant", "la_code", "source")])
    return with_normalised(names)


def with_normalised(names: pl.DataFrame) -> pl.DataFrame:
    return (names.unique(["name_variant", "la_code", "source"])
            .with_columns(pl.col("name_variant").map_elements(normalise, return_dtype=pl.String).alias("normalised"))
            .select(list(LA_NAMES.columns)).sort("la_code", "source", "name_variant"))


def ons_lookup(geo: pl.DataFrame) -> pl.DataFrame:
    """ONS code -> DfE code for every ONS code any file uses; an ONS code on two units is an error."""
    pairs = geo.select("la_code", pl.col("ons_codes").alias("ons_code")).explode("ons_code")
    dupes = pairs.group_by("ons_code").agg(pl.col("la_code")).filter(pl.col("la_code").list.len() > 1)
    if dupes.height:
        raise DataError(f"ONS code(s) used for more than one DfE code: {dupes.to_dicts()}")
    return pairs


def match_names(df: pl.DataFrame, column: str, names: pl.DataFrame, geo: pl.DataFrame, source: str,
                as_of: dt.date | None = None, ended_only: bool = False) -> pl.DataFrame:
    """Add la_code to df by matching `column` to known spellings.

    A spelling that several councils share (Dorset: 835 until March 2019, 838 since)
    is settled by the file's context: councils existing on `as_of`, or only councils
    since abolished (`ended_only`, for Ofsted's tables of councils before a restructure).
    An unmatched or still-ambiguous name is a DataError naming it and the file.
    """
    candidates = geo
    if as_of is not None:
        candidates = candidates.filter(exists_on(as_of))
    if ended_only:
        candidates = candidates.filter(pl.col("end_date").is_not_null())
    lookup = (names.filter(pl.col("la_code").is_in(candidates["la_code"].implode()))
              .select("normalised", "la_code").unique())
    keyed = df.with_columns(pl.col(column).map_elements(normalise, return_dtype=pl.String).alias("__norm"))
    matched = keyed.join(lookup, left_on="__norm", right_on="normalised", how="left")
    per_name = matched.group_by(column).agg(pl.col("la_code").drop_nulls().unique())
    unmatched = per_name.filter(pl.col("la_code").list.len() == 0)[column].to_list()
    ambiguous = per_name.filter(pl.col("la_code").list.len() > 1)
    if unmatched:
        hints = {n: closest_names(n, names) for n in sorted(unmatched)}
        raise DataError(f"{source}: council name(s) matching no known council: "
                        + "; ".join(f"{n!r} (closest: {', '.join(h) or 'none'})" for n, h in hints.items()))
    if ambiguous.height:
        raise DataError(f"{source}: council name(s) matching several councils: {ambiguous.rows()}")
    if matched.height != df.height:
        raise DataError(f"{source}: matching names changed the row count ({df.height} -> {matched.height})")
    return matched.drop("__norm")


def closest_names(text: str, names: pl.DataFrame, n: int = 3) -> list[str]:
    variants = names.unique("normalised").sort("normalised")
    close = difflib.get_close_matches(normalise(text), variants["normalised"].to_list(), n=n, cutoff=0.6)
    by_norm = dict(zip(variants["normalised"], variants["name_variant"], strict=True))
    return [f"{by_norm[c]}" for c in close]


# ---- public API ----------------------------------------------------------------------------

def build_all() -> dict[str, pl.DataFrame]:
    """Every geography table, built from the raw files (no processed table needed)."""
    codes = all_dfe_codes()
    geo, excluded = build_la_geography(codes)
    sn_raw = read_neighbours_raw()
    neighbours, sn_excluded = build_statistical_neighbours(geo, sn_raw)
    # Coded sources only: a spelling matched without a code (Ofsted's other sheets) adds no name-to-code
    # pair, so it belongs to the inspections step that matches it (its `ofsted_names` table).
    names = build_la_names(geo, codes, sn_raw, read_ofsted_names())
    return {"la_geography": geo, "la_geography_excluded": excluded, "la_names": names,
            "statistical_neighbours": neighbours, "statistical_neighbours_excluded": sn_excluded}


def write_all(built: dict[str, pl.DataFrame]) -> None:
    tables.write(built["la_geography"], LA_GEOGRAPHY)
    tables.write(built["la_names"], LA_NAMES)
    tables.write(built["statistical_neighbours"], STATISTICAL_NEIGHBOURS)


def resolve_council(text: str) -> str:
    """DfE la_code from a DfE code, an ONS code or a council's name as people type it (see councils.py)."""
    from .councils import resolve_code

    return resolve_code(text)


# ---- the notebook's sentences (01_geography) ------------------------------------------------------

def summary_lines(built: dict[str, pl.DataFrame]) -> list[str]:
    """What the three tables hold, and every unit set aside and why, in sentences."""
    geo, names, neighbours = built["la_geography"], built["la_names"], built["statistical_neighbours"]
    lines = [f"Councils and their codes (data/processed/la_geography.parquet): {geo.height} council units, "
             f"{geo.filter(pl.col('end_date').is_null()).height} of them still existing.",
             f"Every spelling of each council's name (data/processed/la_names.parquet): {names.height:,} "
             f"spellings from {names['source'].n_unique()} files.",
             f"Statistical neighbours (data/processed/statistical_neighbours.parquet): {neighbours.height:,} rows "
             f"for {neighbours['la_code'].n_unique()} councils."]
    for row in built["la_geography_excluded"].iter_rows(named=True):
        lines.append(f"Set aside from the councils: DfE {row['la_code']} ({row['la_name']}): {row['reason']}")
    for row in built["statistical_neighbours_excluded"].iter_rows(named=True):
        lines.append(f"Set aside from the neighbour file: row {row['row']}: {row['reason']}")
    return lines


def changed_councils(geo: pl.DataFrame) -> pl.DataFrame:
    """Councils that were reorganised or whose ONS code changed: codes, dates and what became of them."""
    return (geo.filter(pl.col("note").is_not_null())
            .select("la_code", "la_name", "start_date", "end_date",
                    pl.col("predecessor_codes").list.join(", ").alias("predecessors"),
                    pl.col("successor_codes").list.join(", ").alias("successors"),
                    pl.col("ons_codes").list.join(", ").alias("ONS codes")))


def region_lines(geo: pl.DataFrame) -> list[str]:
    """Existing councils per Ofsted region, and the members of each joint workforce return."""
    lines = ["Existing councils per Ofsted region:"]
    for region, n in (geo.filter(pl.col("end_date").is_null()).group_by("ofsted_region").len()
                      .sort("ofsted_region").rows()):
        lines.append(f"  {region}: {n}")
    return lines


def example_lines(text: str, built: dict[str, pl.DataFrame]) -> list[str]:
    """How a typed council resolves: its codes, region and every spelling the files use."""
    from .councils import resolve

    place = resolve(text)
    geo, names = built["la_geography"], built["la_names"]
    row = geo.filter(pl.col("la_code") == place.la_code).row(0, named=True)
    spellings = sorted(set(names.filter(pl.col("la_code") == place.la_code)["name_variant"]))
    return [f"{text!r} is {row['la_name']} (DfE {place.la_code}, ONS {row['ons_code']}, {row['region']}); the files "
            f"spell it " + "; ".join(f"“{s}”" for s in spellings) + ".",
            *[n for n in place.notes() if not n.startswith(repr(place.typed))]]  # the match is said above
