"""An Ofsted file against itself: the sheets' contradictions are refused unless one is reviewed on purpose."""

import polars as pl
import pytest

from csc_figures import inspection_checks
from csc_figures.errors import DataError

FILE = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"


def _difference(own: str | None) -> pl.DataFrame:
    return pl.DataFrame([{"la_code": "831", "la_name": "Derby", "field": "care_leavers",
                          "as_at_table": f"{FILE}/Inspections_as_at_31_March", "as_at_value": "inadequate",
                          FILE: own}])


def test_a_sheet_contradicting_its_own_history_is_refused_unless_reviewed(tmp_path):
    with pytest.raises(DataError, match="history sheet gives 'good'"):
        inspection_checks.refuse_self_contradictions(_difference("good"), exceptions=set())
    accepted = {(FILE, "831", "care_leavers", "inadequate")}
    inspection_checks.refuse_self_contradictions(_difference("good"), exceptions=accepted)
    # another file's history saying otherwise is a revision, not a contradiction
    inspection_checks.refuse_self_contradictions(_difference(None), exceptions=set())
    inspection_checks.refuse_self_contradictions(_difference("(not in file)"), exceptions=set())


def test_a_reviewed_exception_says_why_and_who(tmp_path):
    path = tmp_path / "reviewed_exceptions.csv"
    header = ",".join(inspection_checks.EXCEPTION_COLUMNS)
    path.write_text(f"{header}\nsheets disagree,{FILE},831,care_leavers,inadequate,report says so,desk,2026-12-07\n")
    assert inspection_checks.reviewed("sheets disagree", path) == {(FILE, "831", "care_leavers", "inadequate")}
    path.write_text(f"{header}\nsheets disagree,{FILE},831,care_leavers,inadequate,,,\n")
    with pytest.raises(DataError, match="line 2: why, reviewed_by, reviewed_on empty"):
        inspection_checks.reviewed("sheets disagree", path)


def test_the_committed_list_reads():
    inspection_checks.reviewed("sheets disagree")
