"""Errors a user can act on: the CLI prints the message and exits non-zero, no traceback."""


class UserError(Exception):
    """Bad input from the user (a date outside the data, an unknown council...)."""


class NotHeld(UserError):
    """The data a computation needs is in no file we hold (a year before our files, a kind of event the
    files do not list): a claim it checks differs for that reason, decided by the code, not by a note."""


class DataError(Exception):
    """A source file is not what the cleaning expects (a renamed column, an unmatched council...)."""
