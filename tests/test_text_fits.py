"""No text leaves its chart: every committed SVG drawn in Chromium with the shipped font, every text's box
measured (getBoundingClientRect, after every transform) against the chart's own box.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; the font is the one vl-convert measured
with (font-source-sans-pro), embedded in the page so nothing is fetched. If Chromium or the font is
missing the test fails: it never skips.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import font_source_sans_pro
import pytest

from csc_figures import paths

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SLACK = 0.5  # px: anti-aliasing, not overflow
NARROW = 320  # px: the narrowest phone we publish for


def _font_face(weight: int, name: str) -> str:
    data = base64.b64encode((Path(font_source_sans_pro.font_directory) / name).read_bytes()).decode()
    return (f'@font-face {{ font-family: "Source Sans Pro"; font-weight: {weight}; '
            f'src: url(data:font/otf;base64,{data}) format("opentype"); }}')


_MEASURE = """
async (chart) => {
  document.body.innerHTML = chart;
  await document.fonts.load('12px "Source Sans Pro"');
  await document.fonts.load('bold 12px "Source Sans Pro"');
  await document.fonts.ready;
  const loaded = document.fonts.check('12px "Source Sans Pro"') && document.fonts.check('bold 12px "Source Sans Pro"');
  const svg = document.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const out = [];
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < box.left - %(slack)s || r.right > box.right + %(slack)s ||
        r.top < box.top - %(slack)s || r.bottom > box.bottom + %(slack)s) {
      out.push({text: t.textContent, left: r.left - box.left, right: r.right - box.left,
                top: r.top - box.top, bottom: r.bottom - box.top});
    }
  }
  return {loaded, width: box.width, height: box.height, texts: svg.querySelectorAll('text').length, out};
}
""" % {"slack": SLACK}


def committed_svgs() -> list[Path]:
    found = sorted(paths.FIGURES.rglob("*.svg"))
    assert found, f"no committed SVG charts under {paths.FIGURES}: run make all"
    return found


@pytest.fixture(scope="module")
def page(browser):
    """A tab of the session's Chromium (conftest's `browser`: one per session)."""
    fonts = _font_face(400, "SourceSansPro-Regular.otf") + _font_face(700, "SourceSansPro-Bold.otf")
    tab = browser.new_page(viewport={"width": 1600, "height": 1000})
    # One document holds the fonts (0.6 MB as data: URLs, decoded once); each chart replaces its body.
    tab.set_content(f"<!DOCTYPE html><html><head><style>{fonts} body {{ margin: 0 }}</style></head><body></body></html>")

    def measure(svg: str) -> dict:
        return tab.evaluate(_MEASURE, svg)
    yield measure
    tab.close()


def overflowing(measure, svg_text: str) -> dict:
    result = measure(svg_text)
    assert result["loaded"], "the shipped font did not load in Chromium: the measurement would not be honest"
    return result


def test_the_check_finds_a_text_that_leaves_its_chart(page):
    """A check that cannot fail proves nothing: a title wider than its SVG is caught, one inside is not."""
    long = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
            '<text x="0" y="20" font-family="Source Sans Pro" font-size="18">A title far too long for this chart</text>'
            '</svg>')
    short = long.replace("A title far too long for this chart", "Fits")
    assert overflowing(page, long)["out"] and not overflowing(page, short)["out"]


def test_no_text_leaves_any_committed_chart(page):
    offenders = {}
    for path in committed_svgs():
        result = overflowing(page, path.read_text())
        assert result["texts"] > 0, path
        if result["out"]:
            offenders[str(path.relative_to(paths.FIGURES))] = [
                f"{o['text'][:50]!r} x {o['left']:.0f}..{o['right']:.0f} of {result['width']:.0f}" for o in result["out"]]
    assert not offenders, offenders


def test_narrow_variants_fit_a_320_px_phone(page):
    narrow = [p for p in committed_svgs() if p.name.endswith("_narrow.svg")]
    assert narrow, "no committed narrow variants (<name>_narrow.svg)"
    wide = {p.with_name(p.name.replace("_narrow.svg", ".svg")) for p in narrow}
    too_wide = {}
    for path in narrow:
        result = overflowing(page, path.read_text())
        if result["width"] > NARROW:
            too_wide[str(path.relative_to(paths.FIGURES))] = result["width"]
    assert not too_wide, too_wide
    assert all(p.exists() for p in wide), [p for p in wide if not p.exists()]
    # every story chart and council chart made by the house title block has its narrow layout
    def wants_narrow(svg: Path) -> bool:  # made by charts.titled, and not a chart drawing its own (the maps)
        meta = json.loads(svg.with_name(svg.stem + ".vl.json").read_text()).get("usermeta", {}).get("csc_figures")
        return bool(meta and meta.get("narrow_layout"))

    titled = [p for p in committed_svgs() if not p.stem.endswith("_narrow") and wants_narrow(p)]
    missing = [str(p) for p in titled if not p.with_name(p.stem + "_narrow.svg").exists()]
    assert titled and not missing, missing
