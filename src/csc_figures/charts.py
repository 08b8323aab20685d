"""House style for charts and the one export routine every story uses.

Every chart carries a title that states the finding, a subtitle, a source line
and alt text; it is saved as PNG (2x, for the CMS), SVG (print), an offline HTML
page and the Vega-Lite spec, with the CSV of the numbers behind it.
"""

from __future__ import annotations

import json
import os
import textwrap
from functools import cache
from importlib.metadata import version
from pathlib import Path

import altair as alt
import font_source_sans_pro
import polars as pl
import vl_convert as vlc

from . import atomic, judgements, paths, style

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


# Notebooks show a chart as the SVG that save_chart already drew, instead of converting it again.
_DRAWN: dict[str, str] = {}


def _spec_key(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True)


def draw_svg(spec: dict) -> str:
    """The chart as SVG text, converted once per process."""
    key = _spec_key(spec)
    if key not in _DRAWN:
        _DRAWN[key] = vlc.vegalite_to_svg(spec)
    return _DRAWN[key]


def _svg_renderer(spec: dict, **_) -> dict:
    return {"image/svg+xml": draw_svg(spec)}


alt.renderers.register("csc_svg", _svg_renderer)


def judgement_scale(field: str = "rating", labels: dict[str, str] | None = None) -> dict:
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


def titled(chart, title: str, subtitle: str | list[str], source: str, alt_text: str):
    """Add the house title, subtitle, source line and alt text to a chart."""
    subtitle = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    return (
        alt.vconcat(chart, _source_line(source))
        .properties(title=alt.Title(title, subtitle=subtitle, aria=False), description=alt_text)
        .configure_concat(spacing=6)
    )


SOURCE_LINE_CHARACTERS = 125  # a longer source line (one naming where reported figures were read) wraps


