"""The ratings method search as a build step: written once, all or nothing, read back as written."""

import json
import os

import polars as pl
import pytest

from csc_figures import paths, steps, undo, written
from csc_figures.errors import DataError
from csc_figures.stories.ratings import method_search


def _tables() -> dict[str, pl.DataFrame]:
    """Small tables of the step's shape (the real search takes seconds; tests/test_ratings.py runs it)."""
    row = {"vintage": 2022, "method": "mean", "basis": "fte", "dated_by": "published", "joint": "lead",
           "reorganised": "inherit", "change_from": "rounded", "cells_matched": 28}
    return {"method_choices": pl.DataFrame([{"choice": "settled, with a comma", **row, "cells": 30}]),
            "method_choice_grid": pl.DataFrame([row, {**row, "method": "pooled", "cells_matched": 20}])}


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.setattr(paths, "ROOT", root)
    monkeypatch.setattr(paths, "OUTPUTS", root / "outputs")
    monkeypatch.setattr(written, "RECORDS", root / "outputs" / "runs" / "written")
    monkeypatch.setattr(undo, "JOURNALS", root / "outputs" / "runs" / "undo")
    for name in (steps.STEP_VARIABLE, written.RECORD_VARIABLE, undo.JOURNAL_VARIABLE):
        monkeypatch.setenv(name, "")  # so that teardown puts back whatever main() sets
        monkeypatch.delenv(name)
    return root


def test_the_step_writes_its_declared_tables_and_the_notebook_reads_them_back(project, monkeypatch):
    monkeypatch.setattr(method_search, "compute", _tables)
    stamp = project / "outputs" / "runs" / "steps" / "ratings_method_search.done"
    assert method_search.main([str(stamp)]) == 0
    assert stamp.exists()
    declared = {project / rel for rel in steps.STEPS[method_search.STEP].outputs}
    assert set(method_search.outputs().values()) == declared and all(p.exists() for p in declared)
    choices, grid = method_search.read()
    assert choices.equals(_tables()["method_choices"]) and choices.schema == _tables()["method_choices"].schema
    assert grid.equals(_tables()["method_choice_grid"]) and grid.schema == _tables()["method_choice_grid"].schema
    # recorded like a published run's outputs: a hand edit of a table dates the stamp back, so Make re-runs it
    record = json.loads(written.record_for(stamp).read_text())
    assert set(record["files"]) == {p.relative_to(project).as_posix() for p in declared}
    table = method_search.outputs()["method_choice_grid"]
    table.write_text(table.read_text().replace("pooled", "mean"))
    written.repair()
    assert stamp.stat().st_mtime == 0
    assert os.environ.get(steps.STEP_VARIABLE) == method_search.STEP  # reads checked against its declaration
    assert not os.environ.get(written.RECORD_VARIABLE), "the step's record is not left for later writes"


def test_a_failed_search_leaves_both_tables_as_they_were(project, monkeypatch):
    monkeypatch.setattr(method_search, "compute", _tables)
    stamp = project / "stamp.done"
    method_search.main([str(stamp)])
    before = {name: p.read_bytes() for name, p in method_search.outputs().items()}

    def half(self, *args, **kwargs):  # the second table fails to serialise, after the first was written
        if self.height == 2:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    real = pl.DataFrame.write_csv
    changed = {k: v.with_columns(pl.col("cells_matched") + 1) for k, v in _tables().items()}
    monkeypatch.setattr(method_search, "compute", lambda: changed)
    monkeypatch.setattr(pl.DataFrame, "write_csv", half)
    with pytest.raises(OSError, match="disk full"):
        method_search.main([str(stamp)])
    assert {name: p.read_bytes() for name, p in method_search.outputs().items()} == before


def test_a_missing_or_reshaped_table_is_refused_by_name(project, monkeypatch):
    with pytest.raises(DataError, match=r"method_choices.csv: missing; `make all` writes it"):
        method_search.read()
    monkeypatch.setattr(method_search, "compute", _tables)
    method_search.main([str(project / "stamp.done")])
    grid = method_search.outputs()["method_choice_grid"]
    grid.write_text(grid.read_text().replace("cells_matched", "matched"))
    with pytest.raises(DataError, match=r"method_choice_grid.csv: columns .*'matched'"):
        method_search.read()


def test_the_step_is_declared_to_read_what_the_search_reads(monkeypatch):
    """The real search under its step's name: an undeclared processed-table read would be refused."""
    assert (paths.PROCESSED / "workforce.parquet").exists(), "needs the processed tables: run `make processed`"
    from csc_figures.stories import ratings as r

    monkeypatch.setenv(steps.STEP_VARIABLE, method_search.STEP)
    for function in (r.load_judgements, r.load_geography, r.load_workforce):
        function.cache_clear()  # read again, under the step
    cells = r.published_cells()
    assert r.method_choices(cells).height == len(r.VARIANTS)
