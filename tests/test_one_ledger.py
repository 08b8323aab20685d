"""One ledger (issue 28, item 3): an article's figures live in data/claims.csv and data/reported/, nowhere else.

Every figure the ledger holds that is specific enough to recognise (three significant digits or more, so not
a 2, a 43 or a 0.5; whole numbers 1990 to 2030 aside, as years) is looked for in src/ and in the notebook
sources. In Python, that is every number literal and every number written inside a string literal, except
docstrings and comments, which describe formats by example ('80850 -> "80,850"'); in the notebooks, also
the comments and every markdown cell, which readers read; in templates, every number. A hit fails the test,
named by file and line with the ledger rows that hold the figure: the story should read it by claim id
(`claims.claim`) or from its data/reported table instead.
"""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import tokenize
from decimal import Decimal
from pathlib import Path

import polars as pl

from csc_figures import claims, paths

SOURCES = paths.ROOT / "src"
NOTEBOOKS = paths.ROOT / "notebooks"
TEXT_SUFFIXES = {".j2", ".html", ".js", ".css"}  # templates
YEARS = range(1990, 2031)
# a number as text: 80,850 or 80850 or 126.7, not part of a word, a hex colour, a version, a date or an
# id such as a002-105 (a digit and a hyphen before it); a unit may follow ('£11.49m', '126.7%')
NUMBER = re.compile(r"(?<![\w.,#])(?<!\d-)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d.,]\d)")


def significant_digits(value: Decimal) -> int:
    return len(value.normalize().as_tuple().digits)


def recognisable(value: Decimal) -> bool:
    """A figure specific enough that a copy of it in code is a copy of the article, not a round constant."""
    is_year = value == value.to_integral_value() and int(value) in YEARS
    return significant_digits(value) >= 3 and not is_year


def ledger_figures(claims_csv: Path = claims.CLAIMS_CSV, reported: Path = paths.REPORTED) -> dict[Decimal, list[str]]:
    """{figure: where the ledger holds it} for every recognisable printed or cited number."""
    figures: dict[Decimal, list[str]] = {}
    for row in claims.load_claims(claims_csv).filter(pl.col("unit") != "text").iter_rows(named=True):
        figures.setdefault(abs(Decimal(row["value"])).normalize(), []).append(row["claim_id"])
    for table in sorted(reported.glob("*.csv")):
        values = pl.read_csv(table, infer_schema=False)["value"].to_list()
        for line, value in enumerate(values, start=2):
            if value:
                figures.setdefault(abs(Decimal(value)).normalize(), []).append(f"{table.name} line {line}")
    return {value: where for value, where in figures.items() if recognisable(value)}


def _numbers_in(text: str, line: int = 1, column: int = 0) -> list[tuple[int, int, str, Decimal]]:
    """(line, column, as written, value) for each number written in a text that starts at (line, column)."""
    found = []
    for m in NUMBER.finditer(text):
        offset = text.count("\n", 0, m.start())
        at = m.start() - (text.rfind("\n", 0, m.start()) + 1) + (column if offset == 0 else 0)
        found.append((line + offset, at, m.group(0), Decimal(m[1].replace(",", "") + (m[2] or "")).normalize()))
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def numbers_in_python(code: str, comments: bool = False) -> list[tuple[int, int, str, Decimal]]:
    """(line, column, as written, value) for each number literal and number inside a string literal of some
    code (docstrings aside), and with comments=True each number in its comments; in the order written."""
    found = []
    tree = ast.parse(code)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in docstrings:
            continue
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            found.append((node.lineno, node.col_offset, repr(node.value), abs(Decimal(repr(node.value))).normalize()))
        elif isinstance(node.value, str):
            found += _numbers_in(node.value, node.lineno, node.col_offset)
    if comments:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                found += _numbers_in(token.string, *token.start)
    return sorted(found)


def _notebook_numbers(path: Path) -> list[tuple[str, str, Decimal]]:
    found = []
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        source = "".join(cell["source"])
        numbers = numbers_in_python(source, comments=True) if cell["cell_type"] == "code" else _numbers_in(source)
        found += [(f"cell {index} line {line}", written, value) for line, _, written, value in numbers]
    return found


def ledger_copies(root: Path, figures: dict[Decimal, list[str]]) -> list[str]:
    """'file:line: 80850 (a002-105, ...)' for each ledger figure written in the sources under `root`
    (its src/ and notebooks/)."""
    problems = []
    for path in sorted((root / "src").rglob("*")):
        if path.suffix == ".py":
            numbers = numbers_in_python(path.read_text(encoding="utf-8"))
        elif path.suffix in TEXT_SUFFIXES:
            numbers = _numbers_in(path.read_text(encoding="utf-8"))
        else:
            continue
        problems += [f"{path.relative_to(root)}:{line}: {written} ({', '.join(figures[value][:3])})"
                     for line, _, written, value in numbers if value in figures]
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        problems += [f"{path.relative_to(root)} {where}: {written} ({', '.join(figures[value][:3])})"
                     for where, written, value in _notebook_numbers(path) if value in figures]
    return problems


