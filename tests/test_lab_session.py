"""A reporter's JupyterLab session cannot break the build (issue 21), end to end, on a copy of the project.

In a real JupyterLab (on 127.0.0.1, driven by Playwright with Debian's chromium) the reporter opens the
council profile, types another council, runs all cells and saves: no error output, a live chart whose
tooltip shows on hover, the run's charts and tables under outputs/runs/. Then another notebook is run in
place with other parameters (as a kernel runs it: no runner, no environment), and a committed chart is
changed by hand. The build afterwards: every committed output is the build's again, byte for byte.
"""

import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat

from conftest import borrowed_environment, share_drawings
from csc_figures import lab, paths, style

CHROMIUM = Path("/usr/bin/chromium")
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith(("CSC_FIGURES_", "MAKE")) and k not in ("MFLAGS", "PYTHONPATH")}
SCREENSHOTS = paths.OUTPUTS / "runs" / "lab_browser"  # not committed: what the test saw, to look at


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _committed(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] != "runs"}


def _wait_for_server(port: int, token: str, server: subprocess.Popen) -> None:
    deadline = time.time() + 90
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status",
                                             headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            assert server.poll() is None, "jupyter lab exited during start-up"
            assert time.time() < deadline, "jupyter lab did not answer within 90 s"
            time.sleep(0.5)


CELL_STATE = """() => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
    const prompt = c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '';
    // Lab renders a traceback as stderr
    const errors = [...document.querySelectorAll(".jp-OutputArea-output[data-mime-type$='stderr'], "
                                                 + ".jp-OutputArea-output[data-mime-type$='error']")];
    const waiting = cells.find(c => !/\\[\\d+\\]/.test(prompt(c)));
    const dialog = document.querySelector('.jp-Dialog');
    return {cells: cells.length, done: cells.filter(c => /\\[\\d+\\]/.test(prompt(c))).length,
            busy: cells.filter(c => prompt(c).includes('*')).length,
            error: errors.length ? errors[0].innerText.slice(0, 2000) : '',
            waiting: waiting ? waiting.querySelector('.cm-content').innerText.slice(0, 300) : '',
            dialog: dialog ? dialog.innerText.slice(0, 500) : ''};
}"""


NO_START_AFTER = 120  # seconds with no cell run: the kernel never answered (CI has seen a kernel hang at start-up)


def _wait_for_every_cell(page, server_log: Path, limit: float = 600, stalled_after: float = 60) -> None:
    """Until every code cell has run. Fails at once on an error output or a dialog, and after `stalled_after`
    seconds with no cell running or finishing (Run All stopped, or never started), naming the cell it waits for.
    A kernel that runs no cell in NO_START_AFTER seconds, or stops with no error and no dialog (CI has seen a
    kernel interrupted at start-up, Run All's queue dropped), is restarted once, with Run All, as a reporter would."""
    began = time.time()
    deadline, last, last_change, restarted = began + limit, None, began, False
    while True:
        state = page.evaluate(CELL_STATE)
        if state["cells"] and state["done"] == state["cells"]:
            return
        progress = (state["done"], state["busy"])
        if progress != last:
            last, last_change = progress, time.time()
        never_started = state["done"] == 0 and time.time() - began > NO_START_AFTER
        stalled = state["busy"] == 0 and time.time() - last_change > stalled_after
        if (never_started or stalled) and not restarted and not state["error"] and not state["dialog"]:
            print(f"{'no cell ran' if never_started else 'Run All stopped with no error'}: restarting the kernel and "
                  f"running all cells", file=sys.stderr)
            page.get_by_role("menuitem", name="Kernel").click()
            page.get_by_role("menuitem", name=re.compile("^Restart Kernel and Run All Cells")).click()
            page.locator(".jp-Dialog .jp-mod-accept").click()
            restarted, last, last_change = True, None, time.time()
            continue
        if state["error"] or state["dialog"] or stalled or time.time() > deadline:
            page.screenshot(path=str(SCREENSHOTS / "run_all_stopped.png"))
            log = server_log.read_text(errors="replace")[-3000:] if server_log.exists() else ""
            raise AssertionError(
                f"Run All did not finish{' (kernel restarted once)' if restarted else ''}: {state['done']} of "
                f"{state['cells']} code cells ran, {state['busy']} running; error output: {state['error']!r}; "
                f"dialog: {state['dialog']!r}; next cell: {state['waiting']!r}\njupyter lab's log ends:\n{log}")
        time.sleep(0.25)


def _parameters(path: Path) -> str:
    cells = nbformat.read(path, as_version=4).cells
    return next(c for c in cells if "parameters" in c.metadata.get("tags", [])).source


def _wait_for_saved(path: Path, text: str, limit: float = 30) -> None:
    """Until Lab's save is on disk, rather than a fixed wait. Jupyter may write the file in place: caught
    mid-write it is empty or cut short (not JSON), which is 'not saved yet', not a failure."""
    deadline = time.time() + limit
    while True:
        try:
            if text in _parameters(path):
                return
        except ValueError:  # nbformat's NotJSONError: the save is being written
            pass
        assert time.time() < deadline, f"Lab did not save {path.name} within {limit:.0f} s"
        time.sleep(0.1)


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


