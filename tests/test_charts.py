"""House style and export: every chart leaves five files, offline pages, stable specs."""

import re

import altair as alt
import polars as pl
import pytest

from csc_figures import charts, paths


@pytest.fixture
def saved(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "FIGURES", tmp_path / "figures")
    monkeypatch.setattr(paths, "TABLES", tmp_path / "tables")
    charts.setup()
    df = pl.DataFrame({"rating": charts.JUDGEMENT_ORDER, "turnover_rate": [13.8, 16.0, 16.3, 18.2]})
    bars = alt.Chart(df).mark_bar().encode(x=alt.X("rating:N", sort=charts.JUDGEMENT_ORDER),
                                           y="turnover_rate:Q", color=alt.Color("rating:N", **charts.judgement_scale()))
    chart = charts.titled(bars, "Inadequate councils lose more staff", "Turnover rate, %", "Source: DfE",
                          "Bar chart: turnover is highest at inadequate councils")
    return charts.save_chart(chart, "story", "turnover", df), chart


def test_five_files_per_chart(saved):
    written, _ = saved
    assert sorted(written) == ["csv", "html", "png", "svg", "vl.json"]
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


def test_same_chart_same_bytes(saved, tmp_path):
    written, chart = saved
    before = {k: p.read_bytes() for k, p in written.items()}
    again = charts.save_chart(chart, "story", "turnover", pl.read_csv(written["csv"]))
    assert {k: p.read_bytes() for k, p in again.items()} == before


def test_judgement_colours_differ_in_greyscale():
    def lightness(hex_colour: str) -> float:  # CIE L*, what greyscale printing keeps
        linear = [(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
                  for c in (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]
        y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return 116 * y ** (1 / 3) - 16

    levels = sorted(lightness(c) for c in charts.JUDGEMENT_COLOURS)
    assert min(b - a for a, b in zip(levels, levels[1:])) > 10
