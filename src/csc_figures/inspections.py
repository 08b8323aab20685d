"""Ofsted inspections of councils' children's services, 2009 onwards, and the judgement in force.

Ofsted's files hold the history. They are found by their role in data/sources.toml
(`role = "ofsted_outcomes"`, ordered by `as_at`), each following one of three layouts (LAYOUTS):
- `underlying-2023` (the 2023 underlying data), sheet LA_inspections_2009-2023: one wide row
  per council (SLAC, CPI, TLAC, SIF first and re-inspection, ILACS first and second), and a
  second table of councils abolished in a restructure;
- `outcomes-2024` (outcomes as at March 2024), sheet ILACS_inspections_2018-2024: the same
  idea, ILACS only, with an 'as at' table;
- `outcomes-2025` (outcomes as at 31 March 2025, and the newest layout: a file with no layout
  in the manifest follows it), sheet ILACS_inspection_history: one row per ILACS inspection
  with ONS codes and inspection dates, with an 'as at' table.
A new outcomes file is one more entry in the manifest: it joins the others, and where files
disagree the newest wins (below).

Rules (each one tested):
- Judgements become outstanding / good / requires_improvement / inadequate; "-" means
  not judged (null). Any other text is an error naming file, sheet, row and column.
- Only SIF and ILACS give an overall effectiveness. SLAC, CPI and TLAC stay in the
  history with `overall` null and their judgements in their own columns
  (`safeguarding`, `looked_after_children`, `child_protection`).
- Before January 2023 ILACS judged children in care and care leavers together; that
  judgement is in `children_in_care` and `care_leavers` is null.
- The same inspection in several files is merged once: rows are matched on council,
  framework and the inspection's order among that council's ILACS inspections in each
  file. Where files disagree on a value, the most recent file that gives a value wins,
  and every disagreement goes to the disagreements table.
- Judgement in force on a date: the overall effectiveness of the council's latest SIF
  or ILACS inspection published on or before that date. A council created by a
  reorganisation with no inspection of its own yet carries a predecessor's judgement,
  with `inherited_from` naming it; with several predecessors (Bournemouth, Christchurch
  and Poole) the most recently published of their judgements is carried.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import polars as pl

from . import geography, inspection_checks, judgements, steps, tables
from .dates import as_date
from .errors import DataError, UserError
from .ofsted_layouts import (FILE_PRIORITY, HISTORY_FILES, LAYOUTS, NEWEST_FILE, OFSTED_FILES, WIDE_SHEETS,  # noqa: F401
                             OfstedFile, TableLayout, WideSheet, file_as_at, ofsted_files)
from .sources import raw_path

FIRST_PUBLISHED = dt.date(2009, 1, 1)
MAX_DAYS_TO_PUBLISH = 365
JUDGEMENTS = judgements.ORDER  # best first, the inspections table's own scale
_JUDGEMENT_TEXT = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires_improvement",
    "requires improvement": "requires_improvement",
    "ri": "requires_improvement",
    "inadequate": "inadequate",
}
_NOT_JUDGED = {"", "-", "–"}
# Pre-2013 frameworks also used 'adequate'; it is kept as written, never made into RI.
_OLD_FRAMEWORK_TEXT = {"adequate": "adequate"}
_ILACS_TYPES = {"ilacs standard inspection": "standard", "ilacs short inspection": "short"}
IN_FORCE_FRAMEWORKS = ("SIF", "ILACS")

JUDGEMENT_COLUMNS = ("overall", "help_and_protection", "children_in_care", "care_leavers", "adoption",
                     "leadership", "lscb", "safeguarding", "looked_after_children", "child_protection")
# Columns that appear only in frameworks before SIF, which may say 'adequate'.
_OLD_FRAMEWORK_COLUMNS = ("safeguarding", "looked_after_children", "child_protection")

OFSTED_NAMES = tables.declare(tables.TableSpec(
    "ofsted_names",
    "How the inspections step matched each spelling in Ofsted's sheets that give no code (the 2009-2023 "
    "history and the as-at tables) to a DfE code, through `la_names` (an audit of geography.match_names).",
    {
        "name_variant": "the name as Ofsted's sheet spells it",
        "la_code": "DfE three-digit code it was matched to",
        "source": "file/sheet that spells it that way",
    },
    key=("name_variant", "la_code", "source"),
))

INSPECTIONS = tables.declare(tables.TableSpec(
    "inspections",
    "Every Ofsted inspection of a council's children's services in the three Ofsted files, one row "
    "per council per inspection, judgements normalised (see csc_figures.inspections for the rules).",
    {
        "la_code": "DfE code of the council inspected",
        "la_name": "council name (DfE spelling)",
        "framework": "SLAC, CPI, TLAC, SIF or ILACS",
        "inspection_type": "first / reinspection (SIF, CPI), first / reinspection_safeguarding / "
                           "reinspection_looked_after (SLAC), standard / short (ILACS)",
        "sequence": "1 for the council's first inspection of this framework and type, 2 for the next "
                    "(ILACS standard and short inspections are counted together)",
        "inspection_start": "first day of fieldwork, where Ofsted gives it (2025 file, ILACS only)",
        "inspection_end": "last day of fieldwork (no file gives it: null)",
        "published": "publication date of the report",
        "overall": "overall effectiveness (SIF, ILACS only)",
        "help_and_protection": "experiences and progress of children who need help and protection",
        "children_in_care": "children in care (SIF: looked after and achieving permanence; ILACS before "
                            "2023: children in care and care leavers together)",
        "care_leavers": "experiences and progress of care leavers (SIF sub-judgement; ILACS from 2023)",
        "adoption": "adoption performance (SIF)",
        "leadership": "leadership, management and governance (SIF); impact of leaders (ILACS)",
        "lscb": "Local Safeguarding Children Board (reviewed with the first SIF)",
        "safeguarding": "SLAC safeguarding overall effectiveness (SLAC graded 'adequate'; Ofsted's 2023 "
                        "file words every grade on today's scale, and its words are kept)",
        "looked_after_children": "SLAC or TLAC looked after children overall effectiveness",
        "child_protection": "CPI or CPRI overall effectiveness",
        "sources": "files holding this inspection",
    },
    key=("la_code", "framework", "inspection_type", "sequence"),
    allowed={"framework": ("SLAC", "CPI", "TLAC", "SIF", "ILACS"),
             "inspection_type": ("first", "reinspection", "reinspection_safeguarding", "reinspection_looked_after",
                                 "standard", "short"),
             **{c: JUDGEMENTS + (("adequate",) if c in _OLD_FRAMEWORK_COLUMNS else ()) for c in JUDGEMENT_COLUMNS}},
    patterns={"la_code": r"^\d{3}$"},
    required=("la_code", "la_name", "framework", "inspection_type", "sequence", "published"),
    # Ofsted's history starts in 2009 (the first report we hold was published 7 August 2009).
    ranges={"sequence": (1, 10), "published": (FIRST_PUBLISHED, None)},
    rules=(
        tables.Rule("an inspection starts before its report is published", pl.col("inspection_start")
                    <= pl.col("published"), ("inspection_start", "published")),
        # The longest gap in the files we hold is 225 days.
        tables.Rule(f"a report is published within {MAX_DAYS_TO_PUBLISH} days of the inspection's start",
                    (pl.col("published") - pl.col("inspection_start")).dt.total_days() <= MAX_DAYS_TO_PUBLISH,
                    ("inspection_start", "published")),
        tables.Rule("fieldwork ends between its start and the report", pl.col("inspection_end").is_between(
            pl.col("inspection_start"), pl.col("published")), ("inspection_start", "inspection_end", "published")),
    ),
    inputs=steps.OFSTED,
    source_of=lambda row: " and ".join(row.get("sources") or steps.OFSTED),
    more_checks=("Also checked when the table is built: no inspection starts after the as-at date of the latest "
                 "Ofsted file, and no report is published more than a year after it."),
))


# ---- cells ---------------------------------------------------------------------------------

def normalise_judgement(value: str | None, where: str, old_framework: bool = False) -> str | None:
    """Ofsted's wording to outstanding / good / requires_improvement / inadequate; '-' to null."""
    if value is None:
        return None
    text = " ".join(value.split()).lower()
    if text in _NOT_JUDGED:
        return None
    if text in _JUDGEMENT_TEXT:
        return _JUDGEMENT_TEXT[text]
    if old_framework and text in _OLD_FRAMEWORK_TEXT:
        return _OLD_FRAMEWORK_TEXT[text]
    raise DataError(f"{where}: {value!r} is not a judgement (expected Outstanding, Good, "
                    f"Requires improvement to be good, Inadequate or '-')")


