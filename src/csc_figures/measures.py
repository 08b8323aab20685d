"""Every measure, declared once: labels, unit, basis, precision, direction, formatter.

Tables hold the measure's key (its table's column): `MEASURES` the workforce's, `CHILDREN` the children in
need census's and the children looked after's, `ALL` both. Chart titles, sentences, table headers, the CLI,
the tables' contracts and the claims ledger take a measure's words and printed form from here, and round by
`rounding`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import formatting, rounding


@dataclass(frozen=True)
class Measure:
    key: str  # the workforce table's column
    label: str  # chart panels: 'Turnover rate (%)'
    short_label: str  # table and facet headers: 'Turnover rate (%)', 'Average caseload'
    words: str  # in a sentence: 'turnover rate'
    unit: str  # '%', 'cases per social worker', 'FTE'
    basis: str  # 'fte' or 'headcount': what the rate is counted in
    precision: int  # decimal places printed
    higher_is_worse: bool | None  # None where more is neither better nor worse
    topic: str = ""  # in a headline's list: 'turnover', 'agency use', 'caseloads'
    rounding: str = "half up on the printed decimal"  # the one rule, rounding.round_half_up
    table: str = "workforce"  # the processed table holding it
    describes: str = ""  # what the column holds, in the table's contract (docs/tables.md)

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    @property
    def is_count(self) -> bool:
        """A count of children, episodes, enquiries or conferences (they add up; rates and days do not)."""
        return self.unit in COUNTS

    def round(self, value: float | None) -> float | None:
        return rounding.round_half_up(value, self.precision)

    def format(self, value: float | None) -> str:
        """The figure as a sentence prints it: '16.1%', '18.3'."""
        if self.is_rate:
            return formatting.pct(value, self.precision)
        return formatting.number(value, self.precision)


def _column(key: str, words: str, describes: str, unit: str, basis: str, precision: int = 1) -> Measure:
    """A workforce column no story charts: its words, contract description, unit and printed places."""
    return Measure(key, words[:1].upper() + words[1:], words, words, unit, basis, precision, None,
                   describes=describes)


# The workforce table's figures, in its columns' order. DfE prints FTE, rates and caseloads to one decimal
# place and headcounts and cases as whole numbers (csc_figures.missing refuses more places than that).
_WORKFORCE = (
    Measure("fte", "Social workers in post (FTE)", "Social workers in post (FTE)",
            "social workers in post (FTE)", "FTE", "fte", 1, None,
            describes="children and family social workers in post, full-time equivalent (FTE)"),
    _column("headcount", "social workers in post (heads)",
            "social workers in post, headcount", "heads", "headcount", 0),
    _column("starters", "starters (FTE)",
            "starters in the year, FTE (published from the 2023 release)", "FTE", "fte"),
    _column("leavers", "leavers (FTE)", "leavers in the year, FTE", "FTE", "fte"),
    Measure("turnover_rate", "Turnover rate (%)", "Turnover rate (%)", "turnover rate", "%", "fte", 1, True, "turnover",
            describes="turnover rate, FTE: leavers as a % of social workers in post (%)"),
    _column("agency_fte", "agency workers (FTE)", "agency workers at 30 September, FTE", "FTE", "fte"),
    Measure("agency_rate", "Agency worker rate (%)", "Agency worker rate (%)", "agency worker rate", "%",
            "fte", 1, True, "agency use",
            describes="agency worker rate, FTE: agency workers as a % of all social workers (%)"),
    _column("vacancies", "vacancies (FTE)", "vacancies at 30 September, FTE", "FTE", "fte"),
    Measure("vacancy_rate", "Vacancy rate (%)", "Vacancy rate (%)", "vacancy rate", "%", "fte", 1, True, "vacancies",
            describes="vacancy rate, FTE: vacancies as a % of vacancies plus social workers in post (%)"),
    Measure("absence_rate", "Sickness absence rate (%)", "Sickness absence rate (%)", "sickness absence rate",
            "%", "fte", 1, True, "sickness absence",
            describes="sickness absence rate, FTE: working days lost as a % of working days (%)"),
    _column("working_days_lost", "working days lost to sickness",
            "working days lost to sickness absence, FTE basis", "days lost", "fte"),
    _column("cases", "cases held", "cases held by case-holding social workers at 30 September", "cases", "fte", 0),
    _column("case_holders", "case-holding social workers (FTE)", "case-holding social workers, FTE", "FTE", "fte"),
    Measure("caseload", "Average caseload (cases per social worker)", "Average caseload", "average caseload",
            "cases per social worker", "fte", 1, True, "caseloads",
            describes="average caseload per case-holding social worker (FTE)"),
    _column("starters_headcount", "starters (heads)",
            "starters in the year, headcount (published from the 2023 release)", "heads",
            "headcount", 0),
    _column("leavers_headcount", "leavers (heads)", "leavers in the year, headcount", "heads", "headcount", 0),
    # The same rates counted in heads, for the ratings story's `basis="headcount"`.
    Measure("turnover_rate_headcount", "Turnover rate, headcount (%)", "Turnover rate, headcount (%)",
            "turnover rate (headcount)", "%", "headcount", 1, True, describes="turnover rate, headcount basis (%)"),
    _column("agency_headcount", "agency workers (heads)",
            "agency workers at 30 September, headcount", "heads", "headcount", 0),
    Measure("agency_rate_headcount", "Agency worker rate, headcount (%)", "Agency worker rate, headcount (%)",
            "agency worker rate (headcount)", "%", "headcount", 1, True,
            describes="agency worker rate, headcount basis (%)"),
    _column("agency_cover_fte", "agency workers covering vacancies (FTE)",
            "agency workers covering vacancies, FTE", "FTE", "fte"),
    _column("agency_cover_rate", "agency cover rate (%)",
            "agency workers covering vacancies as a % of agency workers (%)", "%", "fte"),
    _column("vacancy_agency_cover_rate", "vacancies covered by agency workers (%)",
            "vacancies covered by agency workers as a % of vacancies (%)", "%", "fte"),
)
WORKFORCE: dict[str, Measure] = {m.key: m for m in _WORKFORCE}
# The measures the stories chart, map and compare (the CLI's choices); the other columns are the table's.
MEASURES: dict[str, Measure] = {k: WORKFORCE[k] for k in (
    "turnover_rate", "vacancy_rate", "agency_rate", "absence_rate", "caseload", "fte", "turnover_rate_headcount",
    "agency_rate_headcount")}
# The five the stories compare councils on, and the profile's six (the five and the staff in post).
COMPARED = ("turnover_rate", "vacancy_rate", "agency_rate", "absence_rate", "caseload")
PROFILED = (*COMPARED, "fte")
RATES = tuple(k for k in PROFILED if MEASURES[k].is_rate)


# ---- the children's measures: DfE's children in need census (tables b1, c4) and children looked after ----
# Every figure is a count or a rate per 10,000 children, printed to whole numbers; none is better or worse
# by itself. `describes` is the column's meaning in the table's contract (docs/tables.md); `words` a
# sentence's; `short_label` a table header's.

def _child(key: str, table: str, describes: str, words: str = "", short_label: str = "",
           unit: str = "children") -> Measure:
    words = words or describes
    return Measure(key, words[:1].upper() + words[1:], short_label or words, words, unit, "", 0, None,
                   table=table, describes=describes)


PER_10000 = "per 10,000 children"
COUNTS = ("children", "episodes", "enquiries", "conferences", "FTE", "heads", "days lost", "cases")  # units of a count
_CHILDREN = (
    _child("episodes_during_year", "children_in_need", "episodes of need open at any point in the year",
           unit="episodes"),
    _child("children_during_year", "children_in_need", "children in need at any point in the year"),
    _child("episodes_started", "children_in_need", "episodes of need starting in the year", unit="episodes"),
    _child("children_started", "children_in_need", "children starting an episode of need in the year"),
    _child("episodes_ended", "children_in_need", "episodes of need ending in the year", unit="episodes"),
    _child("children_ended", "children_in_need", "children ending an episode of need in the year"),
    _child("in_need_at_31_march", "children_in_need",
           "children in need at 31 March (DfE's headline count; episodes open)", "children in need at 31 March"),
    _child("awaiting_assessment", "children_in_need", "children awaiting a first assessment at 31 March"),
    _child("section_47_enquiries", "section_47", "section 47 enquiries starting in the year",
           "section 47 enquiries", unit="enquiries"),
    _child("children_in_section_47", "section_47", "children subject to a section 47 enquiry in the year"),
    _child("icpcs", "section_47", "initial child protection conferences (ICPCs) in the year",
           "initial child protection conferences", unit="conferences"),
    _child("children_in_icpc", "section_47", "children subject to an ICPC in the year"),
    _child("icpc_0_to_10_days", "section_47", "ICPCs held 0-10 working days after the section 47 enquiry began",
           unit="conferences"),
    _child("icpc_11_to_15_days", "section_47", "ICPCs held 11-15 working days after (15 is the statutory limit)",
           unit="conferences"),
    _child("icpc_16_to_20_days", "section_47", "ICPCs held 16-20 working days after", unit="conferences"),
    _child("icpc_21_days_or_more", "section_47", "ICPCs held 21 or more working days after", unit="conferences"),
    _child("icpc_days_25th_percentile", "section_47", "working days from enquiry to ICPC, 25th percentile",
           unit="working days"),
    _child("icpc_days_median", "section_47", "working days from enquiry to ICPC, median", unit="working days"),
    _child("icpc_days_75th_percentile", "section_47", "working days from enquiry to ICPC, 75th percentile",
           unit="working days"),
    _child("population_under_18", "children_looked_after",
           "ONS mid-year estimate of children aged under 18, DfE's denominator for the rates",
           "children aged under 18"),
    _child("looked_after", "children_looked_after", "children looked after at 31 March",
           short_label="children looked after"),
    _child("looked_after_rate", "children_looked_after", "children looked after at 31 March per 10,000 children",
           short_label="looked after per 10,000 children", unit=PER_10000),
    _child("starting", "children_looked_after", "children starting to be looked after in the year",
           "children starting to be looked after", "started to be looked after"),
    _child("starting_rate", "children_looked_after", "children starting to be looked after per 10,000 children",
           unit=PER_10000),
    _child("ceasing", "children_looked_after", "children ceasing to be looked after in the year",
           "children ceasing to be looked after", "ceased to be looked after"),
    _child("ceasing_rate", "children_looked_after", "children ceasing to be looked after per 10,000 children",
           unit=PER_10000),
)
CHILDREN: dict[str, Measure] = {m.key: m for m in _CHILDREN}
# Every figure of every table, for `measure()`.
ALL: dict[str, Measure] = {**WORKFORCE, **CHILDREN}
# The figures a notebook's table heads by their words and prints to their places wherever a column bears their
# name: the stories' measures and the children's. The workforce table's other columns are left out: their
# names ('starters', 'cases') recur in other tables meaning other things.
NAMED_COLUMNS: dict[str, Measure] = {**MEASURES, **CHILDREN}


def of_table(table: str) -> list[str]:
    """The measures one table holds, in the registry's order (its columns' order)."""
    return [m.key for m in ALL.values() if m.table == table]


def measure(key: str) -> Measure:
    try:
        return ALL[key]
    except KeyError:
        raise KeyError(f"{key!r} is not a declared measure ({', '.join(ALL)})") from None


def words(key: str) -> str:
    return measure(key).words


def label(key: str) -> str:
    return measure(key).label


def short_label(key: str) -> str:
    return measure(key).short_label


def fmt(key: str, value: float | None) -> str:
    return measure(key).format(value)
