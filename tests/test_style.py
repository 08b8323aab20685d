"""The house style: one declaration (style.py), contrast that meets WCAG 1.4.11, and every chart using it."""

import ast
import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from csc_figures import charts, judgements, paths, style

PACKAGE = Path(style.__file__).parent
DECLARATION = PACKAGE / "style.py"

_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
# A colour inside a CSS declaration ("color:#222") belongs to a page stylesheet (the pages issue's),
# not to a chart; anything else (an SVG attribute, a Vega value) is a chart colour.
_CSS_DECLARATION = re.compile(r"[a-z-]+\s*:[^;{}:\"'<>=]*?#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_NAMED = {"white", "black", "red", "blue", "green", "orange", "grey", "gray", "purple", "yellow", "steelblue",
          "darkgrey", "darkgray", "lightgrey", "lightgray", "crimson", "navy", "teal", "brown"}
# d3 number formats: ",.0f", ".1f", "~r", ".2~f", "d", ",", "%"; and format(x, '.1f') inside Vega expressions.
_D3_FORMAT = re.compile(r"[,~]*(\.\d+)?~?[dfgrsep%]?")
_D3_IN_EXPRESSION = re.compile(r"format\([^()]*,\s*'[^']*'\)")


def style_breaches(source: str) -> list[str]:
    """Colour literals and d3 number formats written in a module's source (outside the declaration)."""
    found = []
    tree = ast.parse(source)
    # Python's own format specs (f"{x:.1f}") are not d3 formats
    specs = {id(part) for node in ast.walk(tree) if isinstance(node, ast.FormattedValue) and node.format_spec
             for part in ast.walk(node.format_spec)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in specs:
            continue
        text = node.value
        colours = _HEX.findall(text)
        css = _CSS_DECLARATION.findall(text)
        if len(colours) > len(css):
            found.append(f"line {node.lineno}: colour literal in {text[:60]!r}")
        if text.strip().lower() in _NAMED:
            found.append(f"line {node.lineno}: named colour {text!r}")
        if text and _D3_FORMAT.fullmatch(text) and (re.search(r"\.\d|~", text) or text in {"d", ",d"}):
            found.append(f"line {node.lineno}: d3 number format {text!r}")
        if _D3_IN_EXPRESSION.search(text):
            found.append(f"line {node.lineno}: d3 number format in a Vega expression {text[:60]!r}")
    return found


def test_the_scanner_finds_what_it_looks_for():
    """A check that cannot fail proves nothing: each kind of breach is caught, CSS and words are not."""
    breaches = style_breaches(
        'a = "#f2b134"\nb = alt.value("white")\nc = alt.Axis(format=",.0f")\n'
        'd = f\'<line stroke="#e6e6e6" x="{x}"/>\'\ne = "format(datum.value, \'d\')"\nf = ".1f"\n'
        'g = f"{x:.1f} and {y:,}"\nh = ",".join(z)\n')
    assert len(breaches) == 6, breaches
    assert style_breaches('css = "td.na{color:#b2182b} th{background:#f2f2f2}"\nw = "white British"\n'
                          'n = "d"\n') == [
        "line 3: d3 number format 'd'"]


def test_no_module_outside_the_declaration_writes_a_colour_or_a_number_format():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == DECLARATION:
            continue
        found = style_breaches(path.read_text())
        if found:
            offenders[str(path.relative_to(PACKAGE))] = found
    assert not offenders, offenders


def test_judgement_colours_meet_3_to_1_on_white_and_differ_in_greyscale():
    ratios = {code: style.contrast(colour) for code, colour in style.JUDGEMENT_COLOURS.items()}
    assert all(r >= 3 for r in ratios.values()), ratios
    assert ratios["requires_improvement"] == pytest.approx(3.06, abs=0.01)
    levels = sorted(style.lightness(c) for c in judgements.COLOURS)
    assert min(b - a for a, b in pairwise(levels)) > 10, levels


def test_contrast_ratio_matches_wcag_examples():
    assert style.contrast("#000000") == pytest.approx(21)
    assert style.contrast("#ffffff") == pytest.approx(1)
    assert style.contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert style.contrast("#f2b134") < 2  # the amber this replaced


def test_every_meaningful_colour_meets_3_to_1_and_palettes_do_not_share_a_colour():
    meaningful = {**{f"role {k}": v for k, v in style.ROLE_COLOURS.items()},
                  **{f"change {k}": v for k, v in style.CHANGE_COLOURS.items()},
                  **{f"ordered {i}": v for i, v in enumerate(style.ORDERED)},
                  **{f"other {i}": v for i, v in enumerate(style.OTHER_SERIES)},
                  "rule": style.RULE}
    low = {k: round(style.contrast(v), 2) for k, v in meaningful.items() if style.contrast(v) < 3}
    assert not low, low
    judgement = {c.lower() for c in style.JUDGEMENT_COLOURS.values()}
    others = {v.lower() for v in [*style.ROLE_COLOURS.values(), *style.CHANGE_COLOURS.values(), *style.ORDERED]}
    assert not judgement & others, "a judgement colour is used for something else"


def test_framework_words_are_kept():
    assert judgements.words_in("requires_improvement", "SLAC") == "adequate"
    assert judgements.words_in("requires_improvement", "SIF") == "requires improvement"
    assert judgements.label_in("requires_improvement", "CPI") == "Adequate"
    assert judgements.words_in("good", "SLAC") == "good"
    assert set(style.FRAMEWORK_SHAPES) == set(style.FRAMEWORK_ORDER)
    assert len(set(style.FRAMEWORK_SHAPES.values())) == len(style.FRAMEWORK_SHAPES)


def _committed(ext: str) -> list[Path]:
    found = sorted(p for p in paths.FIGURES.rglob(f"*.{ext}"))
    assert found, f"no committed .{ext} charts under {paths.FIGURES}: run make all"
    return found


def test_every_committed_spec_has_the_font_stack_and_aria_off():
    for path in _committed("vl.json"):
        spec = json.loads(path.read_text())
        config = spec.get("config", {})
        assert config.get("aria") is False and config.get("mark", {}).get("aria") is False, path
        assert config.get("font") == style.FONT_STACK, path


def test_every_committed_svg_names_a_sans_serif_fallback_and_no_mark_is_an_aria_item():
    for path in _committed("svg"):
        svg = path.read_text()
        families = set(re.findall(r'font-family="([^"]*)"', svg))
        assert families, path
        assert all(f.replace("&quot;", '"') == style.FONT_STACK for f in families), (path, families)
        # one image with one description; no mark item is its own accessible object
        assert re.match(r'<svg [^>]*role="img" aria-label="[^"]+"><title>', svg), path
        items = re.findall(r'<(?!g\b|svg\b)[a-z]+\b[^>]*\b(?:role|aria-label)="[^"]*"', svg)
        assert not items, (path, items[:3])
        labels = re.findall(r'<g [^>]*aria-roledescription="([^"]*)"[^>]*aria-label=', svg)
        assert set(labels) <= {"title", "subtitle"}, (path, labels)


def test_theme_carries_the_declaration():
    config = charts.house_theme()["config"]
    assert config["font"] == style.FONT_STACK and config["aria"] is False
