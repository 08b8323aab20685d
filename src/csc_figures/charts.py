"""House style for charts and the one export routine every story uses.

Every chart carries a title that states the finding, a subtitle, a source line
and alt text; it is saved as PNG (2x, for the CMS), SVG (print), an offline HTML
page and the Vega-Lite spec, with the CSV of the numbers behind it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from functools import cache
from importlib.metadata import version
from pathlib import Path

import altair as alt
import font_source_sans_pro
import polars as pl
import vl_convert as vlc

from . import atomic, judgements, paths, style
from .chart_pages import VEGA_SCRIPT, _offline_html, described_svg, write_page_assets  # noqa: F401 (as charts.*)

FONT = style.FONT
FONT_STACK = style.FONT_STACK


@alt.theme.register("csc_house", enable=False)
def house_theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig(config=style.vega_config())


_set_up = False


def setup() -> None:
    """Theme, font and renderer for this process; call at the top of every notebook.

    Sets every piece of global chart state so a reused kernel cannot leak another's.
    """
    global _set_up
    if not _set_up:
        vlc.register_font_directory(font_source_sans_pro.font_directory)
        _set_up = True
    alt.theme.enable("csc_house")
    from .lab import renderer  # the build's runs: the SVG save_chart drew; JupyterLab: live Vega-Lite

    alt.renderers.enable(renderer())
    alt.data_transformers.enable("default")


# ---- drawing: once per spec -------------------------------------------------------------------------
# vl-convert is deterministic: one spec, one engine, the same fonts and time zone give the same bytes. So a
# spec is converted once per process (_DRAWN: a notebook shows the SVG save_chart drew) and once per machine:
# each drawing is kept in outputs/runs/drawn/ (gitignored; `make clean` empties it) under the hash of all it
# depends on, and a notebook run again (Make after a code change, a reporter's run) converts only the specs
# that changed. Starting the engine alone takes about 1 s per process. CSC_FIGURES_DRAW_FRESH=1 ignores the kept
# drawings (a test of vl-convert itself, a cold benchmark).
_DRAWN: dict[str, str] = {}
FRESH_VARIABLE = "CSC_FIGURES_DRAW_FRESH"
SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")


def _spec_key(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True)


@cache
def _engine() -> str:
    """Everything a drawing depends on besides its spec: vl-convert's version (its Vega, Vega-Lite and
    rasteriser), every font file it can find, and the time zone it formats dates in."""
    fonts = []
    for folder in (font_source_sans_pro.font_directory, *map(os.path.expanduser, SYSTEM_FONT_DIRS)):
        for here, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                st = os.stat(os.path.join(here, name))
                fonts.append(f"{here}/{name} {st.st_size} {st.st_mtime_ns}")
    # the zone vl-convert uses is the process's (asking vl-convert would start its engine)
    zone = os.environ.get("TZ") or os.path.realpath("/etc/localtime")
    return json.dumps([version("vl-convert-python"), zone, fonts])


def _kept(kind: str, key: str, convert) -> bytes:
    """convert()'s bytes, from outputs/runs/drawn/ when this engine made them for this key before."""
    digest = hashlib.sha256(f"{_engine()}\0{kind}\0{key}".encode()).hexdigest()
    path = paths.OUTPUTS / "runs" / "drawn" / f"{digest}.{kind}"
    fresh = os.environ.get(FRESH_VARIABLE)
    if not fresh and path.exists():
        return path.read_bytes()
    data = convert()
    if not fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # a whole file or none: builds run in parallel
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return data


def draw_svg(spec: dict) -> str:
    """The chart as SVG text, converted once per spec (see above)."""
    key = _spec_key(spec)
    if key not in _DRAWN:
        _DRAWN[key] = _kept("svg", key, lambda: vlc.vegalite_to_svg(spec).encode()).decode()
    return _DRAWN[key]


def rasterise(svg: str) -> bytes:
    """The SVG as PNG at 2x (for the CMS), rasterised once per SVG."""
    return _kept("png", svg, lambda: vlc.svg_to_png(svg, scale=2))


def _svg_renderer(spec: dict, **_) -> dict:
    return {"image/svg+xml": draw_svg(fit_text(spec))}


alt.renderers.register("csc_svg", _svg_renderer)


