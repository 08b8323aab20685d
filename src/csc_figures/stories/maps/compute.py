"""What the maps show: each council's judgement in force on a date, or its figure for a workforce measure.

Pure functions on the tables (pass frames in to test them on small synthetic data); the hexagons come
from `csc_figures.hexmap`. A joint return (one figure for two councils) is shown on both councils'
hexagons, marked as joint; a judgement a new council carries from the council it replaced is marked
as inherited.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ... import check_data, dates, hexmap, in_force, judgements, measures, rounding, tables, workforce
from ...dates import day_words
from ...errors import UserError

STORY = "maps"
NOT_JUDGED = "Not yet judged"  # no SIF or ILACS judgement in force on the date
NO_FIGURE = "No figure"  # the release has no figure for the council (suppressed or not returned)
BINS = 5  # quantile groups on a measure map: fifths of councils
# A workforce figure is at 30 September of its year: the councils that existed on that day.
WORKFORCE_DAY = (9, 30)


def _placed(geo: pl.DataFrame | None) -> pl.DataFrame | None:
    """The build's councils on their hexagons, as the check phase placed them from the hex layout file (read
    once per build, there); None for a geography given by the caller (a test's), placed from the file."""
    return check_data.checked("16_maps")["hex_layout"] if geo is None else None


def judgement_map_table(as_of: dt.date | str, history: pl.DataFrame | None = None,
                        geo: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every council existing on as_of, its hexagon and the SIF/ILACS judgement in force then."""
    as_of = dates.as_date(as_of)
    if history is None:
        as_of = in_force.parse_as_of(as_of.isoformat())  # refuses a date outside Ofsted's files
    placed = _placed(geo)
    geo = tables.read("la_geography") if geo is None else geo
    held = in_force.judgements_in_force(as_of, history, geo)
    names = dict(geo.select("la_code", "la_name").rows())
    out = hexmap.on(as_of, geo, placed).join(held.drop("la_name"), on="la_code", how="left", validate="1:1")
    return out.with_columns(
        as_of=pl.lit(as_of),
        judgement_label=pl.col("judgement").replace_strict(judgements.LABELS, default=NOT_JUDGED),
        inherited=pl.col("inherited_from").is_not_null(),
        inherited_from_name=pl.col("inherited_from").replace_strict(names, default=None, return_dtype=pl.String),
    ).sort("la_code")


def judgement_counts(table: pl.DataFrame) -> dict[str, int]:
    """Councils per judgement label, best first, then those not yet judged (zeros kept)."""
    counts = dict(table.group_by("judgement_label").len().rows())
    return {label: counts.get(label, 0) for label in [*judgements.LABELS.values(), NOT_JUDGED]}


def _workforce_rows(year: int, vintage: int | None, panel: pl.DataFrame | None) -> pl.DataFrame:
    panel = workforce.panel(vintage) if panel is None else panel
    held = sorted(panel["year"].unique().to_list())
    if year not in held:
        release = panel["vintage"].max()
        raise UserError(f"year {year}: the workforce release with vintage {release} holds {held[0]}-{held[-1]}")
    return panel.filter((pl.col("geographic_level") == "local_authority") & (pl.col("year") == year))


def measure_map_table(measure: str, year: int, vintage: int | None = None, panel: pl.DataFrame | None = None,
                      geo: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every council existing at 30 September of `year`, its hexagon and its figure for `measure`.

    A joint return's figure goes on each member council, with `joint_with` naming the others. A council
    with no figure keeps its hexagon, with the publisher's flag (suppressed, not returned) as the reason.
    """
    m = measures.measure(measure)
    placed = _placed(geo)
    geo = tables.read("la_geography") if geo is None else geo
    rows = _workforce_rows(year, vintage, panel)
    day = dt.date(year, *WORKFORCE_DAY)
    names = dict(geo.select("la_code", "la_name").rows())
    figures = {}
    # Joint returns first: a member's own row beside one is the publisher's empty placeholder.
    for r in rows.sort("is_joint", descending=True).iter_rows(named=True):
        members = r["joint_codes"] if r["is_joint"] else [r["la_code"]]
        for code in members:
            if code in figures:
                if not r["is_joint"] and r[measure] is None and figures[code]["joint_with"]:
                    continue
                raise UserError(f"{m.words} {year}: two figures for council {names.get(code, code)} ({code}) "
                                f"in the {r['vintage']} release")
            others = [names.get(c, c) for c in members if c != code]
            figures[code] = {"value": r[measure], "flag": r[f"{measure}_flag"], "vintage": r["vintage"],
                             "joint_with": " and ".join(others) if others else None,
                             "joint_return": " and ".join(names.get(c, c) for c in members) if others else None}
    hexes = hexmap.on(day, geo, placed)
    missing = [c for c in figures if c not in set(hexes["la_code"])]
    if missing:
        raise UserError(f"{m.words} {year}: the release has figures for councils that did not exist on "
                        f"{day.isoformat()}: {', '.join(missing)}")
    values = pl.DataFrame([{"la_code": c, **v} for c, v in figures.items()],
                          schema={"la_code": pl.String, "value": pl.Float64, "flag": pl.String,
                                  "vintage": pl.Int64, "joint_with": pl.String, "joint_return": pl.String})
    out = hexes.join(values, on="la_code", how="left", validate="1:1").with_columns(
        measure=pl.lit(measure), year=pl.lit(year),
        vintage=pl.col("vintage").fill_null(rows["vintage"].max() if rows.height else vintage),
        joint=pl.col("joint_with").is_not_null(),
    )
    return with_bins(out, m).sort("la_code")


def with_bins(table: pl.DataFrame, m: measures.Measure, bins: int = BINS) -> pl.DataFrame:
    """Quantile groups of councils by value, each labelled by the lowest and highest figure printed in it.

    A joint return counts once (its members share one figure), so the groups split returns, not
    hexagons. Groups are cut on printed values, so two councils printed alike are never in two groups.
    """
    printed_values = [rounding.round_half_up(v, m.precision) if v is not None else None for v in table["value"]]
    returns = (table.with_columns(p=pl.Series(printed_values, dtype=pl.Float64)).filter(pl.col("p").is_not_null())
               .unique(subset=["p", "joint_with"], keep="first"))
    ordered = sorted(returns["p"].to_list())
    n = len(ordered)
    edges = sorted({ordered[(i * n) // bins] for i in range(1, bins)}) if n else []

    def group(printed: float | None) -> int | None:
        if printed is None:
            return None
        return sum(printed >= edge for edge in edges)

    groups = [group(v) for v in printed_values]
    # Relabel as 0..k-1 over the groups that hold a council, lowest first.
    used = sorted({g for g in groups if g is not None})
    groups = [used.index(g) if g is not None else None for g in groups]
    labels = {}
    for g in range(len(used)):
        inside = [v for v, gg in zip(printed_values, groups, strict=True) if gg == g]
        low, high = min(inside), max(inside)
        labels[g] = f"{m.format(low)} to {m.format(high)}" if low != high else m.format(low)
    return table.with_columns(
        bin=pl.Series(groups, dtype=pl.Int64),
        bin_label=pl.Series([labels[g] if g is not None else NO_FIGURE for g in groups], dtype=pl.String),
        printed=pl.Series([m.format(v) if v is not None else "no figure" for v in table["value"].to_list()],
                          dtype=pl.String),
    )


def bin_labels(table: pl.DataFrame) -> list[str]:
    """The groups' labels, lowest first, then 'No figure' if any council has none."""
    ordered = table.filter(pl.col("bin").is_not_null()).sort("bin")["bin_label"].unique(maintain_order=True).to_list()
    return ordered + ([NO_FIGURE] if table["value"].null_count() else [])


def regions(table: pl.DataFrame) -> pl.DataFrame:
    """Each region's label position: the centre of its councils' hexagons."""
    return (table.group_by("region").agg(x=pl.col("x").mean(), y=pl.col("y").mean(), councils=pl.len())
            .sort("region"))


def filled(as_of: dt.date | str | None, year: int | None, vintage: int | None) -> tuple[dt.date, int, int, list[str]]:
    """The notebook's parameters with what was left open filled in (the latest Ofsted file's as-at date, the
    latest release, the latest year it holds), and a sentence for each saying where it came from."""
    stated = []
    if as_of is None:
        as_of = in_force.coverage()[1]
        stated.append(f"Judgements in force on {day_words(as_of)}: the latest Ofsted file's as-at date.")
    else:
        as_of = in_force.parse_as_of(str(as_of))
        stated.append(f"Judgements in force on {day_words(as_of)}: as given.")
    if vintage is None:
        vintage = max(workforce.vintages())
        stated.append(f"Workforce figures from DfE's {vintage} release: the latest we hold.")
    else:
        stated.append(f"Workforce figures from DfE's {vintage} release: as given.")
    if year is None:
        year = int(workforce.panel(vintage)["year"].max())
        stated.append(f"Workforce year to 30 September {year}: the latest the release holds.")
    else:
        stated.append(f"Workforce year to 30 September {year}: as given.")
    return as_of, int(year), int(vintage), stated


def every_march(last: dt.date) -> list[pl.DataFrame]:
    """The judgement map's table at each 31 March from the first after the single inspection framework began
    to `last`; for a `last` before that first 31 March, that one alone (a map of every council not yet judged
    would say nothing)."""
    from ..inspection_judgements import first_march_after, framework_start, load_inspections, march_dates

    first = first_march_after(framework_start(load_inspections()))
    return [judgement_map_table(day) for day in march_dates(first.year, max(first, last))]
