"""The council profiles' charts: each Vega-Lite spec built once, each council's rows and patches.

Building the notebook's Altair charts costs ~0.5 s a council, too slow for ~160 pages. So each chart's
Vega-Lite spec is taken ONCE (the spec the notebook saved for a council it ran, or else built with the
notebook's own functions) and stripped of its data: a *template* in the shared, cacheable script
`assets/profile-charts.js`. Each page carries only its council's rows and the few values a council changes
(title and description, series names and colours, rows of judgement areas, ...) as patches: [path in the
spec, value]. The browser's chart.js and `assemble` below apply the same patches; tests check that the
assembled spec is the one the notebook saves. The small map is the maps story's narrow judgement map with
the council's hexagon outlined.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from .. import charts, credits, judgements, paths
from ..stories.profile import chart as profile_chart
from ..stories.profile.compute import indicator_table, ofsted_credit, workforce_credit
from .render import render

TEMPLATES_SCRIPT = "profile-charts.js"
# The names the page's rows go by in a template (instead of Altair's content hashes).
DATA = {"workforce": "workforce", "judgements": "judgements", "map": "highlight"}

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


def _at(spec: dict, path: tuple):
    for key in path:
        spec = spec[key]
    return spec


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
        source = credits.line(workforce_credit())
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
            patches = t.words(words, credits.line(ofsted_credit()))
            for path in t.slots.get("areas", []):
                patches.append(((*path, "sort"), parts["area_order"]))
            for path in t.slots.get("dates", []):
                patches.append(((*path, "scale", "domain"), parts["domain"]))
            for path in t.slots.get("councils", []):
                patches.append(((*path, "sort"), parts["councils"]))
                header = _at(t.spec, path)["header"]
                if "labelExpr" in header:  # the narrow layout wraps a long name (charts.header_label_expr)
                    patches.append(((*path, "header", "labelExpr"), charts.header_label_expr(parts["councils"], header)))
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
