"""A council's profile as figures: its judgements, workforce series, benchmarks and revisions (pure data)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

import polars as pl

from ... import credits, formatting, measures, rounding, sources, tables
from ...errors import UserError

STORY = "council_profile"

# Columns of `inspections` that are not judgements.
_INSPECTION_FIELDS = {"la_code", "la_name", "framework", "inspection_type", "inspection_start",
                      "inspection_end", "published", "overall", "sources"}
NO_RETURN = "no_return"  # flag for a year the council existed but has no row in the release


def workforce_credit(vintage: int | None = None) -> str:
    """'DfE, Children's social work workforce' (', 2025 release' for one release's chart)."""
    return credits.credit(sources.WORKFORCE, credits.release(sources.WORKFORCE, vintage) if vintage else "")


def ofsted_credit() -> str:
    """Ofsted's outcome files, every one of which a council's judgements since 2009 may come from."""
    return credits.credit(sources.OFSTED_OUTCOMES)



def rise_streak_start(series: dict[str, float | None], end_year: int) -> int | None:
    """First year of the unbroken run of year-on-year rises ending at end_year (None if it did not rise)."""
    start = end_year
    while True:
        this, before = series.get(str(start)), series.get(str(start - 1))
        if formatting._missing(this) or formatting._missing(before) or not this > before:
            break
        start -= 1
    return start if start < end_year else None


def slug(name: str) -> str:
    """'Bournemouth, Christchurch and Poole' -> 'bournemouth-christchurch-and-poole'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")


def display_name(la_name: str) -> str:
    """The name a reader uses: 'Herefordshire, County of' -> 'Herefordshire'."""
    return re.sub(r",\s*(City|County) of$", "", la_name)


# ---- data ----------------------------------------------------------------------------------

@dataclass
class ProfileData:
    """The tables a profile reads; tests pass small synthetic frames instead of the real ones."""
    geography: pl.DataFrame  # la_geography
    neighbours: pl.DataFrame  # statistical_neighbours
    inspections: pl.DataFrame  # inspections
    workforce: pl.DataFrame  # the workforce panel, every vintage
    resolve: Callable[[str], str]  # name/ONS/DfE code -> DfE code (UserError when unknown)
    ofsted_as_at: dt.date | None = None  # the latest Ofsted file's as-at date: no judgement is known after it
    in_force: dict = field(default_factory=dict)  # as_of -> judgements_in_force frame, computed once
    # a release's rows and each council's rows in it, computed once: every council's page reads its
    # neighbours' rows too, so the site's ~160 profiles would otherwise filter the panel ~2,400 times
    panels: dict = field(default_factory=dict)  # vintage -> the release's rows
    unit_rows: dict = field(default_factory=dict)  # (vintage, DfE code) -> _council_rows


def _panel(data: ProfileData, vintage: int) -> pl.DataFrame:
    if vintage not in data.panels:
        data.panels[vintage] = data.workforce.filter(pl.col("vintage") == vintage)
    return data.panels[vintage]


def _rows_in(data: ProfileData, vintage: int, code: str) -> pl.DataFrame:
    """_council_rows of one release, once per council."""
    if (vintage, code) not in data.unit_rows:
        data.unit_rows[(vintage, code)] = _council_rows(_panel(data, vintage), code)
    return data.unit_rows[(vintage, code)]


def _in_force(data: ProfileData, code: str, as_of: dt.date) -> dict | None:
    """The council's Ofsted judgement in force on as_of (in_force.judgements_in_force), or None."""
    from ...in_force import judgements_in_force

    if as_of not in data.in_force:
        data.in_force[as_of] = judgements_in_force(as_of, history=data.inspections, geo=data.geography)
    hit = data.in_force[as_of].filter(pl.col("la_code") == code)
    if hit.is_empty() or hit["judgement"][0] is None:
        return None
    row = hit.row(0, named=True)
    names = dict(zip(data.geography["la_code"], data.geography["la_name"], strict=True))
    return {"as_of": as_of.isoformat(), "judgement": row["judgement"], "framework": row["framework"],
            "published": _iso(row["published"]), "inherited_from": row["inherited_from"],
            "inherited_from_name": names.get(row["inherited_from"]) if row["inherited_from"] else None}