def judgement_scale(labels: dict[str, str] | None = None) -> dict:
    """Colour encoding kwargs for a judgement field, ordered outstanding to inadequate.

    `labels` overrides a legend label (a chart of older frameworks: 'Requires improvement / adequate').
    """
    return {
        "scale": alt.Scale(domain=list(judgements.ORDER), range=list(judgements.COLOURS)),
        "sort": list(judgements.ORDER),
        "legend": alt.Legend(title=None, labelExpr=_label_expr({**judgements.LABELS, **(labels or {})})),
    }


def _label_expr(labels: dict[str, str]) -> str:
    cases = " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in labels.items())
    return f"{cases} : datum.label"


def framework_shape(field: str = "framework", frameworks: list[str] | None = None) -> dict:
    """Shape encoding kwargs for an Ofsted framework field: the same shape for a framework in every chart."""
    domain = [f for f in style.FRAMEWORK_ORDER if frameworks is None or f in frameworks]
    return {"scale": alt.Scale(domain=domain, range=[style.FRAMEWORK_SHAPES[f] for f in domain]),
            "sort": domain, "legend": alt.Legend(title="Framework")}


def role_scales(series: dict[str, str]) -> tuple[dict, dict]:
    """Colour and strokeDash encoding kwargs for named series, each drawn in its role's style.

    `series` maps each series name (as the legend shows it) to its role: council, england, region,
    neighbours, highlight or other. Several 'other' series get further greys and dashes.
    """
    names, colours, dashes, others = list(series), [], [], 0
    for name in names:
        role = series[name]
        if role == "other":
            colours.append(style.OTHER_SERIES[others % len(style.OTHER_SERIES)])
            dashes.append(style.OTHER_DASHES[others % len(style.OTHER_DASHES)])
            others += 1
        else:
            colours.append(style.ROLE_COLOURS[role])
            dashes.append(style.ROLE_DASH[role])
    legend = {"title": None, "orient": "top", "columns": 2, "labelLimit": 0, "symbolType": "stroke",
              "symbolStrokeWidth": 3, "symbolSize": 400}
    colour = {"scale": alt.Scale(domain=names, range=colours), "sort": names, "legend": alt.Legend(**legend)}
    dash = {"scale": alt.Scale(domain=names, range=dashes), "sort": names, "legend": alt.Legend(**legend)}
    return colour, dash


def titled(chart, title: str, subtitle: str | list[str], source: str, alt_text: str, width: int = 520,
           narrow_layout: bool = True):
    """Add the house title, subtitle, source line and alt text to a chart.

    The text is wrapped by glyph width at `width` px here, and again at the drawn chart's own width
    when it is saved (`fit_text`); the unwrapped words travel in the spec's usermeta for that.
    `narrow_layout=False` for a chart that draws its own narrow variant (the maps keep hexagons regular).
    """
    subtitle = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    meta = {"title": title, "subtitle": subtitle, "source": source, "narrow_layout": narrow_layout}
    title_lines, subtitle_lines, source_lines = _wrapped(meta, width)
    return (
        alt.vconcat(chart, _source_line(source_lines, width))
        .properties(title=alt.Title(title_lines, subtitle=subtitle_lines, aria=False), description=alt_text,
                    usermeta={_META: meta})
        .configure_concat(spacing=6)
    )


def _source_line(lines: list[str], width: int) -> alt.Chart:
    # the text as a value (a list of lines), so a narrower layout can re-wrap it without touching data
    return (
        alt.Chart(alt.Data(values=[{}]))
        .mark_text(align="left", baseline="top", fontSize=SOURCE_SIZE, color=style.MUTED, font=FONT_STACK,
                   lineHeight=SOURCE_LINE)
        .encode(text=alt.value(lines if len(lines) > 1 else lines[0]), x=alt.value(0), y=alt.value(0))
        .properties(height=SOURCE_LINE * len(lines), width=width)
    )


# ---- text that fits: wrapping by glyph width ------------------------------------------------------
# Vega does not wrap titles: a title wider than its chart runs past the SVG's edge. Lines are measured
# with the shipped font (the one vl-convert lays out with) and wrapped at the chart's own width.

