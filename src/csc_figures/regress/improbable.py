"""Which changed figures a real revision would rarely produce.

When a new release comes in, many published figures move: DfE revises its earlier figures. How far do real
revisions go? Between the workforce releases we hold, every figure one release published and the next
revised (council, region and England, every measure) gives the history. A changed output value whose
relative move is larger than 99% of those revisions is marked in the report, so a reviewer looks at it
before `make accept`: a typo, a swapped column or a unit slip moves a figure further than DfE revises.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .compare import CellChange, number

SHARE = 0.99  # a revision larger than 99% of the real ones is rare
_ID = ["vintage", "year", "geographic_level", "la_code", "region_code"]


@dataclass(frozen=True)
class RevisionHistory:
    limit: float  # relative size: larger than SHARE of the real revisions
    revisions: int  # how many real revisions that is judged on

    def words(self) -> str:
        return (f"moved further than {SHARE:.0%} of the {self.revisions:,} revisions DfE made between the "
                f"workforce releases we hold (more than {self.limit:.0%} of the old value)")

    def rare(self, cell: CellChange) -> bool:
        old, new = number(cell.old), number(cell.new)
        return old is not None and new is not None and old != 0 and abs(new - old) / abs(old) > self.limit


def history(root: Path) -> RevisionHistory | None:
    """The history from the processed workforce table (None before it is built: nothing is marked)."""
    path = root / "data" / "processed" / "workforce.parquet"
    if not path.exists():
        return None
    panel = pl.read_parquet(path)
    measures = [c for c in panel.columns if f"{c}_flag" in panel.columns]
    values = panel.unpivot(index=_ID, on=measures, variable_name="measure", value_name="value").drop_nulls("value")
    order = sorted(values["vintage"].unique())  # each release against the one before it
    following = dict(zip(order, order[1:], strict=False))
    before = (values.with_columns(pl.col("vintage").replace_strict(following, default=None))
              .drop_nulls("vintage").rename({"value": "before"}))
    revised = (values.join(before, on=[*_ID, "measure"], nulls_equal=True)
               .filter((pl.col("value") != pl.col("before")) & (pl.col("before") != 0))
               .select(((pl.col("value") - pl.col("before")) / pl.col("before")).abs().alias("size")))
    if revised.height < 100:  # too few revisions to say what is rare
        return None
    return RevisionHistory(float(revised["size"].quantile(SHARE, interpolation="higher")), revised.height)