def load_data() -> ProfileData:
    """The processed tables and the geography resolver (tables are cached by file time)."""
    from ...geography import resolve_council
    from ...in_force import coverage

    return ProfileData(
        geography=tables.read("la_geography"),
        neighbours=tables.read("statistical_neighbours"),
        inspections=tables.read("inspections"),
        workforce=tables.read("workforce"),
        resolve=resolve_council,
        ofsted_as_at=coverage()[1],
    )


def _vintage(data: ProfileData, vintage: int | None) -> int:
    held = sorted(data.workforce["vintage"].unique().to_list())
    if vintage is None:
        return held[-1]
    if int(vintage) not in held:
        raise UserError(f"no workforce release with vintage {vintage!r}; we hold {', '.join(map(str, held))}")
    return int(vintage)


def _existed_in(geo_row: dict, year: int) -> bool:
    """Did the council exist at the end of DfE reporting year `year` (30 September)?"""
    census = dt.date(year, 9, 30)
    start, end = geo_row.get("start_date"), geo_row.get("end_date")
    return (start is None or start <= census) and (end is None or end >= census)


def _council_rows(panel: pl.DataFrame, code: str) -> pl.DataFrame:
    """One row per year for a council: its own return, or the joint return that covers it.

    Where a year has both (an all-suppressed own row beside a joint return), the row with
    more published profile figures wins, then the council's own row.
    """
    rows = panel.filter((pl.col("geographic_level") == "local_authority")
                        & ((pl.col("la_code") == code) | pl.col("joint_codes").list.contains(code)))
    if rows.is_empty():
        return rows
    published = pl.sum_horizontal(pl.col(m).is_not_null().cast(pl.Int32) for m in measures.PROFILED)
    return (rows.with_columns(__n=published, __own=(pl.col("la_code") == code))
            .sort("year", "__n", "__own", descending=[False, True, True])
            .unique("year", keep="first", maintain_order=True).drop("__n", "__own"))


def _series(rows: pl.DataFrame, years: list[int]) -> tuple[dict, dict]:
    """{measure: {"YYYY": value}} and {measure: {"YYYY": flag}} for the years given (null when missing)."""
    by_year = {r["year"]: r for r in rows.iter_rows(named=True)}
    values, flags = {}, {}
    for m in measures.PROFILED:
        values[m], flags[m] = {}, {}
        for y in years:
            row = by_year.get(y)
            value = None if row is None else row[m]
            values[m][str(y)] = value
            if value is None:
                flags[m][str(y)] = NO_RETURN if row is None else (row.get(f"{m}_flag") or "missing")
    return values, flags


def _years_for(geo_row: dict, rows: pl.DataFrame, panel_years: list[int]) -> list[int]:
    """Years of the release in which the council existed, plus any year it has a row for."""
    have = set(rows["year"].to_list()) if rows.height else set()
    return [y for y in panel_years if y in have or _existed_in(geo_row, y)]


def _aggregate_series(rows: pl.DataFrame, years: list[int]) -> dict:
    values, _ = _series(rows, years)
    return values


def _region_rows(panel: pl.DataFrame, region: str | None) -> pl.DataFrame:
    if not region:
        return panel.clear()
    return panel.filter((pl.col("geographic_level") == "regional")
                        & (pl.col("region_name").str.to_lowercase() == region.lower()))


def _neighbour_mean(panel: pl.DataFrame, data: ProfileData, code: str, own_rows: pl.DataFrame,
                    years: list[int]) -> tuple[dict, list[dict]]:
    """Unweighted mean of the statistical neighbours' figures, year by year.

    A neighbour whose figures are the council's own joint return (West Northamptonshire for
    North Northamptonshire) is left out: it would count the council as its own neighbour.
    """
    group = data.neighbours.filter(pl.col("la_code") == code).sort("rank")
    own_returns = set(own_rows["la_code"].to_list()) if own_rows.height else set()
    names = dict(zip(data.geography["la_code"], data.geography["la_name"], strict=True))
    members, frames = [], []
    for n in group.iter_rows(named=True):
        rows = _rows_in(data, panel["vintage"][0], n["neighbour_code"]) if panel.height else panel.clear()
        shared = bool(rows.height) and set(rows["la_code"].to_list()) <= own_returns
        members.append({"la_code": n["neighbour_code"], "la_name": names.get(n["neighbour_code"]),
                        "rank": n["rank"], "closeness": n["closeness"],
                        "left_out": "shares the council's joint workforce return" if shared else None})
        if rows.height and not shared:
            frames.append(rows.select("year", *measures.PROFILED))
    mean = {m: {str(y): None for y in years} for m in measures.PROFILED}
    if frames:
        means = (pl.concat(frames).filter(pl.col("year").is_in(years)).group_by("year")
                 .agg(pl.col(m).mean() for m in measures.PROFILED))
        for r in means.iter_rows(named=True):
            for m in measures.PROFILED:
                # at the published precision (one place), so tables and sentences print the same figure
                mean[m][str(r["year"])] = None if r[m] is None else rounding.round_half_up(r[m], 1)
    return mean, members


