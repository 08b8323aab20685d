"""Ofsted's judgements, declared once: code, words per framework, rank and colour.

Tables hold the code; sentences, charts, the CLI and the claims ledger take the words and the
order from here, and the colours from the house style (`style.JUDGEMENT_COLOURS`).

Each framework keeps its own words: the frameworks before 2013 (SLAC, CPI, TLAC) graded
'adequate' where SIF and ILACS say 'requires improvement to be good'; Ofsted's 2023 history file
codes both as grade 3, so the table holds `requires_improvement`, and `words_in` gives it back in
the framework's own word.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .style import JUDGEMENT_COLOURS


@dataclass(frozen=True)
class Judgement:
    code: str  # as the inspections table holds it
    label: str  # chart legends and table headers: 'Requires improvement'
    words: str  # in a sentence: 'requires improvement'
    ofsted: dict[str, str]  # Ofsted's own wording per framework
    grade: int  # Ofsted's grade: 1 outstanding (best) ... 4 inadequate
    colour: str  # chart colour, for judgements only


IN_FORCE_FRAMEWORKS = ("SIF", "ILACS")  # the frameworks that give an overall effectiveness, the judgement in force
_OLD_FRAMEWORKS = ("SLAC", "CPI", "TLAC")  # before 2013: outstanding, good, adequate, inadequate


def _same(word: str) -> dict[str, str]:
    return {f: word for f in (*IN_FORCE_FRAMEWORKS, *_OLD_FRAMEWORKS)}


_ALL = (
    Judgement("outstanding", "Outstanding", "outstanding", _same("Outstanding"), 1,
              JUDGEMENT_COLOURS["outstanding"]),
    Judgement("good", "Good", "good", _same("Good"), 2, JUDGEMENT_COLOURS["good"]),
    Judgement("requires_improvement", "Requires improvement", "requires improvement",
              {"SIF": "Requires improvement to be good", "ILACS": "Requires improvement to be good",
               **{f: "Adequate" for f in _OLD_FRAMEWORKS}},
              3, JUDGEMENT_COLOURS["requires_improvement"]),
    Judgement("inadequate", "Inadequate", "inadequate", _same("Inadequate"), 4, JUDGEMENT_COLOURS["inadequate"]),
)
JUDGEMENTS: dict[str, Judgement] = {j.code: j for j in _ALL}
ORDER: tuple[str, ...] = tuple(j.code for j in sorted(_ALL, key=lambda j: j.grade))  # best first
GRADE: dict[str, int] = {j.code: j.grade for j in _ALL}
POSITION: dict[str, int] = {code: i for i, code in enumerate(ORDER)}  # 0 for the best: a chart's sort order
LABELS: dict[str, str] = {j.code: j.label for j in _ALL}
WORDS: dict[str, str] = {j.code: j.words for j in _ALL}
COLOURS: tuple[str, ...] = tuple(JUDGEMENTS[c].colour for c in ORDER)


def from_words(text: str | None, frameworks: tuple[str, ...] = (*IN_FORCE_FRAMEWORKS, *_OLD_FRAMEWORKS)) -> str | None:
    """The code of a judgement written as its code, its words, its label, Ofsted's wording in one of
    `frameworks` ('Requires improvement to be good', SLAC's 'Adequate') or 'RI', in any case and spacing;
    None when it is none of them."""
    typed = " ".join((text or "").lower().replace("_", " ").split())
    return _written(tuple(frameworks)).get(typed)


@cache
def _written(frameworks: tuple[str, ...]) -> dict[str, str]:
    """Every way from_words accepts a judgement, to its code (Ofsted's files give thousands of cells)."""
    out = {"ri": "requires_improvement"}
    for code, j in reversed(JUDGEMENTS.items()):  # the best grade wins a shared word, as the search did
        out.update(dict.fromkeys({code.replace("_", " "), j.words, j.label.lower(),
                                  *(j.ofsted[f].lower() for f in frameworks)}, code))
    return out


def is_judgement(code: str | None) -> bool:
    return code in JUDGEMENTS


def label(code: str) -> str:
    return JUDGEMENTS[code].label


def words(code: str | None, default: str | None = None) -> str | None:
    """'requires improvement' for a code; `default` (or the text itself) for anything else."""
    if code in JUDGEMENTS:
        return JUDGEMENTS[code].words
    return code if default is None else default


def words_in(code: str | None, framework: str | None, default: str | None = None) -> str | None:
    """The judgement in its framework's own word, for a sentence: SLAC's grade 3 is 'adequate'."""
    if code in JUDGEMENTS and framework in _OLD_FRAMEWORKS:
        return JUDGEMENTS[code].ofsted[framework].lower()
    return words(code, default)


def label_in(code: str, framework: str | None) -> str:
    """The judgement's label in its framework's own word: 'Adequate' (SLAC), 'Requires improvement' (SIF)."""
    if framework in _OLD_FRAMEWORKS:
        return JUDGEMENTS[code].ofsted[framework]
    return JUDGEMENTS[code].label


def steps_up(previous: str, latest: str) -> int:
    """Grades gained from previous to latest: +1 requires improvement -> good, -2 good -> inadequate."""
    return GRADE[previous] - GRADE[latest]
