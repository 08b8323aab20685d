"""A chart spec is converted once: kept drawings are vl-convert's own bytes, keyed by all they depend on."""

import pytest

from csc_figures import charts, paths

SPEC = {"mark": "bar", "data": {"values": [{"council": "York", "rate": 16.1}, {"council": "Derby", "rate": 12.4}]},
        "encoding": {"x": {"field": "council", "type": "nominal"}, "y": {"field": "rate", "type": "quantitative"}}}


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """Drawings kept in a project of our own; counts the conversions vl-convert is asked for."""
    monkeypatch.setattr(paths, "OUTPUTS", tmp_path / "outputs")
    monkeypatch.setattr(charts, "_DRAWN", {})
    monkeypatch.delenv(charts.FRESH_VARIABLE, raising=False)
    asked: list[str] = []
    real_svg, real_png = charts.vlc.vegalite_to_svg, charts.vlc.svg_to_png

    def svg(spec):
        asked.append("svg")
        return real_svg(spec)

    def png(svg_text, scale):
        asked.append("png")
        return real_png(svg_text, scale=scale)

    monkeypatch.setattr(charts.vlc, "vegalite_to_svg", svg)
    monkeypatch.setattr(charts.vlc, "svg_to_png", png)
    return asked


def test_a_spec_drawn_before_is_read_back_byte_for_byte(kept, monkeypatch):
    fresh = charts.vlc.vegalite_to_svg(SPEC)  # not through the cache: vl-convert's own bytes
    kept.clear()
    first = charts.draw_svg(SPEC)
    assert first == fresh and kept == ["svg"]
    monkeypatch.setattr(charts, "_DRAWN", {})  # another process
    assert charts.draw_svg(SPEC) == fresh and kept == ["svg"], "the kept drawing was used"
    assert charts.rasterise(first) == charts.rasterise(first) and kept == ["svg", "png"]
    assert charts.rasterise(first)[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list((paths.OUTPUTS / "runs" / "drawn").iterdir())) == 2


def test_another_spec_engine_font_or_time_zone_is_drawn_again(kept, monkeypatch, tmp_path):
    charts.draw_svg(SPEC)
    other = {**SPEC, "mark": "point"}
    charts.draw_svg(other)
    assert kept == ["svg", "svg"]
    for change in ("zone", "font", "engine"):
        monkeypatch.setattr(charts, "_DRAWN", {})
        charts._engine.cache_clear()
        if change == "zone":
            monkeypatch.setenv("TZ", "Pacific/Auckland")
        elif change == "font":
            fonts = tmp_path / "fonts"
            fonts.mkdir()
            (fonts / "Extra.otf").write_bytes(b"a font")
            monkeypatch.setattr(charts, "SYSTEM_FONT_DIRS", (*charts.SYSTEM_FONT_DIRS, str(fonts)))
        else:
            monkeypatch.setattr(charts, "version", lambda name: "99.0")
        before = len(kept)
        charts.draw_svg(SPEC)
        assert len(kept) == before + 1, f"a new {change} draws the spec again"
    charts._engine.cache_clear()


def test_drawing_fresh_ignores_and_keeps_nothing(kept, monkeypatch):
    monkeypatch.setenv(charts.FRESH_VARIABLE, "1")
    charts.draw_svg(SPEC)
    monkeypatch.setattr(charts, "_DRAWN", {})
    charts.draw_svg(SPEC)
    assert kept == ["svg", "svg"] and not (paths.OUTPUTS / "runs" / "drawn").exists()


def test_the_narrow_layout_that_fits_is_the_one_drawn(kept):
    """narrow() measures the finished layout (headers wrapped), so saving it converts nothing more."""
    import altair as alt
    import polars as pl

    data = pl.DataFrame({"measure": ["Turnover rate", "Agency worker rate"] * 2, "rating": ["good", "good", "inadequate", "inadequate"],
                         "value": [16.0, 16.0, 18.2, 26.7]})
    panel = alt.Chart(data).mark_bar().encode(x="rating:N", y="value:Q").properties(width=200, height=120)
    chart = panel.facet(facet=alt.Facet("measure:N", header=alt.Header(title=None, labelFontSize=12)), columns=2)
    spec = charts.fit_text(charts.titled(chart, "Inadequate councils had the highest rates", "Two measures",
                                         "Source: a test", "Bars by rating").to_dict())
    phone = charts.narrow(spec)
    asked = len(kept)
    charts.draw_svg(phone)
    assert len(kept) == asked, "the layout narrow() returns was drawn while it was measured"
