"""A profile of any council, and of every council at once.

One function, `council_profile`, gathers a council's Ofsted judgements since 2009,
its workforce indicators in every year of a DfE release against England, its
region and the mean of its statistical neighbours, and writes sentences in the
articles' style. The notebook (11_council_profile), the CLI (`csc-figures council`)
and the batch of offline pages (`python -m csc_figures.stories.profile --all`) all
call it, so they cannot disagree.

Rules the sentences follow (each a small function with boundary tests):
- `change_verb` says how a figure moved, from the ratio new/old of the printed values;
- `comparison_word` says how a figure stands against a benchmark, from the same ratio;
- `judgement_change_word` says whether Ofsted upgraded, downgraded or kept a rating.

Reorganised councils: a council's own figures are its own; the councils it replaced
appear as labelled predecessors (their judgements and workforce series), and a council
that no longer exists has figures only for the years it existed. Where DfE publishes one
return for two councils (Kingston and Richmond; North and West Northamptonshire) both
councils show that return, said so in words, and neither counts the other as a neighbour.

The profile (JSON-ready dict): la_code, ons_code, la_name (DfE spelling), name (the reader's),
region (its name), vintage, year, start_date, end_date, judgements [{published, framework,
inspection_type, overall, sub_judgements}], indicators {measure: {"YYYY": value or null}},
unavailable {measure: {"YYYY": suppression code}}, england, region_indicators and neighbours
(the same shape; neighbours = unweighted mean of the statistical neighbours' published figures),
neighbour_councils, joint_returns, predecessors, successors, revisions (each release's value
where releases differ), judgement_in_force (at the end of the workforce year) and sentences.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import polars as pl

from .. import formatting, paths, tables
from ..errors import UserError

STORY = "council_profile"

# measure -> the reader's words for it
INDICATORS = {
    "turnover_rate": "turnover rate",
    "vacancy_rate": "vacancy rate",
    "agency_rate": "agency worker rate",
    "absence_rate": "sickness absence rate",
    "caseload": "average caseload",
    "fte": "social workers in post (FTE)",
}
RATES = ("turnover_rate", "vacancy_rate", "agency_rate", "absence_rate")
# Short panel titles for charts.
PANEL_TITLES = {
    "turnover_rate": "Turnover rate (%)",
    "vacancy_rate": "Vacancy rate (%)",
    "agency_rate": "Agency worker rate (%)",
    "absence_rate": "Sickness absence rate (%)",
    "caseload": "Average caseload (cases per social worker)",
    "fte": "Social workers in post (FTE)",
}
RATING_WORDS = {"outstanding": "outstanding", "good": "good",
                "requires_improvement": "requires improvement", "inadequate": "inadequate"}
RATING_RANK = {"inadequate": 0, "requires_improvement": 1, "good": 2, "outstanding": 3}
# Columns of `inspections` that are not judgements.
_INSPECTION_FIELDS = {"la_code", "la_name", "framework", "inspection_type", "inspection_start",
                      "inspection_end", "published", "overall", "sources"}
SOURCE_WORKFORCE = "DfE, Children's social work workforce"
SOURCE_OFSTED = "Ofsted, children's social care inspection outcomes"
NO_RETURN = "no_return"  # flag for a year the council existed but has no row in the release


# ---- the rules behind the comparison words -------------------------------------------------

def _units(value: float, places: int) -> int:
    """A value at the precision the sentence prints, as an integer, so thresholds compare exactly."""
    return round(round(value, places) * 10**places)


def change_verb(old: float | None, new: float | None, places: int = 1) -> str:
    """How a figure moved, judged on the printed values (ratio r = new/old).

    Rises: r >= 2 'more than doubled' (exactly 2: 'doubled'); 1.7 <= r < 2 'almost doubled';
    1.25 <= r < 1.7 'leapt'; 1.1 <= r < 1.25 'rose'; r < 1.1 'edged up' (a caseload of 17.4 to
    18.3, +5%, is 'edged up' in house style). Falls mirror them: r <= 0.5 'more than halved'
    (exactly 0.5: 'halved'); r <= 0.6 'almost halved'; r <= 0.75 'fell sharply'; r <= 0.9 'fell';
    above 0.9 'edged down'.
    Equal printed values: 'was unchanged'.
    """
    if formatting._missing(old) or formatting._missing(new):
        return "is unavailable"
    a, b = _units(old, places), _units(new, places)
    if a == b:
        return "was unchanged"
    if a <= 0:
        return "rose" if b > a else "fell"
    if b > a:
        if b == 2 * a:
            return "doubled"
        if b > 2 * a:
            return "more than doubled"
        if 100 * b >= 170 * a:
            return "almost doubled"
        if 100 * b >= 125 * a:
            return "leapt"
        if 100 * b >= 110 * a:
            return "rose"
        return "edged up"
    if 2 * b == a:
        return "halved"
    if 2 * b < a:
        return "more than halved"
    if 100 * b <= 60 * a:
        return "almost halved"
    if 100 * b <= 75 * a:
        return "fell sharply"
    if 100 * b <= 90 * a:
        return "fell"
    return "edged down"


def comparison_word(value: float | None, reference: float | None, places: int = 1) -> str | None:
    """How a figure stands against a benchmark, on the printed values (ratio r = value/reference).

    r >= 2.1 'more than double'; 1.9 <= r < 2.1 'double'; 1.05 < r < 1.9 'above';
    0.95 <= r <= 1.05 'in line with'; 0.55 < r < 0.95 'below'; 0.45 <= r <= 0.55 'half';
    r < 0.45 'less than half'. None when either figure is unavailable.
    """
    if formatting._missing(value) or formatting._missing(reference):
        return None
    v, r = _units(value, places), _units(reference, places)
    if r <= 0:
        return "above" if v > r else "in line with" if v == r else "below"
    if 100 * v >= 210 * r:
        return "more than double"
    if 100 * v >= 190 * r:
        return "double"
    if 100 * v > 105 * r:
        return "above"
    if 100 * v >= 95 * r:
        return "in line with"
    if 100 * v > 55 * r:
        return "below"
    if 100 * v >= 45 * r:
        return "half"
    return "less than half"


def judgement_change_word(previous: str | None, latest: str | None) -> str:
    """'upgraded', 'downgraded' or 'kept' comparing two overall judgements; 'first' with no earlier one."""
    if latest not in RATING_RANK:
        return "none"
    if previous not in RATING_RANK:
        return "first"
    diff = RATING_RANK[latest] - RATING_RANK[previous]
    return "upgraded" if diff > 0 else "downgraded" if diff < 0 else "kept"


def rise_streak_start(series: dict[str, float | None], end_year: int) -> int | None:
    """First year of the unbroken run of year-on-year rises ending at end_year (None if it did not rise)."""
    start = end_year
    while True:
        this, before = series.get(str(start)), series.get(str(start - 1))
        if formatting._missing(this) or formatting._missing(before) or not this > before:
            break
        start -= 1
    return start if start < end_year else None


# ---- formatting helpers --------------------------------------------------------------------

def fmt(measure: str, value: float | None) -> str:
    """A figure as the sentences print it."""
    return formatting.pct(value) if measure in RATES else formatting.number(value, 1)


def rating_text(rating: str | None) -> str:
    return f"‘{RATING_WORDS.get(rating, rating or 'no judgement')}’"


def slug(name: str) -> str:
    """'Bournemouth, Christchurch and Poole' -> 'bournemouth-christchurch-and-poole'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")


