"""Ofsted's judgements, declared once: code, words per framework, rank and colour.

Tables hold the code; sentences, charts, the CLI and the claims ledger take the words, the
order and the colours from here. Issue 14 may change the colours: this is their one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Judgement:
    code: str  # as the inspections table holds it
    label: str  # chart legends and table headers: 'Requires improvement'
    words: str  # in a sentence: 'requires improvement'
    ofsted: dict[str, str]  # Ofsted's own wording per framework
    grade: int  # Ofsted's grade: 1 outstanding (best) ... 4 inadequate
    colour: str  # chart colour, for judgements only


# Colours distinct in hue and in lightness (greyscale L* about 24, 57, 76, 40).
_ALL = (
    Judgement("outstanding", "Outstanding", "outstanding", {"SIF": "Outstanding", "ILACS": "Outstanding"},
              1, "#0b3c5d"),
    Judgement("good", "Good", "good", {"SIF": "Good", "ILACS": "Good"}, 2, "#4a90c2"),
    Judgement("requires_improvement", "Requires improvement", "requires improvement",
              {"SIF": "Requires improvement to be good", "ILACS": "Requires improvement to be good"},
              3, "#f2b134"),
    Judgement("inadequate", "Inadequate", "inadequate", {"SIF": "Inadequate", "ILACS": "Inadequate"},
              4, "#b2182b"),
)
JUDGEMENTS: dict[str, Judgement] = {j.code: j for j in _ALL}
ORDER: tuple[str, ...] = tuple(j.code for j in sorted(_ALL, key=lambda j: j.grade))  # best first
GRADE: dict[str, int] = {j.code: j.grade for j in _ALL}
POSITION: dict[str, int] = {code: i for i, code in enumerate(ORDER)}  # 0 for the best: a chart's sort order
LABELS: dict[str, str] = {j.code: j.label for j in _ALL}
WORDS: dict[str, str] = {j.code: j.words for j in _ALL}
COLOURS: tuple[str, ...] = tuple(JUDGEMENTS[c].colour for c in ORDER)


def is_judgement(code: str | None) -> bool:
    return code in JUDGEMENTS


def label(code: str) -> str:
    return JUDGEMENTS[code].label


def words(code: str | None, default: str | None = None) -> str | None:
    """'requires improvement' for a code; `default` (or the text itself) for anything else."""
    if code in JUDGEMENTS:
        return JUDGEMENTS[code].words
    return code if default is None else default


def steps_up(previous: str, latest: str) -> int:
    """Grades gained from previous to latest: +1 requires improvement -> good, -2 good -> inadequate."""
    return GRADE[previous] - GRADE[latest]
