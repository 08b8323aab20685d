"""Make's notebook rules depend on each notebook as the build runs it (csc_figures.as_built), so a notebook
saved from JupyterLab with its outputs and another council re-runs nothing, and a changed cell re-runs it."""

from __future__ import annotations

import shutil

import nbformat

from csc_figures import as_built, params, paths


def test_a_save_from_jupyterlab_changes_nothing_the_build_runs_and_a_changed_cell_does(tmp_path, monkeypatch):
    notebooks, kept = tmp_path / "notebooks", tmp_path / "build" / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, notebooks, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setattr(paths, "NOTEBOOKS", notebooks)
    names = sorted(p.stem for p in notebooks.glob("*.ipynb"))
    assert as_built.write_all(kept) == names  # the first time, every one
    before = {p.name: p.stat().st_mtime_ns for p in kept.iterdir()}

    # saved from JupyterLab (or run in place): another council typed in, every cell run, its outputs, counts,
    # timings and the kernel's language kept
    path = notebooks / "11_council_profile.ipynb"
    saved = nbformat.read(path, as_version=4)
    cell = params.parameters_cell(saved, "saved")
    cell.source = cell.source.replace('council = "York"', 'council = "Derby"')
    assert 'council = "Derby"' in cell.source
    for n, code in enumerate(c for c in saved.cells if c.cell_type == "code"):
        code.execution_count = n + 1
        code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Derby\n")]
        code.metadata["execution"] = {"iopub.execute_input": "2026-12-08T01:05:45.040989Z"}
    saved.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.write(saved, path)
    assert as_built.write_all(kept) == []
    assert {p.name: p.stat().st_mtime_ns for p in kept.iterdir()} == before  # Make sees nothing newer

    # a changed line of code is a change the build must run
    saved.cells[-1].source += "\n# a reporter's note"
    nbformat.write(saved, path)
    assert as_built.write_all(kept) == ["11_council_profile"]