def display_name(la_name: str) -> str:
    """The name a reader uses: 'Herefordshire, County of' -> 'Herefordshire'."""
    return re.sub(r",\s*(City|County) of$", "", la_name)


def possessive(name: str) -> str:
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def _month(date_text: str | None) -> str:
    if not date_text:
        return "an unknown date"
    return dt.date.fromisoformat(date_text[:10]).strftime("%B %Y")


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


def _in_force(data: ProfileData, code: str, as_of: dt.date) -> dict | None:
    """The council's Ofsted judgement in force on as_of (inspections.judgements_in_force), or None."""
    from ..inspections import judgements_in_force

    if as_of not in data.in_force:
        data.in_force[as_of] = judgements_in_force(as_of, history=data.inspections, geo=data.geography)
    hit = data.in_force[as_of].filter(pl.col("la_code") == code)
    if hit.is_empty() or hit["judgement"][0] is None:
        return None
    row = hit.row(0, named=True)
    names = dict(zip(data.geography["la_code"], data.geography["la_name"]))
    return {"as_of": as_of.isoformat(), "judgement": row["judgement"], "framework": row["framework"],
            "published": _iso(row["published"]), "inherited_from": row["inherited_from"],
            "inherited_from_name": names.get(row["inherited_from"]) if row["inherited_from"] else None}


def load_data() -> ProfileData:
    """The processed tables and the geography resolver (tables are cached by file time)."""
    from ..geography import resolve_council
    from ..inspections import coverage

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
    published = pl.sum_horizontal(pl.col(m).is_not_null().cast(pl.Int32) for m in INDICATORS)
    return (rows.with_columns(__n=published, __own=(pl.col("la_code") == code))
            .sort("year", "__n", "__own", descending=[False, True, True])
            .unique("year", keep="first", maintain_order=True).drop("__n", "__own"))


def _series(rows: pl.DataFrame, years: list[int]) -> tuple[dict, dict]:
    """{measure: {"YYYY": value}} and {measure: {"YYYY": flag}} for the years given (null when missing)."""
    by_year = {r["year"]: r for r in rows.iter_rows(named=True)}
    values, flags = {}, {}
    for m in INDICATORS:
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
    names = dict(zip(data.geography["la_code"], data.geography["la_name"]))
    members, frames = [], []
    for n in group.iter_rows(named=True):
        rows = _council_rows(panel, n["neighbour_code"])
        shared = bool(rows.height) and set(rows["la_code"].to_list()) <= own_returns
        members.append({"la_code": n["neighbour_code"], "la_name": names.get(n["neighbour_code"]),
                        "rank": n["rank"], "closeness": n["closeness"],
                        "left_out": "shares the council's joint workforce return" if shared else None})
        if rows.height and not shared:
            frames.append(rows.select("year", *INDICATORS))
    mean = {m: {str(y): None for y in years} for m in INDICATORS}
    if frames:
        means = (pl.concat(frames).filter(pl.col("year").is_in(years)).group_by("year")
                 .agg(pl.col(m).mean() for m in INDICATORS))
        for r in means.iter_rows(named=True):
            for m in INDICATORS:
                # at the published precision (one place), so tables and sentences print the same figure
                mean[m][str(r["year"])] = None if r[m] is None else float(f"{r[m]:.1f}")
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
        rows = _council_rows(data.workforce.filter(pl.col("vintage") == vintage), code)
        by_vintage[vintage] = {r["year"]: r for r in rows.iter_rows(named=True)}
    for m in INDICATORS:
        for y in years:
            held = [(v, rows[y][m]) for v, rows in by_vintage.items() if y in rows]
            if len({value for _, value in held}) > 1:
                found.append({"measure": m, "year": y,
                              "releases": [{"vintage": v, "value": value} for v, value in held]})
    return found


def _geo_row(data: ProfileData, code: str) -> dict:
    hit = data.geography.filter(pl.col("la_code") == code)
    if hit.is_empty():
        raise UserError(f"council {code!r} is not in la_geography")
    return hit.row(0, named=True)


def _unit_history(data: ProfileData, panel: pl.DataFrame, code: str) -> dict:
    """A council's own judgements and workforce series (used for predecessors too)."""
    geo = _geo_row(data, code)
    rows = _council_rows(panel, code)
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

def council_profile(council, year: int | None = None, vintage: int | None = None,
                    data: ProfileData | None = None) -> dict:
    """Everything the desk quotes about one council, as a JSON-ready dict (see module docstring)."""
    data = data or load_data()
    code = data.resolve(str(council).strip())
    geo = _geo_row(data, code)
    vintage = _vintage(data, vintage)
    panel = data.workforce.filter(pl.col("vintage") == vintage)
    unit = _unit_history(data, panel, code)
    rows, years = unit.pop("rows"), unit.pop("years")
    with_data = [y for y in years if any(unit["indicators"][m][str(y)] is not None for m in INDICATORS)]
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
    names = dict(zip(data.geography["la_code"], data.geography["la_name"]))
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
        # only within Ofsted's coverage: after the latest file's as-at date the judgement in force is unknown
        "judgement_in_force": _in_force(data, code, dt.date(year, 9, 30))
        if year and dt.date(year, 9, 30) <= (data.ofsted_as_at or dt.date.max) else None,
    }
    profile["sentences"] = sentences(profile)
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
    have = sorted(rows.filter(pl.any_horizontal(pl.col(m).is_not_null() for m in INDICATORS))["year"].to_list())
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


# ---- sentences -----------------------------------------------------------------------------

def _value(series: dict, year: int | None):
    return None if year is None else series.get(str(year))


def _movement(profile: dict, measure: str, y0: int, y1: int) -> str:
    """'leapt from 13.3% to 18.3%', 'was unchanged at 4.1%' or why the figure is unavailable."""
    s = profile["indicators"][measure]
    old, new = _value(s, y0), _value(s, y1)
    if old is None or new is None:
        missing = [str(y) for y, v in ((y0, old), (y1, new)) if v is None]
        flags = profile["unavailable"].get(measure, {})
        why = "; ".join((f"{y}: " if len(missing) > 1 else "") + _flag_words(flags.get(y)) for y in missing)
        return f"is unavailable for {' and '.join(missing)} ({why})"
    verb = change_verb(old, new)
    if verb == "was unchanged":
        return f"was unchanged at {fmt(measure, new)}"
    return f"{verb} from {fmt(measure, old)} to {fmt(measure, new)}"


def _flag_words(flag: str | None) -> str:
    if flag == NO_RETURN:
        return "no return in this release"
    if flag == "not_published":
        return "not published in this release"
    return f"suppressed by DfE, code {flag}" if flag else "not published"


def _direction(profile: dict, measure: str, y0: int, y1: int) -> int:
    s = profile["indicators"][measure]
    old, new = _value(s, y0), _value(s, y1)
    if old is None or new is None:
        return 0
    return (_units(new, 1) > _units(old, 1)) - (_units(new, 1) < _units(old, 1))


