"""Notebook parameters, declared once (csc_figures.params): the cells, the checks, the runner and the router."""

import ast
import datetime as dt

import nbformat
import pytest

from csc_figures import params, paths, run
from csc_figures.errors import UserError


def test_every_notebook_is_declared_and_its_cell_is_the_declared_one():
    sources = {p.stem for p in paths.NOTEBOOKS.glob("*.ipynb")}
    assert sources == set(params.NOTEBOOKS)
    for name in params.NOTEBOOKS:
        nb = nbformat.read(paths.NOTEBOOKS / f"{name}.ipynb", as_version=4)
        cell = params.parameters_cell(nb, name)
        assert cell.source == params.render_cell(name), f"{name}: run `python -m csc_figures.params --write-cells`"
        assigned = {t.id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body
                    for t in node.targets}
        assert assigned == params.defaults(name)
        # the cell after it checks the values and routes the outputs
        following = nb.cells[nb.cells.index(cell) + 1].source
        assert f'use_parameters("{name}", globals())' in following


@pytest.mark.parametrize("notebook, values, message", [
    ("11_council_profile", {"council": "Kingston"}, "council: 'Kingston' could be 2 councils"),
    ("11_council_profile", {"council": "Narnia"}, "council: no council matches 'Narnia'"),
    ("11_council_profile", {"year": "twenty"}, "year: 'twenty' is not a whole number; it accepts DfE reporting year"),
    ("11_council_profile", {"counsil": "York"}, "11_council_profile has no parameter 'counsil'; its parameters: "
                                                "council, year, vintage"),
    ("10_ratings_vs_workforce", {"as_of": "6 May 2022"}, "as_of: '6 May 2022' is not a date written YYYY-MM-DD"),
    ("10_ratings_vs_workforce", {"as_of": "2022-02-30"}, "as_of: '2022-02-30' is not a real date"),
    ("10_ratings_vs_workforce", {"method": "median"}, "method: 'median' is not one of mean, pooled"),
    ("10_ratings_vs_workforce", {"year": None}, "year: None is not accepted (it needs a value)"),
    ("15_revisions", {"top": 0}, "top: 0 is less than 1"),
    # 03 and 04 take any spelling through the one resolver, with candidates on a typo
    ("03_workforce", {"council": "Yrok"}, "council: no council matches 'Yrok'; closest: York (DfE 816"),
    ("04_children", {"council": "999"}, "council: '999' is not a DfE LA code we know"),
    ("12_inspection_judgements", {"named_councils": ["York", "Narnia"]}, "named_councils: no council matches"),
])
def test_bad_values_are_refused_naming_the_parameter(notebook, values, message):
    with pytest.raises(UserError) as err:
        params.check(notebook, values)
    assert message in str(err.value)


def test_every_default_passes_its_own_check():
    for name, declared in params.NOTEBOOKS.items():
        for p in declared:
            assert params.check_value(p, p.default) == p.default, (name, p.name)


def test_values_as_the_cells_document_them():
    checked = params.check("11_council_profile", {"council": "Hull", "year": "None", "vintage": "2025"})
    assert checked == {"council": "Hull", "year": None, "vintage": 2025}
    checked = params.check("10_ratings_vs_workforce", {"as_of": dt.date(2023, 5, 6), "base_year": "none"})
    assert checked["as_of"] == "2023-05-06" and checked["base_year"] is None and checked["year"] == 2021
    assert params.check("12_inspection_judgements", {"named_councils": "York; Derby"})["named_councils"] == ["York", "Derby"]


def test_a_run_is_named_by_what_differs_from_the_defaults():
    assert params.given("11_council_profile", {"council": "York", "year": 2021}) == {}
    assert params.run_name(params.given("11_council_profile", {"council": "St. Helens", "year": 2025})) == \
        "council-St.-Helens_year-2025"
    assert params.run_folder("11_council_profile", {}) == paths.OUTPUTS / "runs" / "11_council_profile" / "defaults"


def test_the_runner_refuses_before_writing(tmp_path, capsys, monkeypatch):
    from csc_figures.steps import STEP_VARIABLE

    monkeypatch.setenv(STEP_VARIABLE, "")  # run.main sets it; restored after the test
    out = tmp_path / "never.ipynb"
    assert run.main(["11_council_profile", "-p", "council=Kingston", "-o", str(out)]) == 2
    assert "council: 'Kingston' could be 2 councils" in capsys.readouterr().err
    assert run.main(["15_revisions", "-p", "topp=3", "-o", str(out)]) == 2
    assert "15_revisions has no parameter 'topp'" in capsys.readouterr().err
    assert not out.exists()


