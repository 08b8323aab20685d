"""Upgrades and downgrades: consecutive inspections, transition tables, a council's history."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ...dates import as_date
from ...errors import DataError, NotHeld, UserError
from .compute import GRADED_FRAMEWORKS, JUDGEMENTS, NOT_GOOD, RANK, Window, _check_judgements, financial_year, published_in

# ---- upgrades and downgrades ----------------------------------------------------------------

def consecutive_inspections(inspections: pl.DataFrame, frameworks=GRADED_FRAMEWORKS) -> pl.DataFrame:
    """Each graded inspection beside the council's previous graded one under these frameworks.

    `steps` is how many grades the council moved (positive = up); `change` is
    upgrade, downgrade or unchanged. A council's first graded inspection has no row.
    """
    graded = inspections.filter(pl.col("framework").is_in(list(frameworks)) & pl.col("overall").is_not_null())
    _check_judgements(graded, "overall", "inspections")
    dupes = graded.group_by("la_code", "published").len().filter(pl.col("len") > 1)
    if dupes.height:
        row = dupes.row(0, named=True)
        raise DataError(f"inspections: council {row['la_code']} has {row['len']} graded inspections "
                        f"published on {row['published']}; cannot order them")
    keep = ["framework", "inspection_type", "published", "overall"]
    ordered = graded.sort("la_code", "published").select("la_code", "la_name", *keep)
    previous = [pl.col(c).shift(1).over("la_code").alias(f"previous_{c}") for c in keep]
    paired = ordered.with_columns(previous).filter(pl.col("previous_published").is_not_null())
    rank = lambda c: pl.col(c).replace_strict(RANK, return_dtype=pl.Int64)  # noqa: E731
    paired = paired.with_columns((rank("previous_overall") - rank("overall")).alias("steps"))
    return paired.select(
        "la_code", "la_name",
        pl.col("previous_framework"), pl.col("previous_inspection_type"), pl.col("previous_published"),
        pl.col("previous_overall").alias("previous_judgement"),
        "framework", "inspection_type", "published", pl.col("overall").alias("judgement"), "steps",
        pl.when(pl.col("steps") > 0).then(pl.lit("upgrade"))
        .when(pl.col("steps") < 0).then(pl.lit("downgrade")).otherwise(pl.lit("unchanged")).alias("change"),
    )


DIRECTIONS = {"up": ("upgrade",), "down": ("downgrade",), "any": ("upgrade", "downgrade"),
              "all": ("upgrade", "downgrade", "unchanged")}


def changes_between(inspections: pl.DataFrame, published_from: dt.date | None = None,
                    published_to: dt.date | None = None, la_code: str | None = None,
                    direction: str = "any") -> pl.DataFrame:
    """Consecutive graded (SIF/ILACS) inspections whose later report was published in the window
    (both ends included) and whose overall judgement moved in `direction` (up, down, any, all)."""
    if direction not in DIRECTIONS:
        raise UserError(f"direction: {direction!r} is not one of {', '.join(DIRECTIONS)}")
    if published_from and published_to and published_from > published_to:
        raise UserError(f"from {published_from.isoformat()} is after to {published_to.isoformat()}")
    rows = consecutive_inspections(inspections).filter(pl.col("change").is_in(list(DIRECTIONS[direction])))
    if published_from is not None:
        rows = rows.filter(pl.col("published") >= published_from)
    if published_to is not None:
        rows = rows.filter(pl.col("published") <= published_to)
    if la_code is not None:
        rows = rows.filter(pl.col("la_code") == la_code)
    return rows.sort("published", "la_code")


def slac_to_first_sif(inspections: pl.DataFrame, published_to: dt.date | None = None) -> pl.DataFrame:
    """Each council's last SLAC safeguarding judgement beside its first SIF overall judgement.

    SLAC graded safeguarding and looked-after services separately, with no overall judgement;
    safeguarding is the nearer match to SIF's overall one. Only first SIF reports published
    by `published_to` (all if None) are paired.
    """
    slac = (inspections.filter((pl.col("framework") == "SLAC") & pl.col("safeguarding").is_not_null())
            .sort("published").group_by("la_code").last()
            .select("la_code", pl.col("published").alias("slac_published"),
                    pl.col("safeguarding").alias("slac_safeguarding")))
    sif = inspections.filter((pl.col("framework") == "SIF") & (pl.col("inspection_type") == "first"))
    if published_to is not None:
        sif = sif.filter(pl.col("published") <= published_to)
    _check_judgements(sif, "overall", "inspections")
    _check_judgements(slac, "slac_safeguarding", "inspections (SLAC safeguarding)")
    paired = sif.select("la_code", "la_name", pl.col("published").alias("sif_published"),
                        pl.col("overall").alias("sif_overall")).join(slac, on="la_code", how="inner")
    rank = lambda c: pl.col(c).replace_strict(RANK, return_dtype=pl.Int64)  # noqa: E731
    steps = rank("slac_safeguarding") - rank("sif_overall")
    return paired.with_columns(
        pl.when(steps > 0).then(pl.lit("upgrade")).when(steps < 0).then(pl.lit("downgrade"))
        .otherwise(pl.lit("unchanged")).alias("change"),
    ).select("la_code", "la_name", "slac_published", "slac_safeguarding", "sif_published", "sif_overall",
             "change").sort("la_code")


def transition_matrix(transitions: pl.DataFrame) -> pl.DataFrame:
    """Counts of every previous -> new judgement pair (all sixteen, zeros kept)."""
    grid = pl.DataFrame({"previous_judgement": JUDGEMENTS}).join(
        pl.DataFrame({"judgement": JUDGEMENTS}), how="cross")
    counts = transitions.group_by("previous_judgement", "judgement").agg(pl.len().alias("inspections"))
    grid = grid.join(counts, on=["previous_judgement", "judgement"], how="left", maintain_order="left")
    return grid.with_columns(pl.col("inspections").fill_null(0).cast(pl.Int64))


def judgement_crosstab(df: pl.DataFrame, rows: str, columns: str) -> pl.DataFrame:
    """Counts of one judgement column against another, both in the scale's order, zeros kept."""
    grid = pl.DataFrame({rows: JUDGEMENTS}).join(pl.DataFrame({columns: JUDGEMENTS}), how="cross")
    counts = df.group_by(rows, columns).agg(pl.len().alias("n"))
    long = grid.join(counts, on=[rows, columns], how="left", maintain_order="left")
    wide = long.with_columns(pl.col("n").fill_null(0).cast(pl.Int64)).pivot(on=columns, index=rows, values="n")
    return wide.select(rows, *JUDGEMENTS)