def _benchmarks(profile: dict, measure: str, year: int) -> str | None:
    """'above the national average of 16.7% and in line with the London average of 14.5%'."""
    value = _value(profile["indicators"][measure], year)
    parts = []
    for series, label in ((profile["england"], "the national average"),
                          (profile["region_indicators"], f"the {profile['region']} average"),
                          (profile["neighbours"], "its statistical neighbours’ average")):
        reference = _value(series[measure], year)
        word = comparison_word(value, reference)
        if word:
            # "above the national average of A and the London average of B": say a shared word once
            said = parts and parts[-1][0] == word
            parts.append((word, f"{'' if said else word + ' '}{label} of {fmt(measure, reference)}"))
    parts = [text for _, text in parts]
    if not parts:
        return None
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _judgement_sentence(profile: dict) -> list[str]:
    name = profile["name"]
    rated = [j for j in profile["judgements"] if j["overall"] in RATING_RANK]
    out = []
    if not rated:
        inherited = [(p["la_name"], j) for p in profile["predecessors"] for j in p["judgements"]
                     if j["overall"] in RATING_RANK]
        if inherited:
            pred, j = max(inherited, key=lambda pj: pj[1]["published"] or "")
            out.append(f"Ofsted has published no overall judgement of {name} itself; its predecessor "
                       f"{pred} was last rated {rating_text(j['overall'])} ({j['framework']}, "
                       f"{_month(j['published'])}).")
        else:
            out.append(f"Ofsted has published no overall judgement of {name} in the data we hold.")
        return out
    latest = rated[-1]
    previous = rated[-2] if len(rated) > 1 else None
    when = f"in {_month(latest['published'])} ({latest['framework']})"
    word = judgement_change_word(previous and previous["overall"], latest["overall"])
    if word == "first":
        out.append(f"Ofsted rated {name} {rating_text(latest['overall'])} {when}, its first overall "
                   f"judgement in the data we hold.")
    elif word == "kept":
        out.append(f"Ofsted rated {name} {rating_text(latest['overall'])} {when}, as it did in "
                   f"{previous['published'][:4]} ({previous['framework']}).")
    else:
        out.append(f"Ofsted {word} {name} to {rating_text(latest['overall'])} {when}, from the "
                   f"{rating_text(previous['overall'])} rating it earned in {previous['published'][:4]} "
                   f"({previous['framework']}).")
    if previous:
        moves = []
        for area, now in latest["sub_judgements"].items():
            before = previous["sub_judgements"].get(area)
            change = judgement_change_word(before, now)
            if change in ("upgraded", "downgraded"):
                moves.append(f"{_area_label(area).lower()} {'improved' if change == 'upgraded' else 'fell'} from "
                             f"{rating_text(before)} to {rating_text(now)}")
        if moves:
            out.append(f"Between those inspections, {', '.join(moves[:-1])}{' and ' if len(moves) > 1 else ''}"
                       f"{moves[-1]}.")
    return out


def revision_text(revision: dict) -> str:
    """'25.9% (2022 release); 25.0% (2023-2025 releases)': each value with the releases that give it."""
    runs: list[list] = []
    for rel in revision["releases"]:
        if runs and runs[-1][0] == rel["value"]:
            runs[-1][2] = rel["vintage"]
        else:
            runs.append([rel["value"], rel["vintage"], rel["vintage"]])
    return "; ".join(f"{fmt(revision['measure'], v)} ({a} release)" if a == b
                     else f"{fmt(revision['measure'], v)} ({a}-{b} releases)" for v, a, b in runs)


def _revision_sentences(profile: dict, years: set[int]) -> list[str]:
    out = []
    for r in profile["revisions"]:
        if r["year"] not in years:
            continue
        first, *later = r["releases"]
        changes, last = [], first["value"]
        for rel in later:
            if rel["value"] != last:
                changes.append(f"the {rel['vintage']} release to {fmt(r['measure'], rel['value'])}")
                last = rel["value"]
        text = changes[0].replace(" to ", " revised it to ", 1)
        text = " and ".join([text, *changes[1:]])
        out.append(f"DfE’s {first['vintage']} release put {possessive(profile['name'])} {r['year']} "
                   f"{INDICATORS[r['measure']]} at {fmt(r['measure'], first['value'])}; {text}.")
    return out


def sentences(profile: dict) -> list[str]:
    """Article-style sentences for the profile's year against the year before."""
    name, y1 = profile["name"], profile["year"]
    out = _judgement_sentence(profile)
    if profile["predecessors"]:
        described = []
        for p in profile["predecessors"]:
            rated = [j for j in p["judgements"] if j["overall"] in RATING_RANK]
            described.append(p["la_name"] + (f" (last rated {rating_text(rated[-1]['overall'])} by Ofsted, "
                                              f"{_month(rated[-1]['published'])})" if rated else ""))
        whose = "predecessors’" if len(described) > 1 else "predecessor’s"
        out.append(f"{name} took over children’s services on {_long_date(profile['start_date'])} from "
                   f"{' and '.join(described)}; the {whose} figures are shown separately and labelled as such.")
    if profile["end_date"]:
        succ = " and ".join(s["la_name"] or s["la_code"] for s in profile["successors"]) or "other councils"
        out.append(f"{name} ceased to exist on {_long_date(profile['end_date'])}, replaced by {succ}; "
                   f"its figures cover the years it existed.")
    for j in profile["joint_returns"]:
        partners = " and ".join(j["partners"])
        span = f"{min(j['years'])}" + (f"-{max(j['years'])}" if max(j["years"]) > min(j["years"]) else "")
        out.append(f"DfE publishes one workforce return for {name} and {partners} ({span}); "
                   f"those figures cover both councils.")
    if y1 is None:
        out.append(f"The {profile['vintage']} DfE release holds no workforce figures for {name}.")
        return out
    later = [y for y in profile["indicators"]["fte"]
             if int(y) > y1 and all(profile["indicators"][m][y] is None for m in INDICATORS)]
    for y in later:  # years the council existed but every figure is unavailable
        flags = sorted({f for m in INDICATORS if (f := profile["unavailable"].get(m, {}).get(y))})
        out.append(f"Every {y} workforce figure for {name} is unavailable in this release "
                   f"({'; '.join(_flag_words(f) for f in flags)}); the sentences use {y1}.")
    force = profile.get("judgement_in_force")
    if force:
        source = (f", inherited from its predecessor {force['inherited_from_name']}" if force["inherited_from"]
                  else "")
        out.append(f"At 30 September {y1}, the end of that workforce year, its Ofsted judgement in force was "
                   f"{rating_text(force['judgement'])} ({force['framework']}, published {_month(force['published'])}"
                   f"{source}).")
    y0 = y1 - 1
    has_previous = str(y0) in profile["indicators"]["turnover_rate"]
    when = f"between {y0} and {y1}"
    if has_previous:
        t, v = _direction(profile, "turnover_rate", y0, y1), _direction(profile, "vacancy_rate", y0, y1)
        joiner = "as its vacancy rate also" if t and t == v else "while its vacancy rate"
        vac = _movement(profile, "vacancy_rate", y0, y1)
        if joiner.endswith("also"):
            vac = vac.replace(" from ", ", from ", 1)
        turnover = _movement(profile, "turnover_rate", y0, y1)
        span = "" if turnover.startswith("is unavailable") else f" {when}"
        out.append(f"{possessive(name)} turnover rate {turnover}{span}, {joiner} {vac}.")
        for m in ("agency_rate", "caseload"):
            moved = _movement(profile, m, y0, y1)
            out.append(f"Its {INDICATORS[m]} {moved}{'' if moved.startswith('is unavailable') else ' ' + when}.")
    for m in ("turnover_rate", "vacancy_rate", "agency_rate", "caseload", "absence_rate"):
        value = _value(profile["indicators"][m], y1)
        if value is None:
            if not has_previous:
                flag = profile["unavailable"].get(m, {}).get(str(y1))
                out.append(f"Its {y1} {INDICATORS[m]} is unavailable ({_flag_words(flag)}).")
            continue
        bench = _benchmarks(profile, m, y1)
        if bench:
            out.append(f"In {y1} its {INDICATORS[m]} of {fmt(m, value)} was {bench}.")
    for m in ("turnover_rate", "vacancy_rate", "agency_rate"):
        start = rise_streak_start(profile["indicators"][m], y1)
        if start is not None and y1 - start >= 3:
            then, now = _value(profile["indicators"][m], start), _value(profile["indicators"][m], y1)
            out.append(f"{possessive(name)} {INDICATORS[m]} has risen year on year since {start}: at {fmt(m, now)} "
                       f"in {y1} it was {comparison_word(now, then)} the {start} rate of {fmt(m, then)}.")
    fte_now, fte_then = _value(profile["indicators"]["fte"], y1), _value(profile["indicators"]["fte"], y0)
    if fte_now is not None:
        text = f"It had {formatting.number(fte_now, 1)} social workers in post (FTE) at 30 September {y1}"
        if fte_then is not None and fte_then != fte_now:
            more = "more" if fte_now > fte_then else "fewer"
            text += f", {formatting.change_pct(fte_then, fte_now).lstrip('-')} {more} than a year earlier"
        out.append(text + ".")
    out += _revision_sentences(profile, {y0, y1})
    out.append(f"Workforce figures are from DfE’s {profile['vintage']} release; years run to 30 September.")
    return out


