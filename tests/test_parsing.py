"""Strict parsing of the publishers' cells: a number that parses loosely is a wrong number published."""

from __future__ import annotations

import re

import polars as pl
import pytest

from csc_figures import dfe_csv, missing
from csc_figures.errors import DataError


def _parse(*cells: str) -> list:
    df = pl.DataFrame({"v": list(cells)})
    return missing.split_value_and_flag(df, "v", "f.csv")["v"].to_list()


@pytest.mark.parametrize(("cell", "value"), [("1,234", 1234.0), ("12,345,678", 12345678.0), ("5.6", 5.6),
                                             ("-0.4", -0.4), ("198.790", 198.79), (" 17 ", 17.0)])
def test_well_formed_numbers_are_read(cell, value):
    assert _parse(cell) == [value]


@pytest.mark.parametrize("cell", ["5,6", "12,34", "1,2345", ",123", "1,234,", "1.234,5", "5 6", "1e3x"])
def test_a_decimal_comma_or_a_misplaced_separator_is_refused_naming_file_column_and_row(cell):
    with pytest.raises(missing.UnknownValueError, match=rf"f.csv: column 'v', row 3: '{cell}' is neither a number"):
        _parse("1", cell)


def test_the_message_explains_a_decimal_comma():
    with pytest.raises(missing.UnknownValueError, match="a decimal comma such as 5,6 is refused"):
        _parse("5,6")


def test_codes_stay_codes_and_never_zeros():
    df = missing.split_value_and_flag(pl.DataFrame({"v": ["x", "c", "", "3"]}), "v", "f.csv")
    assert df["v"].to_list() == [None, None, None, 3.0]
    assert df["v_flag"].to_list() == ["x", "c", "", None]


def test_a_row_cut_short_is_refused_naming_the_row(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n")
    with pytest.raises(DataError, match=r"w.csv: row 3 has 2 fields where the header has 3"):
        dfe_csv.read(path)


def test_a_row_with_a_stray_separator_is_refused(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('a,b,c\n1,2,3\n4,"5,5",6,7\n')
    with pytest.raises(DataError, match=r"row 3 has 4 fields"):
        dfe_csv.read(path)


def test_quoted_commas_and_names_with_stray_spaces_are_read(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('la_name,value\n"Bristol, City of ",3\n York,4\n')
    assert dfe_csv.read(path)["la_name"].to_list() == ["Bristol, City of", "York"]


@pytest.mark.parametrize(("text", "places", "refused"), [
    ("198", 0, False), ("198.790", 0, True), ("12.5", 1, False), ("12.55", 1, True), ("1,234", 0, False),
])
def test_a_figure_printed_to_more_places_than_the_release_declares_is_refused(text, places, refused):
    df = pl.DataFrame({"n": [text]})
    if refused:
        with pytest.raises(missing.UnknownValueError, match=rf"f.csv: column 'n', row 2: '{re.escape(text)}' has more decimal"):
            missing.split_value_and_flag(df, "n", "f.csv", places=places)
    else:
        assert missing.split_value_and_flag(df, "n", "f.csv", places=places)["n"][0] == float(text.replace(",", ""))
