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
disagree the newest wins (below). Each sheet is read by `ofsted_sheets`; this module merges what they
give into the `inspections` table; `in_force` answers what judgement a council held on a date.

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

import polars as pl

from . import inspection_checks, judgements, steps, tables
from .dates import day_words, month_words
from .errors import DataError
from .ofsted_layouts import (FILE_PRIORITY, HISTORY_FILES, LAYOUTS, NEWEST_FILE, OFSTED_FILES, WIDE_SHEETS,  # noqa: F401
                             OfstedFile, TableLayout, WideSheet, file_as_at, ofsted_files)
from .ofsted_sheets import (_OLD_FRAMEWORK_COLUMNS, JUDGEMENT_COLUMNS, check_as_at_tables, latest_as_at,
                            ofsted_name_variants, read_history, read_wide_sheet)

FIRST_PUBLISHED = dt.date(2009, 1, 1)
MAX_DAYS_TO_PUBLISH = 365
JUDGEMENTS = judgements.ORDER  # best first, the inspections table's own scale

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
    tables.assert_accounted(n_in, merged.height, 0, "inspections: merged inspections")
    return merged, disagreements


def _disagreements(rows: pl.DataFrame, key: list[str], compared: list[str]) -> pl.DataFrame:
    """One row per inspection and field where the files holding it give different values
    (or one gives a value and another leaves it blank); a column per file, then the value kept."""
    blank = "\0blank"  # a file holding the inspection with this field empty (not the same as not holding it)
    long = (rows.filter(pl.col("source").n_unique().over(key) > 1)  # inspections more than one file holds
            .with_row_index("__order")  # newest file first within an inspection
            .select("__order", *key, "source", *[pl.col(c).cast(pl.String) for c in compared])
            .unpivot(index=["__order", *key, "source"], on=compared, variable_name="field", value_name="value"))
    fields = (long.group_by([*key, "field"])
              .agg(distinct=pl.col("value").drop_nulls().n_unique(), gaps=pl.col("value").is_null().any(),
                   resolved=pl.col("value").sort_by("__order").drop_nulls().first())
              # only the long histories give starts, so a blank start is no disagreement
              .filter((pl.col("distinct") > 1) | ((pl.col("distinct") > 0) & pl.col("gaps")
                                                  & (pl.col("field") != "inspection_start"))))
    by_file = long.with_columns(pl.col("value").fill_null(blank)).pivot(on="source", index=[*key, "field"],
                                                                        values="value")
    out = fields.join(by_file, on=[*key, "field"], how="left").select(
        "la_code", "framework", pl.col("sequence").cast(pl.Int32), "field",
        pl.when(pl.col("distinct") > 1).then(pl.lit("values differ")).otherwise(pl.lit("blank in some files"))
        .alias("kind"),
        *[(pl.when(pl.col(f).is_null()).then(pl.lit("(not in file)")).when(pl.col(f) == blank).then(None)
           .otherwise(pl.col(f)) if f in by_file.columns else pl.lit("(not in file)")).cast(pl.String).alias(f)
          for f in FILE_PRIORITY],
        "resolved", pl.lit("value from the most recent file that gives one").alias("rule"))
    return out.sort("la_code", "framework", "sequence", "field")


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


# ---- the notebook's sentences (02_inspections) ----------------------------------------------------

def _words_for(file: OfstedFile) -> str:
    """An Ofsted file as a reader names it: 'the 2023 history', 'the March 2025 outcomes'."""
    if not file.layout.as_at_sheet:
        return f"the {file.as_at.year} history"
    return f"the {month_words(file.as_at)} outcomes"


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
        return day_words(dt.date.fromisoformat(value))
    return judgements.words(value, value).replace("_", " ")


def summary_lines(built: dict[str, pl.DataFrame]) -> list[str]:
    """How many rows the Ofsted files gave, how many inspections and councils they merged into, by framework."""
    history = built["inspections"]
    from .formatting import count_word

    lines = [f"{built['source_rows'].height:,} inspection rows across the {count_word(len(FILE_PRIORITY))} Ofsted "
             f"files merged into "
             f"{history.height:,} inspections of {history['la_code'].n_unique()} councils:"]
    for framework, n in history.group_by("framework").len().sort("framework").rows():
        lines.append(f"  {framework}: {n:,}")
    first, last = history["published"].min(), history["published"].max()
    lines.append(f"Reports published from {day_words(first)} to {day_words(last)}.")
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