def _long_date(text: str | None) -> str:
    if not text:
        return "an unknown date"
    d = dt.date.fromisoformat(text)
    return f"{d.day} {d:%B %Y}"


# ---- tables behind the charts and pages ----------------------------------------------------

def chart_rows(table: pl.DataFrame) -> pl.DataFrame:
    """The rows a chart draws: England's and the region's FTE are totals, not comparable with a council's."""
    return table.filter(~((pl.col("measure") == "fte") & pl.col("role").is_in(["england", "region"])))


def indicator_table(profile: dict) -> pl.DataFrame:
    """Long table: measure, year, series, value, flag, the council's figures beside each benchmark."""
    rows = []
    region = f"{profile['region']} average" if profile["region"] else "Region"

    def add(series_name: str, role: str, source: dict, flags: dict | None = None):
        for m in INDICATORS:
            for y, v in source[m].items():
                rows.append({"measure": m, "panel": PANEL_TITLES[m], "year": int(y), "series": series_name,
                             "role": role, "value": v,
                             "flag": (flags or {}).get(m, {}).get(y) if v is None else None})

    add(profile["name"], "council", profile["indicators"], profile["unavailable"])
    for p in profile["predecessors"]:
        add(f"{p['la_name']} (predecessor)", "predecessor", p["indicators"], p["flags"])
    add("England", "england", profile["england"])
    add(region, "region", profile["region_indicators"])
    add("Statistical neighbours (mean)", "neighbours", profile["neighbours"])
    schema = {"measure": pl.String, "panel": pl.String, "year": pl.Int64, "series": pl.String, "role": pl.String,
              "value": pl.Float64, "flag": pl.String}
    df = pl.DataFrame(rows, schema=schema, orient="row")
    return df.with_columns(pl.lit(profile["vintage"], pl.Int64).alias("vintage"))


def judgement_table(profile: dict) -> pl.DataFrame:
    """Long table: council, published, framework, inspection_type, area, rating (own and predecessors')."""
    rows = []
    units = [(profile["name"], "council", profile["judgements"])]
    units += [(f"{p['la_name']} (predecessor)", "predecessor", p["judgements"]) for p in profile["predecessors"]]
    for label, role, judgements in units:
        for j in judgements:
            areas = {"overall": j["overall"], **j.get("sub_judgements", {})}
            for area, rating in areas.items():
                rows.append({"council": label, "role": role, "published": j["published"],
                             "framework": j["framework"], "inspection_type": j["inspection_type"],
                             "area": area, "rating": rating})
    schema = {"council": pl.String, "role": pl.String, "published": pl.String, "framework": pl.String,
              "inspection_type": pl.String, "area": pl.String, "rating": pl.String}
    df = pl.DataFrame(rows, schema=schema, orient="row")
    return df.with_columns(pl.col("published").str.to_date())


# ---- charts --------------------------------------------------------------------------------

_AREA_LABELS = {"overall": "Overall", "lscb": "LSCB (safeguarding board)"}


def _area_label(area: str) -> str:
    return _AREA_LABELS.get(area, area.replace("_", " ").capitalize())


def judgement_words(profile: dict) -> dict:
    """Title, subtitle and alt text of the judgement timeline (shared by the notebook chart and the pages)."""
    name = profile["name"]
    rated = [j for j in profile["judgements"] if j["overall"] in RATING_RANK]
    if rated:
        latest = rated[-1]
        title = f"{name} was rated {rating_text(latest['overall'])} at its latest inspection ({latest['published'][:4]})"
    else:
        title = f"{name}: no overall Ofsted judgement of its own yet"
    units = [(name, profile["judgements"])] + [(f"{p['la_name']} (predecessor)", p["judgements"])
                                                for p in profile["predecessors"]]
    listed = "; ".join(f"{label}, {j['framework']} published {_long_date(j['published'])}: "
                       f"{RATING_WORDS.get(j['overall'], 'no overall judgement')}"
                       for label, js in units for j in js)
    alt_text = (f"Timeline of Ofsted inspections of {name}"
                + (f" and its predecessors" if profile["predecessors"] else "")
                + (f" since 2009. {listed}." if listed else ": none in the data we hold."))
    return {"title": title, "alt_text": alt_text,
            "subtitle": "Overall judgement and sub-judgements by publication date; shape shows the framework"}


