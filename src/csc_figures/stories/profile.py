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
that no longer exists has figures only for the years it existed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
import time
from dataclasses import dataclass
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
    1.25 <= r < 1.7 'leapt'; 1.05 <= r < 1.25 'rose'; r < 1.05 'edged up'.
    Falls mirror them: r <= 0.5 'more than halved' (exactly 0.5: 'halved'); r <= 0.6 'almost
    halved'; r <= 0.75 'fell sharply'; r <= 0.95 'fell'; above 0.95 'edged down'.
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
        if 100 * b >= 105 * a:
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
    if 100 * b <= 95 * a:
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


def load_data() -> ProfileData:
    """The processed tables and the geography resolver (tables are cached by file time)."""
    from ..geography import resolve_council

    return ProfileData(
        geography=tables.read("la_geography"),
        neighbours=tables.read("statistical_neighbours"),
        inspections=tables.read("inspections"),
        workforce=tables.read("workforce"),
        resolve=resolve_council,
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
                mean[m][str(r["year"])] = None if r[m] is None else round(r[m], 2)
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
    joint = sorted({r["la_code"] for r in rows.iter_rows(named=True) if r["is_joint"]}) if rows.height else []
    names = dict(zip(data.geography["la_code"], data.geography["la_name"]))
    profile = {
        "la_code": code,
        "ons_code": geo["ons_code"],
        "la_name": geo["la_name"],
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
        "joint_returns": [{"la_code": j, "years": sorted(r["year"] for r in rows.iter_rows(named=True)
                                                          if r["la_code"] == j),
                           "partners": [names.get(c, c) for c in j.split(" / ") if c != code]} for j in joint],
        "predecessors": predecessors,
        "successors": [{"la_code": c, "la_name": names.get(c)} for c in (geo.get("successor_codes") or [])],
        "revisions": _revisions(data, code, years),
    }
    profile["sentences"] = sentences(profile)
    return profile


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
    name = profile["la_name"]
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
    return out


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
        out.append(f"DfE’s {first['vintage']} release put {possessive(profile['la_name'])} {r['year']} "
                   f"{INDICATORS[r['measure']]} at {fmt(r['measure'], first['value'])}; {text}.")
    return out


def sentences(profile: dict) -> list[str]:
    """Article-style sentences for the profile's year against the year before."""
    name, y1 = profile["la_name"], profile["year"]
    out = _judgement_sentence(profile)
    if profile["predecessors"]:
        preds = " and ".join(p["la_name"] for p in profile["predecessors"])
        out.append(f"{name} took over children’s services on {_long_date(profile['start_date'])} from {preds}; "
                   f"the predecessors’ figures are shown separately and labelled as such.")
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
    y0 = y1 - 1
    has_previous = str(y0) in profile["indicators"]["turnover_rate"]
    when = f"between {y0} and {y1}"
    if has_previous:
        t, v = _direction(profile, "turnover_rate", y0, y1), _direction(profile, "vacancy_rate", y0, y1)
        joiner = "as its vacancy rate also" if t and t == v else "while its vacancy rate"
        vac = _movement(profile, "vacancy_rate", y0, y1)
        if joiner.endswith("also") and vac.split(" from ")[0] in ("rose", "fell"):
            vac = vac.replace(" from ", ", from ", 1)
        out.append(f"{possessive(name)} turnover rate {_movement(profile, 'turnover_rate', y0, y1)} {when}, "
                   f"{joiner} {vac}.")
        for m in ("agency_rate", "caseload"):
            out.append(f"Its {INDICATORS[m]} {_movement(profile, m, y0, y1)} {when}.")
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

    add(profile["la_name"], "council", profile["indicators"], profile["unavailable"])
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
    units = [(profile["la_name"], "council", profile["judgements"])]
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

def _area_label(area: str) -> str:
    return "Overall" if area == "overall" else area.replace("_", " ").capitalize()


def judgement_chart(profile: dict):
    """Timeline of every Ofsted judgement: one row per judgement area, coloured by rating."""
    import altair as alt

    from .. import charts

    df = judgement_table(profile).drop_nulls("rating").with_columns(
        pl.col("area").map_elements(_area_label, return_dtype=pl.String).alias("area_label"),
        pl.col("rating").replace_strict(RATING_WORDS, default=pl.col("rating")).alias("rating_words"),
    )
    name = profile["la_name"]
    rated = [j for j in profile["judgements"] if j["overall"] in RATING_RANK]
    if rated:
        latest = rated[-1]
        title = f"{name} was rated {rating_text(latest['overall'])} at its latest inspection ({latest['published'][:4]})"
    else:
        title = f"{name}: no overall Ofsted judgement of its own yet"
    area_order = ["Overall"] + [a for a in df["area_label"].unique(maintain_order=True).to_list() if a != "Overall"]
    if df.is_empty():
        base = alt.Chart(pl.DataFrame({"text": ["No Ofsted judgements in the data we hold"]})).mark_text(
            size=14, align="left").encode(text="text:N", x=alt.value(0), y=alt.value(20)).properties(
            width=520, height=40)
    else:
        points = alt.Chart(df).mark_point(filled=True, size=140, opacity=1).encode(
            x=alt.X("published:T", title="Publication date", axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("area_label:N", title=None, sort=area_order),
            color=alt.Color("rating:N", **charts.judgement_scale("rating")),
            shape=alt.Shape("framework:N", title="Framework"),
            tooltip=["council:N", "published:T", "framework:N", "inspection_type:N", "area_label:N",
                     "rating_words:N"],
        ).properties(width=520, height=max(40, 22 * len(area_order)))
        base = points.facet(row=alt.Row("council:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left",
                                                                                   labelFontWeight="bold")),
                            ) if df["council"].n_unique() > 1 else points
    n = len(profile["judgements"])
    alt_text = (f"Timeline of {n} Ofsted inspection(s) of {name}"
                + (f" and its predecessors ({', '.join(p['la_name'] for p in profile['predecessors'])})"
                   if profile["predecessors"] else "")
                + ": " + "; ".join(f"{j['framework']} {j['published'] or ''}: {RATING_WORDS.get(j['overall'], 'no overall judgement')}"
                                   for j in profile["judgements"]) + ".")
    return charts.titled(base, title,
                         "Overall judgement and sub-judgements by publication date; shape shows the framework",
                         f"Source: {SOURCE_OFSTED}", alt_text), df.drop("area_label", "rating_words")


def indicator_chart(profile: dict):
    """Six small multiples: each indicator over every year, council against England, region, neighbours."""
    import altair as alt

    from .. import charts

    df = indicator_table(profile)
    name = profile["la_name"]
    series = df["series"].unique(maintain_order=True).to_list()
    colours = {"council": "#b2182b", "england": "#222222", "region": "#4a90c2", "neighbours": "#e08b00"}
    extra = iter(["#6a51a3", "#1b7837", "#8c510a", "#01665e"])
    roles = dict(zip(df["series"], df["role"]))
    domain = series
    rng = [colours.get(roles[s]) or next(extra) for s in series]
    dashes = [[1, 0] if roles[s] in ("council", "predecessor") else [6, 3] if roles[s] == "england"
              else [2, 2] if roles[s] == "region" else [8, 2, 2, 2] for s in series]
    base = alt.Chart(df).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", scale=alt.Scale(domain=domain, range=rng), sort=series,
                        legend=alt.Legend(title=None, orient="top", columns=3)),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=dashes), sort=series,
                                  legend=None),
        tooltip=["series:N", "year:O", alt.Tooltip("value:Q", format=",.1f"), "flag:N"],
    )
    lines = base.mark_line(strokeWidth=2) + base.mark_point(filled=True, size=30).transform_filter(
        alt.datum.value != None)  # noqa: E711 (Vega expression)
    chart = lines.properties(width=250, height=130).facet(
        facet=alt.Facet("panel:N", title=None, sort=[PANEL_TITLES[m] for m in INDICATORS],
                        header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAnchor="start")),
        columns=2,
    ).resolve_scale(y="independent")
    y1 = profile["year"]
    turnover = _value(profile["indicators"]["turnover_rate"], y1)
    if turnover is not None:
        word = comparison_word(turnover, _value(profile["england"]["turnover_rate"], y1))
        title = (f"{possessive(name)} turnover rate was {fmt('turnover_rate', turnover)} in {y1}, "
                 f"{word} the national average")
    else:
        title = f"{possessive(name)} social work workforce against England, its region and its neighbours"
    unavailable = sum(1 for m in profile["unavailable"].values() for _ in m)
    subtitle = [f"Years to 30 September, DfE {profile['vintage']} release. {profile['region'] or ''} average and the "
                f"mean of its statistical neighbours for comparison",
                "Gaps are figures DfE suppressed or did not publish" if unavailable else ""]
    alt_text = f"Six line charts of {possessive(name)} workforce indicators by year against England, " \
               f"the {profile['region']} average and its statistical neighbours. " + " ".join(
                   f"{INDICATORS[m].capitalize()} in {y1}: {fmt(m, _value(profile['indicators'][m], y1))}."
                   for m in INDICATORS) if y1 else f"No workforce figures for {name}."
    return charts.titled(chart, title, [s for s in subtitle if s], f"Source: {SOURCE_WORKFORCE}", alt_text), df


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
            lines.append(f"    {y}  {cell:<28} {bench[0]:>12} {bench[1]:>12} {bench[2]:>12}")
    if profile["revisions"]:
        lines += ["", "Revised between DfE releases:"]
        for r in profile["revisions"]:
            lines.append(f"  {r['year']} {INDICATORS[r['measure']]}: " + ", ".join(
                f"{fmt(r['measure'], x['value'])} ({x['vintage']} release)" for x in r["releases"]))
    lines += ["", "In words:"] + [f"  {s}" for s in profile["sentences"]]
    return "\n".join(lines)


def profile_json(profile: dict) -> str:
    return json.dumps(profile, indent=2, default=str, ensure_ascii=False)
