"""A run writes all its outputs or none: a failed, refused or killed run leaves every file as it was."""

import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from csc_figures import atomic, undo

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"


def _old_file(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return path.stat().st_mtime_ns


def test_a_failure_puts_back_replaced_and_removes_created_files(tmp_path, monkeypatch):
    monkeypatch.setattr(undo, "JOURNALS", tmp_path / "journals")
    old = tmp_path / "outputs" / "tables" / "shares.csv"
    mtime = _old_file(old, "council,share\nYork,1.0\n")
    new = tmp_path / "outputs" / "figures" / "new.svg"
    with pytest.raises(KeyError), undo.journal("10_ratings"):
        atomic.write_text(old, "council,share\nYork,9.9\n")
        atomic.write_text(old, "council,share\nYork,8.8\n")  # written twice: the first old copy wins
        atomic.write_text(new, "<svg/>")
        raise KeyError("acquired_after_year_end")
    assert old.read_text() == "council,share\nYork,1.0\n" and old.stat().st_mtime_ns == mtime
    assert not new.exists()
    assert not list((tmp_path / "journals").iterdir()), "the journal is removed once played back"
    assert undo.JOURNAL_VARIABLE not in os.environ


def test_a_success_keeps_the_new_files_and_drops_the_journal(tmp_path, monkeypatch):
    monkeypatch.setattr(undo, "JOURNALS", tmp_path / "journals")
    old = tmp_path / "table.csv"
    _old_file(old, "a\n1\n")
    with undo.journal("03_workforce") as folder:
        atomic.write_text(old, "a\n2\n")
        assert (folder / "journal.tsv").read_text().count("\n") == 1
    assert old.read_text() == "a\n2\n" and not folder.exists()


def test_an_unchanged_file_is_not_journalled(tmp_path, monkeypatch):
    monkeypatch.setattr(undo, "JOURNALS", tmp_path / "journals")
    same = tmp_path / "same.csv"
    _old_file(same, "a\n1\n")
    with undo.journal("03_workforce") as folder:
        atomic.write_text(same, "a\n1\n")
        assert not (folder / "journal.tsv").exists()


def _fake_project(tmp_path: Path) -> Path:
    """A project root with one committed output, for runs in subprocesses (paths follow CSC_FIGURES_ROOT)."""
    root = tmp_path / "project"
    (root / "outputs" / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "csc-figures"\n')
    (root / "data").mkdir()
    shutil.copy(ROOT / "data" / "sources.toml", root / "data" / "sources.toml")  # the runner reads the manifest
    return root


def test_a_notebook_that_fails_after_writing_leaves_the_outputs_as_they_were(tmp_path):
    root = _fake_project(tmp_path)
    table = root / "outputs" / "tables" / "article_cells.csv"
    mtime = _old_file(table, "cell,value\na,1\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from csc_figures import atomic, paths\n"
        "atomic.write_text(paths.TABLES / 'article_cells.csv', 'cell,value\\na,2\\n')\n"
        "atomic.write_text(paths.FIGURES / 'chart.svg', '<svg/>')"),
        nbformat.v4.new_code_cell("raise KeyError(\"'acquired_after_year_end' is not a declared measure\")")]
    source = tmp_path / "crashes.ipynb"
    nbformat.write(nb, source)
    env = {**os.environ, "CSC_FIGURES_ROOT": str(root)}
    env.pop(undo.JOURNAL_VARIABLE, None)
    ran = subprocess.run([str(PYTHON), "-m", "csc_figures.run", str(source)], cwd=root, env=env,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode != 0 and "acquired_after_year_end" in ran.stderr
    assert table.read_text() == "cell,value\na,1\n" and table.stat().st_mtime_ns == mtime
    assert not (root / "outputs" / "figures" / "chart.svg").exists()
    assert not (root / "outputs" / "notebooks" / "crashes.ipynb").exists()
    assert not list((root / "outputs" / "runs" / "undo").iterdir())


def _killed_journal(root: Path, table: Path) -> None:
    """What a run killed mid-write leaves: its journal, with the old table kept, under a dead pid."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    folder = root / "outputs" / "runs" / "undo" / f"{dead.pid}-03_workforce"
    folder.mkdir(parents=True)
    os.link(table, folder / "1")
    (folder / "journal.tsv").write_text(f"1\t{table}\n")
    table.unlink()
    table.write_text("half-written")


def test_the_command_line_refuses_tables_a_killed_run_left_and_the_build_puts_them_back(tmp_path):
    root = _fake_project(tmp_path)
    table = root / "data" / "processed" / "workforce.parquet"
    _old_file(table, "the old table")
    _killed_journal(root, table)
    env = {**os.environ, "CSC_FIGURES_ROOT": str(root)}
    env.pop(undo.JOURNAL_VARIABLE, None)
    cli = subprocess.run([str(PYTHON), "-m", "csc_figures.cli", "council", "York"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode != 0 and "killed while running 03_workforce" in cli.stderr and "make all" in cli.stderr
    # the first thing `make all` runs
    repaired = subprocess.run([str(PYTHON), "-m", "csc_figures.written"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120)
    assert repaired.returncode == 0 and "put back" in repaired.stderr
    assert table.read_text() == "the old table"
    assert not list((root / "outputs" / "runs" / "undo").iterdir())


def test_a_live_run_is_not_played_back(tmp_path, monkeypatch):
    monkeypatch.setattr(undo, "JOURNALS", tmp_path / "journals")
    live = tmp_path / "journals" / f"{os.getppid()}-02_inspections"
    live.mkdir(parents=True)
    assert undo.unfinished() == [] and undo.recover() == []
    assert live.exists()
    undo.refuse_unfinished()  # a build in progress is not a killed one
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / "journals" / f"{dead.pid}-14_reported_figures").mkdir()
    undo.refuse_unfinished()  # nor is a killed run that had written nothing

