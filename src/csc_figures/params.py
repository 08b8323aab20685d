"""Every notebook's parameters, declared once: name, type, default and what each accepts.

The declarations are the one source for
- the parameters cell of each notebook in notebooks/ (`python -m csc_figures.params --write-cells` renders it;
  tests/test_params.py checks the committed cells match);
- the published run: the build runs each notebook with these defaults, whatever a saved cell says;
- checking values, with the command line's own messages, before anything is written: by the runner
  (`python -m csc_figures.run NAME -p key=value`) and by the notebook itself (`params.use`, the cell after
  the parameters), so a value typed in JupyterLab is checked the same way;
- where a run's charts and tables go: a published run (started by the build) writes to outputs/figures and
  outputs/tables; every other run (JupyterLab, `run -p`, nbclient in place) to
  outputs/runs/<notebook>/<readable parameters>/ (`run_folder`);
- the README's notebook table.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .errors import UserError

# Set by the runner for the build's own runs: the notebook's name. Nowhere else (not in JupyterLab).
PUBLISH_VARIABLE = "CSC_FIGURES_PUBLISH"
RUN_OUTPUTS_VARIABLE = "CSC_FIGURES_RUN_OUTPUTS"
_NONE_WORDS = ("none", "null", "")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # date, year, integer, text, council, councils, choice
    default: Any
    accepts: str  # what a reader may give, in words (the parameters cell's comment)
    optional: bool = False  # None accepted (it means what `accepts` says)
    choices: tuple[str, ...] = field(default=())


def _p(name, kind, default, accepts, optional=False, choices=()):
    return Param(name, kind, default, accepts, optional, tuple(choices))


NOTEBOOKS: dict[str, tuple[Param, ...]] = {
    "01_geography": (
        _p("example_council", "council", "Bristol", "a council as people write it, an ONS code or a DfE code"),),
    "02_inspections": (
        _p("as_of", "date", "2022-05-06", "YYYY-MM-DD: the judgements in force on this date"),),
    "03_workforce": (
        _p("council", "council", "York", "a council to show across releases, as people write it ('Hull', "
                                         "'City of York'), an ONS or DfE code; York is the published run"),),
    "04_children": (
        _p("council", "council", "York", "a council to show, as people write it ('Hull', 'City of York'), an ONS "
                                         "or DfE code; York is the published run"),),
    "10_ratings_vs_workforce": (
        _p("year", "year", 2021, "DfE reporting year: 2021 is the year to 30 September 2021, the article's 2020-21 "
                                 "(2021 reproduces the article)"),
        _p("base_year", "year", None, "the year compared with; None for the year before `year` (2020 for 2021, "
                                      "as the article)", optional=True),
        _p("as_of", "date", None, "YYYY-MM-DD: the judgements in force on this date; None for 6 May after `year` "
                                  "(for 2021 the article's publication date), or the latest Ofsted file's date if "
                                  "earlier", optional=True),
        _p("vintage", "year", None, "DfE release by the last year it holds; None for the earliest we hold with `year` "
                                    "(for 2021 that is 2022's: the article used February 2022's, which we lack)",
           optional=True),
        _p("method", "choice", "mean", "mean: simple mean of council rates, as the article; pooled: rates from "
                                       "summed counts", choices=("mean", "pooled")),
        _p("editions_vintage", "year", None, "release for the every-year tables; None for the latest we hold",
           optional=True),
    ),
    "11_council_profile": (
        _p("council", "council", "York", "a council as people write it ('Hull', 'City of York'), an ONS or DfE code"),
        _p("year", "year", 2021, "DfE reporting year for the sentences (2021 is the year to 30 September 2021); "
                                 "None for the latest", optional=True),
        _p("vintage", "year", 2022, "DfE workforce release, by the last reporting year it holds; None for the latest",
           optional=True),
    ),
    "12_inspection_judgements": (
        _p("as_of", "date", None, "YYYY-MM-DD: the date for the distribution and share not good; None for the "
                                  "as-at date of the latest Ofsted file", optional=True),
        _p("period_first_year", "year", 2013, "first year of the financial year compared with the Guardian's "
                                              "\"inspected in 2013-14\"; 2013 reproduces the article"),
        _p("opinion_piece_year", "year", 2015, "the year to test \"Ofsted have not awarded this rating to any "
                                               "council\" in; 2015, the piece's year, reproduces the article"),
        _p("analysis_date", "date", "2022-05-06", "YYYY-MM-DD: the day to count councils judged inadequate; "
                                                  "2022-05-06, Community Care's analysis, reproduces the article"),
        _p("named_councils", "councils", ["York", "Derby", "Merton", "West Berkshire", "St Helens"],
           "councils the articles name, each as people write it"),
    ),
    "13_national_trends": (
        _p("year", "year", 2021, "the year ending 31 March the article is about (2021 means 2020-21)"),
        _p("base_year", "year", 2010, "the article's base for the section 47 change (2010 means 2009-10)"),
    ),
    "14_reported_figures": (
        _p("cohorts_year", "year", 2022, "the year the fast-track providers' starters and graduates were "
                                         "published; 2022, the only year held, reproduces the article"),
        _p("study_phase", "integer", 4, "the Health and Social Care Workforce Study's phase; 4 (2022), the only "
                                        "phase held, reproduces the article"),
    ),
    "15_revisions": (
        _p("top", "integer", 15, "how many of the largest revisions the chart shows (1 or more)"),),
    "16_maps": (
        _p("as_of", "date", None, "a date (YYYY-MM-DD) for the judgement map; None for the latest Ofsted file's "
                                  "as-at date", optional=True),
        _p("measure", "choice", "turnover_rate", "a workforce measure: turnover_rate, vacancy_rate, agency_rate, "
                                                 "absence_rate, caseload, fte",
           choices=("turnover_rate", "vacancy_rate", "agency_rate", "absence_rate", "caseload", "fte")),
        _p("year", "year", None, "the workforce year (to 30 September); None for the latest the release holds",
           optional=True),
        _p("vintage", "year", None, "the DfE release (its last reporting year); None for the latest", optional=True),
    ),
}


def declared(notebook: str) -> tuple[Param, ...]:
    try:
        return NOTEBOOKS[Path(notebook).stem]
    except KeyError:
        raise UserError(f"no notebook {notebook!r} is declared; notebooks: {', '.join(NOTEBOOKS)}") from None


def defaults(notebook: str) -> dict[str, Any]:
    return {p.name: p.default for p in declared(notebook)}


# ---- checking values -----------------------------------------------------------------------

def _refuse(p: Param, value: Any, why: str) -> UserError:
    return UserError(f"{p.name}: {value!r} {why}; it accepts {p.accepts}")


def _integer(p: Param, value: Any) -> int:
    if isinstance(value, bool):
        raise _refuse(p, value, "is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise _refuse(p, value, "is not a whole number")


def check_value(p: Param, value: Any) -> Any:
    """The value in the declared type, or UserError naming the parameter and what it accepts."""
    if value is None or (isinstance(value, str) and value.strip().lower() in _NONE_WORDS and p.kind != "text"):
        if p.optional:
            return None
        raise _refuse(p, value, "is not accepted (it needs a value)")
    if p.kind == "date":
        from .dates import as_date

        return as_date(value, p.name).isoformat()
    if p.kind == "year":
        year = _integer(p, value)
        if not 2000 <= year <= 2100:
            raise _refuse(p, value, "is not a year")
        return year
    if p.kind == "integer":
        number = _integer(p, value)
        if number < 1 and p.name == "top":
            raise _refuse(p, value, "is less than 1")
        return number
    if p.kind == "choice":
        if value not in p.choices:
            raise _refuse(p, value, f"is not one of {', '.join(p.choices)}")
        return value
    if p.kind == "council":
        return _council(p, value)
    if p.kind == "councils":
        items = json.loads(value) if isinstance(value, str) and value.strip().startswith("[") else value
        if isinstance(items, str):
            items = [part.strip() for part in items.split(";")]
        if not isinstance(items, list | tuple) or not items:
            raise _refuse(p, value, "is not a list of councils")
        return [_council(p, item) for item in items]
    if p.kind == "text":
        if not isinstance(value, str) or not value.strip():
            raise _refuse(p, value, "is not text")
        return value
    raise ValueError(f"parameter {p.name}: unknown kind {p.kind!r}")


def _council(p: Param, value: Any) -> str:
    """The council as typed (the notebook resolves it again, with its notes), checked to resolve."""
    from .councils import resolve
    from .errors import DataError
    from .steps import UndeclaredRead

    text = str(value).strip()
    try:
        resolve(text)
    except UserError as err:
        raise UserError(f"{p.name}: {err}") from None
    except (DataError, UndeclaredRead):
        pass  # the names are not built yet (the geography step itself): the notebook resolves it later
    return text


def check(notebook: str, values: dict[str, Any]) -> dict[str, Any]:
    """Every declared parameter's value (given or default), checked; an unknown name is refused."""
    params = declared(notebook)
    known = {p.name: p for p in params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise UserError(f"{Path(notebook).stem} has no parameter {', '.join(map(repr, unknown))}; "
                        f"its parameters: {', '.join(known)}")
    # A declared default is valid by construction (tests/test_params.py checks each): only given values are
    # checked, so a run with the defaults reads no table before its notebook does.
    return {p.name: p.default if p.name not in values or _same(values[p.name], p.default)
            else check_value(p, values[p.name]) for p in params}


def _same(value: Any, default: Any) -> bool:
    return type(value) is type(default) and value == default


def given(notebook: str, values: dict[str, Any]) -> dict[str, Any]:
    """The checked values that differ from the declared defaults (what names a run)."""
    checked = check(notebook, values)
    base = check(notebook, {})
    return {k: v for k, v in checked.items() if v != base[k]}


# ---- where a run's outputs go --------------------------------------------------------------

def _readable(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "+".join(_readable(v) for v in value)
    text = "None" if value is None else str(value)
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-") or "blank"


def run_name(changed: dict[str, Any]) -> str:
    """'council-Derby_year-2025' for the parameters that differ from the defaults; 'defaults' for none."""
    return "_".join(f"{k}-{_readable(v)}" for k, v in changed.items()) or "defaults"


def run_folder(notebook: str, values: dict[str, Any]) -> Path:
    """outputs/runs/<notebook>/<readable parameters>/: where a run that is not published writes."""
    return paths.OUTPUTS / "runs" / Path(notebook).stem / run_name(given(notebook, values))


def is_published(notebook: str) -> bool:
    """Only the build's own runs are published: the runner names the notebook in CSC_FIGURES_PUBLISH."""
    return os.environ.get(PUBLISH_VARIABLE) == Path(notebook).stem


def use(notebook: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """The cell after each notebook's parameters cell: check the values there (the command line's messages;
    an unknown or bad one is refused before anything is written), put the checked values back (a year typed
    as "2024" becomes 2024), and send this run's charts and tables where they belong: outputs/ for the
    build's published run, outputs/runs/<notebook>/<readable parameters>/ for any other."""
    _short_refusals()
    names = [p.name for p in declared(notebook)]
    checked = check(notebook, {k: namespace[k] for k in names if k in namespace})
    namespace.update(checked)
    if is_published(notebook):
        paths.route(None)
    else:
        paths.route(Path(os.environ.get(RUN_OUTPUTS_VARIABLE) or run_folder(notebook, checked)))
    return checked


def _short_refusals() -> None:
    """In a kernel, a refusal (UserError: a misspelt council, a year we do not hold) shows as its one-line
    message, as the command line says it, not a traceback through the package; the cell still fails, so a
    papermill run or Run All stops there."""
    ipython = sys.modules.get("IPython")  # imported by every kernel; never imported here
    shell = ipython.get_ipython() if ipython else None
    if shell is None:
        return

    def message_only(shell, etype, value, tb, tb_offset=None):
        shell.showtraceback((etype, value, tb), exception_only=True)

    shell.set_custom_exc((UserError,), message_only)


# ---- the parameters cell and the README table ------------------------------------------------

def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | list) else repr(value)


def render_cell(notebook: str) -> str:
    """The parameters cell's source, from the declarations."""
    return "\n".join(f"{p.name} = {_literal(p.default)}  # {p.accepts}" for p in declared(notebook))


def readme_table() -> str:
    """Markdown: each notebook's parameters, defaults and what they accept."""
    lines = ["| notebook | parameter | default | accepts |", "|---|---|---|---|"]
    for notebook, params in NOTEBOOKS.items():
        for i, p in enumerate(params):
            name = f"`{notebook}`" if i == 0 else ""
            lines.append(f"| {name} | `{p.name}` | `{_literal(p.default)}` | {p.accepts.replace('|', '/')} |")
    return "\n".join(lines)


def write_cells(folder: Path | None = None) -> list[Path]:
    """Rewrite each notebook's parameters cell from the declarations (only the cells that differ)."""
    import nbformat

    changed = []
    for notebook in NOTEBOOKS:
        path = (folder or paths.NOTEBOOKS) / f"{notebook}.ipynb"
        nb = nbformat.read(path, as_version=4)
        cell = parameters_cell(nb, path)
        if cell.source != render_cell(notebook):
            cell.source = render_cell(notebook)
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def parameters_cell(nb, where: Path | str):
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise UserError(f"{where}: {len(cells)} cells tagged 'parameters'; a notebook needs exactly one")
    return cells[0]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--write-cells"]:
        for path in write_cells():
            print(f"rewrote the parameters cell of {path.relative_to(paths.ROOT)}")
        return 0
    print(readme_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
