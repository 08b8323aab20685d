"""The claims ledger's computations for Ofsted judgements (keys inspections.*); they call the computations."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ...dates import as_date
from ...errors import UserError
from ... import judgements, tables
from .compute import RANK, in_force, load_inspections
from .transitions import (SUB_JUDGEMENTS, _judgement_list, distinct_inspections, history_value,
                          published_selection, resolve)

# ---- the claims ledger ----------------------------------------------------------------------
# Keys `inspections.*` in data/claims.csv; args arrive as text (k=v). Conventions:
# - `window=YYYY-YY` is Ofsted's statistical year, 1 April to 31 March by publication date
#   (the convention of its in-year sheets, e.g. "Inspections_in_year_2023-24");
# - `published_to` / `published_from` are inclusive publication dates;
# - `overall` is one judgement or several separated by commas.

from ...claims import register


@register("inspections.count_published")
def claim_count_published(framework: str, overall: str | None = None, **selection) -> int:
    """Inspections of a framework published in a window (optionally with given overall judgements)."""
    rows = published_selection(load_inspections(), framework, **selection)
    if overall is not None:
        rows = rows.filter(pl.col("overall").is_in(_judgement_list(overall)))
    return rows.height


@register("inspections.share_published")
def claim_share_published(framework: str, overall: str, **selection) -> float | None:
    """Percentage of the graded inspections published in a window whose overall judgement is in `overall`."""
    rows = published_selection(load_inspections(), framework, **selection).filter(pl.col("overall").is_not_null())
    if rows.height == 0:
        return None
    return rows.filter(pl.col("overall").is_in(_judgement_list(overall))).height / rows.height * 100



@register("inspections.count_in_force")
def claim_count_in_force(judgement: str, as_of: str, published_after: str | None = None,
                         count: str = "councils") -> int:
    """Councils holding a judgement on as_of (`any`: every council that existed, judged or not).

    count=inspections counts each inspection once (North and West Northamptonshire
    both hold Northamptonshire's 2019 judgement).
    """
    frame = in_force(as_of)
    if judgement != "any":
        frame = frame.filter(pl.col("judgement").is_in(_judgement_list(judgement)))
    if published_after:
        frame = frame.filter(pl.col("published") > as_date(published_after, "published_after"))
    if count == "councils":
        return frame.height
    if count == "inspections":
        return distinct_inspections(frame)
    raise UserError(f"count={count!r}: expected councils or inspections")



@register("inspections.history")
def claim_history(council: str, before: str, field: str, framework: str | None = None,
                  as_of: str | None = None):
    """A field of a council's latest SIF/ILACS inspection published before a date."""
    return history_value(load_inspections(), resolve(council), as_date(before, "before"), field, framework,
                         None if as_of is None else as_date(as_of))


# ---- statements: which inspection, when, what it judged; reorganisations ---------------------

def _latest(council: str, before: str) -> dict:
    """The council's latest graded (SIF/ILACS) inspection published before a date."""
    code = resolve(council)
    graded = pl.col("framework").is_in(list(judgements.IN_FORCE_FRAMEWORKS))
    rows = load_inspections().filter((pl.col("la_code") == code) & graded
                                        & (pl.col("published") < as_date(before, "before"))
                                        & pl.col("overall").is_not_null())
    if rows.height == 0:
        raise UserError(f"{council}: no graded inspection published before {before}")
    return rows.sort("published").row(-1, named=True)


def _judged(row: dict) -> dict[str, str]:
    """The inspection's judgements (overall and every sub-judgement it gave)."""
    return {f: row[f] for f in ("overall", *SUB_JUDGEMENTS) if row[f] is not None}


@register("inspections.previously_good_now_below")
def previously_good_now_below(framework: str, published_to: str, previous_framework: str,
                              previous_field: str) -> float | None:
    """Of the councils judged good on `previous_field` at their last `previous_framework` inspection, the
    percentage whose first `framework` inspection published by `published_to` (inclusive) was judged
    requires improvement or inadequate overall ('squeezed into the lower end')."""
    rows = load_inspections()
    last = as_date(published_to, "published_to")
    first = (rows.filter((pl.col("framework") == framework) & (pl.col("published") <= last)
                         & pl.col("overall").is_not_null())
             .sort("published").group_by("la_code", maintain_order=True).first()
             .select("la_code", "overall", pl.col("published").alias("first_published")))
    previous = rows.filter(pl.col("framework") == previous_framework)
    if previous_field not in previous.columns or previous[previous_field].is_null().all():
        raise UserError(f"{previous_framework} inspections give no {previous_field!r} judgement")
    earlier = (previous.join(first.select("la_code", "first_published"), on="la_code")
               .filter(pl.col("published") < pl.col("first_published"))
               .sort("published").group_by("la_code").last())
    good = earlier.filter(pl.col(previous_field) == "good").select("la_code").join(first, on="la_code")
    if good.height == 0:
        return None
    return good.filter(pl.col("overall").is_in(["requires_improvement", "inadequate"])).height / good.height * 100


@register("inspections.published_between")
def published_between(council: str, start: str, end: str) -> str:
    """'true' when the council's latest graded report published by `end` was published from start to end,
    both days included ('this week', in a story dated its Wednesday, is Monday to that Wednesday)."""
    last_day = as_date(end, "end")
    published = _latest(council, (last_day + dt.timedelta(days=1)).isoformat())["published"]
    return str(as_date(start, "start") <= published <= last_day).lower()


@register("inspections.inspected_in")
def inspected_in(council: str, before: str, month: str) -> str:
    """'true' when that inspection's fieldwork began in the month (YYYY-MM); None if Ofsted gives no date."""
    start = _latest(council, before)["inspection_start"]
    return None if start is None else str(start.strftime("%Y-%m") == month).lower()


@register("inspections.remains")
def remains(council: str, before: str, previous_before: str) -> str:
    """The overall judgement when the inspection and the one before it agree, else 'changed'."""
    now, then = _latest(council, before), _latest(council, previous_before)
    if now["published"] == then["published"]:
        raise UserError(f"{council}: no inspection between {previous_before} and {before}")
    return now["overall"] if now["overall"] == then["overall"] else "changed"


@register("inspections.all_judgements")
def all_judgements(council: str, before: str) -> str:
    """The one judgement an inspection gave overall and for every area, else 'mixed'."""
    judged = set(_judged(_latest(council, before)).values())
    return judged.pop() if len(judged) == 1 else "mixed"


@register("inspections.biggest_improvement")
def biggest_improvement(council: str, before: str, previous_before: str) -> str:
    """The area whose judgement rose most steps since the previous inspection; 'tie' or 'none' otherwise."""
    now, then = _judged(_latest(council, before)), _judged(_latest(council, previous_before))
    steps = {f: RANK[then[f]] - RANK[now[f]] for f in SUB_JUDGEMENTS if f in now and f in then}
    top = max(steps.values(), default=0)
    winners = [f for f, s in steps.items() if s == top]
    return "none" if top <= 0 else winners[0] if len(winners) == 1 else "tie"


@register("inspections.areas_not")
def areas_not(council: str, before: str, judgement: str) -> str:
    """The areas (sub-judgements) an inspection did not give `judgement`, comma-separated; 'none' if all."""
    judged = _judged(_latest(council, before))
    return ",".join(f for f in SUB_JUDGEMENTS if f in judged and judged[f] != judgement) or "none"


@register("inspections.events_held")
def events_held(council: str, kind: str) -> int | None:
    """How many inspections of a kind the Ofsted files hold for a council; None when the files list no
    event of that kind for any council (focused visits, monitoring visits and joint targeted area
    inspections are published as letters and reports, not in the outcome files)."""
    history = load_inspections()
    kinds = set(history["inspection_type"].drop_nulls())
    if kind not in kinds:
        return None
    return history.filter((pl.col("la_code") == resolve(council)) & (pl.col("inspection_type") == kind)).height


@register("inspections.replaced_in")
def replaced_in(council: str) -> int:
    """The year a council was abolished (its last day), from the geography table's reorganisations."""
    geo = tables.read("la_geography")
    row = geo.filter(pl.col("la_code") == resolve(council))
    if row.height != 1 or row["end_date"][0] is None:
        raise UserError(f"{council}: not an abolished council in the geography table")
    return (row["end_date"][0] + dt.timedelta(days=1)).year


# The Guardian's account of the first SIF inspections ("Of the 43 services inspected in 2013-14 ..."): its claims
# count SIF reports published by one date, one judgement each; the counts live in the claims ledger, not here.
GUARDIAN_ARTICLE = "003_a96f6ca7e5781663.txt"


def guardian_counts() -> dict[str, int]:
    """The Guardian's printed counts, from the claims ledger: inspections, and councils per judgement."""
    from ...claims import load_claims, parse_args

    claims = load_claims().filter(pl.col("article") == GUARDIAN_ARTICLE,
                                  pl.col("computation") == "inspections.count_published")
    counts: dict[str, int] = {}
    for row in claims.iter_rows(named=True):
        key = parse_args(row["args"], row["claim_id"]).get("overall", "inspections")
        value = int(float(row["value"]))
        if counts.setdefault(key, value) != value:
            raise UserError(f"data/claims.csv: {row['claim_id']} gives {value} for {key}, another claim {counts[key]}")
    missing = {"inspections", "good", "requires_improvement", "inadequate"} - set(counts)
    if missing:
        raise UserError(f"data/claims.csv: no Guardian count for {', '.join(sorted(missing))} ({GUARDIAN_ARTICLE})")
    return counts
