"""The package's shape: stories split by concern, modules of a readable size."""

import ast
from pathlib import Path

import pytest

from csc_figures import paths

PACKAGE = paths.ROOT / "src" / "csc_figures"
STORIES = sorted(p for p in (PACKAGE / "stories").iterdir() if p.is_dir() and (p / "__init__.py").exists())
CHARTING = {"chart.py", "pages.py"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            found |= {f"{node.module or ''}.{a.name}".lstrip(".") for a in node.names} | {node.module or ""}
    return found


def _registers(path: Path) -> bool:
    return "register(" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_above_500_lines(module):
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 500


# Stories whose figures no article quotes, so the claims ledger has nothing to compute with them.
WITHOUT_LEDGER = {"maps": "draws maps of figures the other stories' ledgers already check"}


def test_every_story_is_a_package_split_by_concern():
    assert [p.name for p in STORIES] == ["inspection_judgements", "maps", "national_trends", "profile", "ratings",
                                         "reported"]
    assert not list((PACKAGE / "stories").glob("[!_]*.py")), "a story module outside a story package"
    for story in STORIES:
        names = {p.name for p in story.glob("*.py")}
        needed = {"compute.py", "words.py", "chart.py"} | ({"ledger.py"} if story.name not in WITHOUT_LEDGER else set())
        assert needed <= names, story.name
        for module in story.glob("*.py"):
            charting = any(i.split(".")[0] == "altair" or i.endswith("charts") for i in _imports(module))
            if module.name not in CHARTING:
                assert not charting, f"{story.name}/{module.name} draws charts but is not a chart module"
            if module.name != "ledger.py":
                assert not _registers(module), f"{story.name}/{module.name} registers ledger computations"