def indicator_words(profile: dict) -> dict:
    """Title, subtitle and alt text of the indicator chart (shared by the notebook chart and the pages)."""
    name, y1 = profile["name"], profile["year"]
    turnover = _value(profile["indicators"]["turnover_rate"], y1)
    word = comparison_word(turnover, _value(profile["england"]["turnover_rate"], y1))
    verb = change_verb(_value(profile["indicators"]["turnover_rate"], y1 - 1 if y1 else None), turnover)
    moved = {"is unavailable": "was", "was unchanged": "stayed at"}.get(verb, f"{verb} to")
    if word:
        title = (f"{possessive(name)} turnover rate {moved} {fmt('turnover_rate', turnover)} in {y1}, "
                 f"{word} the national average")
    else:
        title = f"{possessive(name)} social work workforce against England, its region and its neighbours"
    subtitle = [f"Years to 30 September, DfE {profile['vintage']} release. Compared with England, the "
                f"{profile['region']} average and the mean of its statistical neighbours",
                "Social workers in post: neighbours only, as England’s and the region’s figures are totals"]
    if any(profile["unavailable"].values()):
        subtitle.append("Gaps are figures DfE suppressed or did not publish")
    if profile["predecessors"]:
        subtitle.append("Predecessor councils’ figures are drawn separately and labelled")
    alt_text = (f"Six line charts of {possessive(name)} workforce indicators by year against England, "
                f"the {profile['region']} average and its statistical neighbours. "
                + (" ".join(f"{INDICATORS[m][0].upper()}{INDICATORS[m][1:]} in {y1}: {fmt(m, _value(profile['indicators'][m], y1))}."
                            for m in INDICATORS) if y1 else f"No workforce figures for {name}."))
    return {"title": title, "subtitle": subtitle, "alt_text": alt_text}


def judgement_chart(profile: dict):
    """Timeline of every Ofsted judgement: one row per judgement area, coloured by rating."""
    import altair as alt

    from .. import charts

    df = judgement_table(profile).drop_nulls("rating")
    plot = df.with_columns(
        pl.col("area").map_elements(_area_label, return_dtype=pl.String).alias("area_label"),
        pl.col("rating").replace_strict(RATING_WORDS, default=pl.col("rating")).alias("rating_words"),
    )
    words = judgement_words(profile)
    area_order = ["Overall"] + [a for a in plot["area_label"].unique(maintain_order=True).to_list() if a != "Overall"]
    if plot.is_empty():
        base = alt.Chart(pl.DataFrame({"text": ["No Ofsted judgements in the data we hold"]})).mark_text(
            size=14, align="left").encode(text="text:N", x=alt.value(0), y=alt.value(20)).properties(
            width=520, height=40)
    else:
        points = alt.Chart(plot).mark_point(filled=True, size=140, opacity=1).encode(
            x=alt.X("published:T", title="Publication date", axis=alt.Axis(format="%Y", tickCount="year"),
                    scale=alt.Scale(domain=["2009-01-01", f"{max(2025, plot['published'].max().year) + 1}-01-01"])),
            y=alt.Y("area_label:N", title=None, sort=area_order),
            color=alt.Color("rating:N", **charts.judgement_scale("rating")),
            shape=alt.Shape("framework:N", title="Framework"),
            tooltip=["council:N", "published:T", "framework:N", "inspection_type:N", "area_label:N",
                     "rating_words:N"],
        ).properties(width=520, height=max(40, 22 * len(area_order)))
        base = points.facet(row=alt.Row("council:N", title=None, sort=plot["council"].unique(maintain_order=True)
                                        .to_list(), header=alt.Header(labelAngle=0, labelAlign="left",
                                                                      labelFontWeight="bold", labelFontSize=13)),
                            ).resolve_scale(y="independent") if plot["council"].n_unique() > 1 else points
    return charts.titled(base, words["title"], words["subtitle"], f"Source: {SOURCE_OFSTED}", words["alt_text"]), df


def indicator_chart(profile: dict):
    """Six small multiples: each indicator over every year, council against England, region, neighbours."""
    import altair as alt

    from .. import charts

    df = indicator_table(profile)
    series = df["series"].unique(maintain_order=True).to_list()
    styles = _series_styles(df)
    dash = {"": [1, 0], "6 3": [6, 3], "2 2": [2, 2], "8 2 2 2": [8, 2, 2, 2]}
    base = alt.Chart(chart_rows(df)).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", scale=alt.Scale(domain=series, range=[styles[s][0] for s in series]),
                        sort=series, legend=alt.Legend(title=None, orient="top", columns=2, labelLimit=0,
                                                       symbolType="stroke", symbolStrokeWidth=3, symbolSize=400)),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=[dash[styles[s][1]]
                                                                                      for s in series]),
                                  sort=series, legend=alt.Legend(title=None, orient="top", columns=2, labelLimit=0,
                                                                 symbolType="stroke", symbolStrokeWidth=3,
                                                                 symbolSize=400)),
        tooltip=["series:N", "year:O", alt.Tooltip("value:Q", format=",.1f"), "flag:N"],
    )
    lines = base.mark_line(strokeWidth=2) + base.mark_point(filled=True, size=30).transform_filter(
        alt.datum.value != None)  # noqa: E711 (Vega expression)
    chart = lines.properties(width=250, height=130).facet(
        facet=alt.Facet("panel:N", title=None, sort=[PANEL_TITLES[m] for m in INDICATORS],
                        header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAnchor="start")),
        columns=2,
    ).resolve_scale(y="independent")
    words = indicator_words(profile)
    return charts.titled(chart, words["title"], words["subtitle"], f"Source: {SOURCE_WORKFORCE}",
                         words["alt_text"]), df


# ---- text output ---------------------------------------------------------------------------

def profile_as_text(profile: dict) -> str:
    """The profile as a readable table for the terminal."""
    lines = [f"{profile['la_name']} (DfE {profile['la_code']}, ONS {profile['ons_code']}), {profile['region']}"]
    if profile["end_date"]:
        lines.append(f"Ceased to exist {profile['end_date']}; successors: "
                     + ", ".join(f"{s['la_name']} ({s['la_code']})" for s in profile["successors"]))
    lines += ["", "Ofsted judgements:"]
    units = [(None, profile["judgements"])] + [(p["la_name"], p["judgements"]) for p in profile["predecessors"]]
    for label, judgements in units:
        for j in judgements:
            who = f"  [predecessor: {label}]" if label else ""
            lines.append(f"  {j['published'] or '?':<10}  {j['framework'] or '':<6} {j['inspection_type'] or '':<14} "
                         f"{RATING_WORDS.get(j['overall'], j['overall'] or '-')}{who}")
        if not judgements and not label:
            lines.append("  none of its own")
    lines += ["", f"Workforce (DfE {profile['vintage']} release; years to 30 September). "
                  f"Columns: council, England, {profile['region']}, statistical neighbours (mean)"]
    years = sorted({int(y) for y in profile["england"]["fte"]})
    for m in INDICATORS:
        lines.append(f"  {PANEL_TITLES[m]}")
        for y in years:
            own = profile["indicators"][m]
            if str(y) in own:
                flag = profile["unavailable"].get(m, {}).get(str(y))
                cell = fmt(m, own[str(y)]) if own[str(y)] is not None else f"unavailable ({flag})"
            else:
                cell = next((f"{fmt(m, p['indicators'][m].get(str(y)))} [{p['la_name']}]"
                             for p in profile["predecessors"] if str(y) in p["indicators"][m]), "-")
            bench = [fmt(m, s[m].get(str(y))) for s in (profile["england"], profile["region_indicators"],
                                                       profile["neighbours"])]
            if not profile["neighbour_councils"]:
                bench[2] = "no group"  # DfE's 2021 groupings give the council no neighbours
            lines.append(f"    {y}  {cell:<28} {bench[0]:>12} {bench[1]:>12} {bench[2]:>12}")
    if profile["revisions"]:
        lines += ["", "Revised between DfE releases:"]
        for r in profile["revisions"]:
            lines.append(f"  {r['year']} {INDICATORS[r['measure']]}: {revision_text(r)}")
    lines += ["", "In words:"] + [f"  {s}" for s in profile["sentences"]]
    return "\n".join(lines)


