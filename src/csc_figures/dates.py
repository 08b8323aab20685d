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
