"""Nothing done in JupyterLab reaches a committed output (issue 21), end to end, in a copy of the project.

A reporter saves a notebook as Lab does (another council, outputs, execution counts), runs another notebook
in place with other parameters (as Lab's kernel does: no runner, no environment), and hand-edits a
committed chart. Then the build runs: the committed outputs are the build's again, byte for byte, and the
reporter's runs are under outputs/runs/.
"""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import nbformat

from conftest import borrowed_environment
from csc_figures import paths

ROOT = paths.ROOT
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith(("CSC_FIGURES_", "MAKE")) and k not in ("MFLAGS", "PYTHONPATH")}


def _committed(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] != "runs"}


IN_PLACE = """
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
cell.source = "top = 4"
NotebookClient(nb, kernel_name="csc-figures", resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, path)
"""


def test_a_lab_session_changes_no_committed_output(tmp_path):
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".make.lock", "*.egg-info")
    shutil.copytree(ROOT, copy, ignore=ignore, copy_function=shutil.copy2, symlinks=True)
    borrowed_environment(copy)
    env = {**ENV, "CSC_FIGURES_ROOT": str(copy), "RAW_MIRROR": str(copy / "data" / "raw"),
           "PYTHONPATH": str(copy / "src"), "TZ": "UTC", "LC_ALL": "C.UTF-8"}
    before = _committed(copy / "outputs")
    assert before

    # 1. Saved as Lab saves: Derby, 2025, with outputs and execution counts, in the source notebook.
    source = copy / "notebooks" / "11_council_profile.ipynb"
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = 'council = "Derby"\nyear = 2025\nvintage = 2025'
    for i, c in enumerate(c for c in nb.cells if c.cell_type == "code"):
        c.execution_count = i + 1
        c.outputs = [nbformat.v4.new_output("stream", name="stdout", text="from a Lab session\n")]
    nbformat.write(nb, source)

    # 2. Another notebook run in place with other parameters, as Lab's kernel runs it.
    ran = subprocess.run([str(copy / ".venv" / "bin" / "python"), "-c", IN_PLACE,
                          str(copy / "notebooks" / "15_revisions.ipynb"), str(copy / "notebooks")],
                         cwd=copy / "notebooks", env=env, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr[-3000:]
    run_folder = copy / "outputs" / "runs" / "15_revisions" / "top-4"
    assert (run_folder / "figures" / "revisions").is_dir() and (run_folder / "tables" / "revisions").is_dir()
    assert _committed(copy / "outputs") == before, "the in-place run wrote into a committed folder"

    # 3. A committed chart changed by hand.
    chart = copy / "outputs" / "figures" / "council_profile" / "derby" / "workforce.svg"
    chart.write_text(chart.read_text().replace("Derby", "Derbyshire"))

    # 4. The build: published runs with the declared defaults; the hand-changed chart is rebuilt.
    built = subprocess.run(["make", "--no-print-directory", "all"], cwd=copy, env=env, capture_output=True,
                           text=True, timeout=1200)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "workforce.svg" in built.stderr  # the repair says why it re-runs
    after = _committed(copy / "outputs")
    assert after == before, sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    executed = nbformat.read(copy / "outputs" / "notebooks" / "11_council_profile.ipynb", as_version=4)
    assert 'council = "York"' in next(c for c in executed.cells if "parameters" in c.metadata.get("tags", [])).source
