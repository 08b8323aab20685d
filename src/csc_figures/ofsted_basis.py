"""Judgements counted as Ofsted counts them, beside the judgement in force, and why the two differ.

Two legitimate ways to say how many councils held each judgement on a date:

- **in force** (`in_force.judgements_in_force`, the project's default): the overall judgement of the
  council's latest SIF or ILACS report *published* by the date; a council created by a reorganisation
  with no inspection of its own carries its predecessor's judgement.
- **Ofsted's basis** (its "Local authority inspection outcomes as at 31 March" files and main findings):
  the council's most recent inspection *carried out* by the date whose report was published within
  the following quarter (by 30 June for 31 March); a council with no inspection of its own is "not
  yet inspected" and left out of the shares.

So on 31 March 2024 the judgement in force gives 91 of 153 councils good or outstanding (59%), and
Ofsted's basis 91 of 151 (60%, as Ofsted's main findings print it). `reconciliation` names every
council the two count differently, and why. Where Ofsted's history gives no inspection start (the SIF
reports in the wide sheets), the report's publication date stands in for it: those reports were
published years before any date the two bases differ on.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import geography, judgements, tables
from .dates import day_words
from .errors import UserError

IN_FORCE, OFSTED = "in-force", "ofsted"
BASES = (IN_FORCE, OFSTED)
# Ofsted counts reports published by 30 June for inspections carried out by 31 March: a quarter.
PUBLISHED_WITHIN = dt.timedelta(days=91)
GOOD_OR_BETTER = ("outstanding", "good")
_COLUMNS = {"la_code": pl.String, "la_name": pl.String, "judgement": pl.String, "framework": pl.String,
            "published": pl.Date, "inspection_start": pl.Date}


def publication_cutoff(as_of: dt.date) -> dt.date:
    """The last publication date Ofsted's basis counts for inspections carried out by `as_of` (31 March -> 30 June)."""
    return as_of + PUBLISHED_WITHIN


