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

from .dates import day_words
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
            digits = 0 if whole and name not in places and digits is None else (1 if digits is None else digits)
            out.append(column.map_elements(lambda v, d=digits: number(v, d), return_dtype=pl.String,
                                           skip_nulls=False).alias(name))
        elif dtype == pl.String and df[name].drop_nulls().is_in(list(judgements.JUDGEMENTS)).all() \
                and df[name].drop_nulls().len():
            out.append(column.map_elements(lambda v: judgements.words(v), return_dtype=pl.String).alias(name))
        else:
            out.append(column)
    return df.select(out)


def _is_year(name: str) -> bool:
    return name in ("year", "base_year", "vintage", "release", "previous", "from", "to") \
        or name.endswith(("_year", "_release", "_vintage"))


def _precision(name: str, measures) -> int | None:
    for key, m in measures.NAMED_COLUMNS.items():
        if name == key or name.startswith(f"{key}_"):
            return m.precision
    return None


# Columns a reader meets under other names (measures take their table label from csc_figures.measures).
COLUMN_WORDS = {
    "la_code": "DfE code", "ons_code": "ONS code", "la_name": "council", "region_name": "region",
    "period": "year", "vintage": "release", "release": "release", "from_release": "from release",
    "to_release": "to release", "rating": "judgement", "judgement": "judgement", "councils": "councils",
    "geographic_level": "level", "flag": "code", "cells": "cells", "measure": "measure",
    "old_value": "was", "new_value": "now", "change": "change",
}
# DfE's suppression codes, in words, wherever a table shows them
FLAG_WORDS = {"c": "c (confidential)", "x": "x (not available)", "z": "z (not applicable)",
              "u": "u (low reliability)", "low": "low (low reliability)", "not_published": "not in the release"}
MAX_COLUMNS = 8
VALUE_WORDS = {"england": "England"}  # a row label that is not a code


def column_words(name: str) -> str:
    """A column's name as a reader reads it: 'turnover_rate' -> 'Turnover rate (%)', 'la_name' -> 'council'."""
    from . import judgements, measures

    if name in COLUMN_WORDS:
        return COLUMN_WORDS[name]
    if name in judgements.JUDGEMENTS:
        return judgements.words(name)
    if name in measures.NAMED_COLUMNS:
        return measures.short_label(name)
    for suffix, words in (("_change", "change in {}"), ("_flag", "{}: code"), ("_base", "{}, base year"),
                          ("_headcount", "{}, headcount")):
        if name.endswith(suffix) and name[: -len(suffix)] in measures.MEASURES:
            return words.format(measures.words(name[: -len(suffix)]))
    return name.replace("_", " ")


def _pieces(columns: list[str], keep: int, width: int) -> list[list[str]]:
    """Columns in groups of at most `width`, each starting with the first `keep` (the row labels)."""
    head, rest = columns[:keep], columns[keep:]
    step = max(1, width - keep)
    return [head + rest[i:i + step] for i in range(0, len(rest), step)] or [head]


