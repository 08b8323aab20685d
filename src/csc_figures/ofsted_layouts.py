"""What each Ofsted file holds where: its layouts, and the files data/sources.toml lists.

Ofsted's files are found by their role (`role = "ofsted_outcomes"`) in data/sources.toml,
oldest first by `as_at`; each names its `layout` here (the newest layout when it gives none).
A wide layout has one row per council and a group of columns per inspection (an Event); a
long layout has one row per inspection. csc_figures.inspections reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import sources
from .errors import DataError


@dataclass(frozen=True)
class Event:
    """One inspection's columns in a wide sheet."""
    framework: str
    date_header: str
    fields: dict[str, str]  # our column -> header text
    inspection_type: str | None = None  # fixed type; else read from type_header
    type_header: str | None = None

    @property
    def headers(self) -> list[str]:
        return [self.date_header, *self.fields.values(), *([self.type_header] if self.type_header else [])]


_SIF_FIELDS = {
    "overall": "Overall Judgement (OE)",
    "help_and_protection": "children who need help and protection",
    "children_in_care": "children looked after and achieving permanence",
    "adoption": "CLA Sub: Adoption Performance",
    "care_leavers": "CLA Sub: Experiences and progress of care leavers",
    "leadership": "leadership, management and governance",
}


def _ilacs_event(prefix: str, combined_care: bool, care_leavers: bool) -> Event:
    """ILACS columns: the 2023 sheet writes 'First ILACS framework ...', the 2024 'First ILACS ...'."""
    fields = {
        "overall": f"{prefix} overall effectiveness",
        "leadership": f"{prefix} impact of leaders",
        "help_and_protection": f"{prefix} experiences and progress of children who need help and protection",
        "children_in_care": f"{prefix} experiences and progress of children in care"
                            + (" and care leavers" if combined_care else ""),
    }
    if care_leavers:
        fields["care_leavers"] = f"{prefix} experiences and progress of care leavers"
    return Event("ILACS", f"{prefix} publication date", fields, type_header=f"{prefix} inspection type")


_PRE_ILACS_EVENTS = (
    Event("SLAC", "Safeguarding & Looked After Children (SLAC) Inspection publication date",
          {"safeguarding": "SLAC Safeguarding Overall effectiveness (OE)",
           "looked_after_children": "SLAC Looked After Children Overall Effectiveness (OE)"}, "first"),
    Event("SLAC", "SLAC re-inspection of Safeguarding publication date",
          {"safeguarding": "SLAC re-inspection Safeguarding OE"}, "reinspection_safeguarding"),
    Event("SLAC", "SLAC re-inspection of services for Children Looked After publication date",
          {"looked_after_children": "SLAC re-inspection of services Children Looked After OE"},
          "reinspection_looked_after"),
    Event("CPI", "Child Protection Inspections (CPI) publication date",
          {"child_protection": "CPI Overall Effectiveness (OE)"}, "first"),
    Event("CPI", "Child Protection Re-Inspection (CPRI) publication date",
          {"child_protection": "CPRI Overall Effectiveness (OE)"}, "reinspection"),
    Event("TLAC", "Targeted Looked After Children (TLAC) inspection publication date",
          {"looked_after_children": "TLAC Overall Effectiveness (OE)"}, "first"),
    Event("SIF", "Single Inspection of LA Children's Services (SIF) First SIF publication date",
          {**{k: f"First SIF {v}" for k, v in _SIF_FIELDS.items()}, "lscb": "LSCB Overall Effectiveness"}, "first"),
    Event("SIF", "Single Inspection of LA Children's Services (SIF) SIF Re-inspection publication date",
          {k: f"SIF Re-inspection {v}" for k, v in _SIF_FIELDS.items()}, "reinspection"),
)


