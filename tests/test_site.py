"""The site in a real browser: Debian's chromium driven by Playwright, checked by axe-core.

The site is built into a temporary folder (never the checkout's outputs/site), opened from file://, and
every page is checked at a phone's widths: no axe violation, no sideways scroll, no console error, no
request leaving file://, and each chart one named, described image. Screenshots of a few pages go to
outputs/screenshots/ (not committed) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from csc_figures import charts, paths
from csc_figures.site import build

PHONES = (320, 375)
SHOTS = paths.OUTPUTS / "screenshots"


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site


HTML_MIN = 12  # px: no text on a page smaller
SVG_MIN = 12  # px: a chart's text, at the scale it is drawn
# Text a reader sees: its size (an SVG's text at the scale it is drawn), and any SVG text outside its chart.
_TEXT_CHECK = """
() => {
  const small = [], outside = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest("script, style, noscript, title")) continue;
    if (!el.getClientRects().length) continue;  // not rendered (a closed <details>, the skip link's hiding)
    const text = el.closest("text");
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (text) {
      const m = text.getScreenCTM();
      size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      const svg = text.ownerSVGElement.getBoundingClientRect(), r = text.getBoundingClientRect();
      if (r.width && (r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 || r.bottom > svg.bottom + 1))
        outside.push(node.textContent.trim().slice(0, 40));
    }
    if (size < (text ? %(svg)s : %(html)s) - 0.05) small.push(node.textContent.trim().slice(0, 40) + " (" + size.toFixed(1) + " px)");
  }
  return {small: [...new Set(small)], outside: [...new Set(outside)]};
}
""" % {"svg": SVG_MIN, "html": HTML_MIN}


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_site_has_a_home_a_claims_page_and_a_page_per_chart(site):
    charts = build.committed_charts()
    assert (site / "index.html").exists() and (site / "claims.html").exists()
    assert len(list((site / "charts").rglob("*.html"))) == len(charts) > 30
    home = (site / "index.html").read_text()
    for chart in charts:
        assert f'href="{chart.page}"' in home, f"{chart.page} is not linked from the home page"


# Every chart drawn in the layout its box's width asks for (the narrow spec below 600 px when it has one).
_ALL_DRAWN = """
() => [...document.querySelectorAll("[data-chart]")].every(b => {
  const narrow = !!document.getElementById(b.dataset.chart + "-narrow") || b.hasAttribute("data-narrow");
  return b.dataset.drawn === (narrow && b.clientWidth < 600 ? "narrow" : "full");
})
"""


def _drawn(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_function(_ALL_DRAWN, timeout=15_000)  # one call, polled in the page, for every chart


# What _problems reads from the page, in one call: a round trip per chart and attribute cost more than the checks.
_LAYOUT = """
() => ({
  wide: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  charts: [...document.querySelectorAll("[data-chart]")].map(b => {
    const r = b.getBoundingClientRect(), s = b.querySelector("svg");
    return {role: b.getAttribute("role"), labelledby: b.getAttribute("aria-labelledby"),
            describedby: b.getAttribute("aria-describedby"), inner: b.querySelectorAll("[role], [aria-label]").length,
            left: r.left, right: r.right, svgLeft: s ? s.getBoundingClientRect().left : r.left};
  }),
  text: (%s)(),
})
""" % _TEXT_CHECK


def _problems(page, width: int) -> list[str]:
    problems = []
    seen = page.evaluate(_LAYOUT)
    if seen["wide"] > 0:
        problems.append(f"scrolls sideways by {seen['wide']} px at {width} px")
    for box in seen["charts"]:
        if box["role"] != "img" or not box["labelledby"] or not box["describedby"]:
            problems.append("a chart is not one named, described image")
        if box["inner"]:
            problems.append("a chart exposes roles or names inside its image")
    # a chart keeps the page's margin on a phone: its box (and the SVG in it) may reach into the margin only by
    # Vega's own padding (a chart wider than its box scrolls inside it)
    edge = charts.PAGE_MARGIN - charts.PADDING - 0.5
    for box in seen["charts"]:
        left, right = min(box["left"], box["svgLeft"]), box["right"]
        if left < edge or right > width - edge:
            problems.append(f"a chart spans {left:.0f}-{right:.0f} px at {width} px: into the page's margin")
            break
    text = seen["text"]
    if text["small"]:
        problems.append(f"text too small at {width} px: {text['small'][:4]}")
    if text["outside"]:
        problems.append(f"SVG text outside its chart at {width} px: {text['outside'][:4]}")
    return problems


# The pages are checked in this many parts, so pytest-xdist can share them between its workers; part i checks
# pages i, i + PARTS, i + 2 * PARTS, ... of the sorted list, so together the parts check every page once.
PARTS = 12
AXE_OPTIONS = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
               "resultTypes": ["violations"]}  # passes are not listed: twice as fast


@pytest.mark.parametrize("part", range(PARTS), ids=lambda i: f"part{i + 1}of{PARTS}")
def test_every_page_passes_axe_and_reflows_on_a_phone(site, browser, part):
    """Each page opened once at 320 px, then widened to 375 px, where axe-core checks WCAG 2.2 A and AA."""
    from axe_playwright_python.base import AXE_SCRIPT

    pages = _pages(site)
    assert len(pages) >= PARTS, f"{len(pages)} pages: fewer than the {PARTS} parts they are checked in"
    failures = {}
    page = browser.new_page(viewport={"width": PHONES[0], "height": 900})
    # axe-core (570 kB) is added to every document as it opens: sent to the browser once, not once per page
    page.add_init_script(AXE_SCRIPT)
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in pages[part::PARTS]:
        requests.clear()
        errors.clear()
        page.set_viewport_size({"width": PHONES[0], "height": 900})
        page.goto(path.as_uri())
        problems = []
        for width in PHONES:
            _drawn(page, width)
            problems += _problems(page, width)
        violations = page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)
        problems += [f"axe {v['id']}: {v['help']}" for v in violations]
        away = [r for r in requests if not r.startswith(("file://", "data:", "blob:", "about:"))]
        if away:
            problems.append(f"requests leaving file:// {away[:3]}")
        if errors:
            problems.append(f"console errors {errors[:3]}")
        if problems:
            failures[str(path.relative_to(site))] = problems
    page.close()
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


def test_screenshots_of_the_home_a_chart_and_the_claims_at_phone_and_desk_widths(site, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart = site / build.committed_charts()[0].page
    profile = sorted((site / "councils").glob("839-*.html"))[0]  # the most predecessors: the longest profile
    wanted = {"home": site / "index.html", "claims": site / "claims.html", "chart": chart,
              "map": site / "charts" / "maps" / "judgements_2025-03-31.html", "profile": profile,
              "councils": site / "councils" / "index.html"}
    for name, path in wanted.items():
        for width in (375, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(path.as_uri())
            _drawn(page, width)
            page.screenshot(path=str(SHOTS / f"{name}_{width}.png"), full_page=name != "claims")
            page.close()
    assert len(list(SHOTS.glob("*.png"))) >= 12