def _sub_judgement_columns(inspections: pl.DataFrame) -> list[str]:
    return [c for c in inspections.columns
            if c not in _INSPECTION_FIELDS and inspections.schema[c] == pl.String]


def _judgements(data: ProfileData, code: str) -> list[dict]:
    rows = data.inspections.filter(pl.col("la_code") == code).sort("published", nulls_last=True)
    subs = _sub_judgement_columns(data.inspections)
    out = []
    for r in rows.iter_rows(named=True):
        out.append({
            "published": r["published"].isoformat() if r["published"] else None,
            "framework": r["framework"],
            "inspection_type": r["inspection_type"],
            "overall": r["overall"],
            "sub_judgements": {s: r[s] for s in subs if r[s] is not None},
        })
    return out


def _revisions(data: ProfileData, code: str, years: list[int]) -> list[dict]:
    """Council figures that differ between DfE releases: each release's value, oldest release first."""
    found = []
    by_vintage = {}
    for vintage in sorted(data.workforce["vintage"].unique().to_list()):
        rows = _rows_in(data, vintage, code)
        by_vintage[vintage] = {r["year"]: r for r in rows.iter_rows(named=True)}
    for m in measures.PROFILED:
        for y in years:
            held = [(v, rows[y][m]) for v, rows in by_vintage.items() if y in rows]
            if len({value for _, value in held}) > 1:
                found.append({"measure": m, "year": y,
                              "releases": [{"vintage": v, "value": value} for v, value in held]})
    return found


def figure_notes(rows: pl.DataFrame) -> dict[str, dict[str, str]]:
    """{measure: {"YYYY": note}} for the council's figures a reader should not take at face value.

    - a 0% FTE turnover rate while DfE's headcount columns count leavers: the FTE leavers are
      missing from the return, not none;
    - an agency worker rate of 0% beside social workers in post: reported as none, which may be a gap.
    (Joint returns are labelled from profile["joint_returns"].)
    """
    notes: dict[str, dict[str, str]] = {}

    def add(measure: str, year: int, text: str):
        held = notes.setdefault(measure, {})
        held[str(year)] = f"{held[str(year)]}; {text}" if str(year) in held else text

    for r in rows.iter_rows(named=True) if rows.height else []:
        if r["turnover_rate"] == 0 and (r.get("leavers_headcount") or 0) > 0:
            add("turnover_rate", r["year"], f"0.0% FTE turnover, though DfE's headcount figures count "
                f"{formatting.number(r['leavers_headcount'])} leavers: likely missing from the FTE return")
        if r["agency_rate"] == 0 and (r.get("fte") or 0) > 0:
            add("agency_rate", r["year"], f"no agency workers reported (0 FTE) beside {formatting.number(r['fte'], 1)} "
                f"FTE social workers in post: as returned to DfE, possibly a gap rather than none")
    return notes


def _geo_row(data: ProfileData, code: str) -> dict:
    hit = data.geography.filter(pl.col("la_code") == code)
    if hit.is_empty():
        raise UserError(f"council {code!r} is not in la_geography")
    return hit.row(0, named=True)


