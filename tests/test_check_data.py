"""The check phase reads each raw file once, by its one reader, and hands the cleaning steps the tables it
checked (issue 26, item 1): the steps never read a raw file again."""

from __future__ import annotations

import shutil
from collections import Counter

import polars as pl
import pytest

from csc_figures import check_data, dfe_csv, hexmap, neighbours, once, paths, sources, spreadsheet, workforce
from csc_figures.errors import DataError


def test_each_raw_file_is_read_once_by_the_check_phase(monkeypatch):
    # nothing kept from earlier tests in this process: every file is read here
    monkeypatch.setattr(once, "_KEPT", {})
    reads: Counter[str] = Counter()
    for module, name in [(spreadsheet, "read_sheet"), (dfe_csv, "check_row_lengths")]:
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda path, *a, _o=original, **k: (reads.update([path.name]), _o(path, *a, **k))[1])
    for module, name, file in [(neighbours, "read_neighbours_raw", neighbours.NEIGHBOURS_FILE),
                               (hexmap, "layout", hexmap.layout_source().name)]:
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda _o=original, _f=file: (reads.update([_f]), _o())[1])
    monkeypatch.setattr("csc_figures.geography.read_neighbours_raw", neighbours.read_neighbours_raw)
    check_data.check_all()
    # a spreadsheet is counted once per sheet it gives; every other file once
    sheets = Counter(name for name in reads if name.endswith((".ods", ".xlsx")))
    assert set(reads) == set(sources.load_manifest()), set(sources.load_manifest()) ^ set(reads)
    twice = {name: n for name, n in reads.items() if n > 1 and name not in sheets}
    assert not twice, f"read more than once: {twice}"
    assert all(n <= 2 for n in reads.values()), reads  # the Ofsted files: a history sheet and an 'as at' sheet


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """The project's root moved to an empty folder: no stamp and no checked tables there yet."""
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(check_data, "_CHECKED", {})
    return tmp_path


def test_a_step_takes_the_tables_the_check_phase_checked(elsewhere, monkeypatch):
    taken = check_data.checked("03_workforce")  # no stamp: the check runs first, here
    assert (elsewhere / check_data.STAMP).read_text() == check_data.stamp_text()
    assert taken["workforce"].equals(workforce.build())
    # checked once: the next step's call reads the staged tables, without reading any raw file
    monkeypatch.setattr(check_data, "check_all", lambda: pytest.fail("checked again with a current stamp"))
    monkeypatch.setattr(check_data, "_CHECKED", {})
    assert check_data.checked("03_workforce")["workforce"].equals(taken["workforce"])


def test_a_stale_stamp_checks_again(elsewhere, monkeypatch):
    check_data.checked("01_geography")
    stamp = elsewhere / check_data.STAMP
    stamp.write_text(stamp.read_text().replace("src/csc_figures ", "src/csc_figures old"))  # the code changed since
    monkeypatch.setattr(check_data, "check_all", lambda: (_ for _ in ()).throw(DataError("a refused file")))
    with pytest.raises(DataError, match="a refused file"):
        check_data.checked("01_geography")
    assert not stamp.exists()  # refused: no stamp, so nothing is taken from the tables checked before


def test_a_raw_file_replaced_since_the_check_is_checked_again(elsewhere, monkeypatch):
    # a reporter drops a new file into data/raw/ without registering it: the next step checks again (and the
    # file's hash refuses it) instead of writing the tables checked from the old file
    raw = elsewhere / "raw"
    shutil.copytree(paths.RAW, raw, copy_function=shutil.copy2)
    monkeypatch.setattr(paths, "RAW", raw)
    check_data.checked("03_workforce")
    newest = max(workforce.releases())
    path = raw / workforce.releases()[newest][0]
    path.write_bytes(path.read_bytes().replace(b"York", b"Yorke", 1))
    with pytest.raises(DataError, match=path.name):
        check_data.checked("03_workforce")
    assert not (elsewhere / check_data.STAMP).exists()


def test_staged_tables_are_rewritten_only_when_they_change(tmp_path):
    one, two = pl.DataFrame({"a": [1, 2]}), pl.DataFrame({"b": ["x"]})
    check_data.stage({"step": {"one": one, "two": two}}, tmp_path)
    stats = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "step").iterdir()}
    check_data.stage({"step": {"one": one, "two": two.with_columns(pl.lit("y").alias("b"))}}, tmp_path)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "step").iterdir()}
    assert after["one.arrow"] == stats["one.arrow"]  # same bytes: left alone, so Make sees no change
    assert pl.read_ipc(tmp_path / "step" / "two.arrow")["b"].to_list() == ["y"]
    check_data.stage({"step": {"one": one}}, tmp_path)
    assert sorted(p.name for p in (tmp_path / "step").iterdir()) == ["one.arrow"]  # a table no longer built goes


@pytest.mark.parametrize("failing", [["geography"], ["geography", "workforce"], ["inspections", "workforce"],
                                     ["workforce", "children"], ["children"]])
def test_a_refusal_is_the_same_whichever_thread_meets_it_first(monkeypatch, failing):
    # the workforce and children's tables are built on a second thread, which here refuses at once, before
    # geography and the inspections are built: the refusal raised is still the first in the phase's order
    import time

    from csc_figures import children, geography, inspections

    order = ["geography", "inspections", "workforce", "children"]
    modules = {"geography": (geography, "build_all"), "inspections": (inspections, "build"),
               "workforce": (workforce, "build"), "children": (children, "build")}
    for name in failing:
        module, function = modules[name]
        delay = 0.0 if name in ("workforce", "children") else 0.2

        def refuse(*_, _name=name, _delay=delay):
            time.sleep(_delay)
            raise DataError(f"{_name} refused")

        monkeypatch.setattr(module, function, refuse)
    first = min(failing, key=order.index)
    with pytest.raises(DataError, match=f"^{first} refused$"):
        check_data.build_all()
