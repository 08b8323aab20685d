"""JupyterLab helpers: live charts outside the build, static SVG in it; tables laid out as the copy."""

import altair as alt
import polars as pl

from csc_figures import lab, params


def test_live_charts_outside_the_build_and_svg_in_it(monkeypatch):
    monkeypatch.delenv(params.PUBLISH_VARIABLE, raising=False)
    assert lab.renderer() == lab.LIVE
    monkeypatch.setenv(params.PUBLISH_VARIABLE, "11_council_profile")
    assert lab.renderer() == lab.STATIC


def test_the_live_bundle_is_lab_s_vega_lite_with_svg_and_sans_serif_fallbacks():
    chart = alt.Chart(pl.DataFrame({"x": [1, 2]})).mark_point(tooltip=True).encode(x="x:Q").properties(
        title="A title").configure(font="Source Sans Pro")
    bundle, metadata = lab._live_renderer(chart.to_dict())
    spec = bundle[lab.VEGALITE_MIME]
    assert spec["config"]["font"].startswith("Source Sans Pro, ") and spec["config"]["font"].endswith("sans-serif")
    assert metadata[lab.VEGALITE_MIME]["embed_options"]["renderer"] == "svg"
    assert bundle["text/plain"] == "<chart: A title>"
    # nbformat accepts the MIME type (a JSON type ends in +json); Altair 6's own v6 type it refuses
    assert lab.VEGALITE_MIME.endswith("+json")


def test_copy_table_reads_like_the_copy():
    df = pl.DataFrame({"year": [2021], "release": [2021], "published": [80850.0], "turnover_rate": [16.06],
                       "councils": [1204], "judgement": ["requires_improvement"]})
    out = lab.copy_table(df)
    assert out.row(0) == (2021, 2021, "80,850", "16.1", "1,204", "requires improvement")
    assert df["published"][0] == 80850.0  # the frame itself (and its CSV) keeps full precision