def _source_line(source: str) -> alt.Chart:
    lines = textwrap.wrap(source, SOURCE_LINE_CHARACTERS) or [""]
    mark = {"lineBreak": "\n"} if len(lines) > 1 else {}
    return (
        alt.Chart(pl.DataFrame({"source": ["\n".join(lines)]}))
        .mark_text(align="left", baseline="top", fontSize=11, color=style.MUTED, font=FONT_STACK, **mark)
        .encode(text="source:N", x=alt.value(0), y=alt.value(0))
        .properties(height=14 * len(lines), width=520)
    )


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file; leave an identical file (and its mtime) alone."""
    atomic.write_bytes(path, data)


def save_table(table: pl.DataFrame, story: str, name: str) -> Path:
    """Write the numbers behind a chart (or any output table) to outputs/tables/<story>/<name>.csv."""
    path = paths.TABLES / story / f"{name}.csv"
    _write_atomic(path, table.write_csv().encode())
    return path


def save_chart(chart, story: str, name: str, table: pl.DataFrame | None = None,
               folder: Path | None = None) -> dict[str, Path]:
    """Save a chart as PNG, SVG, offline HTML and Vega-Lite JSON, plus its table as CSV.

    Returns the paths written. The alt text is the chart's `description`, which
    Vega puts in the SVG's aria-label; the HTML page repeats it in visible text.
    `folder` puts all of them in one folder of the caller's (the CLI's --out) instead of
    outputs/figures|tables/<story>/.
    """
    setup()
    spec = chart.to_dict()
    folder_given = folder is not None
    folder = Path(folder) if folder_given else paths.FIGURES / story
    written = {}
    spec_json = json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    written["vl.json"] = folder / f"{name}.vl.json"
    _write_atomic(written["vl.json"], spec_json.encode())
    svg = described_svg(draw_svg(spec), spec)
    written["svg"] = folder / f"{name}.svg"
    _write_atomic(written["svg"], svg.encode())
    written["png"] = folder / f"{name}.png"
    _write_atomic(written["png"], vlc.svg_to_png(svg, scale=2))  # rasterise the SVG: no second layout
    written["html"] = folder / f"{name}.html"
    script = write_page_assets(folder if folder_given else paths.FIGURES)
    _write_atomic(written["html"], _offline_html(spec, os.path.relpath(script, folder)).encode())
    if table is not None and folder_given:
        written["csv"] = folder / f"{name}.csv"
        _write_atomic(written["csv"], table.write_csv().encode())
    elif table is not None:
        written["csv"] = save_table(table, story, name)
    return written


def described_svg(svg: str, spec: dict) -> str:
    """The SVG as one image with its description: role="img", the alt text as its label, <title> and <desc>.

    Vega's own SVG carries no description, and with ARIA off its marks carry none either, so a
    standalone SVG (in a CMS or an editor's browser) reads as one image with the chart's alt text.
    """
    title = spec.get("title", {})
    heading = title.get("text", "") if isinstance(title, dict) else str(title or "")
    heading = " ".join(heading) if isinstance(heading, list) else heading
    alt_text = spec.get("description", "")
    head, sep, rest = svg.partition(">")
    if not sep or not head.startswith("<svg"):
        raise ValueError("not an SVG document")
    return (f'{head} role="img" aria-label="{_escape(alt_text)}"><title>{_escape(heading)}</title>'
            f"<desc>{_escape(alt_text)}</desc>{rest}")


# One copy of the Vega, Vega-Lite and vega-embed JavaScript for every chart page, beside the
# figures: each page loads it by a relative path, so pages work offline without carrying 0.9 MB each.
VEGA_SCRIPT = "vega-embed.js"


@cache
def vega_script() -> str:
    """The JavaScript that vl-convert bundles into a standalone chart page (Vega, Vega-Lite, vega-embed)."""
    page = vlc.vegalite_to_html({"mark": "point"}, bundle=True)
    start = page.index('<script type="text/javascript">') + len('<script type="text/javascript">')
    return page[start: page.index("</script>", start)]


FONT_FILES = ["SourceSansPro-Regular.otf", "SourceSansPro-Bold.otf", "LICENSE.txt"]


def write_page_assets(folder: Path) -> Path:
    """The shared script and the font files (SIL Open Font License) chart pages load by relative path."""
    for name in FONT_FILES:
        source = Path(font_source_sans_pro.font_directory) / name
        target = folder / "fonts" / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            _write_atomic(target, source.read_bytes())
    return write_vega_script(folder)


def write_vega_script(folder: Path) -> Path:
    """Write the shared script into `folder` unless this vl-convert version's copy is there already."""
    path = folder / VEGA_SCRIPT
    # Bundling takes ~2 s, so the first line records the version and the script is rebuilt only on change.
    stamp = f"// Vega, Vega-Lite and vega-embed as bundled by vl-convert-python {version('vl-convert-python')}\n"
    if not path.exists() or not path.read_text().startswith(stamp):
        _write_atomic(path, (stamp + vega_script()).encode())
    return path


def _offline_html(spec: dict, script_src: str) -> str:
    """A chart page that draws with the local script and font: no CDN, no network request."""
    fonts = str(Path(script_src).parent / "fonts") if Path(script_src).parent != Path(".") else "fonts"
    title = spec.get("title", {})
    heading = title.get("text", "Chart") if isinstance(title, dict) else str(title)
    heading = " ".join(heading) if isinstance(heading, list) else heading  # a title wrapped in lines
    alt_text = spec.get("description", "")
    spec_json = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{_escape(heading)}</title>
<script src="{script_src}"></script>
<style>
@font-face {{ font-family: "{FONT}"; font-weight: 400; src: url("{fonts}/SourceSansPro-Regular.otf"); }}
@font-face {{ font-family: "{FONT}"; font-weight: 700; src: url("{fonts}/SourceSansPro-Bold.otf"); }}
body {{ font-family: {FONT_STACK}; margin: 1.5em; color: {style.INK}; }}
.alt-text {{ color: {style.MUTED}; max-width: 46em; }}</style>
</head>
<body>
<div id="chart" role="img" aria-label="{_escape(alt_text)}"></div>
<p class="alt-text">{_escape(alt_text)}</p>
<script>vegaEmbed("#chart", {spec_json}, {{"renderer": "svg", "actions": false}}).catch(console.error);</script>
</body>
</html>
"""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
