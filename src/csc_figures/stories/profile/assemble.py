"""A council's profile: its figures (compute) and the sentences written from them (words)."""

from __future__ import annotations

from .compute import ProfileData, profile_figures
from .words import sentences


def council_profile(council, year: int | None = None, vintage: int | None = None,
                    data: ProfileData | None = None) -> dict:
    """Everything the desk quotes about one council, as a JSON-ready dict (see the package docstring)."""
    profile = profile_figures(council, year, vintage, data)
    profile["sentences"] = sentences(profile)
    return profile
