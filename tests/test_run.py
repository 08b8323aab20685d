"""The notebook runner: parameters, clean metadata, stable stream output."""

import nbformat

from csc_figures import run


def test_parameters_keep_codes_as_text():
    assert run.parse_params(["year=2021", "council=York", "code=007", "flag=true"]) == {
        "year": 2021, "council": "York", "code": "007", "flag": True}


def test_run_name_is_filesystem_safe():
    assert run.run_name({"council": "Bournemouth, Christchurch and Poole"}) == "council-Bournemouth-Christchurch-and-Poole"


def test_volatile_metadata_goes_and_split_prints_merge():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.metadata["execution"] = {"iopub.execute_input": "2026-11-23T12:00:00"}
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="2\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warn\n")]
    nb.cells = [cell]
    nb.metadata["papermill"] = {"start_time": "2026-11-23"}
    clean = run.strip_volatile(nb)
    assert "papermill" not in clean.metadata and "execution" not in clean.cells[0].metadata
    assert [(o["name"], o["text"]) for o in clean.cells[0].outputs] == [("stdout", "1\n2\n"), ("stderr", "warn\n")]


def test_shared_kernel_runs_match_separate_runs(tmp_path):
    # The twelve article councils share one kernel in `make all`; each must come out as if run alone.
    shared = run.execute_each("11_council_profile", [run.parse_params(["council=941"]),
                                                     run.parse_params(["council=315"])])
    # both published (as Make runs them): a run the build did not start shows live charts instead of SVG
    alone = run.execute("11_council_profile", run.parse_params(["council=315"]), out=tmp_path / "alone.ipynb",
                        cwd=shared[1].parent, publish=True)
    assert alone.read_bytes() == shared[1].read_bytes()