def on_ofsted_basis(as_of: dt.date, history: pl.DataFrame | None = None,
                    geo: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every council that existed on `as_of` with the judgement Ofsted's basis gives it (null: not yet inspected).

    Columns la_code, la_name, judgement, framework, published, inspection_start."""
    from .judgements import IN_FORCE_FRAMEWORKS

    history = tables.read("inspections") if history is None else history
    geo = tables.read("la_geography") if geo is None else geo
    carried_out = pl.coalesce("inspection_start", "published") <= as_of
    counted = (history.filter(pl.col("framework").is_in(IN_FORCE_FRAMEWORKS), carried_out,
                              pl.col("published") <= publication_cutoff(as_of))
               .sort("published", "la_code").group_by("la_code").last()
               .select("la_code", pl.col("overall").alias("judgement"), "framework", "published", "inspection_start"))
    councils = geo.filter(geography.exists_on(as_of)).select("la_code", "la_name").sort("la_code")
    return councils.join(counted, on="la_code", how="left").select(list(_COLUMNS)).cast(_COLUMNS)


def judgements_on(as_of: dt.date, basis: str = IN_FORCE, history: pl.DataFrame | None = None,
                  geo: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each council's judgement on a date on either basis: la_code, la_name, judgement, framework, published."""
    from .in_force import judgements_in_force

    if basis == IN_FORCE:
        return judgements_in_force(as_of, history, geo)
    if basis == OFSTED:
        return on_ofsted_basis(as_of, history, geo)
    raise UserError(f"basis: {basis!r} is not a basis; use {' or '.join(BASES)}")


def counts(as_of: dt.date, history: pl.DataFrame | None = None, geo: pl.DataFrame | None = None) -> pl.DataFrame:
    """Councils per judgement on both bases, with each basis's share of the councils it judges (percent).

    One row per judgement (best first), then 'good or outstanding', then 'not yet inspected' (no share)."""
    history = tables.read("inspections") if history is None else history
    geo = tables.read("la_geography") if geo is None else geo
    rows = []
    per_basis = {b: judgements_on(as_of, b, history, geo)["judgement"] for b in BASES}
    groups = [(judgements.words(j), (j,)) for j in judgements.ORDER]
    groups.append(("good or outstanding", GOOD_OR_BETTER))
    for label, members in groups:
        row = {"judgement": label}
        for basis, column in per_basis.items():
            judged = column.drop_nulls()
            n = int(judged.is_in(members).sum())
            row[f"{basis}_councils"] = n
            row[f"{basis}_share"] = 100 * n / judged.len() if judged.len() else None
        rows.append(row)
    rows.append({"judgement": "not yet inspected",
                 **{f"{b}_councils": int(c.null_count()) for b, c in per_basis.items()},
                 **{f"{b}_share": None for b in BASES}})
    schema = {"judgement": pl.String, **{f"{b}_{k}": (pl.Int64 if k == "councils" else pl.Float64)
                                         for b in BASES for k in ("councils", "share")}}
    return pl.DataFrame(rows, schema=schema)


def reconciliation(as_of: dt.date, history: pl.DataFrame | None = None,
                   geo: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every council the two bases count differently on `as_of` (a different judgement, or judged on one only),
    with both judgements and the reason, worked out from the inspections each basis takes."""
    history = tables.read("inspections") if history is None else history
    geo = tables.read("la_geography") if geo is None else geo
    in_force = judgements_on(as_of, IN_FORCE, history, geo)
    ofsted = on_ofsted_basis(as_of, history, geo)
    both = in_force.join(ofsted, on=["la_code", "la_name"], how="full", coalesce=True, suffix="_ofsted")
    differ = both.filter(pl.col("judgement").ne_missing(pl.col("judgement_ofsted")))
    names = dict(zip(geo["la_code"], geo["la_name"], strict=True))
    cutoff = publication_cutoff(as_of)
    rows = []
    for r in differ.sort("la_code").iter_rows(named=True):
        if r["judgement_ofsted"] is None and r["inherited_from"]:
            reason = (f"a new council with no inspection of its own: in force it holds "
                      f"{names.get(r['inherited_from'], r['inherited_from'])}'s judgement, Ofsted counts it as not "
                      f"yet inspected")
        elif r["judgement_ofsted"] is None:
            reason = "no SIF or ILACS inspection carried out by the date"
        elif r["published_ofsted"] > as_of:
            started = r["inspection_start"]
            reason = ((f"inspected from {day_words(started)}, " if started else "inspected by the date, ")
                      + f"report published {day_words(r['published_ofsted'])}: after {day_words(as_of)} but by "
                      f"{day_words(cutoff)}, so Ofsted counts it while the earlier judgement is still in force")
        else:
            reason = "unexplained: the two bases take different reports published by the date"
        rows.append({"la_code": r["la_code"], "la_name": r["la_name"], "in_force": r["judgement"],
                     "in_force_published": r["published"], "inherited_from": r["inherited_from"],
                     "ofsted": r["judgement_ofsted"], "ofsted_published": r["published_ofsted"], "reason": reason})
    return pl.DataFrame(rows, schema={"la_code": pl.String, "la_name": pl.String, "in_force": pl.String,
                                      "in_force_published": pl.Date, "inherited_from": pl.String,
                                      "ofsted": pl.String, "ofsted_published": pl.Date, "reason": pl.String})


# ---- in words (notebook 12) ---------------------------------------------------------------------

# the counts table's columns as a reader names them
COLUMN_WORDS = {"judgement": "judgement", "in-force_councils": "councils, in force", "in-force_share": "% in force",
                "ofsted_councils": "councils, Ofsted's basis", "ofsted_share": "% Ofsted's basis",
                "in_force": "in force", "in_force_published": "in force since", "inherited_from": "held from",
                "ofsted": "Ofsted's basis", "ofsted_published": "report counted by Ofsted", "as_of": "on"}


def sentence(table: pl.DataFrame, as_of: dt.date) -> str:
    """Both bases' good-or-outstanding count and share on a date, in one sentence (from `counts`)."""
    from .formatting import count_word, pct

    good = table.filter(pl.col("judgement") == "good or outstanding").row(0, named=True)
    not_yet = table.filter(pl.col("judgement") == "not yet inspected").row(0, named=True)
    grades = table.filter(pl.col("judgement").is_in([judgements.words(j) for j in judgements.ORDER]))
    judged = {b: int(grades[f"{b}_councils"].sum()) for b in BASES}
    day = day_words(as_of)
    text = (f"On {day}, {good['in-force_councils']} of the {judged[IN_FORCE] + not_yet['in-force_councils']} councils "
            f"({pct(good['in-force_share'], 0)}) held a good or outstanding judgement in force. Counted as Ofsted "
            f"counts (the latest inspection carried out by {day} whose report was published by "
            f"{day_words(publication_cutoff(as_of))}), {good['ofsted_councils']} of the {judged[OFSTED]} councils "
            f"inspected ({pct(good['ofsted_share'], 0)})")
    n = not_yet["ofsted_councils"]
    return text + (f", with {count_word(n)} not yet inspected." if n else ".")


def reconciliation_every(days: list[dt.date], history: pl.DataFrame | None = None,
                         geo: pl.DataFrame | None = None) -> pl.DataFrame:
    """`reconciliation` for several dates, stacked, with the date first (as_of)."""
    history = tables.read("inspections") if history is None else history
    geo = tables.read("la_geography") if geo is None else geo
    return pl.concat([reconciliation(d, history, geo).select(pl.lit(d).alias("as_of"), pl.all()) for d in days])


def reconciliation_sentences(recon: pl.DataFrame) -> list[str]:
    """One line per council the bases count differently: both judgements and why."""
    out = []
    for r in recon.iter_rows(named=True):
        ofsted = judgements.words(r["ofsted"]) if r["ofsted"] else "not yet inspected"
        out.append(f"{r['la_name']}: {judgements.words(r['in_force'])} in force, {ofsted} on Ofsted's basis; "
                   f"{r['reason']}.")
    return out