def parse_date(value: str | None, where: str) -> dt.date | None:
    """An ODS date cell read as text ('2012-07-27T00:00:00') or dd/mm/yyyy text; else an error."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})(T00:00:00(\.0+)?)?", text):
        return dt.date.fromisoformat(m.group(1))
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise DataError(f"{where}: {value!r} is not a date")


def _clean_header(value: str | None) -> str:
    return " ".join((value or "").split())


# ---- reading the wide sheets ---------------------------------------------------------------

def load_sheet(file: str, sheet: str) -> pl.DataFrame:
    """Every cell of a raw file's sheet as text, no header (rows as in the file)."""
    return read_sheet(raw_path(file), sheet)


def read_sheet(path, sheet: str) -> pl.DataFrame:
    """Every cell of a sheet of any .ods/.xlsx file as text, no header; a missing sheet is an error."""
    import fastexcel

    book = fastexcel.read_excel(path)
    if sheet not in book.sheet_names:
        raise DataError(f"{Path(path).name}: no sheet {sheet!r} (sheets: {book.sheet_names})")
    return book.load_sheet(sheet, header_row=None, dtypes="string").to_polars()


def split_tables(raw: pl.DataFrame, name_header: str, n_tables: int, where: str) -> list[tuple[int, list[str], pl.DataFrame]]:
    """Find each table by its header row (a cell equal to name_header) and cut its rows.

    A table runs from its header to the first blank row or the next header. More header
    rows than the sheet's tables means a header row repeated inside the data: an error.
    """
    name_col = None
    header_rows = []
    for i, row in enumerate(raw.iter_rows()):
        cells = [_clean_header(v) for v in row]
        if name_header in cells:
            name_col = name_col if name_col is not None else cells.index(name_header)
            header_rows.append(i)
    if not header_rows:
        raise DataError(f"{where}: no header row with a cell {name_header!r}; has the layout changed?")
    for i in header_rows[1:]:
        # A table's header follows a blank row or a title line; one straight after data is stray.
        before = [v for v in raw.row(i - 1) if v is not None and v.strip()]
        if len(before) > 1:
            raise DataError(f"{where}: a header row inside the data at row {i + 1} "
                            f"(it follows data, not a blank row or a table title)")
    if len(header_rows) != n_tables:
        extra = header_rows[n_tables:] if len(header_rows) > n_tables else []
        raise DataError(f"{where}: expected {n_tables} table(s), found header rows at spreadsheet row(s) "
                        f"{[r + 1 for r in header_rows]}" + (f"; a header row inside the data at row "
                                                              f"{extra[0] + 1}?" if extra else ""))
    out = []
    for k, start in enumerate(header_rows):
        stop = header_rows[k + 1] if k + 1 < len(header_rows) else raw.height
        header = [_clean_header(v) for v in raw.row(start)]
        body = raw.slice(start + 1, stop - start - 1).with_row_index("row", offset=start + 2)
        cells = pl.exclude("row").is_null() | (pl.exclude("row").str.strip_chars() == "")
        filled = body.select(pl.sum_horizontal(~cells)).to_series()
        first_cell = body.select(raw.columns[0]).to_series().fill_null("")
        # A table ends at a blank row or a title line (text in the first cell only, no council name).
        is_break = (filled == 0) | ((filled == 1) & (first_cell.str.strip_chars() != "")
                                    & body[raw.columns[name_col]].is_null())
        breaks = is_break.arg_true()
        if breaks.len():
            end = breaks[0]
            stray = body.slice(end).filter(~is_break.slice(end))
            if stray.height:
                raise DataError(f"{where}: row {stray['row'][0]} holds data after the blank or title row "
                                f"ending a table ({stray[raw.columns[name_col]][0]!r})")
            body = body.slice(0, end)
        out.append((start + 1, header, body))
    return out


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
        if _clean_header(name) == layout.name_header:
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
    return pl.DataFrame(rows, schema=_LONG_SCHEMA)


