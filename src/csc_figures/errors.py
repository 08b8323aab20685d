"""Errors a user can act on: the CLI prints the message and exits non-zero, no traceback."""


class UserError(Exception):
    """Bad input from the user (a date outside the data, an unknown council...)."""


class DataError(Exception):
    """A source file is not what the cleaning expects (a renamed column, an unmatched council...)."""