@dataclass(frozen=True)
class TableLayout:
    """What one table of a wide sheet must hold."""
    events: tuple[Event, ...]
    ended_councils: bool  # the table of councils abolished in a restructure
    other_headers: tuple[str, ...] = ("Web link", "Local authority name", "LA region", "LA Authority Type")
    name_header: str = "Local authority name"

    def known_headers(self) -> set[str]:
        return {h for e in self.events for h in e.headers} | set(self.other_headers)


@dataclass(frozen=True)
class WideSheet:
    file: str
    sheet: str
    as_at: dt.date  # the file's reference date (31 March of its year): its main table's councils existed then
    layouts: tuple[TableLayout, ...]  # one per table, in order


@dataclass(frozen=True)
class Layout:
    """The sheets of one kind of Ofsted file."""
    history_sheet: str
    wide_tables: tuple[TableLayout, ...] = ()  # a wide history, one per table; none: one row per inspection
    as_at_sheet: str = ""  # Ofsted's table of each council's latest inspection, when the file has one


LAYOUTS = {
    "underlying-2023": Layout("LA_inspections_2009-2023", (
        TableLayout(_PRE_ILACS_EVENTS + (
            _ilacs_event("First ILACS framework", combined_care=True, care_leavers=False),
            _ilacs_event("Second ILACS framework", combined_care=False, care_leavers=True)), False),
        TableLayout(_PRE_ILACS_EVENTS + (
            _ilacs_event("ILACS framework", combined_care=True, care_leavers=False),), True),
    )),
    "outcomes-2024": Layout("ILACS_inspections_2018-2024", (
        TableLayout((_ilacs_event("First ILACS", combined_care=False, care_leavers=True),
                     _ilacs_event("Second ILACS", combined_care=False, care_leavers=True)), False),
        TableLayout((_ilacs_event("ILACS framework", combined_care=True, care_leavers=False),), True),
    ), "Inspections_31_March_2024"),
    "outcomes-2025": Layout("ILACS_inspection_history", as_at_sheet="Inspections_as_at_31_March"),
}
NEWEST_LAYOUT = "outcomes-2025"


@dataclass(frozen=True)
class OfstedFile:
    name: str
    as_at: dt.date  # the manifest's as-at date (checked against the file's own title where it has one)
    layout: Layout

    @property
    def where(self) -> str:
        return f"{self.name} sheet {self.layout.history_sheet}"


def ofsted_files(manifest: dict | None = None) -> tuple[OfstedFile, ...]:
    """Every Ofsted outcomes file in data/sources.toml, oldest first (by as-at date)."""
    out = []
    for source in sources.releases(sources.OFSTED_OUTCOMES, manifest):
        name = source.layout or NEWEST_LAYOUT
        if name not in LAYOUTS:
            raise DataError(f'data/sources.toml: entry [files."{source.name}"]: layout {name!r} is not one of '
                            f"the Ofsted layouts in inspections.py ({', '.join(LAYOUTS)})")
        out.append(OfstedFile(source.name, source.as_at, LAYOUTS[name]))
    return tuple(out)


OFSTED_FILES = ofsted_files()
# Oldest first: where files disagree the later one wins.
FILE_PRIORITY = tuple(f.name for f in OFSTED_FILES)
NEWEST_FILE = OFSTED_FILES[-1]
WIDE_SHEETS = tuple(WideSheet(f.name, f.layout.history_sheet, f.as_at, f.layout.wide_tables)
                    for f in OFSTED_FILES if f.layout.wide_tables)
# Files with one row per inspection (ONS codes, inspection dates).
HISTORY_FILES = tuple(f for f in OFSTED_FILES if not f.layout.wide_tables)


def file_as_at(day: dt.date) -> OfstedFile:
    """The Ofsted file as at a date (tests pin the files they were written against this way)."""
    [found] = [f for f in OFSTED_FILES if f.as_at == day]
    return found


# The newest file with one row per inspection: Ofsted's spellings with ONS codes (geography reads them).
NAMES_FILE = HISTORY_FILES[-1]