TITLE_SIZE, SUBTITLE_SIZE, SOURCE_SIZE = 18, 13, 12
SOURCE_LINE = 15  # px between source lines
EDGE = 12  # the chart's padding (5 px each side) and a little air
PHONE, PAGE_MARGIN, PADDING = 320, 16, 5  # px: narrowest phone published for; page margin (site.css); Vega's padding
# The narrow layout's widest SVG: a 320 px phone's width inside the page's margins, Vega's own padding (5 px a
# side) sitting in the margin so that the chart's ink lines up with the text.
NARROW = PHONE - 2 * PAGE_MARGIN + 2 * PADDING
_META = "csc_figures"  # usermeta key holding the unwrapped title, subtitle and source


@cache
def _font(size: int, bold: bool):
    from PIL import ImageFont

    name = "SourceSansPro-Bold.otf" if bold else "SourceSansPro-Regular.otf"
    return ImageFont.truetype(str(Path(font_source_sans_pro.font_directory) / name), size)


def text_width(text: str, size: int, bold: bool = False) -> float:
    """Advance width in px of `text` in the shipped font at `size` px."""
    return _font(size, bold).getlength(text)


def wrap(text: str, width: float, size: int, bold: bool = False) -> list[str]:
    """Greedy word wrap by glyph width; a single word wider than `width` keeps its own line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _wrapped(meta: dict, width: float, source_width: float | None = None) -> tuple[list[str], list[str], list[str]]:
    title = wrap(meta["title"], width, TITLE_SIZE, bold=True)
    subtitle = [line for part in meta["subtitle"] for line in wrap(part, width, SUBTITLE_SIZE)]
    source = wrap(meta["source"], source_width or width, SOURCE_SIZE) or [""]
    return title, subtitle, source


def _left_offset(svg: str) -> float:
    """How far right of the title the chart's own panels start (the y axis' labels): the source line
    sits under the panels, the title over the whole chart."""
    match = re.search(r'<g [^>]*transform="translate\(([0-9.]+),', svg)
    return max(0.0, float(match.group(1)) - 5) if match else 0.0


def _svg_width(svg: str) -> float:
    match = re.search(r'<svg [^>]*?width="([0-9.]+)"', svg)
    if not match:
        raise ValueError("SVG without a width")
    return float(match.group(1))


def _rewrap(spec: dict, width: float, source_width: float | None = None) -> dict:
    """The spec with its title and subtitle wrapped at `width` px, its source line at `source_width`."""
    meta = spec.get("usermeta", {}).get(_META)
    if not meta:
        return spec
    source_width = source_width or width
    title, subtitle, source = _wrapped(meta, width, source_width)
    out = copy.deepcopy(spec)
    out["title"] = {**out["title"], "text": title, "subtitle": subtitle}
    line = out["vconcat"][-1]
    line["mark"]["text"] = source if len(source) > 1 else source[0]
    line["encoding"]["text"] = {"value": source if len(source) > 1 else source[0]}
    line["height"] = SOURCE_LINE * len(source)
    line["width"] = max(10, int(source_width) - 2)
    return out


_FITTED: dict[str, dict] = {}


def fit_text(spec: dict) -> dict:
    """The spec with its title, subtitle and source wrapped to the width the chart is drawn at.

    Draws the chart once to learn its width; re-wraps (and draws again) only when a line is too long.
    """
    key = _spec_key(spec)
    if key in _FITTED:
        return _FITTED[key]
    meta = spec.get("usermeta", {}).get(_META)
    fitted = spec
    if meta:
        svg = draw_svg(spec)
        width = _svg_width(svg) - EDGE
        source_width = width - _left_offset(svg)
        lines = _wrapped(meta, width, source_width)
        current = spec["title"]
        if (lines[0] != _as_list(current.get("text")) or lines[1] != _as_list(current.get("subtitle"))
                or lines[2] != _as_list(spec["vconcat"][-1]["encoding"]["text"]["value"])):
            fitted = _rewrap(spec, width, source_width)
    _FITTED[key] = fitted
    return fitted


def _as_list(value) -> list[str]:
    return list(value) if isinstance(value, list) else [value] if value else []


# ---- the narrow layout: one column for a 320 px phone (NARROW px) --------------------------------------------

def narrow(chart_or_spec, width: int = NARROW) -> dict:
    """The same chart laid out for a phone: one column, every panel at most `width` px wide with its
    axes, legends in one column, the title, subtitle and source wrapped at that width.

    Takes an Altair chart made by `titled` (or its spec) and returns a Vega-Lite spec; the data,
    encodings and words are the wide chart's. Panels are narrowed until the drawn SVG fits.
    """
    spec = chart_or_spec if isinstance(chart_or_spec, dict) else chart_or_spec.to_dict()
    plot = width - 70  # room for a y axis and its labels; narrowed further below if needed
    source = width - EDGE
    legend = width - 60
    # each layout tried is the finished one (headers wrapped), so the one that fits is drawn once, here,
    # and save_chart's drawing of it is the same spec (draw_svg's cache), not another conversion
    out = _wrap_headers(_rewrap(_one_column(copy.deepcopy(spec), plot, width, None, legend), width - EDGE, source))
    for _ in range(6):
        svg = draw_svg(out)
        drawn = _svg_width(svg)
        if drawn <= width:
            break
        over = int(drawn - width) + 2
        plot = max(60, plot - over)
        legend = max(80, legend - over)  # long legend labels shorten last (the alt text has them whole)
        source = max(120, width - EDGE - _left_offset(svg))
        out = _wrap_headers(_rewrap(_one_column(copy.deepcopy(spec), plot, width, None, legend), width - EDGE, source))
    return out


def header_label_expr(labels, header: dict) -> str:
    """A facet header's labelExpr: each label wider than the header's labelLimit broken into lines by glyph
    width (a council's long name over its panel on a phone), the others as they are."""
    limit = header.get("labelLimit") or 0
    size, bold = header.get("labelFontSize", 12), header.get("labelFontWeight") == "bold"
    cases = [(label, wrap(label, limit, size, bold)) for label in sorted(set(labels))
             if limit and text_width(label, size, bold) > limit]
    expr = "datum.label"  # Vega-Lite pastes datum.label in unbracketed: the cases compare datum.value
    for label, lines in reversed(cases):
        expr = f"datum.value == {json.dumps(label)} ? {json.dumps(lines)} : ({expr})"
    return expr


def _wrap_headers(spec: dict) -> dict:
    """The narrow layout's facet headers with their long labels wrapped (`header_label_expr`)."""
    rows = [r for data in spec.get("datasets", {}).values() for r in data if isinstance(r, dict)]

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("header"), dict) and "field" in node:
                labels = [str(r[node["field"]]) for r in rows if r.get(node["field"]) is not None]
                node["header"] = {**node["header"], "labelExpr": header_label_expr(labels, node["header"])}
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return spec


