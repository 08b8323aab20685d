"""The workforce measures, declared once: labels, unit, basis, precision, direction, formatter.

Tables hold the measure's key (the workforce table's column); chart titles, sentences, the CLI and
the claims ledger take its words and its printed form from here, and round by `rounding`.
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

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    def round(self, value: float | None) -> float | None:
        return rounding.round_half_up(value, self.precision)

    def format(self, value: float | None) -> str:
        """The figure as a sentence prints it: '16.1%', '18.3'."""
        if self.is_rate:
            return formatting.pct(value, self.precision)
        return formatting.number(value, self.precision)


_ALL = (
    Measure("turnover_rate", "Turnover rate (%)", "Turnover rate (%)", "turnover rate", "%", "fte", 1, True, "turnover"),
    Measure("vacancy_rate", "Vacancy rate (%)", "Vacancy rate (%)", "vacancy rate", "%", "fte", 1, True, "vacancies"),
    Measure("agency_rate", "Agency worker rate (%)", "Agency worker rate (%)", "agency worker rate", "%",
            "fte", 1, True, "agency use"),
    Measure("absence_rate", "Sickness absence rate (%)", "Sickness absence rate (%)", "sickness absence rate",
            "%", "fte", 1, True, "sickness absence"),
    Measure("caseload", "Average caseload (cases per social worker)", "Average caseload", "average caseload",
            "cases per social worker", "fte", 1, True, "caseloads"),
    Measure("fte", "Social workers in post (FTE)", "Social workers in post (FTE)",
            "social workers in post (FTE)", "FTE", "fte", 1, None),
    # The same rates counted in heads, for the ratings story's `basis="headcount"`.
    Measure("turnover_rate_headcount", "Turnover rate, headcount (%)", "Turnover rate, headcount (%)",
            "turnover rate (headcount)", "%", "headcount", 1, True),
    Measure("agency_rate_headcount", "Agency worker rate, headcount (%)", "Agency worker rate, headcount (%)",
            "agency worker rate (headcount)", "%", "headcount", 1, True),
)
MEASURES: dict[str, Measure] = {m.key: m for m in _ALL}
# The five the stories compare councils on, and the profile's six (the five and the staff in post).
COMPARED = ("turnover_rate", "vacancy_rate", "agency_rate", "absence_rate", "caseload")
PROFILED = (*COMPARED, "fte")
RATES = tuple(k for k in PROFILED if MEASURES[k].is_rate)


def measure(key: str) -> Measure:
    try:
        return MEASURES[key]
    except KeyError:
        raise KeyError(f"{key!r} is not a declared measure ({', '.join(MEASURES)})") from None


def words(key: str) -> str:
    return measure(key).words


def label(key: str) -> str:
    return measure(key).label


def short_label(key: str) -> str:
    return measure(key).short_label


def fmt(key: str, value: float | None) -> str:
    return measure(key).format(value)