def profile_json(profile: dict) -> str:
    return json.dumps(profile, indent=2, default=str, ensure_ascii=False)


# ---- light SVG for the batch pages ------------------------------------------------------------
# vl-convert takes 0.2-0.5 s per chart on this machine, too slow for ~160 pages in a minute, so the
# batch pages draw the same tables (indicator_table, judgement_table) as plain SVG.

_ROLE_STYLE = {  # role -> (colour, dash pattern, width)
    "council": ("#b2182b", "", 2.5), "england": ("#222222", "6 3", 1.6), "region": ("#4a90c2", "2 2", 1.6),
    "neighbours": ("#e08b00", "8 2 2 2", 1.6),
}
_EXTRA_COLOURS = ["#6a51a3", "#1b7837", "#8c510a", "#01665e"]


def _nice_max(top: float) -> tuple[float, float]:
    """An axis top at or above `top` and a step giving 3-6 ticks."""
    if top <= 0:
        return 1.0, 0.5
    magnitude = 10 ** int(f"{top:e}".split("e")[1])
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        s = step * magnitude
        if top / s <= 5:
            return s * -(-top // s), s
    return top, top


def _series_styles(table: pl.DataFrame) -> dict[str, tuple[str, str, float]]:
    styles, extra = {}, iter(_EXTRA_COLOURS)
    for series, role in table.select("series", "role").unique(maintain_order=True).iter_rows():
        styles[series] = _ROLE_STYLE.get(role) or (next(extra, "#555555"), "", 2.0)
    return styles


def _svg_text(x, y, text, size=12, anchor="start", weight="normal", fill="#222"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}">{_e(text)}</text>')


def svg_indicators(profile: dict, table: pl.DataFrame | None = None) -> str:
    """Six small multiples as plain SVG: each indicator by year for every series in indicator_table."""
    table = chart_rows(table if table is not None else indicator_table(profile))
    styles = _series_styles(table)
    years = sorted(table["year"].unique().to_list())
    pw, ph, left, gap_x, top_pad, gap_y = 330, 120, 46, 40, 34, 58
    width = 2 * (left + pw) + gap_x
    # legend entries flow left to right, wrapping at the chart's width (about 6.5 px a character)
    placed, x, y = [], 0, 16
    for series in styles:
        w_entry = 34 + 6.5 * len(series) + 24
        if x and x + w_entry > width:
            x, y = 0, y + 22
        placed.append((x, y))
        x += w_entry
    legend_h = y + 14
    height = legend_h + 3 * (ph + gap_y) + 10
    out = []
    for (x, y), (series, (colour, dash, w)) in zip(placed, styles.items()):
        out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 28}" y2="{y - 4}" stroke="{colour}" stroke-width="{w}" '
                   f'stroke-dasharray="{dash}"/>' + _svg_text(x + 34, y, series))
    for k, m in enumerate(INDICATORS):
        ox = (k % 2) * (left + pw + gap_x) + left
        oy = legend_h + (k // 2) * (ph + gap_y) + top_pad
        panel = table.filter(pl.col("measure") == m)
        values = [v for v in panel["value"].to_list() if v is not None]
        top, step = _nice_max(max(values) if values else 1.0)
        out.append(_svg_text(ox - left + 2, oy - 14, PANEL_TITLES[m], 13, weight="bold"))
        tick = 0.0
        while tick <= top + 1e-9:
            ty = oy + ph - ph * tick / top
            out.append(f'<line x1="{ox}" y1="{ty:.1f}" x2="{ox + pw}" y2="{ty:.1f}" stroke="#e6e6e6"/>'
                       + _svg_text(ox - 6, ty + 4, formatting.number(tick, 0 if step >= 1 else 1), 11, "end", fill="#555"))
            tick += step
        xs = {y: ox + (pw * (i + 0.5) / len(years)) for i, y in enumerate(years)}
        for y, x in xs.items():
            out.append(_svg_text(x, oy + ph + 15, str(y), 11, "middle", fill="#555"))
        for series, (colour, dash, w) in styles.items():
            points = dict(panel.filter(pl.col("series") == series).select("year", "value").iter_rows())
            run: list[str] = []
            for y in years + [None]:  # a null (or a missing year) breaks the line
                v = points.get(y) if y is not None else None
                if v is not None:
                    run.append(f"{xs[y]:.1f},{oy + ph - ph * v / top:.1f}")
                    continue
                if len(run) > 1:
                    out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                               f'stroke-width="{w}" stroke-dasharray="{dash}"/>')
                if run and styles[series][1] == "":
                    out += [f'<circle cx="{pt.split(",")[0]}" cy="{pt.split(",")[1]}" r="2.8" fill="{colour}"/>'
                            for pt in run]
                run = []
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="Source Sans Pro, Source Sans 3, Arial, sans-serif" '
            f'aria-hidden="true">' + "".join(out) + "</svg>")


def svg_judgements(profile: dict, table: pl.DataFrame | None = None) -> str:
    """The judgement timeline as plain SVG: a row per council and judgement area, a dot per judgement."""
    from ..charts import JUDGEMENT_COLOURS, JUDGEMENT_LABELS, JUDGEMENT_ORDER

    table = (table if table is not None else judgement_table(profile)).drop_nulls("rating")
    colours = dict(zip(JUDGEMENT_ORDER, JUDGEMENT_COLOURS))
    pairs = table.select("council", "area").unique(maintain_order=True).rows()
    councils = list(dict.fromkeys(c for c, _ in pairs))
    rows = sorted(pairs, key=lambda ca: (councils.index(ca[0]), ca[1] != "overall"))
    left, plot_w, top = 300, 620, 44
    heights = [32 if area == "overall" else 20 for _, area in rows] or [20]
    width, height = left + plot_w + 20, top + sum(heights) + 34
    first = dt.date(2009, 1, 1)
    last = dt.date(max([d.year for d in table["published"].to_list()] + [2025]) + 1, 1, 1) if table.height else \
        dt.date(2026, 1, 1)
    span = (last - first).days

    def x_of(d: dt.date) -> float:
        return left + plot_w * (d - first).days / span

    out = []
    for i, key in enumerate(JUDGEMENT_ORDER):
        out.append(f'<circle cx="{i * 170 + 6}" cy="12" r="6" fill="{colours[key]}"/>'
                   + _svg_text(i * 170 + 16, 16, JUDGEMENT_LABELS[key]))
    for year in range(first.year, last.year + 1, 2):
        x = x_of(dt.date(year, 1, 1))
        out.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 30}" stroke="#e6e6e6"/>'
                   + _svg_text(x, height - 16, str(year), 11, "middle", fill="#555"))
    if not rows:
        out.append(_svg_text(left, top + 14, "No Ofsted judgements in the data we hold"))
    for r, (council, area) in enumerate(rows):
        y = top + sum(heights[:r]) + heights[r] - 10
        label = f"{council} · {_area_label(area)}" if area == "overall" else _area_label(area)
        out.append(_svg_text(left - 8, y + 4, label, 11, "end", "bold" if area == "overall" else "normal"))
        hits = table.filter((pl.col("council") == council) & (pl.col("area") == area))
        for h in hits.iter_rows(named=True):
            colour = colours.get(h["rating"], "#999999")
            out.append(f'<circle cx="{x_of(h["published"]):.1f}" cy="{y:.1f}" r="6" fill="{colour}">'
                       f'<title>{_e(h["framework"])} {h["published"]}: {_e(RATING_WORDS.get(h["rating"], h["rating"]))}'
                       f'</title></circle>')
            if area == "overall":
                out.append(_svg_text(x_of(h["published"]), y - 8, h["framework"] or "", 10, "middle", fill="#444"))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="Source Sans Pro, Source Sans 3, Arial, sans-serif" '
            f'aria-hidden="true">' + "".join(out) + "</svg>")


