"""The house style, declared once: colours, shapes, dashes, the font stack and number formats.

Nothing else in the package writes a colour literal or a d3 number format
(tests/test_style.py reads every module to make sure). The palettes each carry one meaning:

- JUDGEMENT colours mark Ofsted judgements and nothing else. Each is at least 3:1 against
  white (WCAG 1.4.11) and they differ in lightness (CIE L* 21, 49, 61, 38), so they survive
  greyscale printing.
- ROLE colours mark whose figure a line or bar is: the council the chart is about (and the one
  item a title names, `highlight`: the same "this one" meaning), England, the region, the
  statistical neighbours and any other context series. Each role also has its own dash, so a
  reader who cannot tell the colours apart can tell the lines apart.
- CHANGE colours mark a movement between two judgements (up, unchanged, down).
- ORDERED greys mark ordered categories that are not judgements (intakes, study phases).
- INK, MUTED, GRID and RULE are the neutral text and guide colours.

Framework shapes are fixed: every chart draws a SIF judgement as a square, an ILACS one as a
circle, and the pre-2013 frameworks (SLAC, CPI, TLAC) as triangles or a diamond.
"""

from __future__ import annotations

FONT = "Source Sans Pro"  # shipped as a wheel (font-source-sans-pro): every machine draws the same glyphs
# Any viewer without the shipped font (JupyterLab, a CMS, an editor's browser) falls back to a sans-serif.
# No family is quoted: vl-convert 1.9 measures text with a fallback font when any name in the list is
# quoted (an axis label measured 541 px instead of 490), so "Source Sans 3" (a digit: quotes needed) is left out.
FONT_STACK = "Source Sans Pro, Arial, Helvetica, sans-serif"

WHITE = "#ffffff"
INK = "#222222"  # titles, labels, the England line
MUTED = "#555555"  # subtitles, source lines, annotations
GRID = "#e6e6e6"
RULE = "#888888"  # axis domains, ticks, zero lines, reference rules

# Ofsted judgements only: outstanding, good, requires improvement, inadequate.
JUDGEMENT_COLOURS: dict[str, str] = {
    "outstanding": "#08306b",
    "good": "#2a78b8",
    "requires_improvement": "#dd7a00",  # 3.06:1 on white (the old #f2b134 was 1.9:1)
    "inadequate": "#b2182b",
}
NO_JUDGEMENT = "#9e9e9e"  # a row with no judgement in force (a council not yet inspected)

# Whose figure a mark is. Colour, dash (Vega strokeDash) and stroke width per role.
ROLE_COLOURS: dict[str, str] = {
    "council": "#6a3d9a",
    "highlight": "#6a3d9a",  # the one item the title names (a year, a series): "this one", like the council
    "england": INK,
    "region": "#1b7837",
    "neighbours": "#8c510a",
    "other": "#767676",  # predecessors, figures as first published, context
}
ROLE_DASH: dict[str, list[int]] = {
    "council": [1, 0], "highlight": [1, 0], "england": [6, 3], "region": [2, 2], "neighbours": [8, 2, 2, 2],
    "other": [4, 2],
}
ROLE_WIDTH: dict[str, float] = {"council": 2.5, "highlight": 2.5, "england": 1.6, "region": 1.6,
                                "neighbours": 1.6, "other": 1.8}
# Predecessor councils beyond the first: further greys, told apart by their dashes.
OTHER_SERIES = ["#767676", "#4d4d4d", "#8a8a8a"]
OTHER_DASHES = [[4, 2], [1, 2], [10, 3]]

CHANGE_COLOURS: dict[str, str] = {"Upgrade": "#01665e", "Unchanged": "#8a8a8a", "Downgrade": "#8e0152"}

# Ordered categories that are not judgements (intakes, study phases), lightest first; each >= 3:1 on white.
ORDERED = ["#8a8a8a", "#636363", "#3f3f3f", "#1a1a1a"]


