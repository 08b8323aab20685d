"""Ofsted's cells (judgement words, dates) and its long history sheet (one row per inspection, with ONS codes),
read and checked with no council matching, so geography (Ofsted's spellings with their codes) and inspections
(the judgements) take the same rows from the one parser. `ofsted_sheets` matches rows to councils.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from . import judgements
from .errors import DataError
from .ofsted_layouts import OfstedFile
from .spreadsheet import clean_header, split_tables

_NOT_JUDGED = {"", "-", "–"}
# Pre-2013 frameworks also used 'adequate'; it is kept as written, never made into RI.
_OLD_FRAMEWORK_TEXT = {"adequate": "adequate"}
_ILACS_TYPES = {"ilacs standard inspection": "standard", "ilacs short inspection": "short"}

JUDGEMENT_COLUMNS = ("overall", "help_and_protection", "children_in_care", "care_leavers", "adoption",
                     "leadership", "lscb", "safeguarding", "looked_after_children", "child_protection")
# Columns that appear only in frameworks before SIF, which may say 'adequate'.
_OLD_FRAMEWORK_COLUMNS = ("safeguarding", "looked_after_children", "child_protection")


# ---- cells ---------------------------------------------------------------------------------

def normalise_judgement(value: str | None, where: str, old_framework: bool = False) -> str | None:
    """Ofsted's wording to outstanding / good / requires_improvement / inadequate; '-' to null."""
    if value is None:
        return None
    text = " ".join(value.split()).lower()
    if text in _NOT_JUDGED:
        return None
    if code := judgements.from_words(text, judgements.IN_FORCE_FRAMEWORKS):  # Ofsted's words, as declared there
        return code
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


LONG_SCHEMA = {"la_name_source": pl.String, "framework": pl.String, "inspection_type": pl.String,
                "inspection_start": pl.Date, "published": pl.Date,
                **{c: pl.String for c in JUDGEMENT_COLUMNS}, "row": pl.Int64}


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


def history_rows(raw: pl.DataFrame, file: OfstedFile) -> pl.DataFrame:
    """A long ILACS history (one row per inspection) as long rows with Ofsted's ONS codes and spellings,
    every cell checked; matched to no council here."""
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
        if clean_header(rec["la_name_source"]) == "Local authority name":
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
    return pl.DataFrame(rows, schema={**LONG_SCHEMA, "ons_code": pl.String})
