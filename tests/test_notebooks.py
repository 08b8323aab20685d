"""Notebook sources: no stored outputs, the project's kernel, one parameters cell, logic in the package."""

import nbformat
import pytest

from csc_figures import paths

SOURCES = sorted(paths.NOTEBOOKS.glob("*.ipynb"))


def test_every_notebook_has_an_executed_default_copy():
    assert SOURCES
    executed = {p.name for p in (paths.OUTPUTS / "notebooks").glob("*.ipynb")}
    assert {p.name for p in SOURCES} <= executed


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_source_is_clean_and_parameterised(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == "csc-figures"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "sources carry no outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged `parameters`"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_notebooks_stay_thin(path):
    # Functions and classes belong in the package, where tests reach them.
    nb = nbformat.read(path, as_version=4)
    defined = [line for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines()
               if line.startswith(("def ", "class "))]
    assert not defined, f"{path.name} defines {defined}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_papermill_sees_every_parameter(path):
    # A comment papermill cannot parse hides its parameter from `-p` (it warns and injects blindly).
    import ast

    import papermill as pm

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assigned = {target.id for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)}
    assert set(pm.inspect_notebook(str(path))) == assigned


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_nbval_markers_are_tags_not_comments(path):
    # A reader sees a cell's source: nbval's markers go in the cell's tags (nbval-check-output), never in a comment.
    nb = nbformat.read(path, as_version=4)
    commented = [c.id for c in nb.cells if c.cell_type == "code" and "NBVAL_" in c.source]
    assert not commented, f"{path.name}: cells {commented} carry an NBVAL_ comment; tag them instead"
    assert any("nbval-check-output" in c.metadata.get("tags", []) for c in nb.cells), "no cell is checked"