_LONG_SCHEMA = {"la_name_source": pl.String, "framework": pl.String, "inspection_type": pl.String,
                "inspection_start": pl.Date, "published": pl.Date,
                **{c: pl.String for c in JUDGEMENT_COLUMNS}, "row": pl.Int64}


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


# ---- the long history sheet (one row per inspection) -------------------------------------------

_HISTORY_COLUMNS = {
    "Local authority area code": "ons_code",
    "Local authority name": "la_name_source",
    "Local authority status": "status",
    "Ofsted region": "ofsted_region",
    "Inspection date": "inspection_start",
    "Publication date": "published",
    "Inspection type": "inspection_type",
    "Overall effectiveness": "overall",
    "The impact of leaders on social work practice with children and families": "leadership",
    "The experiences and progress of children who need help and protection": "help_and_protection",
    "The experiences and progress of children in care": "children_in_care",
    "The experiences and progress of care leavers": "care_leavers",
}


def parse_history(raw: pl.DataFrame, geo: pl.DataFrame, file: OfstedFile) -> pl.DataFrame:
    """A long ILACS history (one row per inspection, ONS codes) as long rows with DfE codes."""
    where = file.where
    [(header_row, header, body)] = split_tables(raw, "Local authority area code", 1, where)
    present = [h for h in header if h]
    unknown = [h for h in present if h not in _HISTORY_COLUMNS and h != "Web link"]
    missing = [h for h in _HISTORY_COLUMNS if h not in present]
    if unknown or missing:
        raise DataError(f"{where}: unknown column(s) {unknown}, missing column(s) {missing}")
    body = body.select("row", *[pl.col(body.columns[header.index(h) + 1]).alias(c) for h, c in _HISTORY_COLUMNS.items()])
    rows = []
    for rec in body.iter_rows(named=True):
        at = f"{where}, row {rec['row']}"
        if _clean_header(rec["la_name_source"]) == "Local authority name":
            raise DataError(f"{at}: the header repeated inside the data")
        kind_text = " ".join((rec["inspection_type"] or "").split()).lower()
        if kind_text not in _ILACS_TYPES:
            raise DataError(f"{at}, column 'Inspection type': unknown inspection type {rec['inspection_type']!r}")
        out = {"la_name_source": rec["la_name_source"].strip(), "ons_code": (rec["ons_code"] or "").strip(),
               "framework": "ILACS", "inspection_type": _ILACS_TYPES[kind_text],
               "inspection_start": parse_date(rec["inspection_start"], f"{at}, column 'Inspection date'"),
               "published": parse_date(rec["published"], f"{at}, column 'Publication date'"),
               "row": rec["row"]}
        if out["published"] is None:
            raise DataError(f"{at}: no publication date")
        for h, c in _HISTORY_COLUMNS.items():
            if c in JUDGEMENT_COLUMNS:
                out[c] = normalise_judgement(rec[c], f"{at}, column {h!r}")
        if out["overall"] is None:
            raise DataError(f"{at}: no overall effectiveness")
        rows.append(out)
    long = pl.DataFrame(rows, schema={**_LONG_SCHEMA, "ons_code": pl.String})
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


