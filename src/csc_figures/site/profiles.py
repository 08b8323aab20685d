"""Every council's profile on the site (outputs/site/councils/): the notebook's charts, one spec each.

Building the notebook's Altair charts costs ~0.5 s a council, too slow for ~160 pages. So each chart's
Vega-Lite spec is built ONCE (from the first council that needs it, with the notebook's own functions)
and stripped of its data: a *template* in the shared, cacheable script `assets/profile-charts.js`. Each
page carries only its council's rows and the few values a council changes (title and description, series
names and colours, rows of judgement areas, ...) as patches: [path in the spec, value]. The browser's
chart.js and `assemble` below apply the same patches, and tests check that the assembled spec is the one
the notebook draws. The judgement map is the maps story's narrow map with the council's hexagon outlined.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from .. import charts, judgements, measures, paths
from ..stories.profile import chart as profile_chart
from ..stories.profile.assemble import council_profile
from ..stories.profile.compute import ProfileData, SOURCE_OFSTED, SOURCE_WORKFORCE, indicator_table, load_data, slug
from ..stories.profile.words import _area_label, _flag_words, _long_date, _value, fmt, revision_text
from .render import render, write

FOLDER = "councils"
TEMPLATES_SCRIPT = "profile-charts.js"
# The names the page's rows go by in a template (instead of Altair's content hashes).
DATA = {"workforce": "workforce", "judgements": "judgements", "map": "highlight"}


def page_name(code: str, name: str) -> str:
    """'831-derby': the page (and CSV) of a council, by DfE code and name."""
    return f"{code}-{slug(name)}"


# ---- templates: a spec built once, and where each council's values go ---------------------------

def rows(df: pl.DataFrame) -> list[dict]:
    """A frame's rows as Altair serialises them into a spec's datasets (dates as ISO date-times)."""
    return df.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d") + "T00:00:00").to_dicts()


def _strip(spec: dict, data_name: str, keep: set[str] = frozenset()) -> tuple[dict, list[dict]]:
    """The spec without its council's rows: every dataset but `keep` removed, its data renamed `data_name`."""
    spec = copy.deepcopy(spec)
    held = spec.pop("datasets", {})
    own = [k for k in held if k not in keep]
    if len(own) != 1:
        raise ValueError(f"a profile chart has one dataset of the council's rows, not {len(own)}")

    def rename(node):
        if isinstance(node, dict):
            if node.get("name") == own[0] and set(node) == {"name"}:
                node["name"] = data_name
            for v in node.values():
                rename(v)
        elif isinstance(node, list):
            for v in node:
                rename(v)

    rename(spec)
    if keep:
        spec["datasets"] = {k: held[k] for k in keep}
    spec["config"] = {**spec.get("config", {}), "aria": False}  # one image on the page, not a mark per row
    return spec, held[own[0]]