def _unit_history(data: ProfileData, panel: pl.DataFrame, code: str) -> dict:
    """A council's own judgements and workforce series (used for predecessors too)."""
    geo = _geo_row(data, code)
    rows = _rows_in(data, panel["vintage"][0], code) if panel.height else panel.clear()
    years = _years_for(geo, rows, sorted(panel["year"].unique().to_list()))
    values, flags = _series(rows, years)
    return {"la_code": code, "la_name": geo["la_name"], "start_date": _iso(geo["start_date"]),
            "end_date": _iso(geo["end_date"]), "judgements": _judgements(data, code),
            "indicators": values, "flags": flags, "rows": rows, "years": years}


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _predecessors(data: ProfileData, panel: pl.DataFrame, geo: dict) -> list[dict]:
    """The councils this one replaced, and the ones they replaced, nearest first."""
    seen, queue, out = set(), list(geo.get("predecessor_codes") or []), []
    while queue:
        code = queue.pop(0)
        if code in seen:
            continue
        seen.add(code)
        unit = _unit_history(data, panel, code)
        unit.pop("rows"), unit.pop("years")
        out.append(unit)
        queue += list(_geo_row(data, code).get("predecessor_codes") or [])
    return out


# ---- the profile ---------------------------------------------------------------------------

def profile_figures(council, year: int | None = None, vintage: int | None = None,
                    data: ProfileData | None = None) -> dict:
    """Every figure of a council's profile, as a JSON-ready dict (the profile without its sentences)."""
    data = data or load_data()
    code = data.resolve(str(council).strip())
    geo = _geo_row(data, code)
    vintage = _vintage(data, vintage)
    panel = _panel(data, vintage)
    unit = _unit_history(data, panel, code)
    rows, years = unit.pop("rows"), unit.pop("years")
    with_data = [y for y in years if any(unit["indicators"][m][str(y)] is not None for m in measures.PROFILED)]
    if year is None:
        year = max(with_data) if with_data else (max(years) if years else None)
    elif not years:
        raise UserError(f"{geo['la_name']} has no year in the {vintage} workforce release")
    elif int(year) not in years:
        raise UserError(f"{geo['la_name']} has no {year} in the {vintage} workforce release; "
                        f"it covers {min(years)}-{max(years)}")
    year = int(year) if year is not None else None
    # England, region and neighbours over the council's years (and the predecessors' years).
    predecessors = _predecessors(data, panel, geo)
    all_years = sorted(set(years) | {int(y) for p in predecessors for y in p["indicators"]["fte"]})
    england = _aggregate_series(panel.filter(pl.col("geographic_level") == "national"), all_years)
    region = _aggregate_series(_region_rows(panel, geo["region"]), all_years)
    neighbours, members = _neighbour_mean(panel, data, code, rows, all_years)
    joint = {}  # a joint return's code as published -> its years and the other councils it covers
    for r in rows.iter_rows(named=True) if rows.height else []:
        if r["is_joint"]:
            entry = joint.setdefault(r["la_code"], {"years": [], "codes": r["joint_codes"]})
            entry["years"].append(r["year"])
    names = dict(zip(data.geography["la_code"], data.geography["la_name"], strict=True))
    profile = {
        "la_code": code,
        "ons_code": geo["ons_code"],
        "la_name": geo["la_name"],
        "name": display_name(geo["la_name"]),
        "region": geo["region"],
        "vintage": vintage,
        "year": year,
        "start_date": unit["start_date"],
        "end_date": unit["end_date"],
        "judgements": unit["judgements"],
        "indicators": unit["indicators"],
        "unavailable": {m: f for m, f in unit["flags"].items() if f},
        "england": england,
        "region_indicators": region,
        "neighbours": neighbours,
        "neighbour_councils": members,
        "joint_returns": [{"la_code": j, "years": sorted(e["years"]),
                           "partners": [names.get(c, c) for c in e["codes"] if c != code]}
                          for j, e in sorted(joint.items())],
        "predecessors": predecessors,
        "successors": [{"la_code": c, "la_name": names.get(c)} for c in (geo.get("successor_codes") or [])],
        "revisions": _revisions(data, code, years),
        "notes": figure_notes(rows),
        # only within Ofsted's coverage: after the latest file's as-at date the judgement in force is unknown
        "judgement_in_force": _in_force(data, code, dt.date(year, 9, 30))
        if year and dt.date(year, 9, 30) <= (data.ofsted_as_at or dt.date.max) else None,
    }
    return profile


