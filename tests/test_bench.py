"""The benchmark's bookkeeping (its timings are measured by `make bench`, never asserted here): targets
judged the same way for every row, pytest's slowest tests read from its output, and the report the README's
benchmark section is generated from."""

from __future__ import annotations

import polars as pl
import pytest

from csc_figures import bench, readme


@pytest.mark.parametrize("row, met", [
    ({"median_s": 30.0, "ratio": 1.49, "target": "<= 1.5x"}, "yes"),
    ({"median_s": 30.0, "ratio": 1.5, "target": "<= 1.5x"}, "yes"),
    ({"median_s": 30.0, "ratio": 1.51, "target": "<= 1.5x"}, "no"),
    ({"median_s": 0.1, "target": "< 0.1 s"}, "no"),              # strict: 0.1 s is not under 0.1 s
    ({"median_s": 0.06, "target": "< 0.1 s"}, "yes"),
    ({"median_s": 1.0, "ratio": 0.05, "target": "<= 0.067x (15x faster)"}, "yes"),
    ({"median_s": 1.0, "ratio": 0.08, "target": "<= 0.067x (15x faster)"}, "no"),
    ({"median_s": 1.0, "target": None}, ""),
    ({"median_s": 1.0, "target": "<= 2x"}, ""),                  # a ratio target with no ratio is not judged
])
def test_a_target_is_judged_on_the_ratio_or_the_median(row, met):
    assert bench.meets(row) == met


def test_the_slowest_tests_are_read_from_pytests_durations():
    out = ("...\n============================= slowest 20 durations =============================\n"
           "61.20s call     tests/test_site.py::test_every_page\n"
           "3.01s setup    tests/test_regress.py::test_a_changed_value\n"
           "(18 durations < 0.005s hidden.)\n1190 passed in 300.00s\n")
    assert bench.slowest(out) == ["61.20s call     tests/test_site.py::test_every_page",
                                  "3.01s setup    tests/test_regress.py::test_a_changed_value"]


def test_the_report_says_where_and_when_and_judges_each_row():
    table = pl.DataFrame([
        bench.summarise("floor", [10.0, 11.0]),
        bench.summarise("rebuild", [16.0, 14.0], [2**30], baseline="floor", ratio=1.43, target="<= 1.5x"),
    ], infer_schema_length=None)
    cells = [{"cell": 5, "first_line": "table, councils = r.build(as_of, year)", "seconds": 2.5}]
    text = bench.report(table, {"cells": cells, "slowest_tests": ["9.00s call tests/test_x.py::test_y"]}, (0.1, 0.4))
    assert text.startswith("# Benchmark\n\nWritten by `make bench` on ")
    assert "load average 0.10 when it started and 0.40 when it ended" in text
    assert "| rebuild | 2 | 15.00 | 14.00 | 16.00 | 1.43x | <= 1.5x | yes | 1024 |" in text
    assert "| 5 | `table, councils = r.build(as_of, year)` | 2.50 |" in text
    assert "- `9.00s call tests/test_x.py::test_y`" in text


def test_the_readme_section_is_the_committed_bench_output(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    monkeypatch.setattr(readme.paths, "ROOT", tmp_path)
    assert "run `make bench`" in readme.benchmark()
    (docs / "benchmark.md").write_text("# Benchmark\n\nWritten by `make bench` ...\n\n| measure |\n")
    assert readme.benchmark() == "Written by `make bench` ...\n\n| measure |"


def test_a_one_at_a_time_rebuild_is_timed_step_by_step():
    """Each command Make prints starts a step that lasts until the next one starts; the steps' own output
    (their 'wrote' lines, the claims summary) starts nothing."""
    lines = [(0.2, "PYTHONPATH=src python3 -m csc_figures.steps > build/steps.mk.tmp && mv build/steps.mk.tmp build/steps.mk\n"),
             (0.5, ".venv/bin/python -m csc_figures.run 01_geography\n"),
             (2.0, "01_geography: wrote outputs/notebooks/01_geography.ipynb\n"),
             (2.1, ".venv/bin/python -m csc_figures.stories.ratings.method_search outputs/runs/steps/ratings_method_search.done\n"),
             (9.1, ".venv/bin/python -m csc_figures.run 11_council_profile --each council=315 council=831\n"),
             (12.0, ".venv/bin/python -m csc_figures.claims\n"),
             (13.0, "The five articles quote 275 figures; ...\n"),
             (13.5, "Built. The command line is .venv/bin/csc-figures\n")]
    times = {s["step"]: round(s["seconds"], 2) for s in bench.step_times(lines, 14.0)}
    assert times == {"before the first step (Make reads its rules; csc_figures.written)": 0.2, "steps": 0.3,
                     "01_geography": 1.6, "stories.ratings.method_search": 7.0,
                     "11_council_profile (2 councils, one kernel)": 2.9, "claims": 2.0}
    assert [s["step"] for s in bench.step_times(lines, 14.0)][0] == "stories.ratings.method_search"  # slowest first
    rows = bench.step_rows(lines, 14.0)
    assert rows[0]["measure"] == "step of make -j1 all from raw: stories.ratings.method_search"
    assert rows[0]["median_s"] == pytest.approx(7.0) and rows[0]["runs"] == 1


def test_each_output_line_is_stamped_when_it_arrives():
    lines: list[tuple[float, str]] = []
    seconds, _, out = bench.run_tracked(["bash", "-c", "echo first; sleep 0.5; echo second"], lines=lines)
    assert out == "first\nsecond\n" and [line for _, line in lines] == ["first\n", "second\n"]
    assert lines[1][0] - lines[0][0] >= 0.4 and lines[1][0] <= seconds


def test_the_per_cell_run_finds_the_chart_script_the_build_keeps(tmp_path, monkeypatch):
    """Notebook 10's per-cell timing runs in a scratch folder, with the shared chart script already there
    (as beside the committed figures), so its chart cell is not charged for bundling the script."""
    import nbformat

    from csc_figures.chart_pages import VEGA_SCRIPT

    project = tmp_path / "project"
    (project / "outputs" / "figures").mkdir(parents=True)
    (project / "outputs" / "figures" / VEGA_SCRIPT).write_text("// the bundled script\n")
    monkeypatch.setattr(bench.paths, "OUTPUTS", project / "outputs")
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    def papermill(cmd, **kwargs):
        assert (scratch / "outputs" / "figures" / VEGA_SCRIPT).read_text() == "// the bundled script\n"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("chart = r.relationship_chart(table)")]
        nb.cells[0].metadata["papermill"] = {"duration": 0.5}
        nbformat.write(nb, cmd[-2])

    monkeypatch.setattr(bench.subprocess, "run", papermill)
    assert bench.cell_times(scratch) == [{"cell": 1, "first_line": "chart = r.relationship_chart(table)",
                                          "seconds": 0.5}]
