"""The claims ledger's computations for Ofsted judgements (keys inspections.*); they call the computations."""

from __future__ import annotations


import polars as pl

from ...dates import as_date
from ...errors import UserError
from .compute import in_force, load_inspections
from .transitions import _judgement_list, distinct_inspections, history_value, published_selection, resolve

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
