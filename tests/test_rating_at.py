"""`csc-figures rating-at DATE`: the contract, through the installed command and the function."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess

import polars as pl
import pytest

from csc_figures import geography, in_force, inspections, paths, tables
from csc_figures.errors import UserError

CLI = str(paths.ROOT / ".venv" / "bin" / "csc-figures")
HEADER = "la_code,la_name,judgement,framework,published,inherited_from"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, "rating-at", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def may_2022() -> subprocess.CompletedProcess:
    return run("2022-05-06")


def test_header_exact(may_2022):
    assert may_2022.returncode == 0, may_2022.stderr
    assert may_2022.stdout.splitlines()[0] == HEADER
    assert may_2022.stderr == ""


def test_one_row_per_council_existing_on_the_date(may_2022):
    table = pl.read_csv(io.StringIO(may_2022.stdout), infer_schema=False)
    geo = tables.read("la_geography")
    expected = geo.filter(geography.exists_on(dt.date(2022, 5, 6)))["la_code"].sort().to_list()
    assert table["la_code"].to_list() == expected
    assert set(table["judgement"].drop_nulls()) <= set(inspections.JUDGEMENTS)
    assert set(table["framework"].drop_nulls()) <= {"SIF", "ILACS"}
    assert table["published"].drop_nulls().str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    assert (table["published"].drop_nulls() <= "2022-05-06").all()


def test_northamptonshire_successors_in_the_csv(may_2022):
    lines = {line.split(",")[0]: line for line in may_2022.stdout.splitlines()[1:]}
    assert lines["940"] == "940,North Northamptonshire,inadequate,ILACS,2019-07-29,928"
    assert lines["941"] == "941,West Northamptonshire,inadequate,ILACS,2019-07-29,928"
    assert lines["816"].endswith(",requires_improvement,ILACS,2022-05-04,")  # York, published two days before


def test_empty_fields_where_no_judgement_yet():
    result = run("2010-01-01")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[1:]
    assert rows and all(line.endswith(",,,,") for line in rows)


def test_json_format():
    result = run("2023-04-01", "--format", "json")
    records = json.loads(result.stdout)
    cumberland = next(r for r in records if r["la_code"] == "942")
    assert cumberland["inherited_from"] == "909" and cumberland["judgement"] == "requires_improvement"


# The day after the newest Ofsted file's as-at date: the first day the data cannot answer.
AFTER_THE_DATA = (inspections.NEWEST_FILE.as_at + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("text, message", [
    ("2022-5-6", "YYYY-MM-DD"),
    ("06/05/2022", "YYYY-MM-DD"),
    ("yesterday", "YYYY-MM-DD"),
    ("2022-02-30", "not a real date"),
    (AFTER_THE_DATA, "outside the data"),
    ("2008-12-31", "outside the data"),
])
def test_bad_dates_exit_non_zero_with_a_message(text, message):
    result = run(text)
    assert result.returncode != 0
    assert message in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_function_contract():
    table = in_force.rating_at_table(inspections.NEWEST_FILE.as_at.isoformat())
    assert table.columns == HEADER.split(",")
    assert table.schema["published"] == pl.String
    with pytest.raises(UserError, match="outside the data"):
        in_force.rating_at_table(AFTER_THE_DATA)


def test_ofsteds_basis_counts_as_its_outcome_files_do():
    """`--basis ofsted`: 31 March 2024 as Ofsted's file counts it (91 of 151 good or outstanding, 60%)."""
    records = json.loads(run("2024-03-31", "--basis", "ofsted", "--format", "json").stdout)
    judged = [r for r in records if r["judgement"] is not None]
    good = [r for r in judged if r["judgement"] in ("good", "outstanding")]
    assert (len(records), len(judged), len(good)) == (153, 151, 91)
    assert all(r["inherited_from"] is None for r in records)
    in_force = json.loads(run("2024-03-31", "--format", "json").stdout)
    assert sum(r["judgement"] in ("good", "outstanding") for r in in_force) == 91 and len(in_force) == 153
    table = run("2024-03-31", "--basis", "ofsted", "--format", "table")
    assert "2 not yet inspected" in table.stdout and "Ofsted's basis" in table.stdout


def test_an_unknown_basis_exits_non_zero_with_the_choices():
    result = run("2024-03-31", "--basis", "ofstead")
    assert result.returncode != 0 and "invalid choice: 'ofstead'" in result.stderr and "in-force" in result.stderr
