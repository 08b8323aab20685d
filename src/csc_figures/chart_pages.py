"""A chart's own files beside its PNG and SVG: the SVG as one described image, the offline HTML page (from
templates/figure/, autoescaped), and the script and fonts those pages share."""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import version
from pathlib import Path

import font_source_sans_pro
import vl_convert as vlc
from markupsafe import Markup

from . import atomic, style

FONT, FONT_STACK = style.FONT, style.FONT_STACK


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
    if not sep or not re.match(r"<svg\b", head):
        raise ValueError("not an SVG document")
    return _template("described.svg").render(head=Markup(head), rest=Markup(rest), heading=heading, alt_text=alt_text)


# One copy of the Vega, Vega-Lite and vega-embed JavaScript for every chart page, beside the
# figures: each page loads it by a relative path, so pages work offline without carrying 0.9 MB each.
VEGA_SCRIPT = "vega-embed.js"


@cache
def vega_script() -> str:
    """The JavaScript that vl-convert bundles into a standalone chart page (Vega, Vega-Lite, vega-embed)."""
    page = vlc.vegalite_to_html({"mark": "point"}, bundle=True)
    found = re.search(r'<script type="text/javascript">(.*?)</script>', page, re.S)
    if not found:
        raise ValueError("vl-convert's standalone page holds no bundled script")
    return found.group(1)


FONT_FILES = ["SourceSansPro-Regular.otf", "SourceSansPro-Bold.otf", "LICENSE.txt"]


def write_page_assets(folder: Path) -> Path:
    """The shared script and the font files (SIL Open Font License) chart pages load by relative path."""
    for name in FONT_FILES:
        source = Path(font_source_sans_pro.font_directory) / name
        target = folder / "fonts" / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            atomic.write_bytes(target, source.read_bytes())
    return write_vega_script(folder)


def write_vega_script(folder: Path) -> Path:
    """Write the shared script into `folder` unless this vl-convert version's copy is there already."""
    path = folder / VEGA_SCRIPT
    # Bundling takes ~2 s, so the first line records the version and the script is rebuilt only on change.
    stamp = f"// Vega, Vega-Lite and vega-embed as bundled by vl-convert-python {version('vl-convert-python')}\n"
    if not path.exists() or not path.read_text().startswith(stamp):
        atomic.write_bytes(path, (stamp + vega_script()).encode())
    return path


def _template(name: str):
    """A template of the chart files (templates/figure/), autoescaped like every page."""
    from .site.render import environment

    return environment().get_template(f"figure/{name}.j2")


def _offline_html(spec: dict, script_src: str) -> str:
    """A chart page that draws with the local script and font: no CDN, no network request."""
    fonts = str(Path(script_src).parent / "fonts") if Path(script_src).parent != Path(".") else "fonts"
    title = spec.get("title", {})
    heading = title.get("text", "Chart") if isinstance(title, dict) else str(title)
    heading = " ".join(heading) if isinstance(heading, list) else heading  # a title wrapped in lines
    return _template("page.html").render(
        heading=heading, alt_text=spec.get("description", ""), spec=spec, script_src=script_src, fonts=fonts,
        font=FONT, font_stack=FONT_STACK, ink=style.INK, muted=style.MUTED)