def test_the_runner_starts_from_the_declared_cell_whatever_was_saved(tmp_path):
    saved = nbformat.read(paths.NOTEBOOKS / "15_revisions.ipynb", as_version=4)
    cell = params.parameters_cell(saved, "saved")
    cell.source = "top = 3  # changed in JupyterLab"
    saved.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="stale\n")]
    saved.cells[-1].execution_count = 7
    path = tmp_path / "15_revisions.ipynb"
    nbformat.write(saved, path)
    clean = run.clean_source(path, "15_revisions")
    assert params.parameters_cell(clean, "clean").source == params.render_cell("15_revisions")
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in clean.cells if c.cell_type == "code")


def test_router_sends_a_run_that_is_not_published_to_outputs_runs(monkeypatch):
    monkeypatch.delenv(params.PUBLISH_VARIABLE, raising=False)
    monkeypatch.delenv(params.RUN_OUTPUTS_VARIABLE, raising=False)
    namespace = {"council": "Derby", "year": "2025", "vintage": None}
    try:
        params.use("11_council_profile", namespace)
        assert namespace["year"] == 2025
        folder = paths.OUTPUTS / "runs" / "11_council_profile" / "council-Derby_year-2025_vintage-None"
        assert paths.FIGURES == folder / "figures" and paths.TABLES == folder / "tables"
        monkeypatch.setenv(params.PUBLISH_VARIABLE, "11_council_profile")
        params.use("11_council_profile", {"council": "York", "year": 2021, "vintage": 2022})
        assert paths.FIGURES == paths.OUTPUTS / "figures"
    finally:
        paths.route(None)


def test_readme_notebook_table_is_generated_from_the_declarations():
    from csc_figures import readme

    table = params.readme_table()
    assert "| `11_council_profile` | `council` | `\"York\"` |" in table
    assert table in readme.README.read_text()


def test_the_git_filter_strips_a_notebook_saved_in_lab():
    import subprocess

    assert "notebooks/*.ipynb filter=nbstripout" in (paths.ROOT / ".gitattributes").read_text()
    nb = nbformat.read(paths.NOTEBOOKS / "15_revisions.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, c in enumerate(code):
        c.execution_count = i + 1
        c.outputs = [nbformat.v4.new_output("stream", name="stdout", text="from Lab\n")]
    # the command make env gives git (filter.nbstripout.clean), on the saved text
    stripped = subprocess.run([str(paths.ROOT / ".venv" / "bin" / "python"), "-m", "nbstripout", "--keep-id"],
                              input=nbformat.writes(nb), capture_output=True, text=True, check=True).stdout
    clean = nbformat.reads(stripped, as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in clean.cells if c.cell_type == "code")
    # a clean source passes through unchanged, so the filter never makes a committed notebook look edited
    source = (paths.NOTEBOOKS / "15_revisions.ipynb").read_text()
    again = subprocess.run([str(paths.ROOT / ".venv" / "bin" / "python"), "-m", "nbstripout", "--keep-id"],
                           input=source, capture_output=True, text=True, check=True).stdout
    assert again == source


def test_a_refusal_in_a_kernel_is_its_message_and_still_stops_the_run():
    """A reporter's misspelt council in a notebook shows as the command line says it, one line, not a
    traceback through the package; the cell still fails, so Run All and papermill stop there."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('council = "Derbz"\nyear = 2021\nvintage = 2022'),
        nbformat.v4.new_code_cell('from csc_figures.params import use\n_ = use("11_council_profile", globals())'),
        nbformat.v4.new_code_cell('print("ran on")')])
    client = NotebookClient(nb, kernel_name="csc-figures", timeout=120,
                            resources={"metadata": {"path": str(paths.NOTEBOOKS)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    [error] = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert error.ename == "UserError" and "closest: Derby" in error.evalue
    shown = "".join(error.traceback)
    assert "closest: Derby" in shown and "File " not in shown and "---->" not in shown, shown  # no frames
    assert not nb.cells[2].outputs  # the run stopped at the refusal