_KEEP = {"data", "datasets", "usermeta", "description", "$schema"}
PHONE_LABELS = 110  # px: the longest axis label on a phone; longer ones shorten (the alt text has them whole)


def _one_column(node, plot: int, width: int = NARROW, legends: list | None = None, legend_limit: int | None = None):
    """A spec's panels in one column `plot` px wide, for a `width` px phone (see `narrow`)."""
    legends = [] if legends is None else legends
    legend_limit = legend_limit or width - 60
    if isinstance(node, list):
        return [_one_column(v, plot, width, legends, legend_limit) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _KEEP:
            out[key] = value
        elif key == "config":
            out[key] = {**value, "legend": {**value.get("legend", {}), "columns": 1, "labelLimit": legend_limit},
                        "view": {**value.get("view", {}), "continuousWidth": plot}}
        elif key == "hconcat":
            out["vconcat"] = _one_column(value, plot, width, legends, legend_limit)
        elif key == "columns" and isinstance(value, int):
            out[key] = 1
        elif key == "width" and isinstance(value, (int, float)):
            out[key] = plot
        elif key == "legend" and isinstance(value, dict):
            # a second legend (of another field) goes under the chart: two side by side would not fit a
            # phone; legends of the same field stay together, so Vega still merges them (colour and dash)
            field = node.get("field")
            if field not in legends:
                legends.append(field)
            out[key] = {**_one_column(value, plot, width, legends, legend_limit), "labelLimit": legend_limit,
                        "orient": "top" if legends.index(field) == 0 else "bottom", "direction": "vertical"}
            if "columns" in value:
                out[key]["columns"] = 1
        elif key == "axis" and isinstance(value, dict):
            inner = _one_column(value, plot, width, legends, legend_limit)
            inner["labelLimit"] = min(inner.get("labelLimit") or PHONE_LABELS, PHONE_LABELS)
            inner.setdefault("labelOverlap", "greedy")  # crowded labels thin out instead of overprinting
            if inner.get("tickCount") == "year":  # a year a tick is too dense for a phone
                inner["tickCount"] = {"interval": "year", "step": 4}
            out[key] = inner
        elif key == "header" and isinstance(value, dict):
            # a facet row's label goes above its panel instead of beside it
            out[key] = {**value, "labelOrient": "top", "labelAnchor": "start", "labelAngle": 0,
                        "labelAlign": "left", "labelLimit": legend_limit}
        elif key in ("x", "y") and isinstance(value, dict) and value.get("type") in ("nominal", "ordinal") \
                and value.get("axis", {}) is not None:
            axis = dict(value.get("axis") or {})  # so its labels can shorten
            if key == "x":
                axis["labelAngle"] = -45  # a year a label does not fit side by side on a phone
            out[key] = _one_column({**value, "axis": axis}, plot, width, legends, legend_limit)
        else:
            out[key] = _one_column(value, plot, width, legends, legend_limit)
    return out


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file; leave an identical file (and its mtime) alone."""
    atomic.write_bytes(path, data)


def save_table(table: pl.DataFrame, story: str, name: str) -> Path:
    """Write the numbers behind a chart (or any output table) to outputs/tables/<story>/<name>.csv."""
    path = paths.TABLES / story / f"{name}.csv"
    _write_atomic(path, table.write_csv().encode())
    return path


def save_chart(chart, story: str, name: str, table: pl.DataFrame | None = None,
               folder: Path | None = None, table_folder: Path | None = None) -> dict[str, Path]:
    """Save a chart as PNG, SVG, offline HTML and Vega-Lite JSON, its alt text as <name>.txt, its
    table as CSV and, for a chart made by `titled`, its narrow (phone) layout as
    <name>_narrow.{svg,png,vl.json} (the site draws it below 600 px).

    Returns the paths written. The alt text is the chart's `description`: the SVG's label and
    <desc>, and visible text on the HTML page. `folder` puts all of them in one folder of the
    caller's (the CLI's --out) instead of outputs/figures|tables/<story>/; `table_folder` puts the
    CSV elsewhere. Title, subtitle and source are wrapped to the chart's drawn width (`fit_text`).
    """
    setup()
    spec = fit_text(chart if isinstance(chart, dict) else chart.to_dict())
    folder_given = folder is not None
    folder = Path(folder) if folder_given else paths.FIGURES / story
    written = {}
    layouts = [("", spec)]
    if spec.get("usermeta", {}).get(_META, {}).get("narrow_layout", False):
        layouts.append(("_narrow", narrow(spec)))
    for suffix, layout in layouts:
        key = "narrow." if suffix else ""
        spec_json = json.dumps(layout, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        written[f"{key}vl.json"] = path = folder / f"{name}{suffix}.vl.json"
        _write_atomic(path, spec_json.encode())
        svg = described_svg(draw_svg(layout), layout)
        written[f"{key}svg"] = path = folder / f"{name}{suffix}.svg"
        _write_atomic(path, svg.encode())
        written[f"{key}png"] = path = folder / f"{name}{suffix}.png"
        _write_atomic(path, rasterise(svg))  # rasterise the SVG: no second layout
    written["txt"] = folder / f"{name}.txt"
    _write_atomic(written["txt"], (spec.get("description", "") + "\n").encode())
    written["html"] = folder / f"{name}.html"
    # one shared script beside the figures; a folder elsewhere (the CLI's --out) gets its own copy
    inside = folder.resolve().is_relative_to(paths.FIGURES.resolve())
    script = write_page_assets(paths.FIGURES if inside else folder)
    _write_atomic(written["html"], _offline_html(spec, os.path.relpath(script, folder)).encode())
    if table is not None and (folder_given or table_folder is not None):
        written["csv"] = Path(table_folder or folder) / f"{name}.csv"
        _write_atomic(written["csv"], table.write_csv().encode())
    elif table is not None:
        written["csv"] = save_table(table, story, name)
    return written