# ---- merging -------------------------------------------------------------------------------

def source_rows(geo: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """Every inspection row from every file, before merging."""
    frames = [read_wide_sheet(spec, geo, names) for spec in WIDE_SHEETS]
    frames += [read_history(file, geo) for file in HISTORY_FILES]
    return pl.concat(frames, how="diagonal_relaxed")


def with_sequence(rows: pl.DataFrame) -> pl.DataFrame:
    """Number each council's inspections within a file: ILACS in publication order (standard and
    short together), the others per framework and type."""
    group = pl.when(pl.col("framework") == "ILACS").then(pl.lit("")).otherwise(pl.col("inspection_type"))
    return rows.with_columns(group.alias("__group")).with_columns(
        pl.col("published").rank("ordinal").over("source", "la_code", "framework", "__group")
        .cast(pl.Int32).alias("sequence"))


def merge(rows: pl.DataFrame, geo: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per inspection, plus a table of every value on which files disagree."""
    rows = with_sequence(rows)
    inspection_checks.refuse_listed_twice(rows, JUDGEMENT_COLUMNS)
    dupes = rows.group_by("source", "la_code", "framework", "__group", "sequence").len().filter(pl.col("len") > 1)
    if dupes.height:
        raise DataError(f"the same inspection appears twice in one file: {dupes.to_dicts()[:3]}")
    priority = {f: i for i, f in enumerate(FILE_PRIORITY)}
    rows = rows.with_columns(pl.col("source").replace_strict(priority, return_dtype=pl.Int32).alias("__priority"))
    key = ["la_code", "framework", "__group", "sequence"]
    compared = ["published", "inspection_type", "inspection_start", *JUDGEMENT_COLUMNS]
    newest_first = rows.sort([*key, "__priority"], descending=[False] * len(key) + [True])
    merged = newest_first.group_by(key, maintain_order=True).agg(
        *[pl.col(c).drop_nulls().first().alias(c) for c in compared],
        pl.col("source").sort_by("__priority").alias("sources"),
    )
    disagreements = _disagreements(newest_first, key, compared)
    merged = merged.join(geo.select("la_code", "la_name"), on="la_code", how="left", validate="m:1")
    merged = merged.with_columns(pl.lit(None, dtype=pl.Date).alias("inspection_end"))
    merged = merged.select(list(INSPECTIONS.columns)).sort("la_code", "published", "framework", "inspection_type")
    n_in = rows.select(key).unique().height
    geography.assert_accounted(n_in, merged.height, 0, "inspections: merged inspections")
    return merged, disagreements


def _disagreements(rows: pl.DataFrame, key: list[str], compared: list[str]) -> pl.DataFrame:
    """One row per inspection and field where the files holding it give different values
    (or one gives a value and another leaves it blank); a column per file, then the value kept."""
    out = []
    for (la_code, framework, _group, sequence), grp in rows.group_by(key, maintain_order=True):
        if grp["source"].n_unique() < 2:
            continue
        for column in compared:
            by_source = dict(zip(grp["source"], grp[column], strict=True))
            present = [v for v in grp[column] if v is not None]  # newest file first
            distinct = set(present)
            # only the long histories give starts
            gaps = column != "inspection_start" and None in by_source.values()
            if len(distinct) > 1 or (distinct and gaps):
                out.append({
                    "la_code": la_code, "framework": framework, "sequence": sequence, "field": column,
                    "kind": "values differ" if len(distinct) > 1 else "blank in some files",
                    **{f: ("(not in file)" if f not in by_source else None if by_source[f] is None
                          else str(by_source[f])) for f in FILE_PRIORITY},
                    "resolved": str(present[0]),
                    "rule": "value from the most recent file that gives one",
                })
    schema = {"la_code": pl.String, "framework": pl.String, "sequence": pl.Int32, "field": pl.String,
              "kind": pl.String, **{f: pl.String for f in FILE_PRIORITY}, "resolved": pl.String, "rule": pl.String}
    return pl.DataFrame(out, schema=schema).sort("la_code", "framework", "sequence", "field")


def build(geo: pl.DataFrame | None = None, names: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """The inspections table and the disagreements between files, from the raw files."""
    geo = tables.read("la_geography") if geo is None else geo
    names = tables.read("la_names") if names is None else names
    rows = source_rows(geo, names)
    merged, disagreements = merge(rows, geo)
    if missing := sorted(set(rows["la_code"]) - set(merged["la_code"])):
        raise DataError(f"inspections: council(s) {missing} lost in the merge")
    latest_as_at()  # the newest file's title agrees with the manifest
    check_dates_window(rows)
    as_at = _with_history_values(check_as_at_tables(merged, geo, names), with_sequence(rows))
    combined = pl.concat([disagreements, as_at], how="diagonal").join(
        geo.select("la_code", "la_name"), on="la_code", how="left")
    combined = combined.select(DISAGREEMENT_COLUMNS).sort("la_code", "framework", "sequence", "field", "kind")
    inspection_checks.refuse_self_contradictions(combined.filter(pl.col("as_at_table").is_not_null()))
    return {"inspections": merged, "disagreements": combined, "source_rows": rows,
            "ofsted_names": ofsted_name_variants(geo, names)}


def check_dates_window(rows: pl.DataFrame) -> None:
    """In each file, no inspection starts after the file's as-at date and no report is published more than a
    year after it: a date outside that window is a typo in the file, not a fact. Each file is checked on its
    own, so a typo in an older file is refused even where a newer file's row would win the merge."""
    as_at = {f.name: f.as_at for f in OFSTED_FILES}
    window = pl.col("source").replace_strict(as_at, return_dtype=pl.Date)
    late = rows.filter((pl.col("inspection_start") > window)
                       | (pl.col("published") > window + pl.duration(days=MAX_DAYS_TO_PUBLISH)))
    if late.height:
        row = late.row(0, named=True)
        raise DataError(f"{row['source']} row {row['row']}: column 'published', council {row['la_code']} "
                        f"({row['la_name_source']}), {row['framework']} inspection: started "
                        f"{row['inspection_start']}, published {row['published']}, outside the window of that "
                        f"file (as at {as_at[row['source']]}); {late.height} such row(s); table inspections not "
                        f"written")


DISAGREEMENT_COLUMNS = ["la_code", "la_name", "framework", "sequence", "field", "kind", *FILE_PRIORITY,
                        "as_at_table", "as_at_value", "resolved", "rule"]


def _with_history_values(as_at: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Fill, for each as-at difference, what each history file says about that inspection."""
    filled = []
    for rec in as_at.iter_rows(named=True):
        same = rows.filter((pl.col("la_code") == rec["la_code"]) & (pl.col("framework") == rec["framework"])
                           & (pl.col("sequence") == rec["sequence"]))
        said = dict(zip(same["source"], same[rec["field"]], strict=True)) if rec["sequence"] is not None else {}
        filled.append({**rec, **{f: "(not in file)" if f not in said else None if said[f] is None else str(said[f])
                                 for f in FILE_PRIORITY}})
    schema = {**as_at.schema, **{f: pl.String for f in FILE_PRIORITY}}
    return pl.DataFrame(filled, schema=schema)


def write(built: dict[str, pl.DataFrame]) -> None:
    tables.write(built["inspections"], INSPECTIONS)
    tables.write(built["ofsted_names"], OFSTED_NAMES)


# ---- judgement in force --------------------------------------------------------------------

def coverage() -> tuple[dt.date, dt.date]:
    """First and last dates a judgement in force can be asked for: 1 January of the year of the
    first publication in the history (2009) and the as-at date of the latest Ofsted file."""
    first = tables.read("inspections")["published"].min()
    return dt.date(first.year, 1, 1), latest_as_at()


def judgements_in_force(as_of: dt.date, history: pl.DataFrame | None = None,
                        geo: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every council that existed on as_of with its SIF/ILACS overall judgement in force then.

    Columns la_code, la_name, judgement, framework, published, inherited_from
    (the predecessor's DfE code when the judgement is carried over from a predecessor).
    """
    history = tables.read("inspections") if history is None else history
    geo = tables.read("la_geography") if geo is None else geo
    latest = (history.filter(pl.col("framework").is_in(IN_FORCE_FRAMEWORKS) & (pl.col("published") <= as_of))
              .sort("published", "la_code").group_by("la_code").last()
              .select("la_code", pl.col("overall").alias("judgement"), "framework", "published"))
    by_code = {r["la_code"]: r for r in latest.iter_rows(named=True)}
    predecessors = dict(zip(geo["la_code"], geo["predecessor_codes"].to_list(), strict=True))

    def inherited(code: str) -> tuple[dict | None, str | None]:
        # Walk back through predecessors; the most recently published judgement wins.
        best, source = None, None
        for pred in sorted(predecessors.get(code) or []):
            own = by_code.get(pred)
            found, frm = (own, pred) if own else inherited(pred)
            if found and (best is None or found["published"] > best["published"]):
                best, source = found, frm
        return best, source

    current = geo.filter(geography.exists_on(as_of)).sort("la_code")
    out = []
    for code, name in current.select("la_code", "la_name").rows():
        own = by_code.get(code)
        row, source = (own, None) if own else inherited(code)
        out.append({"la_code": code, "la_name": name,
                    "judgement": row["judgement"] if row else None,
                    "framework": row["framework"] if row else None,
                    "published": row["published"] if row else None,
                    "inherited_from": source})
    return pl.DataFrame(out, schema={"la_code": pl.String, "la_name": pl.String, "judgement": pl.String,
                                     "framework": pl.String, "published": pl.Date, "inherited_from": pl.String})


def parse_as_of(date_text: str) -> dt.date:
    """A strict ISO date (YYYY-MM-DD) within the data's coverage, else UserError."""
    as_of = as_date(date_text, "date")
    first, last = coverage()
    if as_of < first or as_of > last:
        raise UserError(f"{as_of.isoformat()} is outside the data: Ofsted's files cover {first.isoformat()} "
                        f"(the year of the first report) to {last.isoformat()} (the latest file's as-at date)")
    return as_of


def rating_at_table(date_text: str, judgement: str | None = None, region: str | None = None,
                    basis: str = "in-force") -> pl.DataFrame:
    """`csc-figures rating-at`: each council's judgement on a date, in force or on Ofsted's basis
    (csc_figures.ofsted_basis), optionally only one judgement, one region; published as ISO text."""
    from .ofsted_basis import judgements_on

    table = judgements_on(parse_as_of(date_text), basis)
    if "inherited_from" not in table.columns:  # Ofsted's basis carries no predecessor's judgement
        table = table.with_columns(pl.lit(None, dtype=pl.String).alias("inherited_from"))
    geo = tables.read("la_geography").select("la_code", "region", "ofsted_region")
    table = table.join(geo, on="la_code", how="left", maintain_order="left")
    if judgement is not None:
        code = parse_judgement(judgement)
        table = table.filter(pl.col("judgement").is_null() if code is None else pl.col("judgement") == code)
    if region is not None:
        wanted = parse_region(region, geo)
        table = table.filter((pl.col("region") == wanted) | (pl.col("ofsted_region") == wanted))
    return table.with_columns(pl.col("published").dt.to_string("%Y-%m-%d")).select(
        "la_code", "la_name", "judgement", "framework", "published", "inherited_from")


def parse_judgement(text: str) -> str | None:
    """A judgement code from its code, its words or Ofsted's ('requires improvement to be good', 'RI');
    None for 'none' (no SIF/ILACS judgement yet). UserError listing what is accepted otherwise."""
    from . import judgements

    typed = " ".join((text or "").lower().replace("_", " ").replace("-", " ").split())
    if typed in ("none", "not yet judged", "no judgement"):
        return None
    aliases = {"ri": "requires_improvement"}
    for code, j in judgements.JUDGEMENTS.items():
        aliases.update({code.replace("_", " "): code, j.words: code, j.label.lower(): code})
        aliases.update({words.lower(): code for words in j.ofsted.values()})
    if typed in aliases:
        return aliases[typed]
    raise UserError(f"judgement: {text!r} is not an Ofsted judgement; use one of "
                    f"{', '.join(judgements.WORDS.values())}, 'RI' or 'none'")


def parse_region(text: str, geo: pl.DataFrame) -> str:
    """A region (DfE's or Ofsted's) named in any case; UserError listing the regions otherwise."""
    regions = sorted(set(geo["region"].drop_nulls()) | set(geo["ofsted_region"].drop_nulls()))
    typed = " ".join((text or "").lower().replace("&", "and").split())
    for region in regions:
        if region.lower().replace("&", "and") == typed:
            return region
    raise UserError(f"region: {text!r} is not a region; use one of {', '.join(regions)}")


# ---- the notebook's sentences (02_inspections) ----------------------------------------------------

def _words_for(file: OfstedFile) -> str:
    """An Ofsted file as a reader names it: 'the 2023 history', 'the March 2025 outcomes'."""
    if not file.layout.as_at_sheet:
        return f"the {file.as_at.year} history"
    return f"the {file.as_at.strftime('%B')} {file.as_at.year} outcomes"


FILE_WORDS = {f.name.split(".")[0]: _words_for(f) for f in OFSTED_FILES}
FIELD_WORDS = {"inspection_type": "inspection type", "inspection_start": "inspection start",
               "inspection_end": "inspection end", "care_leavers": "care leavers judgement",
               "overall": "overall judgement", "published": "publication date"}


def _file_words(name: str) -> str:
    stem = name.split(".")[0]
    return FILE_WORDS.get(stem, stem.replace("_", " "))


def _value_words(value: str | None) -> str:
    from . import judgements

    if value is None:
        return "blank"
    if value == "(not in file)":
        return "not in the file"
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        from .articles import long_date

        return long_date(dt.date.fromisoformat(value))
    return judgements.words(value, value).replace("_", " ")


def summary_lines(built: dict[str, pl.DataFrame]) -> list[str]:
    """How many rows the Ofsted files gave, how many inspections and councils they merged into, by framework."""
    from .articles import long_date

    history = built["inspections"]
    from .formatting import count_word

    lines = [f"{built['source_rows'].height:,} inspection rows across the {count_word(len(FILE_PRIORITY))} Ofsted "
             f"files merged into "
             f"{history.height:,} inspections of {history['la_code'].n_unique()} councils:"]
    for framework, n in history.group_by("framework").len().sort("framework").rows():
        lines.append(f"  {framework}: {n:,}")
    first, last = history["published"].min(), history["published"].max()
    lines.append(f"Reports published from {long_date(first)} to {long_date(last)}.")
    return lines


def disagreement_lines(disagreements: pl.DataFrame) -> list[str]:
    """Each disagreement between the Ofsted files, in words: what each file says and which value is kept."""
    n = disagreements.height
    lines = [f"{'No' if n == 0 else f'{n:,}'} disagreement{'' if n == 1 else 's'} between the Ofsted files"
             + (":" if n else ".")]
    for row in disagreements.iter_rows(named=True):
        said = [f"{_file_words(f)}: {_value_words(row[f])}" for f in FILE_PRIORITY]
        if row["as_at_table"]:
            said.append(f"{_file_words(row['as_at_table'].split('/')[1])} table: {_value_words(row['as_at_value'])}")
        lines.append(f"  {row['la_name']} (DfE {row['la_code']}), {row['framework']} inspection {row['sequence']}, "
                     f"{FIELD_WORDS.get(row['field'], row['field'].replace('_', ' '))}: {'; '.join(said)}; "
                     f"kept {_value_words(row['resolved'])}.")
    return lines


def in_force_lines(as_of: str) -> list[str]:
    """The judgement in force on a date, council counts by judgement, and who carries a predecessor's."""
    from . import judgements
    from .articles import long_date

    day = parse_as_of(as_of)
    table = rating_at_table(as_of)
    lines = [f"On {long_date(day)}: {table.height} councils."]
    for judgement, n in table.group_by("judgement").len().sort("judgement", nulls_last=True).rows():
        lines.append(f"  {judgements.words(judgement, judgement) if judgement else 'no SIF or ILACS judgement yet'}: {n}")
    for row in table.filter(pl.col("inherited_from").is_not_null()).iter_rows(named=True):
        lines.append(f"  {row['la_name']} carries the {judgements.words(row['judgement'], row['judgement'])} judgement "
                     f"of its predecessor (DfE {row['inherited_from']}; {row['framework']}, published "
                     f"{long_date(dt.date.fromisoformat(str(row['published'])))}).")
    return lines
