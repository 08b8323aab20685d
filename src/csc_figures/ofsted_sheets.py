"""Reading Ofsted's files: each cell, the wide sheets (one row per council), the long history (one row per
inspection) and the 'as at' tables, as long rows with DfE codes. `inspections` merges what they give.

Which sheet of which file follows which layout is `ofsted_layouts`; the rules each reader applies are listed
in `inspections`' docstring.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import polars as pl

from . import geography
from .judgements import IN_FORCE_FRAMEWORKS
from .errors import DataError
from .ofsted_rows import (_ILACS_TYPES, _OLD_FRAMEWORK_COLUMNS, JUDGEMENT_COLUMNS, LONG_SCHEMA,  # noqa: F401
                          _HISTORY_COLUMNS, history_rows, normalise_judgement, parse_date)
from .spreadsheet import clean_header, load_sheet, split_tables
from .ofsted_layouts import NEWEST_FILE, OFSTED_FILES, WIDE_SHEETS, OfstedFile, TableLayout, WideSheet

# ---- reading the wide sheets ---------------------------------------------------------------

def parse_wide_table(header: list[str], body: pl.DataFrame, layout: TableLayout, where: str) -> pl.DataFrame:
    """Long rows (one per inspection) from one wide table; unknown or missing columns are errors."""
    present = [h for h in header if h]
    unknown = [h for h in present if h not in layout.known_headers()]
    if unknown:
        raise DataError(f"{where}: unknown column(s) {unknown} (renamed?); expected one of the known headers")
    missing = [h for e in layout.events for h in e.headers if h not in present]
    if missing:
        raise DataError(f"{where}: expected column(s) {missing} not found")
    col = {h: body.columns[i + 1] for i, h in enumerate(header) if h}  # +1: the row index column
    name_col = col[layout.name_header]
    nameless = body.filter(pl.col(name_col).is_null())
    if nameless.height:
        raise DataError(f"{where}: row {nameless['row'][0]} has no council name")
    rows = []
    for rec in body.iter_rows(named=True):
        name = rec[name_col].strip()
        if clean_header(name) == layout.name_header:
            raise DataError(f"{where}: row {rec['row']} repeats the header inside the data")
        for event in layout.events:
            cell = lambda h, rec=rec: rec[col[h]]  # noqa: E731
            published = parse_date(cell(event.date_header), f"{where}, row {rec['row']}, column {event.date_header!r}")
            values = {}
            for column, h in event.fields.items():
                values[column] = normalise_judgement(cell(h), f"{where}, row {rec['row']}, column {h!r}",
                                                     old_framework=column in _OLD_FRAMEWORK_COLUMNS)
            kind = event.inspection_type
            if event.type_header:
                raw_type = cell(event.type_header)
                kind = None if raw_type is None else _ILACS_TYPES.get(" ".join(raw_type.split()).lower())
                if raw_type is not None and kind is None:
                    raise DataError(f"{where}, row {rec['row']}, column {event.type_header!r}: "
                                    f"unknown inspection type {raw_type!r}")
            if published is not None and event.type_header and kind is None:
                raise DataError(f"{where}, row {rec['row']}: {event.date_header!r} given but no "
                                f"{event.type_header!r}")
            if published is None:
                if any(v is not None for v in values.values()) or (event.type_header and kind is not None):
                    raise DataError(f"{where}, row {rec['row']}: judgements for {event.date_header!r} "
                                    f"but no publication date")
                continue
            if event.framework in IN_FORCE_FRAMEWORKS and values.get("overall") is None:
                raise DataError(f"{where}, row {rec['row']}: {event.framework} published {published} "
                                f"without an overall effectiveness")
            rows.append({"la_name_source": name, "framework": event.framework, "inspection_type": kind,
                         "inspection_start": None, "published": published, **values, "row": rec["row"]})
    return pl.DataFrame(rows, schema=LONG_SCHEMA)


def read_wide_sheet(spec: WideSheet, geo: pl.DataFrame, names: pl.DataFrame,
                    raw: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every inspection in a wide sheet with its council's DfE code."""
    frames = []
    for header, body, layout, where, matched in _wide_tables(spec, geo, names, raw):
        long = parse_wide_table(header, body, layout, where)
        long = long.join(matched, on="la_name_source", how="left", validate="m:1")
        frames.append(long.with_columns(source=pl.lit(spec.file)))
    return pl.concat(frames)


