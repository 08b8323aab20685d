"""Same bytes on any desk: a chart with dates renders identically whatever the machine's time zone.

vl-convert formats dates in the process's local time zone, so a desk in London or Auckland
would draw judgement timelines shifted (or an axis reading 2008-2025). Make and the notebook
runner pin TZ=UTC and one locale; these tests prove the pin reaches the chart engine.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ZONES = ["UTC", "Europe/London", "Pacific/Auckland"]

# A timeline like the council profile's: dates around midnight and year ends, a year-formatted axis.
CHART_CODE = """
import altair as alt, polars as pl, datetime as dt
from csc_figures import charts
charts.setup()
dates = [dt.date(2009, 1, 1), dt.date(2013, 6, 30), dt.date(2018, 12, 31), dt.date(2026, 1, 1)]
frame = pl.DataFrame({"published": dates, "value": [1, 2, 3, 4]})
chart = alt.Chart(frame).mark_point().encode(
    x=alt.X("published:T", axis=alt.Axis(format="%Y-%m-%d %H:%M", tickCount="year")), y="value:Q")
svg = charts.draw_svg(chart.to_dict())
"""


def _env(zone: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("TZ", "LC_ALL", "LANG")}
    env.update(TZ=zone, LANG="en_NZ.UTF-8" if "Auckland" in zone else "en_GB.UTF-8")
    return env


def _render_unpinned(zone: str) -> str:
    """The chart drawn in a plain process under `zone`: no pin at all (the control)."""
    code = CHART_CODE + "\nimport sys; sys.stdout.write(svg)"
    return subprocess.run([sys.executable, "-c", code], env=_env(zone), capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout


def _render_through_runner(zone: str, tmp_path: Path) -> bytes:
    """The chart drawn in a notebook run by csc_figures.run (as Make runs every notebook) under `zone`."""
    nb = nbformat.v4.new_notebook()
    out_svg = tmp_path / f"{zone.replace('/', '_')}.svg"
    nb.cells = [nbformat.v4.new_code_cell(CHART_CODE + f"\nopen({str(out_svg)!r}, 'w').write(svg)")]
    nb.metadata["kernelspec"] = {"name": "csc-figures", "display_name": "csc-figures", "language": "python"}
    source = tmp_path / f"chart_{zone.replace('/', '_')}.ipynb"
    nbformat.write(nb, source)
    subprocess.run([sys.executable, "-m", "csc_figures.run", str(source), "-o", str(tmp_path / f"out_{source.name}")],
                   env=_env(zone), check=True, cwd=ROOT, capture_output=True)
    return out_svg.read_bytes()


def test_the_control_shows_time_zones_change_chart_bytes():
    # Without the pin the bytes differ: the comparison below can fail.
    assert _render_unpinned("Pacific/Auckland") != _render_unpinned("UTC")


def test_notebook_charts_are_byte_identical_in_london_and_auckland(tmp_path):
    svgs = {zone: _render_through_runner(zone, tmp_path) for zone in ZONES}
    assert svgs["Europe/London"] == svgs["UTC"]
    assert svgs["Pacific/Auckland"] == svgs["UTC"]
    assert b"2009-01-01 00:00" in svgs["UTC"]


@pytest.mark.parametrize("zone", ZONES[1:])
def test_make_pins_time_zone_and_locale_for_every_step(zone):
    shown = subprocess.run(["make", "--no-print-directory", "--eval", "show-env: ; @echo $$TZ $$LC_ALL $$LANG",
                            "show-env"], env=_env(zone), cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["UTC", "C.UTF-8", "C.UTF-8"]