def change_counts(transitions: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """Upgrades, downgrades and unchanged, overall or by a column (e.g. the new framework)."""
    counts = [
        pl.len().cast(pl.Int64).alias("reinspections"),
        (pl.col("change") == "upgrade").sum().cast(pl.Int64).alias("upgrades"),
        (pl.col("change") == "downgrade").sum().cast(pl.Int64).alias("downgrades"),
        (pl.col("change") == "unchanged").sum().cast(pl.Int64).alias("unchanged"),
    ]
    if by is None:
        return transitions.select(counts)
    return transitions.group_by(by).agg(counts).sort(by)


def council_history(inspections: pl.DataFrame, la_code: str) -> pl.DataFrame:
    """Every inspection of one council, oldest first."""
    rows = inspections.filter(pl.col("la_code") == la_code)
    if rows.height == 0:
        raise UserError(f"no inspections held for council {la_code}")
    return rows.sort("published")


def resolve(council: str) -> str:
    """A DfE code from a council name, ONS code or DfE code (through the geography module)."""
    from ...geography import resolve_council

    return resolve_council(council)


def transition_in(transitions: pl.DataFrame, la_code: str, year: int) -> dict | None:
    """The council's change of judgement published in a year (the last one if several), or None."""
    rows = transitions.filter((pl.col("la_code") == la_code) & (pl.col("published").dt.year() == year))
    return rows.sort("published").row(-1, named=True) if rows.height else None


# Sub-judgement columns in the contract's words; a table may hold only some of them.
SUB_JUDGEMENTS = ("help_and_protection", "children_in_care", "care_leavers", "leadership", "adoption")


def history_columns(history: pl.DataFrame) -> list[str]:
    """The columns worth printing for a council's history, in reading order."""
    wanted = ["framework", "inspection_type", "inspection_start", "inspection_end", "published", "overall",
              *SUB_JUDGEMENTS]
    return [c for c in wanted if c in history.columns]



def _judgement_list(text: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in values if v not in JUDGEMENTS]
    if not values or unknown:
        raise UserError(f"overall={text!r}: expected judgements from {JUDGEMENTS}, separated by commas")
    return values


def _statistical_year(text: str) -> tuple[dt.date, dt.date]:
    first, sep, second = text.partition("-")
    if not (sep and first.isdigit() and second.isdigit() and len(first) == 4
            and int(second) == (int(first) + 1) % 100):
        raise UserError(f"window={text!r} is not a year written like 2013-14")
    return financial_year(int(first))


def published_selection(inspections: pl.DataFrame, framework: str, window: str | None = None,
                        published_from: str | None = None, published_to: str | None = None,
                        inspection_type: str | None = None) -> pl.DataFrame:
    """The inspections of a framework published in a statistical year or between two dates."""
    start, end = dt.date.min, dt.date.max
    if window:
        start, end = _statistical_year(window)
    if published_from:
        start = max(start, as_date(published_from, "published_from"))
    if published_to:
        end = min(end, as_date(published_to, "published_to"))
    types = None if inspection_type is None else tuple(t.strip() for t in inspection_type.split(","))
    return published_in(inspections, Window("claim", start, end, "published", (framework,), types))



def distinct_inspections(in_force_frame: pl.DataFrame) -> int:
    """Judgements in force counted once per inspection: councils sharing a predecessor's judgement count once."""
    source = pl.coalesce("inherited_from", "la_code")
    return in_force_frame.select(source.alias("source"), "published").unique().height



def inspection_year(row: dict) -> int:
    """The year of the inspection: its first day of fieldwork where Ofsted gives it, else its publication."""
    return (row["inspection_start"] or row["published"]).year


def history_value(inspections: pl.DataFrame, la_code: str, before: dt.date, field: str,
                  framework: str | None = None, as_of: dt.date | None = None):
    """A field of the council's latest graded inspection published before a date.

    `field` is a judgement column, `year` (see inspection_year), `fieldwork_year` or `years_since`
    (years from that inspection to as_of). None when no such inspection is held.
    """
    frameworks = GRADED_FRAMEWORKS if framework is None else (framework,)
    rows = inspections.filter((pl.col("la_code") == la_code) & pl.col("framework").is_in(list(frameworks))
                              & (pl.col("published") < before) & pl.col("overall").is_not_null())
    if rows.height == 0:
        return None
    row = rows.sort("published").row(-1, named=True)
    if field == "year":
        return inspection_year(row)
    if field == "fieldwork_year":  # the year the inspectors visited, which Ofsted's files give for ILACS only
        if row["inspection_start"] is None:
            raise NotHeld(f"Ofsted's files give the {row['framework']} inspection published {row['published']} "
                          f"no fieldwork dates")
        return row["inspection_start"].year
    if field == "years_since":
        if as_of is None:
            raise UserError("field=years_since needs as_of")
        return (as_of - (row["inspection_start"] or row["published"])).days / 365.25
    if field not in (*SUB_JUDGEMENTS, "overall"):
        raise UserError(f"field={field!r}: expected overall, year, fieldwork_year, years_since or one of {SUB_JUDGEMENTS}")
    return row[field]


def transition_table(matrix: pl.DataFrame) -> pl.DataFrame:
    """The transition matrix as a table: previous judgement (rows) against the next (columns)."""
    return matrix.pivot(on="judgement", index="previous_judgement", values="inspections", sort_columns=False)


def good_then_not_good(squeezed: pl.DataFrame) -> tuple[int, int]:
    """(councils whose last SLAC safeguarding judgement was good, how many of them had a first SIF judgement
    less than good)."""
    were_good = squeezed.filter(pl.col("slac_safeguarding") == "good")
    return were_good.height, were_good.filter(pl.col("sif_overall").is_in(list(NOT_GOOD))).height