def nearest_year(council, year: int | None, vintage: int | None = None,
                 data: ProfileData | None = None) -> tuple[int | None, str | None]:
    """The year to profile: `year` if the council has figures for it in the release, else the nearest
    year it has (a council created or abolished since), with a note saying so."""
    data = data or load_data()
    code = data.resolve(str(council).strip())
    geo = _geo_row(data, code)
    release = _vintage(data, vintage)
    rows = _council_rows(data.workforce.filter(pl.col("vintage") == release), code)
    have = sorted(rows.filter(pl.any_horizontal(pl.col(m).is_not_null() for m in measures.PROFILED))["year"].to_list())
    if year is None or not have or int(year) in have:
        return year, None
    nearest = min(have, key=lambda y: (abs(y - int(year)), -y))
    return nearest, (f"{geo['la_name']} has no workforce figures for {year} in the {release} release "
                     f"(it covers {have[0]}-{have[-1]}); the profile uses {nearest}.")


def council_figure(council, measure: str, year: int, vintage: int | None = None,
                   data: ProfileData | None = None) -> float | None:
    """One workforce figure for a council from one release (any measure the panel holds)."""
    data = data or load_data()
    code = data.resolve(str(council).strip())
    panel = data.workforce.filter(pl.col("vintage") == _vintage(data, vintage))
    if measure not in panel.columns:
        raise UserError(f"no workforce measure {measure!r}")
    rows = _council_rows(panel, code).filter(pl.col("year") == int(year))
    return rows[measure][0] if rows.height else None


# ---- tables behind the charts and pages ----------------------------------------------------

def chart_rows(table: pl.DataFrame) -> pl.DataFrame:
    """The rows a chart draws: England's and the region's FTE are totals, not comparable with a council's."""
    return table.filter(~((pl.col("measure") == "fte") & pl.col("role").is_in(["england", "region"])))


def indicator_table(profile: dict) -> pl.DataFrame:
    """Long table: measure, year, series, value, flag, note, the council's figures beside each benchmark.

    `note` marks a council figure not to take at face value (`figure_notes`: a publisher's artefact);
    `joint_return` a year whose figures are one return for two councils; `flag` why a figure is missing.
    """
    rows = []
    region = f"{profile['region']} average" if profile["region"] else "Region"

    def add(series_name: str, role: str, source: dict, flags: dict | None = None, notes: dict | None = None):
        for m in measures.PROFILED:
            for y, v in source[m].items():
                rows.append({"measure": m, "panel": measures.label(m), "year": int(y), "series": series_name,
                             "role": role, "value": v,
                             "flag": (flags or {}).get(m, {}).get(y) if v is None else None,
                             "note": (notes or {}).get(m, {}).get(y),
                             "joint_return": joint.get(int(y)) if role == "council" else None})

    joint = {y: f"one joint return with {' and '.join(j['partners'])}"
             for j in profile["joint_returns"] for y in j["years"]}
    add(profile["name"], "council", profile["indicators"], profile["unavailable"], profile.get("notes"))
    for p in profile["predecessors"]:
        add(f"{p['la_name']} (predecessor)", "predecessor", p["indicators"], p["flags"])
    add("England", "england", profile["england"])
    add(region, "region", profile["region_indicators"])
    add("Statistical neighbours (mean)", "neighbours", profile["neighbours"])
    schema = {"measure": pl.String, "panel": pl.String, "year": pl.Int64, "series": pl.String, "role": pl.String,
              "value": pl.Float64, "flag": pl.String, "note": pl.String, "joint_return": pl.String}
    df = pl.DataFrame(rows, schema=schema, orient="row")
    return df.with_columns(pl.lit(profile["vintage"], pl.Int64).alias("vintage"))


def judgement_table(profile: dict) -> pl.DataFrame:
    """Long table: council, published, framework, inspection_type, area, rating (own and predecessors')."""
    rows = []
    units = [(profile["name"], "council", profile["judgements"])]
    units += [(f"{p['la_name']} (predecessor)", "predecessor", p["judgements"]) for p in profile["predecessors"]]
    for label, role, held in units:
        for j in held:
            areas = {"overall": j["overall"], **j.get("sub_judgements", {})}
            for area, rating in areas.items():
                rows.append({"council": label, "role": role, "published": j["published"],
                             "framework": j["framework"], "inspection_type": j["inspection_type"],
                             "area": area, "rating": rating})
    schema = {"council": pl.String, "role": pl.String, "published": pl.String, "framework": pl.String,
              "inspection_type": pl.String, "area": pl.String, "rating": pl.String}
    df = pl.DataFrame(rows, schema=schema, orient="row")
    return df.with_columns(pl.col("published").str.to_date())
