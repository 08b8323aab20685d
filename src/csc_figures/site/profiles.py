"""Every council's profile on the site (outputs/site/councils/): its page, its CSV and the index of councils.

Pages come from templates/site/profile.html.j2 and councils.html.j2; the charts are the notebook's own specs,
built once (`profile_charts`), with each page carrying its council's rows and patches.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .. import credits, judgements, measures
from ..dates import day_words
from ..stories.profile.assemble import council_profile
from ..stories.profile.compute import ProfileData, indicator_table, load_data, ofsted_credit, slug, workforce_credit
from ..stories.profile.words import _area_label, _flag_words, _value, fmt, revision_text
from .profile_charts import DATA, TEMPLATES_SCRIPT, Charts, _jsonable, assemble
from . import finder
from .render import render, static, write

__all__ = ["DATA", "TEMPLATES_SCRIPT", "Charts", "SiteProfiles", "assemble", "page_name", "profile_page",
           "sample_councils", "write_all"]

FOLDER = "councils"


def page_name(code: str, name: str) -> str:
    """'831-derby': the page (and CSV) of a council, by DfE code and name."""
    return f"{code}-{slug(name)}"



# ---- the page ------------------------------------------------------------------------------------

def _cell(measure: str, series: dict, flags: dict, year: str) -> str:
    if year not in series:
        return "–"
    value = series[year]
    if value is None:
        return f"unavailable ({_flag_words(flags.get(year))})"
    return fmt(measure, value)


def workforce_tables(profile: dict) -> list[dict]:
    """The numbers behind the workforce chart: a table per measure, a row per year, a column per series."""
    years = sorted({int(y) for y in profile["england"]["fte"]})
    region = f"{profile['region']} average"
    out = []
    for m in measures.PROFILED:
        headers = ["Year", profile["name"]] + [f"{p['la_name']} (predecessor)" for p in profile["predecessors"]] + [
            "England", region, "Statistical neighbours (mean)"]
        body = []
        for y in map(str, years):
            body.append([y, _cell(m, profile["indicators"][m], profile["unavailable"].get(m, {}), y)]
                        + [_cell(m, p["indicators"][m], p["flags"].get(m, {}), y) for p in profile["predecessors"]]
                        + [_cell(m, s[m], {}, y) for s in (profile["england"], profile["region_indicators"],
                                                           profile["neighbours"])])
        if m == "fte":  # as the chart: England's and the region's are totals, not comparable with a council's
            headers, body = headers[:-3] + headers[-1:], [r[:-3] + r[-1:] for r in body]
        out.append({"caption": measures.label(m), "headers": headers, "rows": body,
                    "numeric": [False] + [True] * (len(headers) - 1)})
    return out


def judgement_rows(profile: dict) -> list[list[str]]:
    out = []
    units = [(profile["name"], profile["judgements"])] + [(f"{p['la_name']} (predecessor)", p["judgements"])
                                                          for p in profile["predecessors"]]
    for label, held in units:
        for j in held:
            subs = "; ".join(f"{_area_label(k)}: {judgements.words(v, v)}" for k, v in j["sub_judgements"].items())
            out.append([day_words(j["published"]) if j["published"] else "date not published", label,
                        j["framework"] or "", j["inspection_type"] or "",
                        judgements.words(j["overall"], j["overall"] or "no overall judgement"), subs])
    return out


def _map_view(profile: dict, drawn: dict, map_table: pl.DataFrame, pages: dict[str, str]) -> dict:
    from ..stories.maps import words as map_words

    day = map_table["as_of"][0]
    named = {r["la_code"]: r for r in map_table.iter_rows(named=True)}
    outlined = [named[c] for c in drawn["codes"]]
    if profile["la_code"] in named:
        own = named[profile["la_code"]]
        said = f"{profile['name']}'s hexagon is outlined in black: {own['judgement_label'].lower()}"
    elif outlined:
        said = (f"{profile['name']} no longer exists; the hexagons of the councils that took over its services are "
                f"outlined in black: " + "; ".join(f"{r['la_name']}, {r['judgement_label'].lower()}" for r in outlined))
    else:
        said = f"{profile['name']} has no hexagon on this map"
    region = profile["region"]
    near = map_table.filter(pl.col("region") == region).sort("la_name") if region else map_table.clear()
    return {"title": f"Ofsted's judgements of England's councils on {day_words(day)}",
            "description": f"{said}. {map_words.judgement_description(map_table)}",
            "table": {"headers": ["Council", "Judgement in force", "Report published"],
                      "rows": [[r["la_name"], r["judgement_label"],
                                day_words(r["published"].isoformat()) if r["published"] else "–"]
                               for r in near.iter_rows(named=True)],
                      "numeric": [False, False, False],
                      "links": [pages.get(r["la_code"]) for r in near.iter_rows(named=True)]},
            "region": region}


@dataclass
class SiteProfiles:
    """What every profile page shares: the data, the chart templates and each council's page name."""
    data: ProfileData
    charts: Charts
    pages: dict[str, str]  # DfE code -> page file name
    names: dict[str, str]
    map_page: str | None = None

    @classmethod
    def load(cls, map_day: dt.date | None, map_page: str | None = None) -> SiteProfiles:
        from ..stories.profile.compute import display_name

        data = load_data()
        table = None
        if map_day is not None:
            from ..stories import maps

            table = maps.judgement_map_table(map_day, history=data.inspections, geo=data.geography)
        geo = data.geography.sort("la_code")
        names = {c: display_name(n) for c, n in geo.select("la_code", "la_name").iter_rows()}
        return cls(data, Charts(table), {c: f"{page_name(c, n)}.html" for c, n in names.items()}, names, map_page)


