"""`make all` repairs a committed output changed by hand, checking stats first and hashing only what moved."""

import json
import os
from pathlib import Path

import pytest

from csc_figures import atomic, paths, undo, written


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project root of our own: outputs, records and a published run's record file."""
    root = tmp_path / "project"
    (root / "outputs" / "notebooks").mkdir(parents=True)
    monkeypatch.setattr(paths, "ROOT", root)
    monkeypatch.setattr(paths, "OUTPUTS", root / "outputs")
    monkeypatch.setattr(written, "RECORDS", root / "outputs" / "runs" / "written")
    monkeypatch.delenv(undo.JOURNAL_VARIABLE, raising=False)
    return root


def _published_run(root: Path, monkeypatch, files: dict[str, str]) -> Path:
    """What the runner does for a published run: the kernel writes through atomic, then the record is kept."""
    record = root / "record.tsv"
    record.write_text("")
    monkeypatch.setenv(written.RECORD_VARIABLE, str(record))
    for rel, text in files.items():
        atomic.write_text(root / rel, text)
    target = root / "outputs" / "notebooks" / "10_ratings.ipynb"
    target.write_text("{}")
    written.keep(target, record)
    monkeypatch.delenv(written.RECORD_VARIABLE)
    return target


def _count_hashes(monkeypatch) -> list[str]:
    hashed: list[str] = []
    real = written._sha

    def counting(path):
        hashed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(written, "_sha", counting)
    return hashed


FILES = {"outputs/tables/ratings/counts.csv": "rating,councils\nGood,60\n",
         "outputs/figures/ratings/relationship.svg": "<svg>bars</svg>\n"}


def test_an_untouched_build_is_checked_by_stat_alone(project, monkeypatch):
    _published_run(project, monkeypatch, FILES)
    record = json.loads(written.record_for(project / "outputs/notebooks/10_ratings.ipynb").read_text())
    assert set(record["files"]) == set(FILES)
    assert all(len(entry["stat"]) == 4 for entry in record["files"].values())
    hashed = _count_hashes(monkeypatch)
    assert written.changed_by_hand() == {}
    assert hashed == []  # nothing moved, nothing read


def test_a_hand_edit_is_caught_even_with_size_and_mtime_put_back(project, monkeypatch):
    target = _published_run(project, monkeypatch, FILES)
    table = project / "outputs/tables/ratings/counts.csv"
    before = table.stat()
    with open(table, "r+") as f:  # same inode, same size
        f.write("rating,councils\nGood,61\n")
    os.utime(table, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert table.stat().st_size == before.st_size and table.stat().st_mtime_ns == before.st_mtime_ns
    assert written.changed_by_hand() == {"outputs/notebooks/10_ratings.ipynb": ["outputs/tables/ratings/counts.csv"]}
    lines = written.repair()
    assert target.stat().st_mtime == 0 and "counts.csv" in lines[0]


def test_a_deleted_output_is_caught(project, monkeypatch):
    _published_run(project, monkeypatch, FILES)
    (project / "outputs/figures/ratings/relationship.svg").unlink()
    assert written.changed_by_hand() == {
        "outputs/notebooks/10_ratings.ipynb": ["outputs/figures/ratings/relationship.svg"]}


def test_a_touched_output_is_hashed_once_then_its_new_stat_kept(project, monkeypatch):
    _published_run(project, monkeypatch, FILES)
    svg = project / "outputs/figures/ratings/relationship.svg"
    os.utime(svg, ns=(10**18, 10**18))  # a checkout or `touch`: the same bytes
    hashed = _count_hashes(monkeypatch)
    assert written.changed_by_hand() == {}
    assert hashed == ["relationship.svg"]
    assert written.changed_by_hand() == {}
    assert hashed == ["relationship.svg"], "the new stat was recorded, so the second check reads nothing"


def test_an_identical_rewrite_records_the_files_stat(project, monkeypatch):
    _published_run(project, monkeypatch, FILES)
    svg = project / "outputs/figures/ratings/relationship.svg"
    os.utime(svg, ns=(10**18, 10**18))
    # the run again: the same bytes are not rewritten (mtime kept), but the record takes the stat they have now
    _published_run(project, monkeypatch, FILES)
    assert svg.stat().st_mtime_ns == 10**18
    hashed = _count_hashes(monkeypatch)
    assert written.changed_by_hand() == {} and hashed == []


def test_a_record_from_before_stats_is_checked_by_hash(project, monkeypatch):
    target = _published_run(project, monkeypatch, FILES)
    path = written.record_for(target)
    body = json.loads(path.read_text())
    path.write_text(json.dumps({"target": body["target"],
                                "files": {rel: e["sha256"] for rel, e in body["files"].items()}}))
    hashed = _count_hashes(monkeypatch)
    assert written.changed_by_hand() == {} and sorted(hashed) == ["counts.csv", "relationship.svg"]
    (project / "outputs/tables/ratings/counts.csv").write_text("rating,councils\nGood,99\n")
    assert list(written.changed_by_hand()) == ["outputs/notebooks/10_ratings.ipynb"]


def test_a_record_a_run_replaced_meanwhile_is_not_overwritten(project, monkeypatch):
    target = _published_run(project, monkeypatch, FILES)
    path = written.record_for(target)
    text = path.read_text()
    body = json.loads(text)
    newer = text + " "  # a run kept a new record after the check read this one
    path.write_text(newer)
    written._refresh(path, text, body, {"outputs/tables/ratings/counts.csv": [1, 2, 3, 4]})
    assert path.read_text() == newer
    written._refresh(path, newer, json.loads(newer), {"outputs/tables/ratings/counts.csv": [1, 2, 3, 4]})
    assert json.loads(path.read_text())["files"]["outputs/tables/ratings/counts.csv"]["stat"] == [1, 2, 3, 4]
