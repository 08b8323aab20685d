"""House style and export: every chart leaves its files (four formats, the narrow layout, alt text, CSV),
offline pages, stable specs, titles wrapped to the chart."""

import os
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import altair as alt
import polars as pl
import pytest

from csc_figures import charts, judgements, paths


def turnover_chart():
    """The test chart and its table (also drawn by fresh processes in test_same_chart_same_bytes)."""
    df = pl.DataFrame({"rating": list(judgements.ORDER), "turnover_rate": [13.8, 16.0, 16.3, 18.2]})
    bars = alt.Chart(df).mark_bar().encode(x=alt.X("rating:N", sort=list(judgements.ORDER)),
                                           y="turnover_rate:Q", color=alt.Color("rating:N", **charts.judgement_scale()))
    chart = charts.titled(bars, "Inadequate councils lose more staff", "Turnover rate, %", "Source: DfE",
                          "Bar chart: turnover is highest at inadequate councils")
    return chart, df


@pytest.fixture
def saved(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "FIGURES", tmp_path / "figures")
    monkeypatch.setattr(paths, "TABLES", tmp_path / "tables")
    charts.setup()
    chart, df = turnover_chart()
    return charts.save_chart(chart, "story", "turnover", df), chart


def test_files_per_chart(saved):
    written, _ = saved
    assert sorted(written) == ["csv", "html", "narrow.png", "narrow.svg", "narrow.vl.json", "png", "svg", "txt",
                               "vl.json"]
    assert written["txt"].read_text() == "Bar chart: turnover is highest at inadequate councils\n"
    assert all(p.stat().st_size > 0 for p in written.values())
    assert written["png"].read_bytes()[:4] == b"\x89PNG"


def test_html_page_makes_no_network_request_and_carries_alt_text(saved):
    written, _ = saved
    page = written["html"].read_text()
    assert not re.search(r"""(src|href)=["']?https?:""", page) and "url(\"http" not in page
    assert 'src="../vega-embed.js"' in page and (written["html"].parent.parent / "vega-embed.js").exists()
    assert (written["html"].parent.parent / "fonts" / "SourceSansPro-Regular.otf").exists()
    assert "turnover is highest at inadequate councils" in page


def test_spec_carries_title_source_alt_text_and_font(saved):
    written, chart = saved
    spec = written["vl.json"].read_text()
    assert "Inadequate councils lose more staff" in spec and "Source: DfE" in spec
    assert chart.to_dict()["description"].startswith("Bar chart")
    assert charts.FONT in spec


# Draws the test chart in a new interpreter, so nothing (vl-convert's output, the SVG cache) carries over.
_DRAW = """
import sys
sys.path.insert(0, {tests!r})
from test_charts import turnover_chart
from csc_figures import charts
chart, df = turnover_chart()
charts.save_chart(chart, "story", "turnover", df)
"""


def _draw_in_fresh_process(out: Path) -> dict[str, bytes]:
    env = {**os.environ, "CSC_FIGURES_RUN_OUTPUTS": str(out)}
    subprocess.run([sys.executable, "-c", _DRAW.format(tests=str(Path(__file__).parent))], env=env, check=True)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("turnover*"))}


def test_same_chart_same_bytes(saved, tmp_path):
    """Two fresh processes write the same files, byte for byte, as this one did (with its cache)."""
    written, _ = saved
    here = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in written.values()}
    first = _draw_in_fresh_process(tmp_path / "first")
    second = _draw_in_fresh_process(tmp_path / "second")
    assert sorted(first) == sorted(here) and len(first) == 9
    assert first == second, [k for k in first if first[k] != second[k]]
    assert first == here, [k for k in first if first[k] != here[k]]


def test_judgement_colours_differ_in_greyscale():
    def lightness(hex_colour: str) -> float:  # CIE L*, what greyscale printing keeps
        linear = [(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
                  for c in (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]
        y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return 116 * y ** (1 / 3) - 16

    levels = sorted(lightness(c) for c in judgements.COLOURS)
    assert min(b - a for a, b in pairwise(levels)) > 10


def test_titles_wrap_by_glyph_width():
    words = "The better the Ofsted rating the lower the turnover vacancies agency use absence and caseloads"
    lines = charts.wrap(words, 300, charts.TITLE_SIZE, bold=True)
    assert len(lines) > 1 and " ".join(lines) == words
    assert all(charts.text_width(line, charts.TITLE_SIZE, bold=True) <= 300 for line in lines)
    # a wider glyph set wraps sooner: measured, not counted
    assert len(charts.wrap("W" * 40 + " " + "W" * 40, 400, 13)) == 2
    assert charts.text_width("WWWW", 13) > charts.text_width("iiii", 13)


def test_narrow_layout_is_the_same_chart_in_one_column():
    chart, _ = turnover_chart()
    wide, small = chart.to_dict(), charts.narrow(chart)
    assert small["description"] == wide["description"] and small["datasets"] == wide["datasets"]
    assert float(re.search(r'width="([0-9.]+)"', charts.draw_svg(small)).group(1)) <= charts.NARROW


TEXT_MIN = 12  # px: the smallest text a chart may draw (issue 23: no text under 12 px)


def test_no_committed_chart_draws_text_under_12_px():
    """Every SVG the stories wrote (full width and narrow) sets each text's size; none is under 12 px."""
    svgs = sorted(paths.FIGURES.rglob("*.svg"))
    assert len(svgs) > 30, f"the charts are missing from {paths.FIGURES}: run `make all`"
    small = {}
    for svg in svgs:
        sizes = {float(s) for s in re.findall(r'font-size="([0-9.]+)px"', svg.read_text(encoding="utf-8"))}
        if sizes and min(sizes) < TEXT_MIN:
            small[str(svg.relative_to(paths.FIGURES))] = min(sizes)
    assert not small, f"{len(small)} charts draw text under {TEXT_MIN} px, e.g. {dict(list(small.items())[:5])}"


def test_house_style_draws_no_text_under_12_px(saved):
    """The house defaults themselves (a text mark without a size, a facet header, the source line)."""
    _, chart = saved
    header = alt.Chart(pl.DataFrame({"g": ["a", "b"], "v": [1, 2]})).mark_text().encode(
        text="v:Q").facet(column="g:N")
    for spec in (chart.to_dict(), charts.titled(header, "T", "S", "Source", "Alt").to_dict()):
        sizes = {float(s) for s in re.findall(r'font-size="([0-9.]+)px"', charts.draw_svg(spec))}
        assert sizes and min(sizes) >= TEXT_MIN, sorted(sizes)