def test_a_lab_session_changes_no_committed_output(tmp_path, browser):
    assert CHROMIUM.exists(), "Debian's chromium is needed at /usr/bin/chromium (apt-get install -y chromium)"
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".make.lock", "*.egg-info", "drawn")
    shutil.copytree(paths.ROOT, copy, ignore=ignore, copy_function=shutil.copy2, symlinks=True)
    share_drawings(copy)  # linked, not copied: the build's kept drawings are hundreds of MB
    borrowed_environment(copy)
    env = {**ENV, "CSC_FIGURES_ROOT": str(copy), "RAW_MIRROR": str(copy / "data" / "raw"),
           "PYTHONPATH": str(copy / "src"), "TZ": "UTC", "LC_ALL": "C.UTF-8", "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    before = _committed(copy / "outputs")
    port, token = _free_port(), secrets.token_hex(16)
    server_log = tmp_path / "jupyter-lab.log"  # its tail goes into a failure's message
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyter")), "lab", *lab.server_arguments(), "--no-browser", "--allow-root",
         "--ip", "127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={copy}"],
        cwd=copy, env=lab.server_environment(env), stdout=server_log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        _wait_for_server(port, token, server)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # the session's Chromium (conftest)
        try:
            page.goto(f"http://127.0.0.1:{port}/lab/tree/notebooks/11_council_profile.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
            # the parameters cell: another council, as a reporter types it
            editor = page.locator(".jp-Notebook .jp-CodeCell").first.locator(".cm-content")
            editor.click()
            page.keyboard.press("Control+a")
            page.keyboard.type('council = "Derby"\nyear = 2025\nvintage = 2025\n')
            typed = editor.inner_text()
            assert 'council = "Derby"' in typed and "vintage = 2025" in typed, f"the parameters cell reads {typed!r}"
            page.get_by_role("menuitem", name="Run").click()
            page.get_by_role("menuitem", name=re.compile("^Run All Cells")).click()
            # every code cell run (7 s alone, longer while the browser suite shares the cores); Lab's Run All stops at
            # a cell's error, so the wait ends there too and says which cell, instead of waiting out its limit
            _wait_for_every_cell(page, server_log)
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                                  ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
            assert errors.count() == 0, errors.first.inner_text()[:2000]
            text = page.locator(".jp-Notebook").inner_text()
            assert "Derby" in text
            # a live chart: Vega's SVG in the page, with a tooltip on hover
            charts = page.locator(".jp-RenderedVegaLite")
            assert charts.count() >= 2, "no live Vega-Lite chart in the notebook"
            chart = charts.nth(1)  # the workforce lines: a point per year, each with a tooltip
            chart.scroll_into_view_if_needed()
            marks = chart.locator("svg g.mark-symbol path")
            assert marks.count() > 0, "the live chart draws no points"
            tooltip = page.locator("#vg-tooltip-element")
            shown = False
            for i in range(min(marks.count(), 30)):
                marks.nth(i).hover(force=True)
                page.wait_for_timeout(150)
                if tooltip.count() and "visible" in (tooltip.get_attribute("class") or "") and tooltip.inner_text().strip():
                    shown = True
                    break
            page.screenshot(path=str(SCREENSHOTS / "tooltip.png"))
            assert shown, "no tooltip appeared over the live chart's points"
            tip = page.locator("#vg-tooltip-element").inner_text()
            font = page.evaluate("() => getComputedStyle(document.querySelector('#vg-tooltip-element')).fontFamily")
            # the charts' titles draw in the house font (lab/config/custom/custom.css), not a fallback
            page.wait_for_function(
                f"""() => [...document.fonts].some(f => f.family.replace(/"/g, '') === '{style.FONT}'
                                                     && f.weight === '700' && f.status === 'loaded')""",
                timeout=20_000)
            # and Lab did not ask to fetch Jupyter news (lab/settings/overrides.json)
            assert page.get_by_text("get notified", exact=False).count() == 0
            page.keyboard.press("Control+s")
            _wait_for_saved(copy / "notebooks" / "11_council_profile.ipynb", 'council = "Derby"')
        finally:
            page.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert 'council = "Derby"' in _parameters(copy / "notebooks" / "11_council_profile.ipynb")
    assert tip and font
    # the run's charts and tables went to outputs/runs/, nothing committed changed
    run_folder = copy / "outputs" / "runs" / "11_council_profile" / "council-Derby_year-2025_vintage-2025"
    assert (run_folder / "figures" / "council_profile" / "derby" / "workforce.svg").exists()
    assert _committed(copy / "outputs") == before

    # a notebook run in place with other parameters, as a kernel runs it
    ran = subprocess.run([str(copy / ".venv" / "bin" / "python"), "-c", IN_PLACE,
                          str(copy / "notebooks" / "15_revisions.ipynb"), str(copy / "notebooks")],
                         cwd=copy / "notebooks", env=env, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr[-3000:]
    in_place = copy / "outputs" / "runs" / "15_revisions" / "top-4"
    assert (in_place / "figures" / "revisions").is_dir() and (in_place / "tables" / "revisions").is_dir()
    assert _committed(copy / "outputs") == before, "the in-place run wrote into a committed folder"

    # a committed chart changed by hand
    chart_file = copy / "outputs" / "figures" / "council_profile" / "derby" / "workforce.svg"
    chart_file.write_text(chart_file.read_text().replace("Derby", "Derbyshire"))

    # the build: published runs with the declared defaults, whatever the saved sources say; the chart repaired.
    # -j2, as on a desk's two cores
    built = subprocess.run(["make", "--no-print-directory", "-j2", "all"], cwd=copy, env=env, capture_output=True,
                           text=True, timeout=1200)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "workforce.svg" in built.stderr  # the repair says why it re-runs
    # the notebook saved from Lab re-ran nothing (csc_figures.as_built): only the half of the councils whose
    # run wrote the chart changed by hand, not the other half or the published York run
    assert "council=831" in built.stdout and "council=839" not in built.stdout, built.stdout[-3000:]
    assert "wrote outputs/notebooks/11_council_profile.ipynb" not in built.stdout, built.stdout[-3000:]
    after = _committed(copy / "outputs")
    assert after == before, sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert 'council = "York"' in _parameters(copy / "outputs" / "notebooks" / "11_council_profile.ipynb")