# ---- every council at once: offline HTML pages -----------------------------------------------

PAGE_STYLE = """
body{font-family:"Source Sans Pro","Source Sans 3",Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{margin-bottom:.2em}.meta{color:#555;margin-top:0}figure{margin:1.5em 0}figcaption{color:#444;font-size:.95em}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.25em .6em;
text-align:right}th:first-child,td:first-child{text-align:left}td.na{color:#b2182b}caption{text-align:left;
font-weight:bold;padding:.3em 0}ul.sentences li{margin:.3em 0}.note{color:#555;font-size:.9em}
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def _svg(chart) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


def _figure(svg: str, words: dict) -> str:
    subtitle = words["subtitle"] if isinstance(words["subtitle"], str) else ". ".join(words["subtitle"])
    return (f'<figure><h3>{_e(words["title"])}</h3><p class="note">{_e(subtitle)}</p>'
            f'<div role="img" aria-label="{_e(words["alt_text"])}">{svg}</div>'
            f"<figcaption>{_e(words['alt_text'])}</figcaption></figure>")


def _html_table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td{" class=na" if c.startswith("unavailable") else ""}>{_e(c)}</td>'
                                    for c in row) + "</tr>" for row in rows)
    return f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(measure: str, series: dict, flags: dict, year: str) -> str:
    if year not in series:
        return "–"
    value = series[year]
    if value is None:
        return f"unavailable ({_flag_words(flags.get(year))})"
    return fmt(measure, value)


def profile_page(profile: dict, csv_name: str, renderer: str = "svg") -> str:
    """One council's profile as a self-contained HTML page (inline SVG charts, no network requests).

    renderer "svg" draws the charts as plain SVG (fast, for every council at once); "vega" converts
    the notebook's Vega-Lite charts with vl-convert (the house charts, about 0.5 s per page more).
    """
    name = profile["name"]
    if renderer == "vega":
        jsvg, isvg = _svg(judgement_chart(profile)[0]), _svg(indicator_chart(profile)[0])
    else:
        jsvg, isvg = svg_judgements(profile), svg_indicators(profile)
    parts = [f'<p><a href="index.html">All councils</a></p><h1>{_e(name)}</h1>',
             f'<p class="meta">DfE code {_e(profile["la_code"])} · ONS code {_e(profile["ons_code"])} · '
             f'{_e(profile["region"])} · workforce figures from DfE’s {profile["vintage"]} release'
             + (f" · existed until {_e(_long_date(profile['end_date']))}" if profile["end_date"] else "") + "</p>",
             "<h2>In words</h2><ul class=sentences>" + "".join(f"<li>{_e(s)}</li>" for s in profile["sentences"])
             + "</ul>", "<h2>Ofsted judgements</h2>", _figure(jsvg, judgement_words(profile))]
    rows = []
    units = [(name, profile["judgements"])] + [(f"{p['la_name']} (predecessor)", p["judgements"])
                                                for p in profile["predecessors"]]
    for label, judgements in units:
        for j in judgements:
            subs = "; ".join(f"{_area_label(k)}: {RATING_WORDS.get(v, v)}" for k, v in j["sub_judgements"].items())
            rows.append([label, j["published"] or "", j["framework"] or "", j["inspection_type"] or "",
                         RATING_WORDS.get(j["overall"], j["overall"] or "–"), subs])
    parts.append(_html_table("Every inspection since 2009 (publication date)",
                             ["Council", "Published", "Framework", "Type", "Overall", "Sub-judgements"], rows)
                 if rows else "<p>No Ofsted inspections in the data we hold.</p>")
    parts += ["<h2>Social work workforce</h2>", _figure(isvg, indicator_words(profile))]
    years = sorted({int(y) for y in profile["england"]["fte"]})
    region = f"{profile['region']} average"
    for m in INDICATORS:
        header = ["Year", name] + [f"{p['la_name']} (predecessor)" for p in profile["predecessors"]] + [
            "England", region, "Statistical neighbours (mean)"]
        body = []
        for y in map(str, years):
            body.append([y, _cell(m, profile["indicators"][m], profile["unavailable"].get(m, {}), y)]
                        + [_cell(m, p["indicators"][m], p["flags"].get(m, {}), y) for p in profile["predecessors"]]
                        + [_cell(m, s[m], {}, y) for s in (profile["england"], profile["region_indicators"],
                                                           profile["neighbours"])])
        parts.append(_html_table(PANEL_TITLES[m], header, body))
    if profile["revisions"]:
        parts.append("<h2>Figures revised between DfE releases</h2>")
        parts.append(_html_table("Each release’s value, oldest release first", ["Year", "Measure", "Values"],
                                 [[str(r["year"]), INDICATORS[r["measure"]],
                                   revision_text(r)] for r in profile["revisions"]]))
    members = [n for n in profile["neighbour_councils"]]
    if members:
        parts.append('<p class="note">Statistical neighbours (DfE, April 2021 groupings): '
                     + _e(", ".join(f"{n['la_name']}" + (f" (left out: {n['left_out']})" if n["left_out"] else "")
                                    for n in members)) + ".</p>")
    parts.append(f'<p class="note">The figures behind this page: <a href="{_e(csv_name)}">{_e(csv_name)}</a>. '
                 f"Sources: {SOURCE_WORKFORCE}; {SOURCE_OFSTED}; DfE statistical neighbour groupings. "
                 "Unavailable means DfE suppressed the figure or did not publish it; it is never a zero.</p>")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(name)}: children’s '
            f'services profile</title><style>{PAGE_STYLE}</style></head><body>{"".join(parts)}</body></html>\n')


def page_name(code: str, name: str) -> str:
    return f"{code}-{slug(name)}"


def write_profiles(out: Path, vintage: int | None = None, councils: list[str] | None = None,
                   renderer: str = "svg") -> dict:
    """Write a profile page and CSV for every council (or those given) and an index page; return timings."""
    from .. import charts

    started = time.perf_counter()
    charts.setup()
    data = load_data()
    out.mkdir(parents=True, exist_ok=True)
    geo = data.geography.sort("la_code")
    codes = councils or geo["la_code"].to_list()
    index_rows = []
    for code in codes:
        profile = council_profile(code, vintage=vintage, data=data)
        base = page_name(profile["la_code"], profile["name"])
        table = indicator_table(profile).with_columns(pl.lit(profile["la_code"]).alias("la_code"))
        _write_text(out / f"{base}.csv", table.select("la_code", *table.columns[:-1]).write_csv())
        _write_text(out / f"{base}.html", profile_page(profile, f"{base}.csv", renderer))
        rated = [j for j in profile["judgements"] if j["overall"] in RATING_RANK]
        year = profile["year"]
        index_rows.append({
            "base": base, "name": profile["la_name"], "code": profile["la_code"], "region": profile["region"] or "",
            "status": f"until {profile['end_date']}" if profile["end_date"] else "",
            "judgement": (f"{RATING_WORDS[rated[-1]['overall']]} ({rated[-1]['published'][:4]})" if rated else "–"),
            "turnover": f"{fmt('turnover_rate', _value(profile['indicators']['turnover_rate'], year))} ({year})"
            if year else "–",
        })
    _write_text(out / "index.html", _index_page(index_rows, data, vintage))
    return {"councils": len(codes), "seconds": time.perf_counter() - started}


def _index_page(rows: list[dict], data: ProfileData, vintage: int | None) -> str:
    rows = sorted(rows, key=lambda r: (r["region"], r["name"]))
    body = "".join(f'<tr><td><a href="{_e(r["base"])}.html">{_e(r["name"])}</a></td><td>{_e(r["code"])}</td>'
                   f'<td>{_e(r["region"])}</td><td>{_e(r["status"])}</td><td>{_e(r["judgement"])}</td>'
                   f'<td>{_e(r["turnover"])}</td></tr>' for r in rows)
    release = _vintage(data, vintage)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council profiles: children’s '
            f'services</title><style>{PAGE_STYLE}</style></head><body><h1>Council profiles</h1>'
            f'<p class="meta">{len(rows)} councils with children’s services since 2009 · workforce figures from '
            f'DfE’s {release} release · Ofsted judgements since 2009</p>'
            '<table><thead><tr><th scope="col">Council</th><th scope="col">DfE code</th><th scope="col">Region</th>'
            '<th scope="col">Existed</th><th scope="col">Latest overall judgement</th>'
            f'<th scope="col">Turnover rate (latest year)</th></tr></thead><tbody>{body}</tbody></table>'
            "</body></html>\n")


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.stories.profile",
                                     description="Council profiles: one, or every council as offline HTML pages.")
    parser.add_argument("council", nargs="?", help="a name, ONS code or DfE code (omit with --all)")
    parser.add_argument("--all", action="store_true", help="write a page and CSV for every council")
    parser.add_argument("--out", type=Path, default=paths.OUTPUTS / "profiles", help="folder for --all")
    parser.add_argument("--renderer", choices=["svg", "vega"], default="svg",
                        help="charts on the pages: plain SVG (fast) or vl-convert's Vega-Lite SVG")
    parser.add_argument("--year", type=int)
    parser.add_argument("--vintage", type=int)
    args = parser.parse_args(argv)
    try:
        if args.all:
            result = write_profiles(args.out, vintage=args.vintage, renderer=args.renderer)
            print(f"wrote {result['councils']} council profiles and index.html to {args.out} "
                  f"in {result['seconds']:.1f} s")
        elif args.council:
            print(profile_as_text(council_profile(args.council, year=args.year, vintage=args.vintage)))
        else:
            parser.error("give a council or --all")
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ---- the claims ledger's computations (data/claims.csv keys profile.*) --------------------------

def area_series(area: str, measure: str, vintage: int | None = None,
                data: ProfileData | None = None) -> dict[int, float | None]:
    """{year: value} for England, a region (by name) or a council (any name or code) from one release."""
    data = data or load_data()
    panel = data.workforce.filter(pl.col("vintage") == _vintage(data, vintage))
    if measure not in panel.columns:
        raise UserError(f"no workforce measure {measure!r}")
    text = str(area).strip()
    if text.lower() == "england":
        rows = panel.filter(pl.col("geographic_level") == "national")
    elif text.lower() in {r.lower() for r in panel["region_name"].drop_nulls().unique().to_list()}:
        rows = _region_rows(panel, text)
    else:
        rows = _council_rows(panel, data.resolve(text))
    return dict(rows.select("year", measure).iter_rows())


def _year_value(series: dict, year, area: str, measure: str) -> float:
    value = series.get(int(year))
    if value is None:
        raise UserError(f"no {measure} for {area} in {year} in this release (suppressed or not held)")
    return value


from ..claims import register  # noqa: E402 - the ledger's computations for this story follow


@register("profile.value")
def claim_value(council: str, measure: str, year: str, vintage: str | None = None) -> float:
    """The published figure for a council, a region or England."""
    return _year_value(area_series(council, measure, vintage and int(vintage)), year, council, measure)


@register("profile.change")
def claim_change(council: str, measure: str, year: str, base_year: str, vintage: str | None = None) -> float:
    """Change from base_year to year, in the measure's units (percentage points for rates)."""
    s = area_series(council, measure, vintage and int(vintage))
    return _year_value(s, year, council, measure) - _year_value(s, base_year, council, measure)


