"""The one strict date parser for parameters: a date, or text written YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re

from .errors import UserError

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_date(value: dt.date | str | None, name: str = "as_of") -> dt.date:
    """A date from a date or 'YYYY-MM-DD' text; a UserError naming the parameter otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    if not _ISO.fullmatch(text):
        raise UserError(f"{name}: {value!r} is not a date written YYYY-MM-DD (e.g. 2022-05-06)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise UserError(f"{name}: {value!r} is not a real date ({err})") from None


# ---- dates in words: the desk's style, in English whatever the desk's locale ----------------------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def day_words(value: dt.date | str | None, missing: str | None = None) -> str:
    """2022-05-06 (a date or YYYY-MM-DD text) -> '6 May 2022'; `missing` for no date, when given."""
    if not value and missing is not None:
        return missing
    day = as_date(value[:10] if isinstance(value, str) else value, "date")
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_words(value: dt.date | str | None, missing: str | None = None) -> str:
    """2022-05-06 (or 2022-05) -> 'May 2022'; `missing` for no date, when given."""
    if not value and missing is not None:
        return missing
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        value = f"{value.strip()}-01"
    day = as_date(value[:10] if isinstance(value, str) else value, "date")
    return f"{MONTHS[day.month - 1]} {day.year}"


def year_span(year: int) -> str:
    """A year ending in `year` as DfE and the articles write it: 2021 -> '2020-21'."""
    return f"{year - 1}-{year % 100:02d}"