def _chart_view(drawn: dict, chart_id: str, title: str, description: str) -> dict:
    page_json = {layout: patches for layout, patches in drawn["patches"].items()}
    return {"id": chart_id, "template": drawn["template"], "title": title, "description": description,
            "patches_json": _script_json(page_json)}


def _script_json(value) -> str:
    return json.dumps(_jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def profile_page(profile: dict, shared: SiteProfiles, up: str, csv_name: str) -> str:
    """One council's page from templates/site/profile.html.j2 (`up`: the path from its folder to the site's root)."""
    c = shared.charts
    workforce = c.workforce(profile)
    judged = c.judgements(profile)
    drawn_map = c.map(profile)
    datasets = {**workforce["datasets"], **judged["datasets"], **(drawn_map["datasets"] if drawn_map else {})}
    charts_shown = {
        "workforce": _chart_view(workforce, "workforce", workforce["words"]["title"], workforce["words"]["alt_text"]),
        "judgements": _chart_view(judged, "judgements", judged["words"]["title"], judged["words"]["alt_text"]),
    }
    map_view = None
    if drawn_map:
        map_view = _map_view(profile, drawn_map, c.map_table, shared.pages)
        charts_shown["map"] = _chart_view(drawn_map, "map", map_view["title"], map_view["description"])
    link = shared.pages.get
    return render(
        "profile.html", title=f"{profile['name']}: children's services profile", p=profile,
        charts=charts_shown, map=map_view, map_page=shared.map_page and f"{up}/{shared.map_page}",
        datasets_json=_script_json(datasets), workforce_tables=workforce_tables(profile),
        judgement_rows=judgement_rows(profile),
        revisions=[[str(r["year"]), measures.words(r["measure"]), revision_text(r)] for r in profile["revisions"]],
        predecessors=[(p["la_name"], link(p["la_code"])) for p in profile["predecessors"]],
        successors=[(s["la_name"], link(s["la_code"])) for s in profile["successors"]],
        neighbours=[(n["la_name"], link(n["la_code"]), n["left_out"]) for n in profile["neighbour_councils"]],
        until=day_words(profile["end_date"]) if profile["end_date"] else None,
        started=day_words(profile["start_date"]) if profile["start_date"] else None,
        csv=csv_name, source_workforce=workforce_credit(), source_ofsted=ofsted_credit(),
        source_neighbours=credits.credit("statistical_neighbours"),
        nav=[("All stories and charts", f"{up}/index.html"), ("Council profiles", "index.html"),
             ("Every figure, checked", f"{up}/claims.html")],
        assets=f"{up}/assets", font_folder=f"{up}/assets/fonts")


def _index_row(profile: dict, page: str) -> dict:
    rated = [j for j in profile["judgements"] if judgements.is_judgement(j["overall"])]
    year = profile["year"]
    return {"page": page, "name": profile["name"], "code": profile["la_code"], "region": profile["region"] or "",
            "until": day_words(profile["end_date"]) if profile["end_date"] else "", "cells": [
        profile["name"], profile["la_code"], profile["region"] or "",
        day_words(profile["end_date"]) if profile["end_date"] else "",
        f"{judgements.words(rated[-1]['overall'])} ({rated[-1]['published'][:4]})" if rated else "–",
        f"{fmt('turnover_rate', _value(profile['indicators']['turnover_rate'], year))} ({year})" if year else "–"]}


def write_all(site: Path, map_day: dt.date | None = None, map_page: str | None = None,
              councils: list[str] | None = None, vintage: int | None = None) -> dict:
    """Write every council's page and CSV into site/councils/, the index of councils and the shared script."""
    started = time.perf_counter()
    shared = SiteProfiles.load(map_day, map_page)
    folder = site / FOLDER
    up = os.path.relpath(site, folder)
    codes = councils or sorted(shared.pages)
    index = []
    for code in codes:
        profile = council_profile(code, vintage=vintage, data=shared.data)
        page = shared.pages[profile["la_code"]]
        csv_name = page.removesuffix(".html") + ".csv"
        table = indicator_table(profile).with_columns(pl.lit(profile["la_code"]).alias("la_code"))
        write(folder / csv_name, table.select("la_code", *table.columns[:-1]).write_csv())
        write(folder / page, profile_page(profile, shared, up, csv_name))
        index.append(_index_row(profile, page))
    write(site / "assets" / TEMPLATES_SCRIPT, shared.charts.script())
    write(site / "assets" / finder.SCRIPT, finder.script(index, FOLDER))
    write(site / "assets" / "finder.js", static("finder.js"))
    index.sort(key=lambda r: (r["name"].lower(), r["code"]))
    release = shared.data.workforce["vintage"].max() if vintage is None else vintage
    write(folder / "index.html", render(
        "councils.html", title="Council profiles", councils=index, release=release,
        nav=[("All stories and charts", f"{up}/index.html"), ("Every figure, checked", f"{up}/claims.html")],
        assets=f"{up}/assets", font_folder=f"{up}/assets/fonts"))
    return {"councils": len(codes), "seconds": time.perf_counter() - started}


def sample_councils(geo: pl.DataFrame, workforce: pl.DataFrame) -> list[str]:
    """The profiles the browser suite opens in `make test` (`make audit` opens all): by rule, not by name.

    One council of each joint workforce return; the abolished council with the most successors; the council
    with the most predecessors; the newest council; the first county that became a unitary council (its ONS
    code changed from E10 to E06); the three longest names.
    """
    picks: list[str] = []

    def add(code):
        if code is not None and code not in picks:
            picks.append(code)

    joint = workforce.filter(pl.col("is_joint")).select(pl.col("joint_codes").list.sort()).unique()
    for codes in sorted(joint["joint_codes"].to_list()):
        add(codes[0])
    ranked = geo.with_columns(successors=pl.col("successor_codes").list.len(),
                              predecessors=pl.col("predecessor_codes").list.len(),
                              length=pl.col("la_name").str.len_chars())
    for column in ("successors", "predecessors"):
        top = ranked.filter(pl.col(column) > 0).sort([column, "la_code"], descending=[True, False])
        add(top["la_code"][0] if top.height else None)
    newest = ranked.filter(pl.col("start_date").is_not_null()).sort(["start_date", "la_code"], descending=[True, False])
    add(newest["la_code"][0] if newest.height else None)
    unitary = ranked.filter(pl.col("ons_code").str.starts_with("E06")
                            & pl.col("ons_codes").list.eval(pl.element().str.starts_with("E10")).list.any())
    add(unitary.sort("la_code")["la_code"][0] if unitary.height else None)
    for code in ranked.sort(["length", "la_code"], descending=[True, False])["la_code"].head(3).to_list():
        add(code)
    return picks