def ordered(n: int) -> list[str]:
    """n greys for n ordered categories, spread over the ramp (two phases: the lightest and darkest)."""
    if n <= 1:
        return ORDERED[-1:]
    step = (len(ORDERED) - 1) / (n - 1)
    return [ORDERED[round(i * step)] for i in range(n)]


# Maps (stories/maps): a council with no judgement or figure, the hexagons' outline (3:1 on white), and
# the sequential scale of a measure, light to dark in five groups.
MAP_NO_DATA = "#d9d9d9"
MAP_OUTLINE = "#767676"
MAP_SEQUENTIAL = ("#c6dbef", "#8fbbdc", "#5a95c8", "#2f6aa8", "#0e3c78")

# Framework -> point shape (Vega shape names): fixed in every chart.
FRAMEWORK_SHAPES: dict[str, str] = {
    "ILACS": "circle", "SIF": "square", "SLAC": "triangle-up", "CPI": "diamond", "TLAC": "triangle-down",
}
FRAMEWORK_ORDER = ("SLAC", "CPI", "TLAC", "SIF", "ILACS")  # in the order Ofsted used them

# d3 number formats, named by what they print.
NUMBER_FORMATS: dict[str, str] = {
    "count": ",.0f",  # 80,850
    "one_place": ".1f",  # 16.1
    "one_place_thousands": ",.1f",  # 1,234.6
    "two_places": ".2f",
    "up_to_two_places": ".2~f",  # 32.56, 32.9
    "whole": ".0f",  # 90
    "integer": "d",  # 2021 (no separator)
    "short": "~r",  # axis ticks: 5, 7.5, 10
}


def fmt(name: str) -> str:
    return NUMBER_FORMATS[name]


def period_label_expr() -> str:
    """Vega expression labelling a year-ending value 2021 as '2020-21' (DfE's years to 31 March)."""
    year = fmt("integer")
    return f"format(datum.value - 1, '{year}') + '-' + slice(format(datum.value, '{year}'), 2)"


# ---- contrast (WCAG 2.x) ----------------------------------------------------------------------

def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    r, g, b = (_linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(colour: str, background: str = WHITE) -> float:
    """WCAG contrast ratio, 1 to 21 (meaningful graphics need 3)."""
    a, b = sorted((luminance(colour), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def lightness(colour: str) -> float:
    """CIE L*, what greyscale printing keeps."""
    y = luminance(colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


# ---- the Vega-Lite config ---------------------------------------------------------------------

def vega_config(width: int = 520) -> dict:
    """The house config for every spec: font stack, colours, and Vega's per-mark ARIA off.

    With ARIA on, Vega gives every mark its own accessible item named by raw fields; the chart is
    one image with one description (the spec's `description`), so every mark and guide is hidden.
    """
    return {
        "font": FONT_STACK,
        "background": WHITE,
        "aria": False,
        "mark": {"aria": False},
        "view": {"stroke": None, "continuousWidth": width, "continuousHeight": 300},
        "title": {"aria": False, "anchor": "start", "fontSize": 18, "fontWeight": "bold", "subtitleFontSize": 13,
                  "subtitleColor": MUTED, "color": INK, "offset": 12, "font": FONT_STACK,
                  "subtitleFont": FONT_STACK},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": GRID, "domainColor": RULE,
                 "tickColor": RULE, "labelColor": INK, "titleColor": INK, "labelFont": FONT_STACK,
                 "titleFont": FONT_STACK},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top", "labelColor": INK,
                   "titleColor": INK, "labelFont": FONT_STACK, "titleFont": FONT_STACK},
        "header": {"labelFont": FONT_STACK, "titleFont": FONT_STACK, "labelColor": INK, "labelFontSize": 12,
                   "titleFontSize": 12},
        "text": {"font": FONT_STACK, "fontSize": 12},  # Vega's default is 11: no chart text under 12 px
        "range": {"category": [ROLE_COLOURS[r] for r in ("england", "council", "region", "neighbours", "other")]},
    }