def _wide_tables(spec: WideSheet, geo: pl.DataFrame, names: pl.DataFrame, raw: pl.DataFrame | None = None):
    """Each table of a wide sheet with its councils' names matched to DfE codes.

    A name is matched among the councils that existed on the file's date, or, in a table
    of councils abolished in a restructure, among those councils only.
    """
    where = f"{spec.file} sheet {spec.sheet}"
    raw = load_sheet(spec.file, spec.sheet) if raw is None else raw
    for (header_row, header, body), layout in zip(
            split_tables(raw, spec.layouts[0].name_header, len(spec.layouts), where), spec.layouts, strict=True):
        table_where = f"{where} (table at row {header_row})"
        councils = body.select(pl.col(body.columns[header.index(layout.name_header) + 1]).str.strip_chars()
                               .alias("la_name_source")).unique().sort("la_name_source")
        matched = geography.match_names(councils, "la_name_source", names, geo, table_where,
                                        as_of=None if layout.ended_councils else spec.as_at,
                                        ended_only=layout.ended_councils)
        yield header, body, layout, table_where, matched


def ofsted_name_variants(geo: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """Ofsted's spellings in the sheets that give no codes (name_variant, la_code, source),
    matched to codes by the rules the history uses; the `ofsted_names` audit table."""
    frames = []
    for spec in WIDE_SHEETS:
        for *_, matched in _wide_tables(spec, geo, names):
            frames.append(matched.select(pl.col("la_name_source").alias("name_variant"), "la_code",
                                         source=pl.lit(f"{spec.file}/{spec.sheet}")))
    for file, sheet in AS_AT_TABLES:
        table = read_as_at_table(load_sheet(file, sheet), geo, names, f"{file} sheet {sheet}")
        frames.append(table.select(pl.col("la_name_source").alias("name_variant"), "la_code",
                                   source=pl.lit(f"{file}/{sheet}")))
    return pl.concat(frames).unique().sort("name_variant", "la_code", "source")


# ---- the long history sheet (one row per inspection): its rows are ofsted_rows' -----------------

def parse_history(raw: pl.DataFrame, geo: pl.DataFrame, file: OfstedFile) -> pl.DataFrame:
    """A long ILACS history (one row per inspection, ONS codes) as long rows with DfE codes."""
    where = file.where
    long = history_rows(raw, file)
    lookup = geography.ons_lookup(geo)
    long = long.join(lookup, on="ons_code", how="left", validate="m:1")
    unmatched = long.filter(pl.col("la_code").is_null())
    if unmatched.height:
        raise DataError(f"{where}: ONS code(s) matching no council: "
                        f"{unmatched.select('ons_code', 'la_name_source').unique().rows()}")
    return long.drop("ons_code").with_columns(source=pl.lit(file.name))




def read_history(file: OfstedFile, geo: pl.DataFrame) -> pl.DataFrame:
    return parse_history(load_sheet(file.name, file.layout.history_sheet), geo, file)


def as_at_date(raw: pl.DataFrame, where: str) -> dt.date:
    """The date an 'as at' table covers, read from its title ('... as at 31 March 2025')."""
    for value in raw.row(0):
        if value and (m := re.search(r"as at (\d{1,2} \w+ \d{4})", value)):
            return dt.datetime.strptime(m.group(1), "%d %B %Y").date()
    raise DataError(f"{where}: no 'as at <date>' in the title row")


def checked_as_at(file: OfstedFile, raw: pl.DataFrame) -> dt.date:
    """The date a file's 'as at' table gives in its title, which must be the manifest's `as_at`."""
    where = f"{file.name} sheet {file.layout.as_at_sheet}"
    day = as_at_date(raw, where)
    if day != file.as_at:
        raise DataError(f'{where}: the title says as at {day}, but data/sources.toml gives [files."{file.name}"] '
                        f"as_at = {file.as_at}; correct the manifest (or the file is not the one named)")
    return day


@cache
def latest_as_at() -> dt.date:
    """The date the newest Ofsted file covers (its as-at table's title, checked against the manifest)."""
    file = NEWEST_FILE
    if not file.layout.as_at_sheet:
        return file.as_at
    return checked_as_at(file, load_sheet(file.name, file.layout.as_at_sheet))


# Ofsted's 'as at 31 March' tables: each council's latest inspection by inspection date. They are
# not history, but they repeat judgements the history holds, so they are checked against it.
AS_AT_TABLES = tuple((f.name, f.layout.as_at_sheet) for f in OFSTED_FILES if f.layout.as_at_sheet)
_AS_AT_COLUMNS = {
    "Local authority area code": "ons_code",
    "Local authority name": "la_name_source",
    "Inspection date": "inspection_start",
    "Publication date": "published",
    "Overall effectiveness": "overall",
    "Impact of leaders": "leadership",
    "The impact of leaders on social work practice with children and families": "leadership",
    "Experiences and progress of children who need help and protection": "help_and_protection",
    "The experiences and progress of children who need help and protection": "help_and_protection",
    "Experiences and progress of children in care": "children_in_care",
    "The experiences and progress of children in care": "children_in_care",
    "Experiences and progress of care leavers": "care_leavers",
    "The experiences and progress of care leavers": "care_leavers",
}
NOT_YET_INSPECTED = "not yet inspected"


def read_as_at_table(raw: pl.DataFrame, geo: pl.DataFrame, names: pl.DataFrame, where: str) -> pl.DataFrame:
    """An 'as at' table as rows of la_code, inspection_start, published and judgements (text as
    normalised); a council 'Not yet inspected' has a null inspection_start."""
    day = as_at_date(raw, where)
    [(_, header, body)] = split_tables(raw, "Local authority name", 1, where)
    unknown = [h for h in header if h and h not in _AS_AT_COLUMNS and h not in ("Web link", "Ofsted region")]
    if unknown:
        raise DataError(f"{where}: unknown column(s) {unknown} (renamed?)")
    body = body.select("row", *[pl.col(body.columns[i + 1]).alias(_AS_AT_COLUMNS[h])
                                for i, h in enumerate(header) if h in _AS_AT_COLUMNS])
    rows = []
    for rec in body.iter_rows(named=True):
        at = f"{where}, row {rec['row']}"
        start_text = (rec["inspection_start"] or "").strip()
        not_yet = start_text.lower() == NOT_YET_INSPECTED
        out = {"la_name_source": rec["la_name_source"].strip(), "ons_code": rec.get("ons_code"), "row": rec["row"],
               "inspection_start": None if not_yet else parse_date(start_text, f"{at}, column 'Inspection date'"),
               "published": parse_date(rec.get("published"), f"{at}, column 'Publication date'")}
        for c in JUDGEMENT_COLUMNS:
            out[c] = normalise_judgement(rec.get(c), at) if c in rec else None
        rows.append(out)
    table = pl.DataFrame(rows, schema={"la_name_source": pl.String, "ons_code": pl.String, "row": pl.Int64,
                                       "inspection_start": pl.Date, "published": pl.Date,
                                       **{c: pl.String for c in JUDGEMENT_COLUMNS}})
    if table["ons_code"].null_count() < table.height:
        table = table.join(geography.ons_lookup(geo), on="ons_code", how="left")
        if table["la_code"].null_count():
            raise DataError(f"{where}: ONS code(s) matching no council: "
                            f"{table.filter(pl.col('la_code').is_null())['ons_code'].to_list()}")
    else:
        table = geography.match_names(table, "la_name_source", names, geo, where, as_of=day)
    return table.with_columns(as_at=pl.lit(day))


def check_as_at_tables(merged: pl.DataFrame, geo: pl.DataFrame, names: pl.DataFrame,
                       tables_raw: dict[str, pl.DataFrame] | None = None) -> pl.DataFrame:
    """Where an 'as at' table differs from the merged history: one row per council and field.

    Each council's row is compared with its latest ILACS that started on or before the as-at
    date. The history is kept (the history sheets are the record of every inspection)."""
    out = []
    for file, sheet in AS_AT_TABLES:
        where = f"{file} sheet {sheet}"
        raw = load_sheet(file, sheet) if tables_raw is None else tables_raw[where]
        table = read_as_at_table(raw, geo, names, where)
        day = checked_as_at(next(f for f in OFSTED_FILES if f.name == file), raw)
        started = (merged.filter((pl.col("framework") == "ILACS") & (pl.col("inspection_start") <= day))
                   .sort("inspection_start").group_by("la_code").last())
        joined = table.join(started, on="la_code", how="left", suffix="_history")
        for rec in joined.iter_rows(named=True):
            for column in ("inspection_start", "published", *JUDGEMENT_COLUMNS):
                ours = rec[f"{column}_history"] if f"{column}_history" in rec else None
                theirs = rec[column]
                if column == "published" and theirs is None:
                    continue  # the 2024 table gives no publication dates
                if theirs != ours:
                    out.append({"la_code": rec["la_code"], "framework": "ILACS", "sequence": rec["sequence"],
                                "field": column, "kind": "as-at table differs from history",
                                "as_at_table": f"{file}/{sheet}",
                                "as_at_value": NOT_YET_INSPECTED if (column == "inspection_start" and theirs is None)
                                else None if theirs is None else str(theirs),
                                "resolved": None if ours is None else str(ours),
                                "rule": "history sheets kept; the as-at table is a summary"})
    schema = {"la_code": pl.String, "framework": pl.String, "sequence": pl.Int32, "field": pl.String,
              "kind": pl.String, "as_at_table": pl.String, "as_at_value": pl.String, "resolved": pl.String,
              "rule": pl.String}
    return pl.DataFrame(out, schema=schema).sort("la_code", "as_at_table", "field")