@register("profile.ratio")
def claim_ratio(council: str, measure: str, year: str, vintage: str | None = None, base_year: str | None = None,
                compare_to: str | None = None) -> float:
    """The figure as a multiple of the same figure in base_year, or of another area's (compare_to)."""
    v = vintage and int(vintage)
    value = _year_value(area_series(council, measure, v), year, council, measure)
    if base_year:
        return value / _year_value(area_series(council, measure, v), base_year, council, measure)
    if compare_to:
        return value / _year_value(area_series(compare_to, measure, v), year, compare_to, measure)
    raise UserError("profile.ratio needs base_year or compare_to")


@register("profile.highest_in_years")
def claim_highest_in_years(council: str, measure: str, year: str, vintage: str | None = None) -> int:
    """How many years, counting this one, the figure is the highest over (back to the release's first year)."""
    s = area_series(council, measure, vintage and int(vintage))
    value, y, years = _year_value(s, year, council, measure), int(year) - 1, 1
    while s.get(y) is not None and s[y] < value:
        years, y = years + 1, y - 1
    return years


@register("profile.trend")
def claim_trend(council: str, measure: str, from_year: str, to_year: str, vintage: str | None = None) -> str:
    """'rising every year' if the figure rose in each year from from_year to to_year, else 'not rising every year'."""
    s = area_series(council, measure, vintage and int(vintage))
    values = [_year_value(s, y, council, measure) for y in range(int(from_year), int(to_year) + 1)]
    rising = all(b > a for a, b in zip(values, values[1:]))
    return "rising every year" if rising else "not rising every year"
