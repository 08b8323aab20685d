"""Table contracts: declared with each TableSpec, checked before every write, documented in docs/tables.md."""

import polars as pl
import pytest

from csc_figures import atomic, children, geography, inspections, neighbours, paths, tables, workforce
from csc_figures.errors import DataError

SPEC = tables.TableSpec(
    name="example", description="a test table",
    columns={"la_code": "code", "la_name": "name", "year": "year", "rate": "a rate", "kind": "a kind"},
    key=("la_code", "year"),
    ranges={"rate": (0, 100)}, allowed={"kind": ("a", "b")}, patterns={"la_code": r"^\d{3}$"},
    required=("year",),
    rules=(tables.Rule("a rate is given for kind a", (pl.col("kind") != "a") | pl.col("rate").is_not_null(),
                       ("kind", "rate")),),
    inputs=("example.csv",),
)


def frame(**changes) -> pl.DataFrame:
    rows = {"la_code": ["816", "315"], "la_name": ["York", "Merton"], "year": [2024, 2024],
            "rate": [12.5, 14.0], "kind": ["a", "b"]}
    for column, (i, value) in changes.items():
        rows[column][i] = value
    return pl.DataFrame(rows, schema={"la_code": pl.String, "la_name": pl.String, "year": pl.Int64,
                                      "rate": pl.Float64, "kind": pl.String})


@pytest.mark.parametrize("changes, words", [
    ({"rate": (1, float("nan"))}, "NaN or infinite"),
    ({"rate": (1, float("inf"))}, "NaN or infinite"),
    ({"rate": (1, 1520.0)}, "outside 0 to 100"),
    ({"rate": (1, -15.2)}, "outside 0 to 100"),
    ({"kind": (1, "z")}, "not one of a, b"),
    ({"la_code": (1, "31")}, "does not look like"),
    ({"year": (1, None)}, "is empty"),
    ({"rate": (0, None)}, "a rate is given for kind a"),
    ({"la_code": (1, "816")}, "appears 2 times"),
])
def test_each_clause_refuses_naming_file_row_and_council(changes, words):
    bad = frame(**changes)
    with pytest.raises(DataError) as refused:
        tables.check(bad, SPEC, first_line=2)
    message = str(refused.value)
    assert message.startswith("example.csv: ") and words in message, message
    assert "council " in message and "row " in message


def test_a_good_frame_passes():
    tables.check(frame(), SPEC)


def test_write_refuses_and_keeps_the_previous_table(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED", tmp_path)
    monkeypatch.setattr(tables, "_input_hashes", lambda spec: {})
    tables.write(frame(), SPEC)
    before = SPEC.path.read_bytes()
    with pytest.raises(DataError, match="table example not written"):
        tables.write(frame(rate=(0, float("nan"))), SPEC)
    assert SPEC.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["example.inputs.json", "example.parquet"]  # no temp files


def test_every_cleaning_table_declares_a_contract_and_its_raw_files():
    for spec in (workforce.WORKFORCE, children.CHILDREN_IN_NEED, children.SECTION_47, children.CHILDREN_LOOKED_AFTER,
                 inspections.INSPECTIONS, geography.LA_GEOGRAPHY, geography.LA_NAMES, neighbours.STATISTICAL_NEIGHBOURS):
        assert spec.inputs, spec.name
        assert spec.ranges or spec.allowed or spec.patterns, spec.name
        assert set(spec.ranges) | set(spec.allowed) | set(spec.patterns) | set(spec.required) <= set(spec.columns)


def test_the_real_tables_meet_their_contracts():
    for name in ("workforce", "children_in_need", "section_47", "children_looked_after", "inspections",
                 "la_geography", "la_names", "statistical_neighbours"):
        tables.check(tables.read(name), tables.REGISTRY[name])


def test_docs_list_each_contract():
    text = tables.dictionary_markdown()
    assert "- 0 to 100: `turnover_rate`, `agency_rate`" in text
    assert "- an inspection starts before its report is published" in text
    assert "MAX_DISAGREEING" in text


def test_a_table_is_refused_when_its_raw_file_changed_since_it_was_built(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED", tmp_path)
    hashes = {"example.csv": "aaa"}
    monkeypatch.setattr(tables, "_input_hashes", lambda spec: dict(hashes))
    tables.REGISTRY["example"] = SPEC
    try:
        tables.write(frame(), SPEC)
        assert tables.read("example").height == 2
        hashes["example.csv"] = "bbb"  # a new release listed in sources.toml, its rebuild failed
        with pytest.raises(DataError, match=r"not built from the raw file\(s\) now listed .*: example.csv"):
            tables.read("example")
    finally:
        del tables.REGISTRY["example"]


def test_atomic_writes_use_unique_temporary_names_and_clean_up(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with atomic.replacing(target) as first, atomic.replacing(target) as second:
        assert first != second and first.parent == second.parent == tmp_path
        first.write_text("one")
        second.write_text("two")
    assert target.read_text() == "one"  # the last to finish wins, whole; neither wrote into the other
    with pytest.raises(RuntimeError), atomic.replacing(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "one" and [p.name for p in tmp_path.iterdir()] == ["out.csv"]
