"""The judgement in force on a date: each council's latest SIF or ILACS overall effectiveness published by
then, a new council carrying its predecessor's (the rule is in `inspections`' docstring), and the
`csc-figures rating-at` table built on it.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import geography, tables
from .dates import as_date, day_words
from .errors import UserError
from .judgements import IN_FORCE_FRAMEWORKS
from .ofsted_layouts import NEWEST_FILE

# ---- judgement in force --------------------------------------------------------------------

def coverage() -> tuple[dt.date, dt.date]:
    """First and last dates a judgement in force can be asked for: 1 January of the year of the
    first publication in the history (2009) and the as-at date of the latest Ofsted file."""
    first = tables.read("inspections")["published"].min()
    # the manifest's as-at date, which the check phase held against the file's own title: no story reads the file
    return dt.date(first.year, 1, 1), NEWEST_FILE.as_at


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


def check_as_of(as_of: dt.date) -> dt.date:
    """The one range check of a date asked about (the CLI, the notebooks, the stories): UserError for a date
    before the year of the first report or after the latest Ofsted file's as-at date."""
    first, last = coverage()
    if as_of < first or as_of > last:
        raise UserError(f"{as_of.isoformat()} is outside the data: Ofsted's files cover {first.isoformat()} "
                        f"(the year of the first report) to {last.isoformat()} (the latest file's as-at date; "
                        f"judgements published later are missing)")
    return as_of


def parse_as_of(date_text: str) -> dt.date:
    """A strict ISO date (YYYY-MM-DD) within the data's coverage, else UserError."""
    return check_as_of(as_date(date_text, "date"))


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
    if code := judgements.from_words(typed):
        return code
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


def in_force_lines(as_of: str) -> list[str]:
    """The judgement in force on a date, council counts by judgement, and who carries a predecessor's."""
    from . import judgements
    day = parse_as_of(as_of)
    table = rating_at_table(as_of)
    lines = [f"On {day_words(day)}: {table.height} councils."]
    for judgement, n in table.group_by("judgement").len().sort("judgement", nulls_last=True).rows():
        lines.append(f"  {judgements.words(judgement, judgement) if judgement else 'no SIF or ILACS judgement yet'}: {n}")
    for row in table.filter(pl.col("inherited_from").is_not_null()).iter_rows(named=True):
        lines.append(f"  {row['la_name']} carries the {judgements.words(row['judgement'], row['judgement'])} judgement "
                     f"of its predecessor (DfE {row['inherited_from']}; {row['framework']}, published "
                     f"{day_words(dt.date.fromisoformat(str(row['published'])))}).")
    return lines
