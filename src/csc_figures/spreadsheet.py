"""Reading a spreadsheet's sheet as text and finding its tables by their header rows: one reader and one
header finder for every .ods/.xlsx the project reads (Ofsted's files, through `ofsted_sheets` and
`geography`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from . import once
from .errors import DataError
from .sources import raw_path


def clean_header(value: str | None) -> str:
    """A cell as a header: runs of spaces and line breaks made one space, trimmed."""
    return " ".join((value or "").split())


def _header_rows(raw: pl.DataFrame, text: str) -> list[int]:
    return [i for i, row in enumerate(raw.iter_rows()) if text in (clean_header(v) for v in row)]


def header_rows(raw: pl.DataFrame, text: str, where: str) -> list[int]:
    """Index of every row holding a cell reading `text` (a table's header), or a DataError naming `where`."""
    rows = _header_rows(raw, clean_header(text))
    if not rows:
        raise DataError(f"{where}: no header row with a cell {text!r}; has the layout changed?")
    return rows


def find_header_row(raw: pl.DataFrame, text: str, where: str) -> int:
    """Index of the first row holding a cell reading `text` (the header), or a DataError naming `where`."""
    return header_rows(raw, text, where)[0]


def load_sheet(file: str, sheet: str) -> pl.DataFrame:
    """Every cell of a raw file's sheet as text, no header (rows as in the file). Read once per process:
    geography and inspections take the same sheets, so the sheet is kept under the file's identity (inode,
    size, modification time), and a file replaced or rewritten since is read again."""
    path = raw_path(file)
    # a copy costs nothing (columns are shared) and keeps the kept one intact
    return once.read(path, lambda: read_sheet(path, sheet), sheet).clone()


def read_sheet(path, sheet: str) -> pl.DataFrame:
    """Every cell of a sheet of any .ods/.xlsx file as text, no header; a missing sheet is an error."""
    import fastexcel

    book = fastexcel.read_excel(path)
    if sheet not in book.sheet_names:
        raise DataError(f"{Path(path).name}: no sheet {sheet!r} (sheets: {book.sheet_names})")
    return book.load_sheet(sheet, header_row=None, dtypes="string").to_polars()


def split_tables(raw: pl.DataFrame, name_header: str, n_tables: int, where: str) -> list[tuple[int, list[str], pl.DataFrame]]:
    """Find each table by its header row (a cell equal to name_header) and cut its rows.

    A table runs from its header to the first blank row or the next header. More header
    rows than the sheet's tables means a header row repeated inside the data: an error.
    """
    starts = header_rows(raw, name_header, where)
    name_col = [clean_header(v) for v in raw.row(starts[0])].index(name_header)
    for i in starts[1:]:
        # A table's header follows a blank row or a title line; one straight after data is stray.
        before = [v for v in raw.row(i - 1) if v is not None and v.strip()]
        if len(before) > 1:
            raise DataError(f"{where}: a header row inside the data at row {i + 1} "
                            f"(it follows data, not a blank row or a table title)")
    if len(starts) != n_tables:
        extra = starts[n_tables:] if len(starts) > n_tables else []
        raise DataError(f"{where}: expected {n_tables} table(s), found header rows at spreadsheet row(s) "
                        f"{[r + 1 for r in starts]}" + (f"; a header row inside the data at row "
                                                              f"{extra[0] + 1}?" if extra else ""))
    out = []
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else raw.height
        header = [clean_header(v) for v in raw.row(start)]
        body = raw.slice(start + 1, stop - start - 1).with_row_index("row", offset=start + 2)
        cells = pl.exclude("row").is_null() | (pl.exclude("row").str.strip_chars() == "")
        filled = body.select(pl.sum_horizontal(~cells)).to_series()
        first_cell = body.select(raw.columns[0]).to_series().fill_null("")
        # A table ends at a blank row or a title line (text in the first cell only, no council name).
        is_break = (filled == 0) | ((filled == 1) & (first_cell.str.strip_chars() != "")
                                    & body[raw.columns[name_col]].is_null())
        breaks = is_break.arg_true()
        if breaks.len():
            end = breaks[0]
            stray = body.slice(end).filter(~is_break.slice(end))
            if stray.height:
                raise DataError(f"{where}: row {stray['row'][0]} holds data after the blank or title row "
                                f"ending a table ({stray[raw.columns[name_col]][0]!r})")
            body = body.slice(0, end)
        out.append((start + 1, header, body))
    return out