def show(df, caption: str | None = None, places: dict[str, int] | None = None, keep: int = 1,
         names: dict[str, str] | None = None, max_columns: int = MAX_COLUMNS) -> None:
    """Print a table as the desk prints it: a caption, reader names for columns, counts with separators,
    rates to their measure's precision, judgements and suppression codes in words, no shape line or types.
    A table wider than `max_columns` prints in pieces, each repeating the first `keep` columns."""
    import polars as pl

    df = df.with_columns([pl.col(c).list.join(", ") for c, t in df.schema.items()
                          if isinstance(t, pl.List) and t.inner == pl.String]
                         + [pl.col(c).map_elements(day_words, return_dtype=pl.String)
                            for c, t in df.schema.items() if t == pl.Date])
    text = copy_table(df, places)
    # a blank cell stays blank (the caption or a sentence says why), never 'unavailable' in every gap
    text = text.with_columns(pl.when(df[c].is_null()).then(pl.lit("")).otherwise(pl.col(c).cast(pl.String)).alias(c)
                             for c in text.columns if df[c].null_count() and text.schema[c] == pl.String)
    if "measure" in text.columns and text.schema["measure"] == pl.String:
        text = text.with_columns(pl.col("measure").replace_strict(
            {m: column_words(m) for m in text["measure"].drop_nulls().unique()}, default=pl.col("measure")))
    # codes a reader would meet as words: judgements (and any other snake_case code, as its words)
    from . import judgements

    for c, t in text.schema.items():
        values = text[c].drop_nulls().unique() if t == pl.String and not c.endswith("flag") else None
        if values is not None and len(values) and values.str.contains(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^[a-z]+$").all() \
                and values.str.contains("_").any():
            text = text.with_columns(pl.col(c).replace_strict(
                {v: VALUE_WORDS.get(v, judgements.words(v) if v in judgements.JUDGEMENTS else column_words(v))
                 for v in values}, default=pl.col(c)))
    flags = [c for c in text.columns if c == "flag" or c.endswith("_flag")]
    text = text.with_columns(pl.col(c).cast(pl.String).replace(FLAG_WORDS) for c in flags)
    text = text.with_columns(pl.col(c).fill_null("") for c, t in text.schema.items() if t == pl.String)
    renamed = {c: (names or {}).get(c, column_words(c)) for c in text.columns}
    # two columns a reader would read under the same name keep their own names
    seen: dict[str, int] = {}
    for _c, words in renamed.items():
        seen[words] = seen.get(words, 0) + 1
    renamed = {c: (w if seen[w] == 1 else c.replace("_", " ")) for c, w in renamed.items()}
    text = text.rename(renamed)
    pieces = _pieces(text.columns, keep, max_columns)
    with pl.Config(tbl_hide_column_data_types=True, tbl_hide_dataframe_shape=True, tbl_rows=-1, tbl_cols=-1,
                   tbl_width_chars=200, fmt_str_lengths=100, tbl_cell_numeric_alignment="RIGHT"):
        for i, columns in enumerate(pieces):
            label = caption if len(pieces) == 1 else f"{caption or 'Table'} ({i + 1} of {len(pieces)})"
            print("\n".join(filter(None, [label, str(text.select(columns))])))


# ---- the project's JupyterLab: `make lab` runs `python -m csc_figures.lab` ---------------------------------

KERNEL = "csc-figures"


def settings_folder():
    """lab/ at the repository root: Lab's settings overrides and the custom CSS loading the house font."""
    from . import paths

    return paths.ROOT / "lab"


def server_arguments() -> list[str]:
    """`jupyter lab` arguments for the project's Lab: the project kernel by default, and Lab's settings from
    lab/settings/overrides.json (no 'Jupyter news' prompt). Start it with `server_environment()` too."""
    return [f"--MappingKernelManager.default_kernel_name={KERNEL}",
            f"--LabApp.app_settings_dir={settings_folder() / 'settings'}", "--LabApp.custom_css=True",
            # the reporter's own Lab settings and workspaces stay in their home, never in lab/
            f"--LabApp.user_settings_dir={_user_lab_dir('user-settings')}",
            f"--LabApp.workspaces_dir={_user_lab_dir('workspaces')}"]


def _user_lab_dir(name: str) -> str:
    from jupyter_core.paths import jupyter_config_dir

    return os.path.join(os.environ.get("CSC_FIGURES_USER_JUPYTER_CONFIG", jupyter_config_dir()), "lab", name)


def server_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the project's Lab: Jupyter's config folder is lab/config, whose custom/custom.css
    loads the house font (Lab serves custom CSS only from that folder); the reporter's own config folder stays
    on the config path, so their server settings still apply."""
    from jupyter_core.paths import jupyter_config_dir

    env = dict(os.environ if environ is None else environ)
    own = env.get("CSC_FIGURES_USER_JUPYTER_CONFIG") or jupyter_config_dir()
    env["CSC_FIGURES_USER_JUPYTER_CONFIG"] = own
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [own, env.get("JUPYTER_CONFIG_PATH")]))
    env["JUPYTER_CONFIG_DIR"] = str(settings_folder() / "config")
    return env


def main(argv: list[str] | None = None) -> None:
    """Start JupyterLab with the project's settings; further arguments go to `jupyter lab` as given."""
    import sys
    from pathlib import Path

    argv = sys.argv[1:] if argv is None else argv
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    env = server_environment()
    os.environ.update(env)  # before server_arguments: the reporter's own folders are kept
    os.execve(jupyter, [jupyter, "lab", *server_arguments(), *argv], env)


if __name__ == "__main__":
    main()