def test_no_story_or_notebook_keeps_a_copy_of_an_article_figure():
    problems = ledger_copies(paths.ROOT, ledger_figures())
    assert not problems, ("an article's figure written in the code or a notebook (read it from the claims "
                          "ledger by claim id, claims.claim, or from its data/reported table):\n" + "\n".join(problems))


def test_the_ledger_figures_looked_for_are_the_articles_not_round_numbers():
    figures = ledger_figures()
    assert len(figures) > 50  # not vacuous: the five articles print many such figures
    for held in ("80850", "198790", "126.7", "16.7", "152", "122.75", "1987"):
        assert Decimal(held).normalize() in figures, held
    assert "a002-105" in figures[Decimal("80850").normalize()]
    assert "national_statistics_quoted.csv line 6" in figures[Decimal("80850").normalize()]
    for ordinary in ("43", "10", "2", "0.5", "100", "2021", "2010"):
        assert not recognisable(Decimal(ordinary)), ordinary


def test_numbers_are_read_as_written_not_inside_dates_ids_or_colours():
    text = "80,850 is now 80,780; up 126.7% (£11.49m); 2020-21; a002-105; #1f77b4; v1.2.3; -16.7"
    assert [written for _, _, written, _ in _numbers_in(text)] == ["80,850", "80,780", "126.7", "11.49", "2020", "16.7"]


PLANTED_MODULE = '''\
"""A docstring may show a format by example: 80850 -> '80,850'."""

PRINTED = {"looked_after": 80850, "section_47_change_pct": 126.7}
YEAR, SHARE, LIMIT, STEP = 2021, 0.5, 100, 2.1  # ordinary constants; a comment may say 198,790


def sentence(today: int) -> str:
    return f"the article's 198,790 is now {today:,}"
'''

PLANTED_CELLS = [
    {"cell_type": "markdown", "metadata": {}, "source": ["## The figures\n", "The article's 80,850 is now 80,780.\n"]},
    {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
     "source": ["target = {\"inspections\": 43, \"councils\": 152}  # in force on 10 March 2015\n",
                "change = 126.7  # the article's rise"]},
]


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(SOURCES, root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


def test_the_check_names_figures_planted_in_a_copy_by_file_and_line(tmp_path):
    """A module and a notebook of planted figures in a copy of src/ and notebooks/: each figure the ledger holds
    is named by file and line; the docstring, the src comment and the round constants are not."""
    root = _copy(tmp_path)
    (root / "src" / "csc_figures" / "planted.py").write_text(PLANTED_MODULE, encoding="utf-8")
    notebook = json.loads((root / "notebooks" / "13_national_trends.ipynb").read_text(encoding="utf-8"))
    notebook["cells"] += PLANTED_CELLS
    (root / "notebooks" / "13_national_trends.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    cells = len(notebook["cells"])

    found = ledger_copies(root, ledger_figures())
    assert [p.split(" (")[0] for p in found] == [
        "src/csc_figures/planted.py:3: 80850",
        "src/csc_figures/planted.py:3: 126.7",
        "src/csc_figures/planted.py:8: 198,790",
        f"notebooks/13_national_trends.ipynb cell {cells - 2} line 2: 80,850",
        # the release we hold gives 80,780: data/reported cites DfE's 2025 release page for it
        f"notebooks/13_national_trends.ipynb cell {cells - 2} line 2: 80,780",
        f"notebooks/13_national_trends.ipynb cell {cells - 1} line 1: 152",
        f"notebooks/13_national_trends.ipynb cell {cells - 1} line 2: 126.7",
    ], found
    assert "a002-105" in found[0] and "a002-108" in found[1]


def test_the_check_finds_the_printed_figures_the_national_trends_story_kept(tmp_path):
    """The story's own copy of the article's figures, as it was before it read them from the ledger, planted
    back into a copy of its module, fails the check."""
    root = _copy(tmp_path)
    module = root / "src" / "csc_figures" / "stories" / "national_trends" / "compute.py"
    module.write_text(module.read_text(encoding="utf-8") + (
        '\n\nPRINTED = {"looked_after": 80850, "starting_lowest_years": 9, "section_47_enquiries": 198790,\n'
        '           "section_47_change_pct": 126.7, "section_47_lower_years": 2}\n'), encoding="utf-8")
    found = [p for p in ledger_copies(root, ledger_figures()) if "national_trends/compute.py" in p]
    assert [p.split(": ")[1].split(" (")[0] for p in found] == ["80850", "198790", "126.7"], found


def test_every_ledger_status_has_words():
    assert list(claims.STATUS_WORDS) == claims.STATUSES
    assert claims.status_words("differs", "Revised") == "differs: a later revision of the data"
    assert claims.status_words("match", "") == "matches"
    assert claims.status_words("differs", "") == "differs"
