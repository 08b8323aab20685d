"""Notebooks true for any parameters: the quick grid runs on a copy of the project, and the checks it makes
catch each kind of sentence a reader would trip over (`make grid` runs the full grid)."""

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from conftest import share_drawings
from csc_figures import grid, paths


def _notebook(*texts: str, markdown: str | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(x)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in texts]
    if markdown is not None:
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/markdown": markdown,
                                                                         "text/plain": "<Markdown>"}))
    nb.cells = [cell]
    return nb


@pytest.mark.parametrize("sentence, kind", [
    ("first published as None.", "None"),
    ("a rate of nan%.", "nan"),
    ("lower than in each of the no years before ().", "empty brackets"),
    ("31,100 started, the lowest in 1 years.", "'1 years'"),
    ("the lowest in no years", "'no years'"),
    ("first published as unavailable", "'unavailable'"),
    ("York was requires_improvement on the day.", "snake_case in prose"),
    ("the in_need_at_31_march figure rose", "snake_case in prose"),
    ("Ofsted judgements in force on 2022-05-06.", "ISO date in prose"),
])
def test_each_kind_of_bad_sentence_is_caught(sentence, kind):
    found = grid.problems(grid.reader_lines(_notebook(f"{sentence}\n")))
    assert found and found[0].startswith(kind), found


def test_markdown_table_headers_and_bodies_are_read_and_paths_are_not():
    table = ("┌──────┬───────────────┐\n│ year ┆ turnover_rate │\n╞══════╪═══════════════╡\n"
             "│ 2021 ┆ la_code_x     │\n│ 2022 ┆ `la_code_x`   │\n└──────┴───────────────┘\n")
    found = grid.problems(grid.reader_lines(_notebook(
        table, "Built data/processed/children_in_need.parquet from cla_number_and_rate_per_10k_children.csv.\n",
        markdown="This run sets `base_year` = 2015; a None here.")))
    # a name in backticks is code, shown as spelt on purpose (03's table of DfE's column names)
    assert found == ["snake_case column name (turnover_rate): │ year ┆ turnover_rate │",
                     "raw code or snake_case in a table (la_code_x): │ 2021 ┆ la_code_x     │",
                     "None: This run sets `base_year` = 2015; a None here."]


def test_clean_sentences_pass():
    lines = grid.reader_lines(_notebook("31,100 children started to be looked after in 2021-22, more than the 28,470 "
                                        "in 2020-21, the year before.\n", markdown="**The data**: DfE, *Children in need*."))
    assert len(lines) == 2 and grid.problems(lines) == []


def test_the_quick_grid_passes_on_a_copy(tmp_path):
    """Every notebook of the quick grid, each parameter set, on a copy: no exception and nothing a reader trips
    over. The checkout's kernel and packages are used read-only; every file the runs write is in the copy."""
    assert (paths.PROCESSED / "workforce.parquet").exists(), "no processed tables: run `make all` first"
    python = paths.ROOT / ".venv" / "bin" / "python"
    assert python.exists(), f"no environment at {python.parent.parent}: run `make env` first"
    copy = tmp_path / "project"
    shutil.copytree(paths.DATA, copy / "data")
    shutil.copytree(paths.NOTEBOOKS, copy / "notebooks")
    shutil.copy(paths.ROOT / "pyproject.toml", copy)
    (copy / "outputs").mkdir()
    share_drawings(copy)  # the charts the build drew are not converted again
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSC_FIGURES_")}
    env.update({"CSC_FIGURES_ROOT": str(copy), "TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
                "POLARS_MAX_THREADS": "1"})
    done = subprocess.run([str(python), "-m", "csc_figures.grid"], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=600)
    sys.stdout.write(done.stdout)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr[-3000:]}"
    runs = sum(len(v) for v in grid.quick_grid().values())
    assert f"{runs} runs, 0 with problems" in done.stdout
    assert len(list((copy / "outputs" / "runs" / "grid").rglob("*.ipynb"))) == runs


@pytest.mark.parametrize("path", sorted((paths.OUTPUTS / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_published_notebook_reads_like_copy(path):
    # the executed notebooks the build commits: the same checks as the grid, on what a reader opens
    assert grid.problems(grid.reader_lines(nbformat.read(path, as_version=4))) == []
