"""JupyterLab: live charts for a reporter, static ones for the build.

The build's published runs (csc_figures.run sets CSC_FIGURES_PUBLISH) show each chart as the SVG that
`charts.save_chart` drew, so the executed notebooks nbval checks stay byte-for-byte the same. Any other
kernel (JupyterLab, a run with other parameters, nbval's re-run) shows the chart live: the Vega-Lite spec as
JupyterLab's own Vega renderer takes it (`application/vnd.vegalite.v5+json`, no CDN, no random ids), with
the tooltips the specs define. `charts.setup()` asks `renderer()` which one to enable.

`copy_table` lays a table out as the desk's copy reads: whole numbers with thousands separators, rates to
their measure's precision, judgement words instead of codes, no dtype row. The CSVs keep full precision.
"""

from __future__ import annotations

import os

from .params import PUBLISH_VARIABLE

LIVE = "csc_live"
STATIC = "csc_svg"
# JupyterLab 4 renders these Vega-Lite MIME types itself; nbformat accepts the name (it ends in +json).
VEGALITE_MIME = "application/vnd.vegalite.v5+json"


def _live_renderer(spec: dict, **_) -> tuple[dict, dict]:
    # SVG rather than canvas: each mark is an element (a reader's screen reader, a test's hover), and text
    # takes the page's fonts with the spec's fallbacks.
    options = {"embed_options": {"renderer": "svg", "actions": False}}
    spec = _with_fallback_fonts(spec)
    return {VEGALITE_MIME: spec, "text/plain": f"<chart: {_title(spec)}>"}, {VEGALITE_MIME: options}


FALLBACK = '"Source Sans 3", "Source Sans Pro", Arial, Helvetica, sans-serif'


def _with_fallback_fonts(node):
    """The spec with a sans-serif fallback after each font it names: the browser running Lab may lack the
    house font, and without a fallback it draws a serif."""
    if isinstance(node, dict):
        return {k: (f"{v}, {FALLBACK}" if isinstance(v, str) and (k == "font" or k.endswith("Font"))
                    and "," not in v else _with_fallback_fonts(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_fallback_fonts(v) for v in node]
    return node


def _title(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or spec.get("description") or "Vega-Lite chart")


def renderer() -> str:
    """The name of the Altair renderer for this kernel: static in the build's published runs, else live."""
    import altair as alt

    if LIVE not in alt.renderers.names():
        alt.renderers.register(LIVE, _live_renderer)
    return STATIC if os.environ.get(PUBLISH_VARIABLE) else LIVE


def copy_table(df, places: dict[str, int] | None = None):
    """The table as text cells formatted like the copy: counts '80,850', rates to their measure's precision
    ('16.1'), judgements in words; columns keep their names. For display only; save the frame itself."""
    import polars as pl

    from . import judgements, measures
    from .formatting import number

    places = places or {}
    out = []
    for name, dtype in df.schema.items():
        column = pl.col(name)
        if dtype.is_integer() and not _is_year(name):
            out.append(column.map_elements(lambda v: number(v, 0), return_dtype=pl.String,
                                           skip_nulls=False).alias(name))
        elif dtype.is_float():
            digits = places.get(name, _precision(name, measures))
            # a float column holding whole numbers (a count read as f64) prints as a count
            whole = df[name].drop_nulls().drop_nans().is_empty() or bool((df[name].drop_nulls() % 1 == 0).all())
            digits = 0 if whole and name not in places and _precision(name, measures) is None else (digits or 1)
            out.append(column.map_elements(lambda v, d=digits: number(v, d), return_dtype=pl.String,
                                           skip_nulls=False).alias(name))
        elif dtype == pl.String and df[name].drop_nulls().is_in(list(judgements.JUDGEMENTS)).all() \
                and df[name].drop_nulls().len():
            out.append(column.map_elements(lambda v: judgements.words(v), return_dtype=pl.String).alias(name))
        else:
            out.append(column)
    return df.select(out)


def _is_year(name: str) -> bool:
    return name in ("year", "base_year", "vintage", "release") or name.endswith(("_year", "_release", "_vintage"))


def _precision(name: str, measures) -> int | None:
    for key, m in measures.MEASURES.items():
        if name == key or name.startswith(f"{key}_"):
            return m.precision
    return None


def show(df, places: dict[str, int] | None = None) -> None:
    """Print a table as copy: `copy_table`, without the shape line or the dtype row."""
    import polars as pl

    with pl.Config(tbl_hide_column_data_types=True, tbl_hide_dataframe_shape=True, tbl_rows=-1, tbl_cols=-1,
                   tbl_width_chars=200, fmt_str_lengths=100, tbl_cell_numeric_alignment="RIGHT"):
        print(copy_table(df, places))