def _paths(node, test, path=()) -> list[tuple]:
    """Paths of every dict in a spec for which test(dict) holds."""
    found = []
    if isinstance(node, dict):
        if test(node):
            found.append(path)
        for k, v in node.items():
            found += _paths(v, test, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _paths(v, test, (*path, i))
    return found


def _field(name: str):
    return lambda d: d.get("field") == name and "type" in d


def assemble(template: dict, patches: list, datasets: dict[str, list[dict]]) -> dict:
    """A council's spec: the template with its patches applied and its rows added (chart.js does the same)."""
    spec = copy.deepcopy(template)
    for path, value in patches:
        node = spec
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


@cache
def _wrap(text: str, width: float, size: int, bold: bool = False) -> tuple[str, ...]:
    """charts.wrap, once per text: most subtitle lines are the same on every council's chart."""
    return tuple(charts.wrap(text, width, size, bold))


@dataclass
class Template:
    """A chart's spec without a council's data, and the title's wrapping widths."""
    spec: dict
    width: float  # px the title and subtitle wrap at
    slots: dict[str, list[tuple]] = field(default_factory=dict)  # what varies -> where in the spec

    def words(self, words: dict, source: str) -> list:
        """Patches for the title, subtitle, description and the unwrapped words."""
        meta = {"title": words["title"], "subtitle": [words["subtitle"]] if isinstance(words["subtitle"], str)
                else list(words["subtitle"]), "source": source, "narrow_layout": True}
        title = _wrap(meta["title"], self.width, charts.TITLE_SIZE, True)
        subtitle = [line for part in meta["subtitle"] for line in _wrap(part, self.width, charts.SUBTITLE_SIZE)]
        return [(("title", "text"), list(title)), (("title", "subtitle"), subtitle),
                (("description",), words["alt_text"]), (("usermeta", charts._META), meta)]


def _template(spec: dict, data_name: str, narrow: bool, svg: str | None = None) -> Template:
    if narrow:
        width = charts.NARROW - charts.EDGE
    else:
        width = charts._svg_width(svg or charts.draw_svg(spec)) - charts.EDGE
    stripped, _ = _strip(spec, data_name)
    return Template(stripped, width)


def _layouts(spec: dict, data_name: str) -> dict[str, Template]:
    """The full-width and the narrow (phone) template of a spec, as `charts.save_chart` draws them."""
    full = charts.fit_text(spec)
    return {"full": _template(full, data_name, False), "narrow": _template(charts.narrow(full), data_name, True)}


def layout_of(spec: dict) -> str:
    """How a judgement timeline is laid out: a row per council ('facet'), one council, or none judged."""
    top = spec["vconcat"][0]
    return "facet" if "facet" in top else "empty" if top.get("mark", {}).get("type") == "text" else "single"


def committed_layouts(name: str, figures: Path | None = None) -> dict[str, dict[str, Template]]:
    """Templates from the specs the notebook saved for the councils it ran (outputs/figures/council_profile/):
    the notebook's own charts, full width and narrow, with no chart to build or draw again."""
    figures = figures or paths.FIGURES / "council_profile"
    found: dict[str, dict[str, Template]] = {}
    for full in sorted(figures.glob(f"*/{name}.vl.json")):
        narrow = full.with_name(f"{name}_narrow.vl.json")
        if not narrow.exists():
            continue
        spec = json.loads(full.read_text(encoding="utf-8"))
        key = name if name == "workforce" else f"{name}_{layout_of(spec)}"
        if key in found:
            continue
        svg = full.with_suffix("").with_suffix(".svg")
        data_name = DATA["workforce" if name == "workforce" else "judgements"]
        found[key] = {"full": _template(spec, data_name, False, svg.read_text() if svg.exists() else None),
                      "narrow": _template(json.loads(narrow.read_text(encoding="utf-8")), data_name, True)}
    return found


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


def _judgement_slots(spec: dict) -> dict[str, list[tuple]]:
    return {
        "areas": _paths(spec, lambda d: d.get("field") == "area_label" and "sort" in d),
        "dates": _paths(spec, lambda d: d.get("field") == "published" and "scale" in d),
        "rating": _paths(spec, lambda d: d.get("field") == "rating" and "scale" in d),
        "framework": _paths(spec, lambda d: d.get("field") == "framework" and "scale" in d),
        "councils": _paths(spec, lambda d: d.get("field") == "council" and "header" in d),
        "height": _paths(spec, lambda d: "height" in d and "encoding" in d
                         and d["encoding"].get("y", {}).get("field") == "area_label"),
    }


def _channel(kind: str, field_name: str, kwargs: dict) -> dict:
    import altair as alt

    channel = {"color": alt.Color, "shape": alt.Shape, "strokeDash": alt.StrokeDash}[kind]
    return channel(f"{field_name}:N", **kwargs).to_dict(validate=False)


class Charts:
    """Every profile chart's templates, built on first use, and each council's rows and patches."""

    def __init__(self, map_table: pl.DataFrame | None, committed: bool = True):
        self.templates: dict[str, dict[str, Template]] = {}
        if committed:
            self.templates.update(committed_layouts("workforce"))
            self.templates.update(committed_layouts("judgements"))
        for t in self.templates.get("workforce", {}).values():
            t.slots["series"] = _paths(t.spec, lambda d: d.get("field") == "series" and "scale" in d)
        for key, layouts in self.templates.items():
            if key.startswith("judgements"):
                for t in layouts.values():
                    t.slots = _judgement_slots(t.spec)
        self.map_table = map_table
        self.map_rows: dict[str, dict] = {}
        self._channels: dict[tuple, dict] = {}

    def _cached_channel(self, kind: str, field_name: str, key: tuple, kwargs) -> dict:
        if (kind, key) not in self._channels:
            self._channels[(kind, key)] = _channel(kind, field_name, kwargs())
        return self._channels[(kind, key)]

    def _role_ranges(self, roles: tuple[str, ...]) -> dict[str, list]:
        """Colours and dashes of series in these roles (charts.role_scales), once per sequence of roles."""
        key = ("roles", roles)
        if key not in self._channels:
            colour, dash = charts.role_scales({str(i): role for i, role in enumerate(roles)})
            self._channels[key] = {"color": colour["scale"].to_dict(validate=False)["range"],
                                   "strokeDash": dash["scale"].to_dict(validate=False)["range"]}
        return self._channels[key]

    # -- the workforce: six small multiples --
    def workforce(self, profile: dict) -> dict:
        if "workforce" not in self.templates:
            charts.setup()  # the house theme, as in the notebook
            spec = profile_chart.indicator_chart(profile)[0].to_dict()
            self.templates["workforce"] = layouts = _layouts(spec, DATA["workforce"])
            for t in layouts.values():
                t.slots["series"] = _paths(t.spec, lambda d: d.get("field") == "series" and "scale" in d)
        table = indicator_table(profile)
        roles = profile_chart.series_roles(table)
        names = list(roles)
        ranges = self._role_ranges(tuple(roles.values()))
        words = profile_chart.indicator_words(profile)
        source = f"Source: {SOURCE_WORKFORCE}"
        out = {}
        for layout, t in self.templates["workforce"].items():
            patches = t.words(words, source)
            for path in t.slots["series"]:
                patches += [((*path, "scale"), {"domain": names, "range": ranges[path[-1]]}), ((*path, "sort"), names)]
            out[layout] = patches
        return {"template": "workforce", "patches": out,
                "datasets": {DATA["workforce"]: rows(profile_chart.chart_rows(table))}, "words": words}

    # -- the judgement timeline --
    def judgements(self, profile: dict) -> dict:
        parts = profile_chart.judgement_parts(profile)
        key = f"judgements_{parts['layout']}"
        if key not in self.templates:
            charts.setup()
            spec = profile_chart.judgement_chart(profile)[0].to_dict()
            self.templates[key] = layouts = _layouts(spec, DATA["judgements"])
            for t in layouts.values():
                t.slots = _judgement_slots(t.spec)
        words = parts["words"]
        labels = parts["legend_words"]
        out = {}
        for layout, t in self.templates[key].items():
            patches = t.words(words, f"Source: {SOURCE_OFSTED}")
            for path in t.slots.get("areas", []):
                patches.append(((*path, "sort"), parts["area_order"]))
            for path in t.slots.get("dates", []):
                patches.append(((*path, "scale", "domain"), parts["domain"]))
            for path in t.slots.get("councils", []):
                patches.append(((*path, "sort"), parts["councils"]))
            for path in t.slots.get("height", []):
                patches.append(((*path, "height"), parts["height"]))
            for path in t.slots.get("rating", []):
                # the narrow layout reworks a legend: keep the template's, change only the words
                label_expr = charts._label_expr({**judgements.LABELS, **labels})
                patches.append(((*path, "legend", "labelExpr"), label_expr))
            for path in t.slots.get("framework", []):
                shape = self._cached_channel("shape", "framework", tuple(sorted(parts["frameworks"])),
                                             lambda: charts.framework_shape("framework", parts["frameworks"]))
                patches += [((*path, "scale"), shape["scale"]), ((*path, "sort"), shape["sort"])]
            out[layout] = patches
        return {"template": key, "patches": out, "datasets": {DATA["judgements"]: rows(parts["plot"])},
                "words": words, "table": parts["table"]}

    # -- the small map: today's judgements, the council's hexagon outlined --
    def map(self, profile: dict) -> dict | None:
        if self.map_table is None:
            return None
        if "map" not in self.templates:
            from ..stories import maps

            charts.setup()
            first = self.map_table["la_code"][0]
            spec = maps.judgement_map(self.map_table, narrow=True, highlight=first).to_dict()
            held = spec["datasets"]
            outlined = [k for k, v in held.items() if len(v) == 1 and v[0].get("la_code") == first]
            stripped, _ = _strip(spec, DATA["map"], keep=set(held) - set(outlined))
            self.templates["map"] = {"full": Template(stripped, 0.0)}
            everyone = next(v for v in held.values() if len(v) == self.map_table.height)
            self.map_rows = {r["la_code"]: r for r in everyone}
        # an abolished council has no hexagon today: its successors' are outlined
        codes = [profile["la_code"]] if profile["la_code"] in self.map_rows else \
            [s["la_code"] for s in profile["successors"] if s["la_code"] in self.map_rows]
        return {"template": "map", "patches": {"full": []},
                "datasets": {DATA["map"]: [self.map_rows[c] for c in codes]}, "codes": codes}

    def script(self) -> str:
        """The shared script: every template as one JavaScript object (cacheable, loaded by every profile)."""
        specs = {name: {layout: t.spec for layout, t in layouts.items()} for name, layouts in self.templates.items()}
        text = json.dumps(specs, sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        return render("profile-charts.js", templates_json=text)


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
            out.append([_long_date(j["published"]) if j["published"] else "date not published", label,
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
    return {"title": f"Ofsted's judgements of England's councils on {map_words.long_date(day)}",
            "description": f"{said}. {map_words.judgement_description(map_table)}",
            "table": {"headers": ["Council", "Judgement in force", "Report published"],
                      "rows": [[r["la_name"], r["judgement_label"],
                                _long_date(r["published"].isoformat()) if r["published"] else "–"]
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
        until=_long_date(profile["end_date"]) if profile["end_date"] else None,
        started=_long_date(profile["start_date"]) if profile["start_date"] else None,
        csv=csv_name, source_workforce=SOURCE_WORKFORCE, source_ofsted=SOURCE_OFSTED,
        nav=[("All stories and charts", f"{up}/index.html"), ("Council profiles", "index.html"),
             ("Every figure, checked", f"{up}/claims.html")],
        assets=f"{up}/assets", font_folder=f"{up}/assets/fonts")


def _index_row(profile: dict, page: str) -> dict:
    rated = [j for j in profile["judgements"] if judgements.is_judgement(j["overall"])]
    year = profile["year"]
    return {"page": page, "name": profile["name"], "code": profile["la_code"], "cells": [
        profile["name"], profile["la_code"], profile["region"] or "",
        _long_date(profile["end_date"]) if profile["end_date"] else "",
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
    code changed from E10 to E06); the two longest names.
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
    for code in ranked.sort(["length", "la_code"], descending=[True, False])["la_code"].head(2).to_list():
        add(code)
    return picks
